#!/usr/bin/env python
"""Concurrency benchmark: archivists editing through the admin while readers search, on gunicorn.

    .venv/bin/python bench/concurrency.py [--duration 60] [--archivists 4] [--readers 6] [--workers 3] [--write]

The longer sibling of tests/reliability/test_concurrent_writers.py.  In a fresh
temporary ``ARCHIVE_DATA_DIR`` (migrate, ``loaddata seed demo``, ``rebuild_index``,
a superuser) it starts gunicorn with ``--workers`` sync workers on 127.0.0.1 and,
for ``--duration`` seconds, lets ``--archivists`` signed-in staff members create
articles with captions, edit them (title and inline captions), edit the same two
fixture articles as each other and delete some — POSTing the real admin forms —
while ``--readers`` clients search the results page and the API.

Then it reports: requests and p50/p95 latency per kind, every status, failures;
tracebacks, ``LockError``/``IndexBusy`` and "index busy" warnings in gunicorn's
log; how many index updates were still queued at the end (applied with
``process_index_queue``, as docs/operations.md says); ``check_index``'s verdict;
and whether every surviving article is found by the word only it holds (and no
replaced or deleted word finds anything).  ``--write`` puts the numbers into
docs/reliability.md (between the ``concurrency`` markers).  Exit 1 on any failure.
"""

import argparse
import datetime as dt
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.reliability.harness import (  # noqa: E402
    ADMIN_PASSWORD,
    ADMIN_USER,
    Gunicorn,
    django_script,
    manage,
    prepare_data_dir,
)
from tests.reliability.workload import run_workload, verify_findable  # noqa: E402

DOC = REPO / "docs" / "reliability.md"
SHARED_IDS = ["demo-2024-001", "demo-2023-002"]
KINDS = ("login", "admin-get", "admin-create", "admin-edit", "admin-edit-shared", "admin-delete", "search-page", "search-api")


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--archivists", type=int, default=4)
    parser.add_argument("--readers", type=int, default=6)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    parser.add_argument("--write", action="store_true", help="write the results into docs/reliability.md")
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="archive-concurrency-"))
    data = root / "data"
    log(f"preparing {data}")
    prepare_data_dir(data)
    shared_pks = django_script(
        data,
        f"""
        from archive.models import Article
        emit(list(Article.objects.filter(external_id__in={SHARED_IDS!r}).values_list("pk", flat=True)))
        """,
    )
    server = Gunicorn(data, workers=args.workers, timeout=120, log_dir=root)
    server.start()
    log(f"gunicorn on {server.url}: {args.archivists} archivists, {args.readers} readers, {args.duration} s")
    try:
        outcome = run_workload(
            server.url, run="b", username=ADMIN_USER, password=ADMIN_PASSWORD, archivists=args.archivists,
            readers=args.readers, duration=args.duration, shared_pks=shared_pks,
        )
        log(f"workload done in {outcome.elapsed:.0f} s: {len(outcome.records)} requests")
        check = manage(data, "check_index", check=False)
        queued = re.search(r"queued (\d+)", check.stdout)
        queued = int(queued.group(1)) if queued else None
        applied = None
        if queued:
            applied = manage(data, "process_index_queue", check=False).stdout.strip()
            check = manage(data, "check_index", check=False)
        problems = verify_findable(server.url, outcome, SHARED_IDS)
    finally:
        server.stop()
    server_log = server.log()
    report = {
        "date": dt.date.today().isoformat(),
        "machine": f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end",
        "args": vars(args),
        "elapsed": outcome.elapsed,
        "latency": {kind: outcome.latency(kind) for kind in KINDS},
        "statuses": outcome.statuses,
        "request_problems": outcome.problems,
        "alive": len(outcome.articles),
        "deleted": len(outcome.deleted),
        "shared_edits": outcome.shared_edits,
        "queued": queued,
        "applied": applied,
        "check": (check.returncode, (check.stdout.strip().splitlines() or [check.stderr.strip()[-200:]])[0]),
        "findability_problems": problems,
        "log": {
            "tracebacks": server_log.count("Traceback"),
            "lock_errors": server_log.count("LockError") + server_log.count("IndexBusy"),
            "index_busy_warnings": server_log.count("index busy"),
            "worker_timeouts": server_log.count("WORKER TIMEOUT"),
        },
    }
    section = markdown(report)
    print(section)
    if args.write:
        from bench.load import replace_section  # noqa: PLC0415 (same folder, loaded on demand)

        replace_section(DOC, "concurrency", section)
        log(f"written into {DOC}")
    if args.keep:
        log(f"kept {root}")
    else:
        shutil.rmtree(root, ignore_errors=True)
    failed = (
        report["request_problems"] or problems or check.returncode or report["log"]["tracebacks"]
        or report["log"]["lock_errors"]
    )
    return 1 if failed else 0


def markdown(report):
    args = report["args"]
    rows = ["| kind | requests | p50 | p95 | max |", "|---|---:|---:|---:|---:|"]
    for kind, numbers in report["latency"].items():
        if numbers["count"]:
            rows.append(
                f"| {kind} | {numbers['count']} | {numbers['p50']:.2f} s | {numbers['p95']:.2f} s | {numbers['max']:.2f} s |"
            )
    statuses = ", ".join(f"{status}: {count}" for status, count in sorted(report["statuses"].items()))
    logs = report["log"]
    problems = report["request_problems"] + report["findability_problems"]
    return "\n".join([
        f"Run of {report['date']} on {report['machine']}: gunicorn {args['workers']} sync workers, "
        f"{args['archivists']} archivists and {args['readers']} readers for {report['elapsed']:.0f} s.",
        "",
        *rows,
        "",
        f"- Statuses: {statuses}. Failed requests: {len(report['request_problems'])}.",
        f"- Articles created and still alive: {report['alive']}, deleted: {report['deleted']}; "
        f"edits of the two shared fixture articles: {report['shared_edits']}.",
        f"- gunicorn log: {logs['tracebacks']} tracebacks, {logs['lock_errors']} LockError/IndexBusy, "
        f"{logs['index_busy_warnings']} \"index busy\" warnings, {logs['worker_timeouts']} worker timeouts.",
        f"- Index updates still queued after the run: {report['queued'] or 0}"
        + (f" (`process_index_queue`: {report['applied']})" if report["queued"] else "") + ".",
        f"- `check_index`: exit {report['check'][0]} — `{report['check'][1]}`.",
        f"- Findability (each surviving article by its own word; replaced and deleted words find nothing): "
        + ("all found." if not report["findability_problems"] else f"{len(report['findability_problems'])} problems."),
        *(f"  - {p}" for p in problems[:10]),
    ])


if __name__ == "__main__":
    sys.exit(main())
