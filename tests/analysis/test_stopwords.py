import pytest

from archive.analysis.normalize import normalize
from archive.analysis.stopwords import STOP_WORDS
from tests.analysis.shared_data import LUCENE_STOPWORDS


def test_stop_words_are_normalized():
    assert all(normalize(word) == word for word in STOP_WORDS)


@pytest.mark.skipif(not LUCENE_STOPWORDS.exists(), reason="../shared is not available")
def test_lucene_stop_words_are_all_stop_words_once_normalized():
    lines = LUCENE_STOPWORDS.read_text(encoding="utf-8").splitlines()
    words = {normalize(line.strip()) for line in lines if line.strip() and not line.startswith("#")}
    assert words <= STOP_WORDS


@pytest.mark.parametrize("word", ["ما", "ماذا", "متى", "أين", "كيف", "لماذا", "هل", "كم", "ماهي", "بماذا"])
def test_question_words_are_stop_words(word):
    assert normalize(word) in STOP_WORDS


@pytest.mark.parametrize("word", ["وفي", "فإن", "وعلى", "والتي", "ومن", "فقد", "وهو"])
def test_function_words_with_an_attached_conjunction_are_stop_words(word):
    assert normalize(word) in STOP_WORDS


@pytest.mark.parametrize("word", ["هؤلاء", "أولئك", "إلى", "التى", "تم"])
def test_hamza_and_yeh_spellings_are_covered_by_normalization(word):
    assert normalize(word) in STOP_WORDS


def test_single_letters_are_stop_words():
    assert {"م", "ه", "ب"} <= STOP_WORDS


@pytest.mark.parametrize(
    "word", ["قال", "اليوم", "أمس", "عام", "الله", "رئيس", "فهم", "وزير", "الحكومة", "نفس", "بن"]
)
def test_content_words_are_not_stop_words(word):
    assert normalize(word) not in STOP_WORDS
