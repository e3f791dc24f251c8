"""The benchmark corpus and query set, made at run time from ../shared (never committed).

``expand`` writes the SaudiNewsNet corpus ``copies`` times with distinct ids
(``-r1`` … ``-rN`` appended to ``external_id``) into a JSON Lines file;
``make_queries`` draws a fixed, seeded mixed query set from the corpus vocabulary.

    python bench/corpus.py expand OUT.jsonl --copies 4 [--limit N]
    python bench/corpus.py queries OUT.json [--limit N] [--per-kind 25]
"""

import argparse
import collections
import datetime as dt
import gzip
import json
import random
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpora" / "saudinewsnet.jsonl.gz"
SEED = 20150721
KINDS = ("word", "and2", "or3", "phrase", "exact", "prefix")
_ARABIC_WORD = re.compile(r"^[\u0621-\u064A]{3,}$")


def records(limit=None, path=CORPUS):
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        for number, line in enumerate(stream):
            if limit is not None and number >= limit:
                return
            yield json.loads(line)


def expand(out, *, copies, limit=None, path=CORPUS):
    """Write the corpus ``copies`` times with distinct ids; return (articles, raw text bytes)."""
    count = 0
    raw = 0
    with open(out, "w", encoding="utf-8") as stream:
        for copy in range(1, copies + 1):
            for record in records(limit, path):
                record = dict(record)
                record["external_id"] = f"{record['external_id']}-r{copy}"
                stream.write(json.dumps(record, ensure_ascii=False))
                stream.write("\n")
                count += 1
                raw += raw_text_bytes(record)
    return count, raw


def raw_text_bytes(record):
    """UTF-8 bytes of the text the index is built from: title, body and captions."""
    parts = [record.get("title") or "", record.get("body") or "", *(record.get("captions") or [])]
    return sum(len(part.encode("utf-8")) for part in parts)


def _words(text):
    for token in text.split():
        token = token.strip(".,،؛:!?؟\"'()[]«»-–—…")
        if _ARABIC_WORD.match(token):
            yield token


def make_queries(*, limit=None, per_kind=25, seed=SEED, path=CORPUS):
    """Return the query set: ``per_kind`` queries of each kind, each plain and filtered.

    Words come from the corpus vocabulary with document frequency between 20 and
    3 % of the articles (neither stop words nor typos); phrases are word pairs that
    stand side by side in an article.  Filters: one source and a 14-day date range.
    """
    from archive.analysis.analyzers import analyze_terms

    rng = random.Random(seed)
    df = collections.Counter()
    pairs = []
    sources = set()
    days = set()
    articles = list(records(limit, path))
    for record in articles:
        words = list(_words(f"{record.get('title') or ''} {record.get('body') or ''}"))
        df.update(set(words))
        if record.get("source"):
            sources.add(record["source"])
        if record.get("published"):
            days.add(record["published"][:10])
    upper = max(25, int(0.03 * len(articles)))
    vocabulary = sorted(word for word, n in df.items() if 20 <= n <= upper and analyze_terms(word))
    if len(vocabulary) < 200:  # a tiny slice: take what there is
        vocabulary = sorted(word for word, n in df.items() if n >= 2 and analyze_terms(word))
    sample_articles = rng.sample(articles, min(len(articles), 2000))
    for record in sample_articles:
        words = list(_words(record.get("body") or ""))
        for first, second in zip(words, words[1:]):
            if first in df and second in df and analyze_terms(first) and analyze_terms(second):
                if df[first] >= 20 and df[second] >= 20:
                    pairs.append(f"{first} {second}")
    pairs = sorted(set(pairs))
    sources = sorted(sources)
    days = sorted(days)

    def word():
        return rng.choice(vocabulary)

    def text_for(kind):
        if kind == "word":
            return word()
        if kind == "and2":
            return f"{word()} {word()}"
        if kind == "or3":
            return f"{word()} OR {word()} OR {word()}"
        if kind == "phrase":
            return f'"{rng.choice(pairs)}"'
        if kind == "exact":
            return f"={word()}"
        if kind == "prefix":
            candidates = [w for w in (word() for _ in range(20)) if len(w) >= 5]
            stem = (candidates[0] if candidates else word())
            return stem[: max(3, len(stem) - 2)] + "*"
        raise ValueError(kind)

    queries = []
    for kind in KINDS:
        for _ in range(per_kind):
            q = text_for(kind)
            queries.append({"kind": kind, "q": q, "filtered": False})
            first_day = dt.date.fromisoformat(rng.choice(days[: max(1, len(days) - 14)]))
            queries.append(
                {
                    "kind": kind,
                    "q": q,
                    "filtered": True,
                    "sources": [rng.choice(sources)],
                    "date_from": first_day.isoformat(),
                    "date_to": (first_day + dt.timedelta(days=14)).isoformat(),
                }
            )
    return queries


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    e = sub.add_parser("expand")
    e.add_argument("out")
    e.add_argument("--copies", type=int, default=4)
    e.add_argument("--limit", type=int)
    q = sub.add_parser("queries")
    q.add_argument("out")
    q.add_argument("--limit", type=int)
    q.add_argument("--per-kind", type=int, default=25)
    args = parser.parse_args(argv)
    if args.command == "expand":
        count, raw = expand(args.out, copies=args.copies, limit=args.limit)
        print(json.dumps({"articles": count, "raw_text_bytes": raw}))
    else:
        sys.path.insert(0, str(REPO))
        queries = make_queries(limit=args.limit, per_kind=args.per_kind)
        Path(args.out).write_text(json.dumps(queries, ensure_ascii=False, indent=1), encoding="utf-8")
        print(json.dumps({"queries": len(queries)}))


if __name__ == "__main__":
    main()
