"""Pages for researchers: search, articles with their citations, sources and browsing by date."""

import csv
import datetime as dt
import hashlib
import logging
from functools import cache, partial
from pathlib import Path

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import uri_to_iri
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from archive import citations, selectors
from archive.forms import SearchForm
from archive.search.types import INTERVALS
from archive.templatetags.archive_tags import search_query

logger = logging.getLogger(__name__)

LIST_PAGE_SIZE = 20


def _interval(request):
    interval = request.GET.get("interval", "year")
    return interval if interval in INTERVALS else "year"


def _paginate(request, items):
    return Paginator(items, LIST_PAGE_SIZE).get_page(request.GET.get("page"))


def _article_or_404(external_id, *, images=True):
    article = selectors.article_get(external_id=external_id, images=images)
    if article is None:
        raise Http404("No such article.")
    return article


def _date_or_404(year, month=1, day=1):
    # The URL patterns take any digits; the database's date lookups fail outside the calendar.
    try:
        return dt.date(year, month, day)
    except (ValueError, OverflowError):
        raise Http404("No such date.")


def _permalink(request, article):
    return request.build_absolute_uri(article.get_absolute_url())


def _lazy(function, **kwargs):
    """Return ``function(**kwargs)``, computed only when a template first uses it.

    The costly parts of a page are computed only when its cached fragment is missing.
    """
    return SimpleLazyObject(partial(function, **kwargs))


def _page_cache(request, *parts):
    """Return (cache alias, key) for the page's cached fragment.

    The key holds what the fragment shows besides the index's content: the language,
    the host of its absolute links and the page's own ``parts``; the index version
    changes with every change to the index, so a cached fragment is never stale. Where
    the version cannot be known (a search cluster), nothing is cached.
    """
    version = selectors.index_version()
    if version is None:
        return "uncached", ""
    key = [
        version,
        _code_version(),
        translation.get_language(),
        request.scheme,
        request.get_host(),
        *map(str, parts),
    ]
    return "pages", "\n".join(key)


@cache
def _code_version():
    """Return a digest of the code, templates, translations and static files behind a page (once per process)."""
    # Kept pages outlive a restart (they are shared in the data directory): an upgrade
    # that changes how a page is rendered must not serve pages rendered before it.
    # Their content, not their dates: hosts running the same release share pages.
    digest = hashlib.blake2b(digest_size=8)
    for name in ("archive", "templates", "static"):
        root = Path(settings.BASE_DIR) / name
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix != ".pyc":
                digest.update(f"{path.relative_to(root)}\n".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def worker_warm():
    """Open the search index, run one search and compile the page templates."""
    # Called once per worker before it takes requests (archive/wsgi.py), so that no
    # visitor waits for the work a process does only once.
    try:
        for name in ("archive/search.html", "archive/article_detail.html", "archive/home.html"):
            loader.get_template(name)
        _code_version()
        selectors.search_warm()
    except Exception:
        # A database or index that cannot be read yet is reported by the pages themselves.
        logger.warning("the worker could not be warmed before its first request", exc_info=True)


def home(request):
    """Show the search box, the archive's size, recent additions and ways in by source and date."""
    return render(request, "archive/home.html", {
        "stats": selectors.archive_stats(),
        "recent": selectors.article_list_recent(limit=8),
        "sources": selectors.source_list_with_counts(),
        "years": selectors.article_count_by_year(),
    })


def search(request):
    """Show one page of results for the search the URL describes, with facets and its timeline."""
    form = SearchForm(request.GET)
    query = search_query(request.GET)
    context = {
        "form": form,
        "query": query,
        "export_max_rows": settings.ARCHIVE_EXPORT_MAX_ROWS,
        "page_sizes": [size for size in (10, 20, 50, 100) if size <= settings.ARCHIVE_PAGE_SIZE_MAX],
    }
    if not form.is_valid():
        # Invalid parameters are a mistake in the URL: say which, and keep the page usable.
        context["errors"] = form.error_list()
        # Links on the page must not carry the invalid values on.
        for name in form.errors:
            query.pop(name, None)
        return render(request, "archive/search.html", context, status=400)
    params = form.params()
    interval = _interval(request)
    results = _lazy(selectors.article_search, params=params)
    page_cache, page_key = _page_cache(request, query.urlencode())
    context.update(
        params=params,
        results=results,
        timeline=_lazy(_timeline, params=params, results=results, interval=interval),
        interval=interval,
        norm=query.get("norm") == "1",
        page_cache=page_cache,
        page_key=page_key,
        # Shown as an IRI so that the Arabic words of the query stay readable when copied.
        permalink=uri_to_iri(request.build_absolute_uri(reverse("archive:search") + "?" + query.urlencode())),
    )
    return render(request, "archive/search.html", context)


def _timeline(*, params, results, interval):
    if params.is_empty or results.error:
        return []
    return selectors.article_timeline(params=params, interval=interval)


def search_timeline_csv(request):
    """Download the search's hits per period as CSV (UTF-8 with a byte order mark, for spreadsheets)."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        lines = [f"{name}: {message}" for name, message in form.error_list()]
        return HttpResponse("\n".join(lines), status=400, content_type="text/plain; charset=utf-8")
    interval = _interval(request)
    buckets = selectors.article_timeline(params=form.params(), interval=interval)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="timeline-{interval}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(["period", "hits", "total", "per_1000"])
    for bucket in buckets:
        writer.writerow([bucket.period, bucket.hits, bucket.total, bucket.per_thousand])
    return response


def article_detail(request, external_id):
    """Show an article, its citation and, when reached from a search, its matches marked."""
    article = _article_or_404(external_id, images=False)
    params = highlighted = None
    if request.GET:  # reached from a search: the form lists the sources, a query
        form = SearchForm(request.GET)
        params = form.params() if form.is_valid() else None
    if params is not None and params.q:
        highlighted = selectors.article_highlight(article=article, query=params.q, exact=params.exact)
    query = search_query(request.GET)
    permalink = _permalink(request, article)
    # The article's own version is in the key: the index does not change with every edit.
    page_cache, page_key = _page_cache(request, article.pk, article.updated.isoformat(), query.urlencode())
    return render(request, "archive/article_detail.html", {
        "article": article,
        "highlighted": highlighted,
        "params": params,
        "query": query,
        "figures": _lazy(_figures, article=article, highlighted=highlighted),
        "paragraphs": highlighted.paragraphs if highlighted else _lazy(article.paragraphs),
        "neighbours": _lazy(selectors.article_neighbours, article=article),
        "related": _lazy(selectors.article_related, article=article, limit=5),
        "permalink": permalink,
        "chicago": _lazy(citations.chicago, article=article, url=permalink),
        "chicago_segments": _lazy(citations.chicago_segments, article=article, url=permalink),
        "bibtex": _lazy(citations.bibtex, article=article, url=permalink),
        "page_cache": page_cache,
        "page_key": page_key,
    })


def _figures(*, article, highlighted):
    """Return (image, caption) pairs to show: captions marked when the page marks a search."""
    images = list(article.images.all())
    captions = highlighted.captions if highlighted else [image.caption for image in images]
    return [(image, caption) for image, caption in zip(images, captions) if image.image or caption]


def _citation_download(request, external_id, *, render_citation, suffix, content_type):
    article = _article_or_404(external_id)
    response = HttpResponse(render_citation(article, url=_permalink(request, article)), content_type=content_type)
    # Identifiers hold only URL-safe characters (see the model), so the name needs no quoting.
    response["Content-Disposition"] = f'attachment; filename="{article.external_id}.{suffix}"'
    return response


def article_bibtex(request, external_id):
    """Download the article's citation as BibTeX."""
    return _citation_download(
        request, external_id, render_citation=citations.bibtex, suffix="bib",
        content_type="application/x-bibtex; charset=utf-8",
    )


def article_ris(request, external_id):
    """Download the article's citation as RIS."""
    return _citation_download(
        request, external_id, render_citation=citations.ris, suffix="ris",
        content_type="application/x-research-info-systems; charset=utf-8",
    )


def source_list(request):
    """List the sources with their number of articles and the dates they span."""
    return render(request, "archive/source_list.html", {"sources": selectors.source_list_with_counts()})


def source_detail(request, slug):
    """List a source's articles, newest first, with its articles per year."""
    source = selectors.source_get(slug=slug)
    if source is None:
        raise Http404("No such source.")
    return render(request, "archive/source_detail.html", {
        "source": source,
        "page_obj": _paginate(request, selectors.article_list_for_source(source=source)),
        "years": selectors.article_count_by_year(source=source),
    })


def browse(request):
    """List the years that have articles, and the undated articles."""
    # The list of undated articles needs selectors.article_list_undated(); until the
    # selectors offer it, the page gives their number only.
    list_undated = getattr(selectors, "article_list_undated", None)
    return render(request, "archive/browse.html", {
        "years": selectors.article_count_by_year(),
        "stats": selectors.archive_stats(),
        "undated_page": _paginate(request, list_undated()) if list_undated else None,
    })


def browse_year(request, year):
    """List the months of a year that have articles."""
    _date_or_404(year)
    months = selectors.article_count_by_month(year=year)
    if not months:
        raise Http404("No articles in this year.")
    return render(request, "archive/browse_year.html", {"year": year, "months": months})


def browse_month(request, year, month):
    """List the days of a month that have articles, and the month's articles."""
    _date_or_404(year, month)
    days = selectors.article_count_by_day(year=year, month=month)
    if not days:
        raise Http404("No articles in this month.")
    return render(request, "archive/browse_month.html", {
        "year": year,
        "month": month,
        "days": days,
        "page_obj": _paginate(request, selectors.article_list_for_month(year=year, month=month)),
    })


def browse_day(request, year, month, day):
    """List the articles of one day."""
    date = _date_or_404(year, month, day)
    page_obj = _paginate(request, selectors.article_list_for_day(year=year, month=month, day=day))
    if not page_obj.paginator.count:
        raise Http404("No articles on this day.")
    return render(request, "archive/browse_day.html", {"date": date, "page_obj": page_obj})


def help_page(request):
    """Explain the query language, with examples to try."""
    return render(request, "archive/help.html")


def page_not_found(request, exception=None):
    """Say that the page does not exist and offer the search box (in JSON under /api/)."""
    if request.path.startswith("/api/"):
        from archive.api import error_response

        return error_response([("path", _("There is no such address in the API."))], status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    """Apologise for an error, without a request context or the database (either may be what failed)."""
    with translation.override(settings.LANGUAGE_CODE):
        return HttpResponseServerError(loader.get_template("500.html").render())
