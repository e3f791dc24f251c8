"""Read-side queries: what pages, the API, exports and feeds show."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear

import logging

from django.utils.translation import gettext as _

from archive.models import Article, Source
from archive.search import engine as whoosh_engine
from archive.search.es_engine import is_configured as elasticsearch_configured
from archive.search.types import SearchPage, SearchParams  # noqa: F401  (SearchParams re-exported)

logger = logging.getLogger(__name__)


def _engine():
    """Return the search engine module the settings choose (Whoosh, or Elasticsearch/OpenSearch)."""
    if elasticsearch_configured():
        from archive.search import es_engine

        return es_engine
    return whoosh_engine


@dataclass
class ArchiveStats:
    articles: int
    sources: int
    first: dt.datetime | None
    last: dt.datetime | None
    undated: int


def archive_stats():
    """Return the archive's size: articles, sources and the span of dates."""
    aggregate = Article.objects.aggregate(
        articles=Count("id"),
        first=Min("published"),
        last=Max("published"),
        undated=Count("id", filter=Q(published__isnull=True)),
    )
    return ArchiveStats(sources=Source.objects.count(), **aggregate)


def article_list_recent(*, limit=10):
    """Return the articles added most recently."""
    return list(Article.objects.select_related("source").order_by("-created", "-id")[:limit])


def article_get(*, external_id, images=True):
    """Return the article with its source (and its images, unless ``images`` is false), or None."""
    if "\x00" in external_id:  # no stored identifier holds NUL, and PostgreSQL rejects it
        return None
    articles = Article.objects.select_related("source")
    if images:
        articles = articles.prefetch_related("images")
    return articles.filter(external_id=external_id).first()


def article_neighbours(*, article):
    """Return the previous and next article of the same source by date (None at the ends)."""
    if not article.published:
        return None, None
    same = Article.objects.filter(source=article.source_id).exclude(pk=article.pk)
    previous = same.filter(published__lte=article.published).order_by("-published", "-id").first()
    following = same.filter(published__gte=article.published).order_by("published", "id").first()
    return previous, following


def source_slugs():
    return list(Source.objects.values_list("slug", flat=True))


def source_list_with_counts():
    """Return every source with its number of articles and date span, largest first."""
    return list(
        Source.objects.annotate(
            article_count=Count("articles"),
            first=Min("articles__published"),
            last=Max("articles__published"),
        ).order_by("-article_count", "name")
    )


def source_get(*, slug):
    if "\x00" in slug:
        return None
    return Source.objects.filter(slug=slug).first()


def article_list_for_source(*, source):
    return Article.objects.filter(source=source).select_related("source")


def article_count_by_year(*, source=None):
    """Return [(year, count)] in ascending order; undated articles are not counted."""
    queryset = Article.objects.filter(published__isnull=False)
    if source is not None:
        queryset = queryset.filter(source=source)
    rows = queryset.annotate(year=ExtractYear("published")).values("year").annotate(n=Count("id")).order_by("year")
    return [(row["year"], row["n"]) for row in rows]


def article_count_by_month(*, year):
    rows = (
        Article.objects.filter(published__year=year)
        .annotate(month=ExtractMonth("published"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by("month")
    )
    return [(row["month"], row["n"]) for row in rows]


def article_count_by_day(*, year, month):
    rows = (
        Article.objects.filter(published__year=year, published__month=month)
        .annotate(day=ExtractDay("published"))
        .values("day")
        .annotate(n=Count("id"))
        .order_by("day")
    )
    return [(row["day"], row["n"]) for row in rows]


def article_list_for_day(*, year, month, day):
    return Article.objects.filter(
        published__year=year, published__month=month, published__day=day
    ).select_related("source")


def article_list_undated():
    """Return the articles without a known date, most recently added first."""
    return Article.objects.filter(published__isnull=True).select_related("source").order_by("-created", "-id")


def article_list_for_month(*, year, month):
    return Article.objects.filter(published__year=year, published__month=month).select_related("source")


def index_version():
    """Return a string that changes whenever the search index does, or None when that cannot be known."""
    try:
        return _engine().index_version()
    except Exception:
        # An index that cannot be read is reported by the search itself; nothing is cached meanwhile.
        logger.exception("the index version could not be read")
        return None


def search_warm():
    """Open the search index and run one search, as a new worker's first visitor would."""
    # The first search of a process builds the index's per-document columns and reads
    # its first posting lists (about a second at 124,000 articles); a worker that does
    # it before taking requests keeps its first visitors, and those queued behind them,
    # from waiting for it.
    if index_version() is None:
        return
    title = Article.objects.order_by("-pk").values_list("title", flat=True).first()
    words = (title or "").split()
    if words:
        article_search(params=SearchParams(q=words[0]))


def article_search(*, params):
    """Run a search; return a :class:`~archive.search.types.SearchPage`."""
    try:
        return _engine().search(params)
    except Exception:
        # A researcher gets a message, never an error page; the fault is logged in full.
        logger.exception("search failed for %r", params)
        return SearchPage(
            params=params,
            error=_("This search could not be run. Try simpler words, or remove operators and symbols."),
        )


def article_search_iter(*, params, limit):
    """Yield (article, score) for every hit of the search, in its sort order, up to ``limit``."""
    return _engine().iterate(params, limit=limit)


def article_count(*, params):
    """Return how many articles the search finds."""
    return _engine().count(params)


def article_snippets(*, params):
    """Return a function giving an article's keyword-in-context fragments (safe HTML) for the search."""
    return _engine().snippet_maker(params)


def article_timeline(*, params, interval="year"):
    """Return the hits per period for the search and the archive's articles per period."""
    try:
        return _engine().timeline(params, interval=interval)
    except Exception:
        # A damaged index must not turn the page or the API into an error page.
        logger.exception("timeline failed for %r", params)
        return []


def article_highlight(*, article, query, exact=False):
    """Return the article's title, paragraphs and captions with the query's matches marked, or None."""
    try:
        return _engine().highlight_article(article, query=query, exact=exact)
    except Exception:
        # Without its marks, the article is still worth showing.
        logger.exception("highlighting failed for article %s", article.pk)
        return None


def article_related(*, article, limit=5):
    """Return articles like this one ("more like this")."""
    try:
        return _engine().related(article, limit=limit)
    except Exception:
        # The article is in the database: show it even when the index cannot be read.
        logger.exception("related articles failed for article %s", article.pk)
        return []
