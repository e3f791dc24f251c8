"""Highlighting marks the original text, exactly on the words that matched."""

from archive.analysis.analyzers import analyze_terms
from archive.search.highlight import Highlighter


def stems(*words):
    return {term for word in words for term in analyze_terms(word)}


def marked(html):
    import re

    return re.findall(r"<mark[^>]*>(.*?)</mark>", str(html))


def test_vocalised_word_is_marked_with_its_diacritics():
    text = "قالَ الفِلَسطِينيّونَ إنَّ"
    assert marked(Highlighter(stems=stems("فلسطين")).mark(text)) == ["الفِلَسطِينيّونَ"]


def test_tatweel_and_hamza_spellings_are_marked_as_written():
    text = "المسجد الأقصـــى و الاقصى و الأقصى"
    assert marked(Highlighter(stems=stems("الاقصى")).mark(text)) == ["الأقصـــى", "الاقصى", "الأقصى"]


def test_clitics_are_marked_with_the_word():
    text = "وبالكتاب وللكتاب كتابهم"
    assert marked(Highlighter(stems=stems("كتاب")).mark(text)) == ["وبالكتاب", "وللكتاب", "كتابهم"]


def test_words_that_only_look_alike_are_not_marked():
    text = "وزير الخارجية و زير"
    assert marked(Highlighter(stems=stems("زير")).mark(text)) == ["زير"]


def test_phrase_is_marked_only_where_its_words_follow_each_other():
    terms = tuple(analyze_terms("رئيس المكتب"))
    text = "رئيس المكتب السياسي، ثم المكتب وحده ورئيس البلدية"
    assert marked(Highlighter(phrases=[(False, terms)]).mark(text)) == ["رئيس", "المكتب"]


def test_exact_form_marks_only_that_form():
    text = "فلسطين والفلسطينيون"
    assert marked(Highlighter(exacts={"فلسطين"}).mark(text)) == ["فلسطين"]


def test_prefix_marks_words_beginning_so():
    text = "الفلسطينيون فلسطينية فلسفة"
    assert marked(Highlighter(prefixes=("فلسطين", "الفلسطين")).mark(text)) == ["الفلسطينيون", "فلسطينية"]


def test_marks_are_numbered_across_texts():
    highlighter = Highlighter(stems=stems("غزة"))
    numbering = [0]
    first = highlighter.mark("غزة", numbering)
    second = highlighter.mark("قطاع غزة وغزة", numbering)
    assert 'id="hit-1"' in first and 'id="hit-3"' in second and numbering == [3]


def test_text_around_marks_is_escaped():
    html = str(Highlighter(stems=stems("غزة")).mark('<script>alert("x")</script> غزة'))
    assert "<script>" not in html and "&lt;script&gt;" in html and "<mark>غزة</mark>" in html


def test_fragments_show_context_around_matches_in_several_paragraphs():
    filler = "كلام عادي " * 40
    body = f"{filler}\n\nفي قطاع غزة اليوم {filler}\n\n{filler}\n\nعاد أهل غزة إلى بيوتهم"
    fragments = Highlighter(stems=stems("غزة")).fragments(body)
    assert len(fragments) == 2
    assert all("<mark>غزة</mark>" in fragment for fragment in fragments)
    assert fragments[0].startswith("…") or fragments[0].startswith("في")


def test_a_word_repeated_through_a_paragraph_gives_short_fragments():
    import re

    from archive.search.highlight import MAX_FRAGMENT_CHARS

    body = " ".join(f"قالت المرأة {n} كلاما عن النساء في المدينة" for n in range(60))
    fragments = Highlighter(stems=stems("المرأة")).fragments(body)
    assert len(fragments) == 3
    texts = [re.sub(r"<[^>]+>|…", "", str(fragment)).strip() for fragment in fragments]
    # Bounded: a full fragment's last match may bring its context (a word boundary) with it.
    assert all(len(text) <= MAX_FRAGMENT_CHARS + 120 for text in texts)
    assert all(marked(fragment) for fragment in fragments)
    assert len(set(texts)) == 3


def test_no_fragments_without_a_match():
    assert Highlighter(stems=stems("غزة")).fragments("نص لا يذكرها") == []


def test_latin_numbers_and_abbreviations_are_still_marked():
    assert marked(Highlighter(stems={"bbc"}).mark("قالت BBC اليوم")) == ["BBC"]
    assert marked(Highlighter(stems={"1000"}).mark("نحو 1,000 شخص")) == ["1,000"]
    assert marked(Highlighter(stems={"متف"}).mark("منظمة م. ت. ف اليوم")) == ["م. ت. ف"]


def test_irregular_family_is_marked():
    assert marked(Highlighter(stems=stems("الله")).mark("الحمد لله")) == ["لله"]


def test_marks_found_from_probes_equal_marks_found_token_by_token(seed_path):
    # The fast path analyzes only the words around probe occurrences; it must mark
    # exactly what analyzing every token marks, for every word of a real article.
    from archive.analysis.tokenize import tokenize

    text = seed_path.read_text(encoding="utf-8") + "\nقالَ الرئيـــس: إنّ المسؤولين والمسئولين في غزة"
    words = sorted({text[start:end] for _term, start, end in tokenize(text)})
    checked = 0
    for word in words:
        for highlighter in (Highlighter(stems=stems(word)), Highlighter(exacts=set(analyze_terms(word, exact=True)))):
            fast = highlighter._word_spans(text)
            if fast is None or not highlighter:
                continue
            assert fast == highlighter._token_spans(text), word
            checked += 1
    assert checked > 300


def test_abbreviation_is_marked_among_other_words_by_the_fast_path():
    highlighter = Highlighter(stems=stems("م.ت.ف") | stems("القيادة"))
    text = "قالت القيادة إن م. ت. ف. ستجتمع. وقالت القيادات أيضا."
    assert highlighter._word_spans(text) == highlighter._token_spans(text)
    assert marked(highlighter.mark(text)) == ["القيادة", "م. ت. ف", "القيادات"]
