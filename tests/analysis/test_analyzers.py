import pickle

import pytest
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.index import create_in
from whoosh.qparser import QueryParser

from archive.analysis.analyzers import ArabicAnalyzer, ArabicExactAnalyzer, analyze_terms
from tests.analysis.shared_data import lucene_cases, seed_text


def test_stemmed_analyzer_normalizes_drops_stop_words_and_stems():
    assert analyze_terms("وَقالَ إنَّ الفلسطينيين في المدينة") == ["قال", "فلسط", "مدين"]


def test_exact_analyzer_normalizes_and_drops_stop_words_without_stemming():
    assert analyze_terms("وَقالَ إنَّ الفلسطينيين", exact=True) == ["وقال", "الفلسطينيين"]


def test_both_analyzers_lowercase_latin():
    assert analyze_terms("BBC") == analyze_terms("BBC", exact=True) == ["bbc"]


def test_analyze_terms_of_empty_text():
    assert analyze_terms("") == analyze_terms("", exact=True) == []


@pytest.mark.parametrize("factory", [ArabicAnalyzer, ArabicExactAnalyzer])
def test_analyzers_survive_pickling(factory):
    analyzer = factory()
    restored = pickle.loads(pickle.dumps(analyzer, 2))
    assert restored == analyzer
    assert [t.text for t in restored("والكتاب")] == [t.text for t in analyzer("والكتاب")]


def test_analyzers_are_equal_to_fresh_ones_and_not_to_each_other():
    assert ArabicAnalyzer() == ArabicAnalyzer()
    assert ArabicExactAnalyzer() == ArabicExactAnalyzer()
    assert ArabicAnalyzer() != ArabicExactAnalyzer()


def schema():
    return Schema(
        id=ID(stored=True),
        text=TEXT(analyzer=ArabicAnalyzer()),
        exact=TEXT(analyzer=ArabicExactAnalyzer()),
    )


DOCUMENTS = {
    "1": "أكدت الحركتان على العلاقة الاستراتيجية و وفقاً لبيان مشترك",
    "2": "وزير الخارجية الفلسطيني في القاهرة",
    "3": "مكتبة المدرسة الجديدة",
}


def fill(index):
    writer = index.writer()
    for doc_id, text in DOCUMENTS.items():
        writer.add_document(id=doc_id, text=text, exact=text)
    writer.commit()


def search(index, field, query):
    with index.searcher() as searcher:
        parsed = QueryParser(field, index.schema).parse(query)
        return sorted(hit["id"] for hit in searcher.search(parsed))


@pytest.fixture(params=["ram", "disk"])
def index(request, tmp_path):
    if request.param == "ram":
        index = RamStorage().create_index(schema())
    else:
        index = create_in(str(tmp_path), schema())
    fill(index)
    return index


def test_index_finds_other_forms_of_a_word(index):
    assert search(index, "text", "الفلسطينيين") == ["2"]
    assert search(index, "text", "علاقات") == ["1"]


def test_index_finds_vocalised_queries(index):
    assert search(index, "text", "وَزِيرُ") == ["2"]


def test_exact_field_keeps_forms_apart(index):
    assert search(index, "exact", "الفلسطينيين") == []
    assert search(index, "exact", "الفلسطيني") == ["2"]


def test_phrase_matches_across_a_detached_conjunction(index):
    assert search(index, "text", '"الاستراتيجية وفقا"') == ["1"]
    assert search(index, "exact", '"الاستراتيجيه وفقا"') == ["1"]


def test_phrase_matches_across_a_stop_word(index):
    assert search(index, "text", '"الفلسطيني القاهرة"') == ["2"]


def test_stored_schema_analyzers_equal_the_code(index):
    stored = index.schema
    assert stored["text"].analyzer == ArabicAnalyzer()
    assert stored["exact"].analyzer == ArabicExactAnalyzer()


def test_highlight_offsets_point_into_the_original_text():
    text = "قالَ الوزيرُ الفلسطينيُّ"
    tokens = [(t.text, text[t.startchar : t.endchar]) for t in ArabicAnalyzer()(text, chars=True)]
    assert tokens == [("قال", "قالَ"), ("وزير", "الوزيرُ"), ("فلسط", "الفلسطينيُّ")]


SHARED_LUCENE_ANALYZER_CASES = {
    f"TestArabicAnalyzer.testBasicFeatures#{number}" for number in (1, 2, 3, 4, 7, 8)
} | {"TestArabicAnalyzer.testEnglishInput", "TestArabicAnalyzer.testReusableTokenStream#1"}


@pytest.mark.parametrize(
    "name, text, expected",
    [case for case in lucene_cases("TestArabicAnalyzer") if case[0] in SHARED_LUCENE_ANALYZER_CASES],
)
def test_lucene_analyzer_cases_the_archive_shares(name, text, expected):
    assert " ".join(analyze_terms(text)) == expected


@pytest.mark.skipif(seed_text() is None, reason="../shared is not available")
def test_seed_article_terms():
    terms = analyze_terms(seed_text())
    assert "متف" in terms
    assert terms.count("فلسط") >= 8
    assert "و" not in terms and "في" not in terms


def chain_tokens(text, **kwargs):
    plain = CompositeAnalyzer(*ArabicAnalyzer().items)
    return [(t.text, t.pos) for t in plain(text, positions=True, **kwargs)]


def fused_tokens(text, **kwargs):
    return [(t.text, t.pos) for t in ArabicAnalyzer()(text, positions=True, **kwargs)]


def test_fused_indexing_path_equals_the_chain():
    text = "في وقالَ إنَّ م. ت. ف و وفقاً 1,000 BBC في الكتـــاب الفلسطينيين"
    assert fused_tokens(text) == chain_tokens(text)
    assert fused_tokens(text, start_pos=7) == chain_tokens(text, start_pos=7)


@pytest.mark.skipif(seed_text() is None, reason="../shared is not available")
def test_fused_indexing_path_equals_the_chain_on_the_seed_article():
    assert fused_tokens(seed_text()) == chain_tokens(seed_text())


def test_analyzer_with_another_chain_runs_the_chain():
    analyzer = ArabicAnalyzer()
    analyzer.items = analyzer.items[:2]
    assert [t.text for t in analyzer("والكتاب في")] == ["والكتاب"]


def test_analyzer_accepts_every_whoosh_tokenizer_argument():
    tokens = ArabicAnalyzer()("والكتاب", positions=True, start_pos=3, start_char=5, mode="query", boosts=True)
    assert [(t.text, t.pos, t.mode) for t in tokens] == [("كتاب", 3, "query")]
