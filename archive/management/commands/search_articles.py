import json
import sys

from django.core.management.base import BaseCommand, CommandError

from archive.search.types import SearchParams
from archive.selectors import article_search, article_search_iter


class Command(BaseCommand):
    help = (
        "Run one query, or every query of a topics file (qid<TAB>query per line), through the "
        "archive's search and print the results (text, json, tsv or TREC run format)."
    )

    def add_arguments(self, parser):
        parser.add_argument("query", nargs="?", help="the query (omit with --topics)")
        parser.add_argument("--topics", help="file of qid<TAB>query lines; - for standard input")
        parser.add_argument("--limit", type=int, default=10, help="results per query (default 10)")
        parser.add_argument("--format", choices=["text", "json", "tsv", "trec"], default="text")
        parser.add_argument("--exact", action="store_true", help="exact forms only")
        parser.add_argument("--sort", choices=["relevance", "newest", "oldest"], default="relevance")
        parser.add_argument("--run-name", default="archive", help="run tag for --format trec")

    def handle(self, *args, **options):
        if options["limit"] < 1:
            raise CommandError("--limit must be at least 1")
        if options["topics"]:
            topics = self.read_topics(options["topics"])
        elif options["query"]:
            topics = [("1", options["query"])]
        else:
            raise CommandError("give a QUERY or --topics FILE")
        for qid, text in topics:
            params = SearchParams(q=text, exact=options["exact"], sort=options["sort"], page_size=options["limit"])
            self.write(qid, text, params, options)

    def read_topics(self, path):
        handle = sys.stdin if path == "-" else open(path, encoding="utf-8-sig")
        topics = []
        with handle:
            for number, line in enumerate(handle, start=1):
                line = line.rstrip("\n")
                if not line.strip():
                    continue
                qid, tab, text = line.partition("\t")
                if not tab:
                    raise CommandError(f"{path}:{number}: expected qid<TAB>query")
                topics.append((qid.strip(), text.strip()))
        return topics

    def write(self, qid, text, params, options):
        form = options["format"]
        if form == "trec":
            rows = list(article_search_iter(params=params, limit=options["limit"]))
            for rank, (article, score) in enumerate(rows, start=1):
                self.stdout.write(f"{qid} Q0 {article.external_id} {rank} {score:.4f} {options['run_name']}")
            return
        page = article_search(params=params)
        if form == "json":
            self.stdout.write(
                json.dumps(
                    {
                        "qid": qid,
                        "query": text,
                        "count": page.count,
                        "error": page.error,
                        "notice": page.notice,
                        "results": [
                            {
                                "rank": rank,
                                "external_id": hit.article.external_id,
                                "title": hit.article.title,
                                "source": hit.article.source.name if hit.article.source_id else None,
                                "published": hit.article.published.isoformat() if hit.article.published else None,
                                "score": round(hit.score, 4),
                            }
                            for rank, hit in enumerate(page.hits, start=1)
                        ],
                    },
                    ensure_ascii=False,
                )
            )
        elif form == "tsv":
            for rank, hit in enumerate(page.hits, start=1):
                published = hit.article.published.date().isoformat() if hit.article.published else ""
                self.stdout.write(f"{qid}\t{rank}\t{hit.article.external_id}\t{hit.score:.4f}\t{published}\t{hit.article.title}")
        else:
            self.stdout.write(f"{qid}\t{text}\t{page.count}")
            if page.error:
                self.stdout.write(f"  {page.error}")
            for rank, hit in enumerate(page.hits, start=1):
                self.stdout.write(f"  {rank:>3}. {hit.article.external_id}  {hit.score:.3f}  {hit.article.title}")
