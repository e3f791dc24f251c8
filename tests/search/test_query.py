"""The query language parser: every input becomes a tree or nothing, never an error."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.search.query import MAX_CLAUSES, Group, Must, Not, Phrase, Word, clause_count, force_exact, parse


def test_plain_words_sit_side_by_side():
    assert parse("وزير الخارجية") == Group("default", (Word("وزير"), Word("الخارجية")))


def test_quoted_text_is_a_phrase():
    assert parse('"رئيس المكتب السياسي"') == Group("default", (Phrase("رئيس المكتب السياسي"),))


def test_arabic_guillemets_make_a_phrase():
    assert parse("«المسجد الأقصى»") == Group("default", (Phrase("المسجد الأقصى"),))


def test_unbalanced_quote_runs_to_the_end():
    assert parse('غزة "قطاع غزة') == Group("default", (Word("غزة"), Phrase("قطاع غزة")))


def test_and_makes_every_word_required():
    assert parse("حماس AND الجهاد") == Group("and", (Word("حماس"), Word("الجهاد")))


def test_or_joins_alternatives():
    assert parse("القاهرة OR دمشق") == Group("or", (Group("default", (Word("القاهرة"),)), Group("default", (Word("دمشق"),))))


def test_not_and_minus_exclude():
    assert parse("حماس NOT الجهاد") == Group("default", (Word("حماس"), Not(Word("الجهاد"))))
    assert parse("حماس -الجهاد") == Group("default", (Word("حماس"), Not(Word("الجهاد"))))


def test_plus_requires():
    assert parse("+غزة الضفة") == Group("default", (Must(Word("غزة")), Word("الضفة")))


def test_star_asks_for_a_prefix():
    assert parse("فلسط*") == Group("default", (Word("فلسط", prefix=True),))


def test_equals_asks_for_the_exact_form():
    assert parse("=فلسطين") == Group("default", (Word("فلسطين", exact=True),))


def test_field_prefixes_in_english_and_arabic():
    assert parse("title:القاهرة") == Group("default", (Word("القاهرة", field="title"),))
    assert parse("مصدر:الوادي") == Group("default", (Word("الوادي", field="source"),))
    assert parse('title:"المسجد الأقصى"') == Group("default", (Phrase("المسجد الأقصى", field="title"),))


def test_unknown_field_name_is_just_a_word():
    assert parse("http://example.org") == Group("default", (Word("http://example.org"),))


def test_parentheses_group_and_require_all_inside():
    tree = parse("(غزة الضفة) OR القدس")
    assert tree == Group("or", (Group("and", (Word("غزة"), Word("الضفة"))), Group("default", (Word("القدس"),))))


@pytest.mark.parametrize("text", ["", "   ", "AND", "OR NOT", "((( )))", '"', "-", "*", "+ - = *"])
def test_inputs_without_words_give_nothing(text):
    assert parse(text) is None


def test_stray_closing_parenthesis_is_ignored():
    assert parse("غزة) القدس") == Group("default", (Group("default", (Word("غزة"),)), Group("default", (Word("القدس"),))))


def test_deep_nesting_is_bounded():
    assert parse("(" * 5000 + "غزة" + ")" * 5000) is not None


def test_clause_count_is_bounded():
    tree = parse(" ".join(f"كلمة{i}" for i in range(500)))
    assert clause_count(tree) == MAX_CLAUSES


def test_force_exact_marks_every_leaf():
    tree = force_exact(parse('غزة "قطاع غزة" -القدس'))
    assert tree == Group(
        "default", (Word("غزة", exact=True), Phrase("قطاع غزة", exact=True), Not(Word("القدس", exact=True)))
    )


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses_without_error(text):
    parse(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(['"', "(", ")", "AND", "OR", "NOT", "-", "+", "=", "*", ":", "title:", "غزة", "«", "»", " "]), max_size=40))
def test_operator_soup_parses_without_error(parts):
    parse("".join(parts))
