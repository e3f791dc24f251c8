"""Haystack field types that say exactly how the archive's Whoosh schema is built."""

from haystack import fields


class AnalyzedField(fields.CharField):
    """Text run through an explicit analyzer (never haystack's English default).

    ``phrase=False`` keeps term frequencies but no positions, which halves the
    field's size when phrase search on it is not needed.
    """

    def __init__(self, *, analyzer, phrase=True, **kwargs):
        if analyzer is None:
            raise ValueError("AnalyzedField needs an analyzer")
        self.phrase = phrase
        super().__init__(analyzer=analyzer, **kwargs)


class KeywordField(fields.CharField):
    """One untokenized value per document, kept in a column for filters and facets."""


class SortableIntegerField(fields.IntegerField):
    """An integer kept in a column, for sorting, date ranges and facets."""
