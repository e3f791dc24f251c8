import doctest

import pytest
from whoosh.analysis import Token

from archive.analysis import tokenize as tokenize_module
from archive.analysis.tokenize import ArabicTokenizer, tokenize, tokenize_terms
from tests.analysis.shared_data import seed_text


def spans(text):
    return [(term, text[start:end]) for term, start, end in tokenize(text)]


def test_vocalised_words_stay_whole():
    assert tokenize_terms("كَتَبَ الْمُعَلِّمُ كِتَابًا") == ["كتب", "المعلم", "كتابا"]


def test_tatweel_does_not_split_a_word():
    assert tokenize_terms("العربيـــة") == ["العربيه"]


def test_arabic_punctuation_separates():
    assert tokenize_terms("غزة،القدس؛رام الله؟«حماس»") == ["غزه", "القدس", "رام", "الله", "حماس"]


def test_latin_words_are_lowercased():
    assert tokenize_terms("BBC News و CNN") == ["bbc", "news", "cnn"]


def test_latin_words_keep_their_digits():
    assert tokenize_terms("G20 4G covid-19") == ["g20", "4g", "covid", "19"]


def test_years_and_decimals_stay_whole():
    assert tokenize_terms("عام 2015 بنسبة 3.5") == ["عام", "2015", "بنسبه", "3.5"]


def test_thousands_separators_are_dropped():
    assert tokenize_terms("1,000 و1,000,000 دولار") == ["1000", "1000000", "دولار"]


def test_other_commas_separate_numbers():
    assert tokenize_terms("1,2 و 1,0000") == ["1", "2", "1", "0000"]


def test_arabic_indic_numbers_become_ascii_numbers():
    assert tokenize_terms("١٬٠٠٠ و ٣٫٥") == ["1000", "3.5"]


def test_digits_and_arabic_letters_separate():
    assert tokenize_terms("2015م") == ["2015", "م"]


def test_detached_conjunction_is_no_term():
    assert tokenize_terms("و وفقاً لبيان مشترك") == ["وفقا", "لبيان", "مشترك"]


def test_detached_conjunction_takes_no_position():
    tokens = [(t.text, t.pos) for t in ArabicTokenizer()("البيان و وفقاً", positions=True)]
    assert tokens == [("البيان", 0), ("وفقا", 1)]


def test_attached_conjunction_stays_in_the_word():
    assert tokenize_terms("ووفقاً") == ["ووفقا"]


@pytest.mark.parametrize("text", ["م. ت. ف", "م.ت.ف", "م.ت.ف.", "م. ت.ف"])
def test_dotted_abbreviation_is_one_term(text):
    assert tokenize_terms(f"بناء {text} على") == ["بناء", "متف", "علي"]


def test_abbreviation_letters_separated_by_spaces_only_stay_letters():
    assert tokenize_terms("م ت ف") == ["م", "ت", "ف"]


def test_single_letter_before_a_word_is_no_abbreviation():
    assert tokenize_terms("د.محمد") == ["د", "محمد"]


def test_latin_dotted_abbreviation_is_one_term():
    assert tokenize_terms("U.S.A. و U.N") == ["usa", "un"]


def test_offsets_map_back_to_the_vocalised_original():
    text = "قالَ الرَّئِيسُ: «الْعَلاقَةُ الاستراتيجيـــة»"
    assert spans(text) == [
        ("قال", "قالَ"),
        ("الرءيس", "الرَّئِيسُ"),
        ("العلاقه", "الْعَلاقَةُ"),
        ("الاستراتيجيه", "الاستراتيجيـــة"),
    ]


def test_offsets_of_abbreviations_and_numbers():
    text = "م. ت. ف و١٬٠٠٠"
    assert spans(text) == [("متف", "م. ت. ف"), ("1000", "١٬٠٠٠")]


def test_offsets_inside_a_word_ligature_cover_the_ligature():
    assert spans("ﷺ") == [("صلي", "ﷺ"), ("الله", "ﷺ"), ("عليه", "ﷺ"), ("وسلم", "ﷺ")]


def test_tokenizer_positions_and_characters():
    tokens = [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in ArabicTokenizer()("قالَ الرئيس", positions=True, chars=True, start_pos=5, start_char=10)
    ]
    assert tokens == [("قال", 5, 10, 14), ("الرءيس", 6, 15, 21)]


def test_tokenizer_keeps_the_original_spelling_with_chars():
    tokens = ArabicTokenizer()("الكِتابُ", chars=True, keeporiginal=True)
    assert [(t.text, t.original) for t in tokens] == [("الكتاب", "الكِتابُ")]


def test_tokenizer_without_tokenize_yields_the_whole_value():
    tokens = list(ArabicTokenizer()("الكِتابُ الجديد", tokenize=False, chars=True))
    assert [(t.text, t.startchar, t.endchar) for t in tokens] == [("الكتاب الجديد", 0, 15)]


def test_tokenizer_passes_mode_and_removestops_on():
    token = next(ArabicTokenizer()("كتاب", mode="query", removestops=False))
    assert isinstance(token, Token)
    assert (token.mode, token.removestops) == ("query", False)


def test_tokenizer_fast_and_offset_paths_give_the_same_terms():
    text = "كَتَبَ و وفقاً م. ت. ف 1,000 BBC ﻻ الكتـــاب"
    fast = [t.text for t in ArabicTokenizer()(text)]
    slow = [t.text for t in ArabicTokenizer()(text, chars=True)]
    assert fast == slow == tokenize_terms(text) == [term for term, _, _ in tokenize(text)]


def test_tokenizers_are_equal():
    assert ArabicTokenizer() == ArabicTokenizer()


@pytest.mark.skipif(seed_text() is None, reason="../shared is not available")
def test_seed_article_offsets_map_back_exactly():
    text = seed_text()
    terms = tokenize_terms(text)
    located = list(tokenize(text))
    assert [term for term, _, _ in located] == terms
    assert "متف" in terms
    for term, start, end in located:
        assert tokenize_terms(text[start:end]) == [term]


def test_doctests():
    assert doctest.testmod(tokenize_module).failed == 0
