"""Helpers shared by the benchmark scripts: timing, percentiles, JSON results, Django set-up."""

import json
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def percentile(values, p):
    """Return the p-th percentile (nearest-rank on the sorted values), or None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(p / 100.0 * len(ordered) + 0.5)) - 1))
    return ordered[rank]


def summary_ms(seconds):
    """Return p50/p95/p99/mean/max in milliseconds for a list of durations in seconds."""
    ms = [s * 1000.0 for s in seconds]
    if not ms:
        return {"n": 0}
    return {
        "n": len(ms),
        "p50": round(percentile(ms, 50), 2),
        "p95": round(percentile(ms, 95), 2),
        "p99": round(percentile(ms, 99), 2),
        "mean": round(statistics.fmean(ms), 2),
        "max": round(max(ms), 2),
    }


def by_kind(queries, seconds):
    kinds = {}
    for query, s in zip(queries, seconds):
        kinds.setdefault(query["kind"] + (" +filters" if query["filtered"] else ""), []).append(s)
    return {kind: summary_ms(values) for kind, values in kinds.items()}


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start


def django_setup(settings="archive.settings"):
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    import django

    django.setup()


def write_json(path, data):
    Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def read_json(path, default=None):
    path = Path(path)
    if not path.exists():
        return default
    return json.loads(path.read_text(encoding="utf-8"))


def dir_bytes(path):
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(root, name))
            except OSError:
                pass
    return total


def params_for(query):
    """Turn a query-set entry into the archive's SearchParams."""
    import datetime as dt

    from archive.search.types import SearchParams

    return SearchParams(
        q=query["q"],
        sources=tuple(query.get("sources") or ()),
        date_from=dt.date.fromisoformat(query["date_from"]) if query.get("date_from") else None,
        date_to=dt.date.fromisoformat(query["date_to"]) if query.get("date_to") else None,
    )
