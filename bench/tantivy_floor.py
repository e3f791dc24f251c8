"""The floor: the same articles and the same queries in tantivy (Rust, through tantivy-py).

    ARCHIVE_DATA_DIR=... python bench/tantivy_floor.py QUERIES.json OUT.json --index DIR

The index holds the SAME terms the archive indexes: every field is the output of
archive.analysis.analyze_terms (stemmed, or exact forms), joined by spaces and
indexed with tantivy's whitespace tokenizer (positions kept for phrases), plus a
raw ``source`` keyword (fast, for the facet), a ``published`` date fast field and a
``year`` fast field.  Queries are compiled the way archive.search.engine does it
(word = stemmed text or title, or the exact form at a low weight; up to three
words all required; prefix expanded after the same proclitics), then counted,
faceted (terms aggregations on source and year) and the top 20 fetched.  No
database and no highlighting: this is the search engine alone.
"""

import argparse
import datetime as dt
import re
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import by_kind, django_setup, dir_bytes, read_json, summary_ms, write_json  # noqa: E402


def build_schema(tantivy):
    builder = tantivy.SchemaBuilder()
    for name in ("text", "title"):
        builder.add_text_field(name, tokenizer_name="whitespace", index_option="position")
    for name in ("exact", "title_exact", "source_name"):
        builder.add_text_field(name, tokenizer_name="whitespace", index_option="freq")
    builder.add_text_field("source", tokenizer_name="raw", fast=True, index_option="basic")
    builder.add_integer_field("article_id", stored=True, indexed=True, fast=True)
    builder.add_date_field("published", indexed=True, fast=True)
    builder.add_integer_field("year", indexed=True, fast=True)
    return builder.build()


def build(index_dir, limit=None):
    import tantivy

    from archive.analysis.analyzers import analyze_terms
    from archive.search.indexing import article_index

    if index_dir.exists():
        shutil.rmtree(index_dir)
    index_dir.mkdir(parents=True)
    schema = build_schema(tantivy)
    index = tantivy.Index(schema, path=str(index_dir))
    writer = index.writer(heap_size=512_000_000, num_threads=2)
    search_index = article_index()
    queryset = search_index.index_queryset().order_by("pk")
    if limit:
        queryset = queryset[:limit]
    analysis = adding = 0.0
    count = 0
    started = time.perf_counter()
    for article in queryset.iterator(chunk_size=2000):
        t0 = time.perf_counter()
        text = search_index.prepare_text(article)
        fields = {
            "text": " ".join(analyze_terms(text)),
            "title": " ".join(analyze_terms(article.title)),
            "exact": " ".join(analyze_terms(text, exact=True)),
            "title_exact": " ".join(analyze_terms(article.title, exact=True)),
            "source_name": " ".join(analyze_terms(article.source.name)) if article.source_id else "",
        }
        t1 = time.perf_counter()
        doc = tantivy.Document()
        for name, value in fields.items():
            doc.add_text(name, value)
        doc.add_text("source", article.source.slug if article.source_id else "")
        doc.add_integer("article_id", article.pk)
        if article.published:
            doc.add_date("published", article.published.astimezone(dt.timezone.utc).replace(tzinfo=None))
            doc.add_integer("year", article.published.year)
        writer.add_document(doc)
        adding += time.perf_counter() - t1
        analysis += t1 - t0
        count += 1
    t0 = time.perf_counter()
    writer.commit()
    writer.wait_merging_threads()
    adding += time.perf_counter() - t0
    total = time.perf_counter() - started
    index.reload()
    return index, {
        "documents": count,
        "seconds_total": round(total, 1),
        "seconds_analysis": round(analysis, 1),
        "seconds_tantivy": round(adding, 1),
        "articles_per_s_total": round(count / total, 1),
        "articles_per_s_tantivy_only": round(count / adding, 1) if adding else None,
        "index_bytes": dir_bytes(index_dir),
    }


PROCLITICS = ("", "ال", "و", "وال", "ب", "بال", "ل", "لل", "ف", "فال", "ك", "كال", "وب", "وبال", "ول", "ولل")


class Compiler:
    def __init__(self, tantivy, schema):
        from archive.analysis.analyzers import analyze_terms
        from archive.search import query as ql

        self.t = tantivy
        self.schema = schema
        self.analyze = analyze_terms
        self.ql = ql

    def term(self, field, value, boost=None):
        q = self.t.Query.term_query(self.schema, field, value)
        return self.t.Query.boost_query(q, boost) if boost else q

    def any_of(self, queries):
        Occur = self.t.Occur
        queries = [q for q in queries if q is not None]
        if not queries:
            return None
        return queries[0] if len(queries) == 1 else self.t.Query.boolean_query([(Occur.Should, q) for q in queries])

    def all_of(self, queries):
        Occur = self.t.Occur
        queries = [q for q in queries if q is not None]
        if not queries:
            return None
        return queries[0] if len(queries) == 1 else self.t.Query.boolean_query([(Occur.Must, q) for q in queries])

    def word(self, node):
        ql = self.ql
        if node.prefix:
            forms = self.analyze(node.text, exact=True)
            if len(forms) != 1:
                return None
            pattern = "(" + "|".join(PROCLITICS) + ")" + re.escape(forms[0]) + ".*"
            return self.t.Query.regex_query(self.schema, "exact", pattern)
        if node.exact:
            forms = self.analyze(node.text, exact=True)
            return self.all_of([self.any_of([self.term("exact", f), self.term("title_exact", f, 2.0)]) for f in forms])
        stems = self.analyze(node.text)
        if len(stems) > 1:
            return self.phrase(ql.Phrase(node.text))
        if not stems:
            return None
        alternatives = [self.term("text", stems[0]), self.term("title", stems[0], 2.0)]
        alternatives += [self.term("exact", f, 0.3) for f in self.analyze(node.text, exact=True)]
        return self.any_of(alternatives)

    def phrase(self, node):
        stems = self.analyze(node.text)
        if not stems:
            return None
        if len(stems) == 1:
            return self.word(self.ql.Word(node.text))
        return self.any_of(
            [self.t.Query.phrase_query(self.schema, "text", stems), self.t.Query.phrase_query(self.schema, "title", stems)]
        )

    def compile(self, node):
        ql = self.ql
        if isinstance(node, ql.Word):
            return self.word(node)
        if isinstance(node, ql.Phrase):
            return self.phrase(node)
        if isinstance(node, (ql.Must, ql.Not)):
            return self.compile(node.child)
        children = [self.compile(child) for child in node.children]
        return self.any_of(children) if node.op == "or" else self.all_of(children)


def run_queries(index, queries):
    import tantivy

    schema = index.schema
    compiler = Compiler(tantivy, schema)
    searcher = index.searcher()
    from archive.search import query as ql

    aggregations = {
        "source": {"terms": {"field": "source", "size": 50}},
        "year": {"terms": {"field": "year", "size": 100}},
    }
    seconds, counts = [], []
    for query in queries:
        t0 = time.perf_counter()
        q = compiler.compile(ql.parse(query["q"]))
        if q is None:
            q = tantivy.Query.empty_query()
        if query.get("filtered"):
            low = dt.datetime.fromisoformat(query["date_from"])
            high = dt.datetime.fromisoformat(query["date_to"]) + dt.timedelta(days=1)
            filters = [
                tantivy.Query.term_query(schema, "source", query["sources"][0]),
                tantivy.Query.range_query(schema, "published", tantivy.FieldType.Date, low, high, True, False),
            ]
            q = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, q)] + [(tantivy.Occur.Must, tantivy.Query.const_score_query(f, 0.0)) for f in filters]
            )
        result = searcher.search(q, limit=20, count=True)
        ids = [searcher.doc(address)["article_id"][0] for _score, address in result.hits]
        searcher.aggregate(q, aggregations)
        seconds.append(time.perf_counter() - t0)
        counts.append(result.count)
        del ids
    return seconds, counts


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("queries")
    parser.add_argument("out")
    parser.add_argument("--index", required=True)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--keep-index", action="store_true", help="leave the index for the engine_http step")
    args = parser.parse_args(argv)
    django_setup()
    import tantivy  # noqa: F401

    queries = read_json(args.queries)
    index_dir = Path(args.index)
    index, built = build(index_dir, args.limit)
    index = tantivy.Index.open(str(index_dir))
    t0 = time.perf_counter()
    run_queries(index, queries[:1])
    cold = time.perf_counter() - t0
    warm, counts = run_queries(index, queries)
    again, _ = run_queries(index, queries)
    result = {
        "build": built,
        "cold_first_query_ms": round(cold * 1000, 2),
        "warm": summary_ms(warm),
        "warm_by_kind": by_kind(queries, warm),
        "cached": summary_ms(again),
        "counts": counts,
    }
    write_json(args.out, result)
    print({k: v for k, v in result.items() if k not in ("warm_by_kind", "counts")})
    if not args.keep_index:
        shutil.rmtree(index_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
