"""The archive's Whoosh analyzers, the same at index and at query time.

Any change here or in the modules it uses changes the indexed terms: run
``rebuild_index`` afterwards.
"""

from whoosh.analysis import Token
from whoosh.analysis.analyzers import CompositeAnalyzer

from archive.analysis.filters import ArabicStemFilter, ArabicStopFilter
from archive.analysis.normalize import normalize
from archive.analysis.stem import stem
from archive.analysis.stopwords import STOP_WORDS
from archive.analysis.tokenize import TERM_PATTERN, ArabicTokenizer, match_term

_INDEX_CACHE_SIZE = 300_000


class ArabicStemmingAnalyzer(CompositeAnalyzer):
    """The stemmed field's chain (tokenizer, stop filter, stemmer), with a fused indexing path.

    Indexing and query parsing ask for terms and positions only; for that
    case one loop with one cache lookup per word does what the chain's three
    generators do, with the same result, in about two thirds of the time.
    Every other call (character offsets, kept stop words, no morphology, a
    changed chain) runs the chain itself.
    """

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True,
                 no_morph=False, **kwargs):
        chain = None
        if not (chars or keeporiginal or not removestops or not tokenize or no_morph):
            chain = fused_chain(self)
        if chain is None:
            return super().__call__(
                value, positions=positions, chars=chars, keeporiginal=keeporiginal,
                removestops=removestops, start_pos=start_pos, start_char=start_char,
                tokenize=tokenize, no_morph=no_morph, **kwargs,
            )
        return self._index_tokens(value, positions, start_pos, kwargs, chain)

    def _index_tokens(self, value, positions, start_pos, kwargs, chain):
        first, terms = indexed_terms(value, **chain)
        token = Token(positions, False, **kwargs)
        pos = start_pos + first
        for term in terms:
            token.text = term
            token.pos = pos
            pos += 1
            yield token



def ArabicAnalyzer(stoplist=STOP_WORDS):
    """Return the analyzer of the stemmed text field."""
    # The order matters.  Normalization runs inside the tokenizer, before
    # splitting, because harakat would otherwise split words; the tokenizer
    # also lowercases Latin words (Arabic has no case).  Stop words go next:
    # the list is normalized, and a stop word must be caught before stemming
    # can turn it into something else or a content word into a stop word.
    # The stemmer comes last.
    return ArabicStemmingAnalyzer(ArabicTokenizer(), ArabicStopFilter(stoplist), ArabicStemFilter())


def ArabicExactAnalyzer(stoplist=STOP_WORDS):
    """Return the analyzer of the exact-form field: normalized terms, stop words dropped.

    The exact-form field serves ``=word``, the "exact forms only" switch, prefix
    expansion, "did you mean" and a ranking bonus for the form typed: stop words
    help none of them and would make up about a third of its postings.
    """
    return CompositeAnalyzer(ArabicTokenizer(), ArabicStopFilter(stoplist))


def fused_chain(analyzer):
    """Return indexed_terms' arguments that reproduce the analyzer, or None if it is another chain.

    The analyzer may be one unpickled from an index's schema: its class and
    filters are checked, not its identity.
    """
    items = getattr(analyzer, "items", None)
    if not items or type(items[0]) is not ArabicTokenizer or len(items) not in (2, 3):
        return None
    stop = items[1]
    if type(stop) is not ArabicStopFilter or not stop.renumber:
        return None
    if len(items) == 3 and type(items[2]) is not ArabicStemFilter:
        return None
    return {"stops": stop.stops, "stemmed": len(items) == 3}


# Per chain, each match of the tokenizer's pattern -> its indexed term ("" for none).
_term_caches = {}


class _StopWord:
    """What the chain makes of a stop word: no term, but it takes a position."""

    __slots__ = ()

    def __bool__(self):
        return False

    def __repr__(self):
        return "STOP_WORD"


STOP_WORD = _StopWord()


def chain_term(match, *, stops, stemmed):
    """Return what the tokenizer-stop[-stem] chain makes of one match of TERM_PATTERN.

    The indexed term; STOP_WORD for a stop word (no term, one position); "" for a
    match that is no term (a lone waw: no position either).
    """
    term = match_term(match)
    if not term:
        return ""
    if term in stops:
        return STOP_WORD
    return stem(term) if stemmed else term


def indexed_terms(value, *, stops, stemmed):
    """Return (first position, terms) that the tokenizer-stop[-stem] chain indexes for value.

    One cache lookup per word does what the chain's generators do, with the
    same result: the terms in order, the n-th at position first + n.
    """
    key = (stemmed, stops)
    cache = _term_caches.get(key)
    if cache is None:
        cache = _term_caches[key] = {}
    matches = TERM_PATTERN.findall(normalize(value))
    get = cache.get
    terms = [get(match) for match in matches]
    if None in terms:
        if len(cache) >= _INDEX_CACHE_SIZE:
            cache.clear()
        for index, term in enumerate(terms):
            if term is None:
                term = terms[index] = cache[matches[index]] = chain_term(matches[index], stops=stops, stemmed=stemmed)
    # Like the stop filter: the first kept word keeps its tokenizer position
    # (stop words before it count, lone waws do not); the rest follow it.
    first = 0
    for term in terms:
        if term:
            break
        first += term is STOP_WORD
    return first, [term for term in terms if term]


_analyzers = {}


def analyze_terms(text: str, *, exact: bool = False) -> list[str]:
    """Return the terms that the stemmed (or, with exact, the exact-form) field indexes for text."""
    analyzer = _analyzers.get(exact)
    if analyzer is None:
        analyzer = _analyzers[exact] = ArabicExactAnalyzer() if exact else ArabicAnalyzer()
    return [token.text for token in analyzer(text)]
