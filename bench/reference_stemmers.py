"""Reference Arabic stemmers and analyzers for the retrieval evaluation.

- ``lucene_normalize`` and ``light10_stem`` follow Lucene's
  ``ArabicNormalizer`` and ``ArabicStemmer`` (Light10 tables and guards).
- ``LuceneArabicAnalyzer()`` chains them the way Lucene's ``ArabicAnalyzer``
  does: tokenizer, lowercase, digits, stop words (before normalization, with
  Lucene's list read from ../shared), normalization, stemmer.
- Snowball (PyStemmer) and ISRI (nltk) are wrapped as Whoosh filters.

Filters are module-level classes because Whoosh pickles analyzers.
"""

import os
from pathlib import Path

import Stemmer
from nltk.stem.isri import ISRIStemmer
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StopFilter

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ARCHIVE_SHARED_DIR") or REPO / ".." / "shared")
LUCENE_STOPWORDS_FILE = SHARED / "eval" / "lucene_arabic" / "lucene_arabic_stopwords.txt"

ALEF = "\u0627"
ALEF_MADDA = "\u0622"
ALEF_HAMZA_ABOVE = "\u0623"
ALEF_HAMZA_BELOW = "\u0625"
YEH = "\u064A"
DOTLESS_YEH = "\u0649"
TEH_MARBUTA = "\u0629"
HEH = "\u0647"
TATWEEL = "\u0640"
BEH = "\u0628"
FEH = "\u0641"
KAF = "\u0643"
LAM = "\u0644"
NOON = "\u0646"
TEH = "\u062A"
WAW = "\u0648"

_LUCENE_NORMALIZATION = {
    ord(ALEF_MADDA): ALEF,
    ord(ALEF_HAMZA_ABOVE): ALEF,
    ord(ALEF_HAMZA_BELOW): ALEF,
    ord(DOTLESS_YEH): YEH,
    ord(TEH_MARBUTA): HEH,
    ord(TATWEEL): None,
    **dict.fromkeys(range(0x064B, 0x0653)),  # fathatan .. sukun
}

LIGHT10_PREFIXES = (
    ALEF + LAM,
    WAW + ALEF + LAM,
    BEH + ALEF + LAM,
    KAF + ALEF + LAM,
    FEH + ALEF + LAM,
    LAM + LAM,
    WAW,
)
LIGHT10_SUFFIXES = (
    HEH + ALEF,
    ALEF + NOON,
    ALEF + TEH,
    WAW + NOON,
    YEH + NOON,
    YEH + HEH,
    YEH + TEH_MARBUTA,
    HEH,
    TEH_MARBUTA,
    YEH,
)


def lucene_normalize(word):
    """Apply Lucene's ArabicNormalizer rules to word."""
    return word.translate(_LUCENE_NORMALIZATION)


def light10_stem(word):
    """Stem word like Lucene's ArabicStemmer: one prefix, then every suffix in table order."""
    for prefix in LIGHT10_PREFIXES:
        # A one-letter prefix (waw) needs a word of four letters, the others
        # leave at least two.
        minimum = 4 if len(prefix) == 1 else len(prefix) + 2
        if len(word) >= minimum and word.startswith(prefix):
            word = word[len(prefix):]
            break
    for suffix in LIGHT10_SUFFIXES:
        if len(word) >= len(suffix) + 2 and word.endswith(suffix):
            word = word[: -len(suffix)]
    return word


def lucene_stopwords():
    """Return Lucene's Arabic stop words (unnormalized, as Lucene uses them)."""
    lines = LUCENE_STOPWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


class _WordFilter(Filter):
    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens):
        cache = {}
        for token in tokens:
            text = token.text
            result = cache.get(text)
            if result is None:
                result = cache[text] = self.transform(text)
            token.text = result
            yield token


class LuceneDigitFilter(_WordFilter):
    """Turn any Unicode decimal digit into its ASCII digit (Lucene's DecimalDigitFilter)."""

    def transform(self, text):
        return "".join(str(int(char)) if char.isdecimal() else char for char in text)


class LuceneNormalizationFilter(_WordFilter):
    """Apply ``lucene_normalize`` to each token."""

    def transform(self, text):
        return lucene_normalize(text)


class Light10StemFilter(_WordFilter):
    """Apply ``light10_stem`` to each token."""

    def transform(self, text):
        return light10_stem(text)


class SnowballStemFilter(_WordFilter):
    """Apply Snowball's Arabic stemmer (PyStemmer) to each token."""

    def transform(self, text):
        return _snowball().stemWord(text)


class IsriStemFilter(_WordFilter):
    """Apply nltk's ISRI root stemmer to each token."""

    def transform(self, text):
        return _isri().stem(text)


_stemmers = {}


def _snowball():
    if "snowball" not in _stemmers:
        _stemmers["snowball"] = Stemmer.Stemmer("arabic")
    return _stemmers["snowball"]


def _isri():
    if "isri" not in _stemmers:
        _stemmers["isri"] = ISRIStemmer()
    return _stemmers["isri"]


def snowball_stem(word):
    """Return Snowball's Arabic stem of word."""
    return _snowball().stemWord(word)


def isri_stem(word):
    """Return nltk's ISRI stem of word."""
    return _isri().stem(word)


# Lucene's StandardTokenizer keeps combining marks inside a word.
LUCENE_TOKEN_PATTERN = r"[\w\u0610-\u061a\u064b-\u065f\u0670\u0640]+"


def LuceneArabicAnalyzer():
    """Return Lucene's ArabicAnalyzer chain built from Whoosh parts."""
    return (
        RegexTokenizer(LUCENE_TOKEN_PATTERN)
        | LowercaseFilter()
        | LuceneDigitFilter()
        | StopFilter(stoplist=lucene_stopwords(), minsize=1)
        | LuceneNormalizationFilter()
        | Light10StemFilter()
    )
