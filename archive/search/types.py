"""The shapes that search hands to pages, the API and exports."""

import datetime as dt
from dataclasses import dataclass, field, replace

SORTS = ("relevance", "newest", "oldest")
INTERVALS = ("year", "month")


@dataclass(frozen=True)
class SearchParams:
    """One search, exactly as a researcher asked for it (and as its permalink records it)."""

    q: str = ""
    sources: tuple = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    year: int | None = None
    month: int | None = None
    exact: bool = False
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20

    def with_changes(self, **changes):
        return replace(self, **changes)

    @property
    def has_filters(self):
        return bool(self.sources or self.date_from or self.date_to or self.year)

    @property
    def is_empty(self):
        return not self.q.strip() and not self.has_filters


@dataclass
class FacetValue:
    """A facet entry: ``value`` goes into the URL, ``label`` is shown."""

    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class SearchHit:
    """One result: the article, its score and keyword-in-context fragments.

    ``snippets`` are safe HTML strings: the text is escaped and matches are wrapped
    in ``<mark>``.
    """

    article: object
    score: float = 0.0
    snippets: list = field(default_factory=list)
    title_html: str = ""


@dataclass
class SearchPage:
    """A page of results, with the facet counts and messages for the whole result set."""

    params: SearchParams
    count: int = 0
    hits: list = field(default_factory=list)
    facets: dict = field(default_factory=dict)
    suggestion: str = ""
    error: str = ""
    notice: str = ""
    relaxed: bool = False

    @property
    def num_pages(self):
        if not self.count:
            return 0
        return (self.count + self.params.page_size - 1) // self.params.page_size

    @property
    def has_next(self):
        return self.params.page < self.num_pages

    @property
    def has_previous(self):
        return self.params.page > 1

    @property
    def start_index(self):
        return (self.params.page - 1) * self.params.page_size + 1 if self.count else 0


@dataclass
class TimelineBucket:
    """Hits for the query in one period, and how many articles the archive holds then."""

    period: str
    hits: int
    total: int

    @property
    def per_thousand(self):
        return round(1000.0 * self.hits / self.total, 2) if self.total else 0.0


@dataclass
class HighlightedArticle:
    """An article's text as safe HTML with the query's matches marked in order."""

    title: str
    paragraphs: list
    captions: list
    match_count: int = 0
