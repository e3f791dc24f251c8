"""Whoosh token filters for Arabic.

Every filter is a module-level class without lambdas: Whoosh pickles the
analyzer into the index, and a query must be analyzed by an equal one.
"""

from whoosh.analysis import Filter

from archive.analysis.normalize import normalize
from archive.analysis.stem import stem, stem_cache
from archive.analysis.stopwords import STOP_WORDS


class _Filter(Filter):
    # whoosh-ng's Filter.__ne__ calls itself; derive it from __eq__ instead.
    def __ne__(self, other):
        return not self == other


class ArabicNormalizationFilter(_Filter):
    """Apply ``normalize()`` to each token's text; nothing else changes.

    For chains that start with another tokenizer; ``ArabicTokenizer``
    already normalizes.

    >>> from whoosh.analysis import SpaceSeparatedTokenizer
    >>> ana = SpaceSeparatedTokenizer() | ArabicNormalizationFilter()
    >>> [t.text for t in ana("الكتابُ مسئول")]
    ['الكتاب', 'مسءول']
    """

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens):
        for token in tokens:
            token.text = normalize(token.text)
            yield token


class ArabicStopFilter(_Filter):
    """Drop tokens whose text is a stop word; renumber the positions of the rest.

    With ``removestops=False`` (as Whoosh's highlighter asks) stop words stay,
    marked ``stopped``.  The list must hold normalized words, like the text.

    >>> from archive.analysis.tokenize import ArabicTokenizer
    >>> ana = ArabicTokenizer() | ArabicStopFilter()
    >>> [(t.text, t.pos) for t in ana("الكتاب في المكتبة", positions=True)]
    [('الكتاب', 0), ('المكتبه', 1)]
    """

    def __init__(self, stoplist=STOP_WORDS, renumber=True):
        """
        :param stoplist: normalized words to drop.
        :param renumber: give the kept tokens consecutive positions, so that a
            phrase query matches across a dropped word.
        """
        self.stops = frozenset(stoplist)
        self.renumber = renumber

    def __eq__(self, other):
        return (
            other is not None
            and self.__class__ is other.__class__
            and self.stops == other.stops
            and self.renumber == other.renumber
        )

    def __call__(self, tokens):
        stops = self.stops
        renumber = self.renumber
        pos = None
        for token in tokens:
            if token.text not in stops:
                if renumber and token.positions:
                    if pos is None:
                        pos = token.pos
                    else:
                        pos += 1
                        token.pos = pos
                token.stopped = False
                yield token
            elif not token.removestops:
                token.stopped = True
                yield token


class ArabicStemFilter(_Filter):
    """Replace each token's text by its light stem (``stem.stem``); other words pass.

    Results are cached per word, so a corpus costs one stemming per distinct
    word.  ``is_morph`` lets Whoosh skip it when asked for no morphology.

    >>> from archive.analysis.tokenize import ArabicTokenizer
    >>> ana = ArabicTokenizer() | ArabicStemFilter()
    >>> [t.text for t in ana("والكتاب الفلسطينيين")]
    ['كتاب', 'فلسط']
    """

    is_morph = True

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens):
        cached = stem_cache.get
        for token in tokens:
            if not token.stopped:
                text = token.text
                token.text = cached(text) or stem(text)
            yield token
