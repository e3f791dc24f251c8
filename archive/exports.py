"""Download of a whole result set as CSV or JSON Lines, streamed row by row."""

import csv
import json
from itertools import islice

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _

from archive.api import (
    article_record,
    error_response,
    html_to_text,
    public_api,
    published_iso,
    search_error_parameter,
)
from archive.forms import ExportForm
from archive.selectors import article_search, article_search_iter, article_snippets

CSV_COLUMNS = ("external_id", "title", "source", "published", "author", "url", "permalink", "score", "snippet")
FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "jsonl": ("application/x-ndjson; charset=utf-8", "jsonl"),
}
# Articles fetched per step: their images and sources are loaded together, and
# only this many are held in memory at a time.
CHUNK_SIZE = 200
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@public_api
def search_export(request):
    """Stream every hit of a search (up to the export limit) as CSV or JSON Lines."""
    form = ExportForm(request.GET)
    if not form.is_valid():
        return error_response(form.error_list())
    params = form.params().with_changes(page=1)
    if params.is_empty:
        return error_response([("q", _("Enter a query or choose a filter: the export is of a search's results."))])
    first = article_search(params=params.with_changes(page_size=1))
    if first.error:
        return error_response([(search_error_parameter(first), first.error)])

    kind = form.cleaned_data.get("format") or "csv"
    content_type, suffix = FORMATS[kind]
    limit = settings.ARCHIVE_EXPORT_MAX_ROWS
    truncated = first.count > limit
    rows = _csv_lines(params, request) if kind == "csv" else _jsonl_lines(params, request)
    response = StreamingHttpResponse(rows, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, _filename(params, suffix, limit, truncated))
    response["X-Archive-Export-Limit"] = str(limit)
    response["X-Archive-Result-Count"] = str(first.count)
    response["X-Archive-Export-Truncated"] = "true" if truncated else "false"
    return response


def _filename(params, suffix, limit, truncated):
    """Return e.g. archive-2025-01-31-فلسطين.csv; a cut-off file says so in its name."""
    topic = slugify(params.q, allow_unicode=True)[:60].strip("-") or "-".join(params.sources)[:60] or "search"
    cut = f"-first-{limit}" if truncated else ""
    return f"archive-{timezone.localdate().isoformat()}-{topic}{cut}.{suffix}"


def _hits(params):
    """Yield lists of (article, score) in the search's order, with sources and images loaded."""
    hits = iter(article_search_iter(params=params, limit=settings.ARCHIVE_EXPORT_MAX_ROWS))
    while chunk := list(islice(hits, CHUNK_SIZE)):
        prefetch_related_objects([article for article, _score in chunk], "source", "images")
        yield chunk


class _Echo:
    """A file-like object whose write() hands the line back, for csv.writer."""

    def write(self, value):
        return value


def spreadsheet_safe(value):
    """Return text a spreadsheet shows as text: a would-be formula gets a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _csv_lines(params, request):
    snippets = article_snippets(params=params)
    writer = csv.writer(_Echo())
    # The byte order mark makes Excel read the file as UTF-8 rather than a legacy code page.
    yield "\ufeff" + writer.writerow(CSV_COLUMNS)
    for chunk in _hits(params):
        lines = []
        for article, score in chunk:
            text = [
                article.external_id,
                article.title,
                article.source.name if article.source else "",
                published_iso(article) or "",
                article.author,
                article.url,
                request.build_absolute_uri(article.get_absolute_url()),
            ]
            snippet = html_to_text("".join(snippets(article)))
            lines.append(writer.writerow([*map(spreadsheet_safe, text), score, spreadsheet_safe(snippet)]))
        yield "".join(lines)


def _jsonl_lines(params, request):
    for chunk in _hits(params):
        yield "".join(
            json.dumps({**article_record(article, request), "score": score}, ensure_ascii=False) + "\n"
            for article, score in chunk
        )


