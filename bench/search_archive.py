"""Time the query set through the archive's own search code (selectors.article_search).

    ARCHIVE_DATA_DIR=... python bench/search_archive.py QUERIES.json OUT.json

Measures, in one process:

* ``cold``: the first search of the process (opens the index, builds the
  per-process snapshot columns, first database connection);
* ``warm``: every query once, searcher and columns reused but the query's own
  cached document sets not yet built — the honest figure for a new query;
* ``cached``: the same queries again, answered from the per-generation caches
  (what a researcher paging or re-sorting a result set sees).
"""

import argparse
import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import by_kind, django_setup, params_for, read_json, summary_ms, write_json  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("queries")
    parser.add_argument("out")
    parser.add_argument(
        "--sample", type=int, help="use every k-th plain/filtered pair so that about this many queries run"
    )
    parser.add_argument("--no-page2", action="store_true", help="skip the page-2 pass")
    args = parser.parse_args(argv)
    queries = read_json(args.queries)
    if args.sample and args.sample < len(queries):
        pairs = [queries[i : i + 2] for i in range(0, len(queries), 2)]
        step = max(1, round(len(pairs) / (args.sample / 2)))
        queries = [q for pair in pairs[::step] for q in pair]
    started = time.perf_counter()
    django_setup()
    # A failed search is logged with its traceback by selectors; here it is counted in "errors".
    import logging

    logging.disable(logging.ERROR)
    setup_seconds = time.perf_counter() - started

    from archive import selectors
    from archive.search.backend import backend

    first = params_for(queries[0])
    t0 = time.perf_counter()
    selectors.article_search(params=first)
    cold = time.perf_counter() - t0
    documents = backend().snapshot().doc_count

    gc.collect()
    errors = {}

    def timed(query, **changes):
        params = params_for(query).with_changes(**changes)
        t0 = time.perf_counter()
        try:
            page = selectors.article_search(params=params)
        except Exception as exc:  # recorded and reported, never hidden
            errors.setdefault(query["q"], f"{type(exc).__name__}: {exc}")
            page = None
        if page is not None and page.error:
            errors.setdefault(query["q"], f"error shown: {page.error}")
        return time.perf_counter() - t0, page

    warm, counts = [], []
    for query in queries:
        seconds, page = timed(query)
        warm.append(seconds)
        counts.append(page.count if page is not None else -1)
    cached = [timed(query)[0] for query in queries]
    # Page 2 of every query: a researcher's next click (document sets cached, new page ranked).
    page2 = [] if args.no_page2 else [timed(query, page=2)[0] for query in queries]

    result = {
        "documents": documents,
        "queries": len(queries),
        "django_setup_s": round(setup_seconds, 3),
        "cold_first_query_ms": round(cold * 1000, 1),
        "warm": summary_ms(warm),
        "warm_by_kind": by_kind(queries, warm),
        "cached": summary_ms(cached),
        "page2": summary_ms(page2),
        "hits": {"zero": sum(1 for c in counts if c == 0), "median": sorted(counts)[len(counts) // 2]},
        "counts": counts,
        "errors": errors,
    }
    write_json(args.out, result)
    print({k: v for k, v in result.items() if k not in ("warm_by_kind", "counts")})


if __name__ == "__main__":
    main()
