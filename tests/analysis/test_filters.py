import doctest
import pickle

import pytest
from whoosh.analysis import SpaceSeparatedTokenizer

from archive.analysis import filters
from archive.analysis.filters import ArabicNormalizationFilter, ArabicStemFilter, ArabicStopFilter
from archive.analysis.tokenize import ArabicTokenizer


def texts(analyzer, text, **kwargs):
    return [token.text for token in analyzer(text, **kwargs)]


def test_doctests():
    assert doctest.testmod(filters).failed == 0


def test_normalization_filter_normalizes_each_token():
    analyzer = SpaceSeparatedTokenizer() | ArabicNormalizationFilter()
    assert texts(analyzer, "الكتـــابُ أحمد") == ["الكتاب", "احمد"]


def test_stop_filter_drops_stop_words():
    analyzer = ArabicTokenizer() | ArabicStopFilter()
    assert texts(analyzer, "ما هي عاصمة فلسطين؟") == ["عاصمه", "فلسطين"]


def test_stop_filter_renumbers_positions():
    analyzer = ArabicTokenizer() | ArabicStopFilter()
    tokens = [(t.text, t.pos) for t in analyzer("عاصمة في فلسطين", positions=True)]
    assert tokens == [("عاصمه", 0), ("فلسطين", 1)]


def test_stop_filter_marks_stop_words_when_asked_to_keep_them():
    analyzer = ArabicTokenizer() | ArabicStopFilter()
    tokens = [(t.text, t.stopped) for t in analyzer("في فلسطين", removestops=False)]
    assert tokens == [("في", True), ("فلسطين", False)]


def test_stop_filter_takes_a_custom_list():
    analyzer = ArabicTokenizer() | ArabicStopFilter(stoplist={"فلسطين"})
    assert texts(analyzer, "في فلسطين") == ["في"]


def test_stem_filter_stems_each_token():
    analyzer = ArabicTokenizer() | ArabicStemFilter()
    assert texts(analyzer, "والكتاب الفلسطينيين 2015 BBC") == ["كتاب", "فلسط", "2015", "bbc"]


def test_stem_filter_leaves_stopped_tokens_alone():
    analyzer = ArabicTokenizer() | ArabicStopFilter() | ArabicStemFilter()
    assert texts(analyzer, "الذين", removestops=False) == ["الذين"]


def test_stem_filter_is_skipped_without_morphology():
    analyzer = ArabicTokenizer() | ArabicStemFilter()
    assert texts(analyzer, "والكتاب", no_morph=True) == ["والكتاب"]


@pytest.mark.parametrize(
    "component",
    [ArabicTokenizer(), ArabicNormalizationFilter(), ArabicStopFilter(), ArabicStemFilter()],
)
def test_components_survive_pickling(component):
    assert pickle.loads(pickle.dumps(component, 2)) == component


def test_filters_compare_by_configuration():
    assert ArabicStopFilter() == ArabicStopFilter()
    assert ArabicStopFilter() != ArabicStopFilter(stoplist={"في"})
    assert ArabicStopFilter() != ArabicStopFilter(renumber=False)
    assert ArabicStemFilter() == ArabicStemFilter()
    assert ArabicStemFilter() != ArabicNormalizationFilter()
