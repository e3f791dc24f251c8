"""The archive's results page with another search engine behind it, for the engine_http step.

    ARCHIVE_DATA_DIR=... ARCHIVE_BENCH_ENGINE=tantivy|default ARCHIVE_BENCH_ENGINE_INDEX=DIR \
        gunicorn --pythonpath bench engine_pages:application

gunicorn serves the archive's own Django application with its search engine swapped
(``archive.selectors._engine``), so that everything but the engine is the archive's: the
form, the middleware, the template, the 20 articles from the database.

- ``tantivy``: the index bench/tantivy_floor.py builds (the archive's analyzed terms),
  the same compiled query, the count, source and year facets as terms aggregations;
- ``default``: haystack's own WhooshEngine on the index bench/default_whoosh.py builds
  (English StemmingAnalyzer), searched through ``SearchQuerySet`` with facets and
  ``load_all``, as haystack's documentation shows.

Neither marks matches: each hit shows its article's lead, as the archive does for a hit
without a match in its text; neither draws a timeline; the page cache is off.  So these
pages do less than the archive's, and their figures are a floor for it, not a rival.
"""

import datetime as dt
import os
import sys
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
# Every request computes its page, as in the archive's cache-off row.
os.environ["ARCHIVE_PAGE_CACHE"] = "off"

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()

from archive import selectors  # noqa: E402
from archive.search.engine import _articles, _hit, _source_labels  # noqa: E402
from archive.search.types import FacetValue, SearchPage  # noqa: E402

UTC = dt.timezone.utc


def _bounds(params):
    low = dt.datetime.combine(params.date_from, dt.time(), UTC) if params.date_from else None
    high = dt.datetime.combine(params.date_to, dt.time(), UTC) + dt.timedelta(days=1) if params.date_to else None
    if params.year:
        low = max(low, dt.datetime(params.year, 1, 1, tzinfo=UTC)) if low else dt.datetime(params.year, 1, 1, tzinfo=UTC)
        end = dt.datetime(params.year + 1, 1, 1, tzinfo=UTC)
        high = min(high, end) if high else end
    return low, high


def _page(params, count, articles_in_order, source_counts, year_counts):
    labels = _source_labels([slug for slug, _ in source_counts if slug])
    facets = {
        "source": sorted(
            (
                FacetValue(slug, labels.get(slug, slug), int(n), slug in params.sources)
                for slug, n in source_counts
                if slug and n
            ),
            key=lambda value: (-value.count, value.label),
        ),
        "year": [
            FacetValue(str(year), str(year), int(n), params.year == int(year))
            for year, n in sorted(year_counts, key=lambda pair: int(pair[0]))
            if n
        ],
        "undated": 0,
    }
    hits = [_hit(article, score, None) for article, score in articles_in_order]
    return SearchPage(params=params, count=count, hits=hits, facets=facets)


def tantivy_engine(index_dir):
    import tantivy
    from tantivy_floor import Compiler

    from archive.search import query as ql

    index = tantivy.Index.open(str(index_dir))
    schema = index.schema
    compiler = Compiler(tantivy, schema)
    searcher = index.searcher()
    aggregations = {
        "source": {"terms": {"field": "source", "size": 100}},
        "year": {"terms": {"field": "year", "size": 200}},
    }

    def search(params):
        if params.is_empty:
            return SearchPage(params=params)
        query = compiler.compile(ql.parse(params.q)) if params.q.strip() else tantivy.Query.all_query()
        if query is None:
            query = tantivy.Query.empty_query()
        filters = []
        if params.sources:
            filters.append(compiler.any_of([tantivy.Query.term_query(schema, "source", slug) for slug in params.sources]))
        low, high = _bounds(params)
        if low or high:
            low = (low or dt.datetime(1, 1, 1, tzinfo=UTC)).replace(tzinfo=None)
            high = (high or dt.datetime(9999, 1, 1, tzinfo=UTC)).replace(tzinfo=None)
            filters.append(tantivy.Query.range_query(schema, "published", tantivy.FieldType.Date, low, high, True, False))
        if filters:
            query = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, query)]
                + [(tantivy.Occur.Must, tantivy.Query.const_score_query(f, 0.0)) for f in filters]
            )
        start = (params.page - 1) * params.page_size
        result = searcher.search(query, limit=params.page_size, count=True, offset=start)
        ranked = [(searcher.doc(address)["article_id"][0], score) for score, address in result.hits]
        articles = _articles([article_id for article_id, _ in ranked])
        counted = searcher.aggregate(query, aggregations)
        return _page(
            params,
            result.count,
            [(articles[article_id], score) for article_id, score in ranked if article_id in articles],
            [(bucket["key"], bucket["doc_count"]) for bucket in counted["source"]["buckets"]],
            [(int(bucket["key"]), bucket["doc_count"]) for bucket in counted["year"]["buckets"]],
        )

    return search


def default_engine(index_dir):
    from default_whoosh import plain_connection, plain_search

    plain_connection(index_dir)

    def search(params):
        if params.is_empty:
            return SearchPage(params=params)
        low, high = _bounds(params)
        start = (params.page - 1) * params.page_size
        count, articles, counts = plain_search(
            params.q, sources=params.sources, low=low, high=high, start=start, size=params.page_size
        )
        fields = counts.get("fields", {})
        return _page(
            params,
            count,
            [(article, 0.0) for article in articles if article is not None],
            fields.get("source", []),
            [(int(year), n) for year, n in fields.get("year", []) if year not in (None, "None")],
        )

    return search


_search = {"tantivy": tantivy_engine, "default": default_engine}[os.environ["ARCHIVE_BENCH_ENGINE"]](
    Path(os.environ["ARCHIVE_BENCH_ENGINE_INDEX"])
)
_engine = types.SimpleNamespace(
    search=_search,
    timeline=lambda params, interval="year": [],
    index_version=lambda: None,
)
selectors._engine = lambda: _engine
# As the archive's own workers do (archive/wsgi.py): one search before the first request.
_words = (selectors.Article.objects.order_by("-pk").values_list("title", flat=True).first() or "").split()
if _words:
    _search(selectors.SearchParams(q=_words[0]))
