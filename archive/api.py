"""The public, read-only JSON API: search, articles, timeline, and its OpenAPI description.

Plain Django views: the API is four GET endpoints over the selectors, and the
validation it needs is the same SearchForm the results page uses.
"""

import functools
import json
import math
from html import unescape
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from archive import citations
from archive.dates import gregorian_to_hijri
from archive.forms import SearchForm, TimelineForm
from archive.openapi import openapi_document
from archive.search.types import INTERVALS
from archive.selectors import article_get, article_search, article_timeline

JSON_CONTENT_TYPE = "application/json; charset=utf-8"
API_METHODS = ("GET", "HEAD", "OPTIONS")
# Headers a script in another origin may read (the export announces its limit in them).
EXPOSED_HEADERS = "Content-Disposition, X-Archive-Export-Limit, X-Archive-Export-Truncated, X-Archive-Result-Count"



# Responses -------------------------------------------------------------------------


def json_response(data, *, status=200):
    """Return ``data`` as UTF-8 JSON with Arabic left readable."""
    body = json.dumps(data, ensure_ascii=False, allow_nan=False)
    return HttpResponse(body, status=status, content_type=JSON_CONTENT_TYPE)


def error_response(errors, *, status=400):
    """Return a JSON error naming the parameter(s) at fault; ``errors`` is [(parameter, message)]."""
    items = [{"parameter": parameter, "message": str(message)} for parameter, message in errors]
    return json_response({"error": items[0], "errors": items}, status=status)


def allow_cross_origin(response):
    """Let pages on any origin read a public response (it carries no credentials)."""
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    return response


def public_api(view):
    """Serve a view as a public read-only endpoint: GET/HEAD only, CORS, ?lang= honoured."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        language = _requested_language(request)
        with translation.override(language):
            if request.method == "OPTIONS":
                response = HttpResponse(status=204)
                response["Access-Control-Allow-Methods"] = ", ".join(API_METHODS)
                response["Access-Control-Max-Age"] = "86400"
            elif request.method not in API_METHODS:
                response = error_response([("method", _("This address answers GET requests only."))], status=405)
            else:
                response = view(request, *args, **kwargs)
            response["Allow"] = ", ".join(API_METHODS)
            response["Content-Language"] = translation.get_language()
        return allow_cross_origin(response)

    return wrapper


def _requested_language(request):
    """Return ?lang= when it names a site language, else the language LocaleMiddleware chose."""
    wanted = request.GET.get("lang", "").strip().lower()
    available = {code for code, _name in settings.LANGUAGES}
    if wanted in available:
        return wanted
    return translation.get_language() or settings.LANGUAGE_CODE


# Shapes shared by the API, the exports and the feed --------------------------------


def search_query_string(params, **extra):
    """Return the query string that asks for ``params`` again, defaults left out."""
    pairs = [("q", params.q)] if params.q else []
    pairs += [("source", slug) for slug in params.sources]
    if params.date_from:
        pairs.append(("date_from", params.date_from.isoformat()))
    if params.date_to:
        pairs.append(("date_to", params.date_to.isoformat()))
    if params.year:
        pairs.append(("year", params.year))
    if params.month:
        pairs.append(("month", params.month))
    if params.exact:
        pairs.append(("exact", "1"))
    if params.sort != "relevance":
        pairs.append(("sort", params.sort))
    pairs += [(key, value) for key, value in extra.items() if value is not None]
    return urlencode(pairs)


def query_echo(params):
    """Return the parsed search parameters, as the search actually ran them."""
    return {
        "q": params.q,
        "source": list(params.sources),
        "date_from": params.date_from.isoformat() if params.date_from else None,
        "date_to": params.date_to.isoformat() if params.date_to else None,
        "year": params.year,
        "month": params.month,
        "exact": params.exact,
        "sort": params.sort,
    }


def html_to_text(html):
    """Return the plain text of a safe-HTML snippet (marks dropped, entities decoded)."""
    return unescape(strip_tags(str(html)))


def published_iso(article):
    """Return the publication date in ISO 8601, only as precise as the source gave it."""
    if not article.published:
        return None
    if article.published_precision == article.DatePrecision.DATE:
        return article.published.date().isoformat()
    return article.published.isoformat()


def published_hijri(article):
    """Return the Hijri (Umm al-Qura) date as YYYY-MM-DD, or None."""
    if not article.published:
        return None
    hijri = gregorian_to_hijri(article.published)
    if hijri is None:
        return None
    return "%04d-%02d-%02d" % hijri


def source_data(source, request):
    if source is None:
        return None
    return {
        "name": source.name,
        "slug": source.slug,
        "url": request.build_absolute_uri(source.get_absolute_url()),
    }


def article_summary(article, request):
    """Return the fields a result row shows: identity, source, date, author, links."""
    return {
        "id": article.pk,
        "external_id": article.external_id,
        "title": article.title,
        "source": source_data(article.source, request),
        "published": published_iso(article),
        "date_precision": (article.published_precision or None) if article.published else None,
        "published_hijri": published_hijri(article),
        "author": article.author,
        "url": article.url,
        "permalink": request.build_absolute_uri(article.get_absolute_url()),
        "api_url": request.build_absolute_uri(
            reverse("archive:api_article", kwargs={"external_id": article.external_id})
        ),
    }


def article_record(article, request):
    """Return every field of the article with its full text (images must be prefetched)."""
    return {
        **article_summary(article, request),
        "language": article.language,
        "body": article.body,
        "captions": [
            {
                "order": image.order,
                "caption": image.caption,
                "image": request.build_absolute_uri(image.image.url) if image.image else None,
            }
            for image in article.images.all()
        ],
        "created": article.created.isoformat(),
        "updated": article.updated.isoformat(),
    }


def _score(value):
    value = float(value or 0.0)
    return value if math.isfinite(value) else None


def _absolute(request, name, query=""):
    url = request.build_absolute_uri(reverse(name))
    return f"{url}?{query}" if query else url


def _facet(values):
    """Return a facet's values as dicts; a bare number (such as the undated count) stays a number."""
    # The engine counts with numpy: its numbers and booleans become plain Python ones here.
    if not isinstance(values, (list, tuple)):
        return int(values)
    return [
        {"value": str(f.value), "label": str(f.label), "count": int(f.count), "selected": bool(f.selected)}
        for f in values
    ]


def search_data(page, request):
    """Return the JSON body for one page of results."""
    params = page.params
    size = params.page_size

    def api_page(number):
        return _absolute(request, "archive:api_search", search_query_string(params, page=number, page_size=size))

    return {
        "count": page.count,
        "page": params.page,
        "page_size": size,
        "num_pages": page.num_pages,
        "results": [
            {
                **article_summary(hit.article, request),
                "score": _score(hit.score),
                "snippets": [str(snippet) for snippet in hit.snippets],
                "title_html": str(hit.title_html) if hit.title_html else None,
            }
            for hit in page.hits
        ],
        "facets": {name: _facet(values) for name, values in page.facets.items()},
        "suggestion": page.suggestion or None,
        "notice": str(page.notice) if page.notice else None,
        "query": query_echo(params),
        "links": {
            "self": api_page(params.page),
            "next": api_page(params.page + 1) if page.has_next else None,
            "prev": api_page(min(params.page - 1, max(page.num_pages, 1))) if params.page > 1 else None,
            "html": _absolute(request, "archive:search", search_query_string(params, page=params.page)),
            "export_csv": _absolute(request, "archive:search_export", search_query_string(params, format="csv")),
            "export_jsonl": _absolute(
                request, "archive:search_export", search_query_string(params, format="jsonl")
            ),
            "feed": _absolute(request, "archive:search_feed", search_query_string(params.with_changes(sort="newest"))),
        },
    }


def search_error_parameter(page):
    """Name the parameter behind the engine's error: the page when the query ran, else the query."""
    # The engine reports a query it cannot run with no hits; an error beside hits
    # is about how far the results can be paged (e.g. relevance ranking's depth).
    return "page" if page.count else "q"


# Views -----------------------------------------------------------------------------


@public_api
def search(request):
    """Return one page of search results."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        return error_response(form.error_list())
    page = article_search(params=form.params())
    if page.error:
        return error_response([(search_error_parameter(page), page.error)])
    return json_response(search_data(page, request))


@public_api
def article(request, external_id):
    """Return one article with its full text, dates and citations."""
    found = article_get(external_id=external_id)
    if found is None:
        message = _("No article has the identifier “%(id)s”.") % {"id": external_id}
        return error_response([("external_id", message)], status=404)
    permalink = request.build_absolute_uri(found.get_absolute_url())
    kwargs = {"external_id": found.external_id}
    return json_response(
        {
            **article_record(found, request),
            "paragraphs": found.paragraphs(),
            "citation": {
                "chicago": citations.chicago(found, url=permalink),
                "bibtex": citations.bibtex(found, url=permalink),
                "ris": citations.ris(found, url=permalink),
            },
            "links": {
                "self": request.build_absolute_uri(request.path),
                "html": permalink,
                "bibtex": request.build_absolute_uri(reverse("archive:article_bibtex", kwargs=kwargs)),
                "ris": request.build_absolute_uri(reverse("archive:article_ris", kwargs=kwargs)),
            },
        }
    )


@public_api
def timeline(request):
    """Return the search's hits per year or month beside the archive's articles then."""
    form = TimelineForm(request.GET)
    if not form.is_valid():
        return error_response(form.error_list())
    params = form.params()
    interval = form.cleaned_data.get("interval") or INTERVALS[0]
    buckets = article_timeline(params=params, interval=interval)
    return json_response(
        {
            "interval": interval,
            "query": query_echo(params),
            "buckets": [
                {"period": b.period, "hits": b.hits, "total": b.total, "per_1000": b.per_thousand} for b in buckets
            ],
            "links": {
                "self": _absolute(request, "archive:api_timeline", search_query_string(params, interval=interval)),
                "search": _absolute(request, "archive:api_search", search_query_string(params)),
                "csv": _absolute(
                    request, "archive:search_timeline_csv", search_query_string(params, interval=interval)
                ),
            },
        }
    )


@public_api
def schema(request):
    """Return the API's OpenAPI 3.1 description."""
    return json_response(openapi_document(server_url=request.build_absolute_uri("/").rstrip("/")))


def api_docs(request):
    """Show how to use the API, with curl and Python examples."""
    base_url = request.build_absolute_uri("/").rstrip("/")
    example_query = urlencode({"q": "فلسطين"})
    return render(
        request,
        "api/docs.html",
        {
            "base_url": base_url,
            "example_query": example_query,
            "example_article": "0vq2f",
            "page_size_max": settings.ARCHIVE_PAGE_SIZE_MAX,
            "page_size_default": settings.ARCHIVE_PAGE_SIZE_DEFAULT,
            "query_max_chars": settings.ARCHIVE_QUERY_MAX_CHARS,
            "export_max_rows": settings.ARCHIVE_EXPORT_MAX_ROWS,
        },
    )

