"""Split Arabic news text into terms, normalizing first.

Normalization (``normalize.py``) runs before splitting because Python's
``\\w`` does not match harakat: a vocalised word would otherwise fall apart.
A term is one of:

- an abbreviation: single letters of one script joined by dots, with or
  without a space after each dot (``م. ت. ف``, ``م.ت.ف``, ``U.S.A``), becomes
  the letters alone (``متف``, ``usa``).  Single letters separated by spaces
  only (``م ت ف``) stay separate letters: they cannot be told apart from
  detached conjunctions and enumerations;
- a number: ``2015``, ``3.5``; thousands groups lose their commas
  (``1,000,000`` becomes ``1000000``), and any other comma separates;
- a Latin or other non-Arabic word, digits allowed inside (``g20``, ``4g``),
  lowercased;
- a run of Arabic letters.  Digits and Arabic letters separate (``2015م``).

A lone conjunction waw (``و وفقاً``, a common typing habit) is dropped without
taking a position, so it is no term and a phrase over the next word still
matches.
"""

import re

from whoosh.analysis import Token, Tokenizer

from archive.analysis.normalize import WAW, normalize, normalize_with_offsets

_ARABIC_LETTER = (
    "\u0621-\u063f\u0641-\u064a\u066e\u066f\u0671-\u06d3\u06d5\u06ee\u06ef"
    "\u06fa-\u06fc\u06ff\u0750-\u077f\u08a0-\u08c9"
)
# The same letters as a set: in normalized text a run of them is one term.
ARABIC_LETTERS = frozenset(
    chr(code)
    for low, high in re.findall(r"(.)(?:-(.))?", _ARABIC_LETTER)
    for code in range(ord(low), ord(high or low) + 1)
)
# Single Arabic letters joined by dots (the abbreviation alternative below).
ARABIC_ABBREVIATION = re.compile(rf"(?<!\w)[{_ARABIC_LETTER}](?:\.\ ?[{_ARABIC_LETTER}])+(?!\w)")
# Word characters that are neither digits nor anything in the Arabic blocks.
_OTHER_LETTER = r"^\W\d_\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"

# Ordered by frequency: most matches are Arabic words of two letters or more,
# so they are tried first; the abbreviations only start at a single letter.
TERM_PATTERN = re.compile(
    rf"""
    [{_ARABIC_LETTER}]{{2,}}                                        # arabic word
    |\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?(?!\d|,\d)                    # thousands
    |\d+(?:\.\d+)*(?:[{_OTHER_LETTER}](?:[{_OTHER_LETTER}]|\d)*)?     # number, 4g
    |(?<!\w)[{_ARABIC_LETTER}](?:\.\ ?[{_ARABIC_LETTER}])+(?!\w)     # abbreviation
    |[{_ARABIC_LETTER}]                                             # single letter
    |(?<!\w)[{_OTHER_LETTER}](?:\.\ ?[{_OTHER_LETTER}])+(?!\w)       # abbreviation
    |[{_OTHER_LETTER}](?:[{_OTHER_LETTER}]|\d)*                     # latin word
    """,
    re.VERBOSE,
)

_TERM_CACHE_SIZE = 200_000
_term_cache = {}


def _term(match_text):
    if match_text == WAW:
        return ""
    if "," in match_text:
        return match_text.replace(",", "")
    if "." in match_text and not match_text[0].isdigit():
        return match_text.replace(".", "").replace(" ", "").lower()
    return match_text.lower()


def match_term(match_text: str) -> str:
    """Return the term a match of TERM_PATTERN in normalized text stands for ("" for none)."""
    term = _term_cache.get(match_text)
    if term is None:
        if len(_term_cache) >= _TERM_CACHE_SIZE:
            _term_cache.clear()
        term = _term_cache[match_text] = _term(match_text)
    return term


def tokenize_terms(text: str) -> list[str]:
    """Return the terms of text, without offsets (the fast path)."""
    get = _term_cache.get
    terms = [get(match) or match_term(match) for match in TERM_PATTERN.findall(normalize(text))]
    if "" in terms:
        terms = [term for term in terms if term]
    return terms


def tokenize(text: str):
    """Yield (term, start, end) for each term, with offsets into the original text.

    ``text[start:end]`` is the original spelling of the term, harakat,
    tatweel and hamza seats included.
    """
    normalized, offsets = normalize_with_offsets(text)
    for match in TERM_PATTERN.finditer(normalized):
        term = match_term(match.group())
        if not term:
            continue
        first, last = match.span()
        # A ligature expands to several characters with one original index,
        # so a term inside it still needs a span of at least that character.
        yield term, offsets[first], max(offsets[last], offsets[last - 1] + 1)


class ArabicTokenizer(Tokenizer):
    """Normalize Arabic text and split it into terms (see the module docstring).

    Honours Whoosh's tokenizer arguments like ``RegexTokenizer``; character
    offsets (``chars=True``) point into the original, unnormalized text.

    >>> [t.text for t in ArabicTokenizer()("قالَ رئيسُ م. ت. ف و وفقاً 1,000")]
    ['قال', 'رءيس', 'متف', 'وفقا', '1000']
    """

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        assert isinstance(value, str), f"{value!r} is not a str"
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = normalize(value).lower()
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(value)
            yield token
        elif chars:
            pos = start_pos
            for term, start, end in _tokenize(value):
                token.text = term
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = value[start:end]
                if positions:
                    token.pos = pos
                    pos += 1
                token.startchar = start_char + start
                token.endchar = start_char + end
                yield token
        else:
            # The indexing path: no offset map, one cache lookup per word.
            pos = start_pos
            for term in tokenize_terms(value):
                token.text = term
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = term
                if positions:
                    token.pos = pos
                    pos += 1
                yield token


# ArabicTokenizer.__call__ takes Whoosh's ``tokenize`` argument, which hides
# the module function of that name.
_tokenize = tokenize
