"""What a default install gives: haystack's own WhooshEngine with its defaults, on the same articles.

    ARCHIVE_DATA_DIR=... python bench/default_whoosh.py QUERIES.json OUT.json --index DIR [--limit N]

The search index is the one haystack's documentation shows: a ``CharField(document=True)``
with the article's text, a title, ``faceted=True`` source and year, a date — so haystack
builds its default Whoosh schema (English ``StemmingAnalyzer``, stored text fields) —
indexed with haystack's ``backend.update`` in batches of 1,000 (as ``update_index`` does),
and searched through ``SearchQuerySet`` (a new Whoosh searcher per search, haystack's
query parser, field facets, ``load_all`` for the page's 20 articles).  ``=word`` has no
meaning there and is searched as the plain word.
"""

import argparse
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import by_kind, django_setup, dir_bytes, read_json, summary_ms, write_json  # noqa: E402


def plain_connection(index_dir):
    """Register haystack's default Whoosh engine on ``index_dir``; return (backend, search index)."""
    from django.conf import settings
    from haystack import connections, indexes
    from haystack.utils.loading import UnifiedIndex

    from archive.models import Article

    settings.HAYSTACK_CONNECTIONS["plain"] = {
        "ENGINE": "haystack.backends.whoosh_backend.WhooshEngine",
        "PATH": str(index_dir),
    }
    connections.connections_info = settings.HAYSTACK_CONNECTIONS

    class PlainArticleIndex(indexes.SearchIndex, indexes.Indexable):
        text = indexes.CharField(document=True)
        title = indexes.CharField(model_attr="title")
        source = indexes.CharField(faceted=True)
        published = indexes.DateTimeField(model_attr="published", null=True)
        year = indexes.IntegerField(faceted=True, null=True)

        def get_model(self):
            return Article

        def index_queryset(self, using=None):
            return Article.objects.select_related("source").prefetch_related("images")

        def prepare_text(self, article):
            parts = [article.title, article.body, *article.captions()]
            if article.source_id:
                parts.append(article.source.name)
            return "\n\n".join(parts)

        def prepare_source(self, article):
            return article.source.slug if article.source_id else ""

        def prepare_year(self, article):
            return article.published.year if article.published else None

    unified = UnifiedIndex()
    unified.build(indexes=[PlainArticleIndex()])
    connections["plain"]._index = unified
    return connections["plain"].get_backend(), unified.get_index(Article)


def plain_search(text, *, sources=(), low=None, high=None, start=0, size=20):
    """Search as haystack's documentation does: return (count, articles, facet counts)."""
    from haystack.query import SearchQuerySet

    from archive.models import Article

    sqs = SearchQuerySet(using="plain").models(Article).raw_search(text.replace("=", ""))
    if len(sources) == 1:
        sqs = sqs.filter(source=sources[0])
    elif sources:
        sqs = sqs.filter(source__in=list(sources))
    if low is not None:
        sqs = sqs.filter(published__gte=low)
    if high is not None:
        sqs = sqs.filter(published__lt=high)
    sqs = sqs.facet("source").facet("year").load_all()
    articles = [result.object for result in sqs[start : start + size]]
    return sqs.count(), articles, sqs.facet_counts()


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("queries")
    parser.add_argument("out")
    parser.add_argument("--index", required=True)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--keep-index", action="store_true", help="leave the index for the engine_http step")
    args = parser.parse_args(argv)
    index_dir = Path(args.index)
    if index_dir.exists():
        shutil.rmtree(index_dir)

    django_setup()
    import datetime as dt

    backend, index = plain_connection(index_dir)

    queryset = index.index_queryset().order_by("pk")
    pks = list(queryset.values_list("pk", flat=True))
    if args.limit:
        pks = pks[: args.limit]
    started = time.perf_counter()
    for offset in range(0, len(pks), 1000):
        backend.update(index, list(queryset.filter(pk__in=pks[offset : offset + 1000])))
    build_seconds = time.perf_counter() - started
    built = {
        "documents": len(pks),
        "seconds": round(build_seconds, 1),
        "articles_per_s": round(len(pks) / build_seconds, 1),
        "index_bytes": dir_bytes(index_dir),
    }

    def run(query):
        low = high = None
        if query.get("filtered"):
            low = dt.datetime.fromisoformat(query["date_from"]).replace(tzinfo=dt.timezone.utc)
            high = dt.datetime.fromisoformat(query["date_to"]).replace(tzinfo=dt.timezone.utc) + dt.timedelta(days=1)
        count, articles, _facets = plain_search(query["q"], sources=query.get("sources") or (), low=low, high=high)
        return count, articles

    queries = read_json(args.queries)
    t0 = time.perf_counter()
    run(queries[0])
    cold = time.perf_counter() - t0
    seconds, counts, errors = [], [], {}
    for query in queries:
        t0 = time.perf_counter()
        try:
            count, _articles = run(query)
        except Exception as exc:
            errors.setdefault(query["q"], f"{type(exc).__name__}: {exc}")
            count = -1
        seconds.append(time.perf_counter() - t0)
        counts.append(count)
    result = {
        "build": built,
        "cold_first_query_ms": round(cold * 1000, 1),
        "warm": summary_ms(seconds),
        "warm_by_kind": by_kind(queries, seconds),
        "counts": counts,
        "errors": errors,
    }
    write_json(args.out, result)
    print({k: v for k, v in result.items() if k not in ("warm_by_kind", "counts")})
    if not args.keep_index:
        shutil.rmtree(index_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
