"""Read-only data from ../shared, read at run time and never copied into the repository."""

import csv
import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("ARCHIVE_SHARED_DIR") or REPO / ".." / "shared")
LUCENE_CASES = SHARED / "eval" / "lucene_arabic" / "cases.tsv"
LUCENE_STOPWORDS = SHARED / "eval" / "lucene_arabic" / "lucene_arabic_stopwords.txt"
SEED_ARTICLE = SHARED / "seed" / "article.txt"


def lucene_cases(*names):
    """Return (test name, input, expected) rows whose test name starts with one of names."""
    if not LUCENE_CASES.exists():
        return []
    with open(LUCENE_CASES, encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [
            (row["test_name"], row["input"], row["expected_tokens"])
            for row in rows
            if row["test_name"].startswith(names)
        ]


def seed_text():
    """Return the seed article's text, or None where ../shared is missing."""
    return SEED_ARTICLE.read_text(encoding="utf-8") if SEED_ARTICLE.exists() else None
