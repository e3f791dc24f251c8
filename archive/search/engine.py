"""Search over the archive (TEMPORARY database-backed stand-in; the Whoosh engine replaces it).

The functions and the shapes they return (archive.search.types) are the contract that
pages, the API, exports and feeds build on.
"""

import datetime as dt

from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils.html import escape
from django.utils.safestring import mark_safe

from archive.models import Article
from archive.search.types import FacetValue, HighlightedArticle, SearchHit, SearchPage, TimelineBucket


def _filtered(params, *, with_dates=True):
    queryset = Article.objects.select_related("source")
    for word in params.q.split():
        queryset = queryset.filter(Q(title__icontains=word) | Q(body__icontains=word))
    if params.sources:
        queryset = queryset.filter(source__slug__in=params.sources)
    if with_dates:
        if params.date_from:
            queryset = queryset.filter(published__date__gte=params.date_from)
        if params.date_to:
            queryset = queryset.filter(published__date__lte=params.date_to)
        if params.year:
            queryset = queryset.filter(published__year=params.year)
        if params.month:
            queryset = queryset.filter(published__month=params.month)
    if params.sort == "oldest":
        queryset = queryset.order_by("published", "id")
    else:
        queryset = queryset.order_by("-published", "id")
    return queryset


def _snippet(article, params):
    text = escape(article.body[:200])
    for word in params.q.split():
        text = text.replace(escape(word), f"<mark>{escape(word)}</mark>")
    return mark_safe(text)


def search(params):
    if params.is_empty:
        return SearchPage(params=params)
    queryset = _filtered(params)
    count = queryset.count()
    start = (params.page - 1) * params.page_size
    hits = [
        SearchHit(article=a, score=1.0, snippets=[_snippet(a, params)], title_html=escape(a.title))
        for a in queryset[start : start + params.page_size]
    ]
    base = _filtered(params.with_changes(sources=()))
    sources = base.values("source__slug", "source__name").annotate(n=Count("id")).order_by("-n")
    facets = {
        "source": [
            FacetValue(r["source__slug"], r["source__name"], r["n"], r["source__slug"] in params.sources)
            for r in sources
            if r["source__slug"]
        ],
        "year": [
            FacetValue(str(r["y"]), str(r["y"]), r["n"], r["y"] == params.year)
            for r in _filtered(params.with_changes(year=None, month=None))
            .filter(published__isnull=False)
            .annotate(y=ExtractYear("published"))
            .values("y")
            .annotate(n=Count("id"))
            .order_by("y")
        ],
    }
    if params.year:
        facets["month"] = [
            FacetValue(str(r["m"]), str(r["m"]), r["n"], r["m"] == params.month)
            for r in _filtered(params.with_changes(month=None))
            .annotate(m=ExtractMonth("published"))
            .values("m")
            .annotate(n=Count("id"))
            .order_by("m")
        ]
    return SearchPage(params=params, count=count, hits=hits, facets=facets)


def iterate(params, *, limit):
    for article in _filtered(params)[:limit]:
        yield article, 1.0


def timeline(params, *, interval="year"):
    extract = ExtractYear if interval == "year" else None
    rows = {}
    totals = {}
    for article in _filtered(params).filter(published__isnull=False):
        key = str(article.published.year) if extract else article.published.strftime("%Y-%m")
        rows[key] = rows.get(key, 0) + 1
    for published in Article.objects.filter(published__isnull=False).values_list("published", flat=True):
        key = str(published.year) if extract else published.strftime("%Y-%m")
        totals[key] = totals.get(key, 0) + 1
    return [TimelineBucket(period=k, hits=rows.get(k, 0), total=totals[k]) for k in sorted(totals)]


def highlight_article(article, *, query, exact=False):
    return HighlightedArticle(
        title=escape(article.title),
        paragraphs=[escape(p) for p in article.paragraphs()],
        captions=[escape(c) for c in article.captions()],
        match_count=0,
    )


def related(article, *, limit=5):
    return list(Article.objects.exclude(pk=article.pk).filter(source=article.source_id)[:limit])


_ = dt
