#!/usr/bin/env python
"""Load test: the 31k-article corpus under 32 concurrent connections while an import runs.

    .venv/bin/python bench/load.py [--duration 60] [--connections 32] [--workers 3] [--write]

What it does:

1. Prepares an archive of the corpus (``../shared/corpora/saudinewsnet.jsonl.gz``)
   in ``--data-dir`` (default ``/tmp/archive-load-31k``) with ``migrate`` and
   ``import_articles`` — a few minutes — and reuses it on later runs (a marker
   file records the corpus and the migrations it was built with).
2. Starts gunicorn (``--workers`` sync workers, ``--timeout 120``) on 127.0.0.1,
   with ``ARCHIVE_EXPORT_MAX_ROWS`` lowered to ``--export-rows`` (a modest export).
3. Starts ``import_articles`` in a subprocess on the corpus's last 1,000 articles
   with changed titles (so each one is an update that reaches the index), and at
   the same time runs wrk (``bench/load.lua``) for ``--duration`` seconds with the
   connections split between searches (results page and API, Arabic queries from
   a fixed list), article pages and CSV exports.  wrk's timeout is 120 s, like
   gunicorn's: a request that takes longer counts as a timeout.
4. Reports per kind: requests, throughput, p50/p95/p99 latency, 5xx, other
   non-2xx, socket errors and timeouts; how long the concurrent import took and
   what it did; tracebacks and worker timeouts in gunicorn's log; and whether
   ``check_index`` finds index and database in agreement afterwards.

``--write`` puts the results into docs/reliability.md (between the ``load``
markers).  Without wrk (``apt-get install wrk``) a slower Python client is used.
"""

import argparse
import datetime as dt
import gzip
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.reliability.harness import (  # noqa: E402
    PYTHON,
    Browser,
    Gunicorn,
    archive_env,
    manage,
    percentile,
)

CORPUS = Path(os.environ.get("ARCHIVE_SHARED_DIR") or REPO.parent / "shared") / "corpora" / "saudinewsnet.jsonl.gz"
DOC = REPO / "docs" / "reliability.md"
LUA = REPO / "bench" / "load.lua"

# A fixed list of queries: single words in several forms, phrases, operators, a prefix and an exact form.
QUERIES = [
    "السعودية", "الرياض", "وزير الخارجية", "فلسطين", "الحوثيين", "النفط", "أسعار النفط", "التعليم", "وزارة الصحة",
    "كورونا", "الأمطار", "المرور", "الهلال", "النصر", "جدة", "مكة المكرمة", "الحج", "اليمن", "سوريا", "مجلس الوزراء",
    '"خادم الحرمين الشريفين"', "إيران OR العراق", "الملك سلمان", "الاقتصاد NOT النفط", "طلاب*", "=المدارس",
    "هيئة الأمر بالمعروف", "الدفاع المدني", "الشورى", "البطالة", "الإسكان", "title:الرياض", "سعر الدولار",
]
EXPORT_QUERIES = ["الرياض", "النفط", "فلسطين", "التعليم", "الهلال", "الأمطار", "اليمن", "الإسكان"]
KINDS = ("search", "article", "export")


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def migrations_signature():
    return sorted(p.name for p in (REPO / "archive" / "migrations").glob("0*.py"))


def index_code_signature():
    """A digest of the code that decides what the index holds: a change means rebuild_index."""
    import hashlib

    files = sorted(
        [*(REPO / "archive" / "analysis").glob("*.py"), REPO / "archive" / "search_indexes.py",
         REPO / "archive" / "search" / "fields.py", REPO / "archive" / "search" / "backend.py"]
    )
    digest = hashlib.sha256()
    for path in files:
        if path.exists():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def prepare(data_dir, corpus):
    """Import the corpus into ``data_dir`` unless done before; return the seconds it took, or None."""
    marker = data_dir / "LOAD_READY.json"
    signature = {"corpus": str(corpus), "size": corpus.stat().st_size, "migrations": migrations_signature()}
    index_code = index_code_signature()
    if marker.exists():
        saved = json.loads(marker.read_text())
        if {k: saved.get(k) for k in signature} == signature:
            if saved.get("index_code") != index_code:
                log("the index code changed since the archive was prepared: rebuild_index (a few minutes)")
                started = time.monotonic()
                manage(data_dir, "rebuild_index", "--noinput", timeout=7200)
                log(f"index rebuilt in {time.monotonic() - started:.0f} s")
                marker.write_text(json.dumps({**signature, "index_code": index_code}))
            else:
                log(f"reusing the prepared archive in {data_dir}")
            return None
    if data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True)
    log(f"preparing {data_dir}: migrate, then import_articles {corpus} (a few minutes)")
    manage(data_dir, "migrate", "--noinput")
    started = time.monotonic()
    result = manage(data_dir, "import_articles", str(corpus), timeout=7200, check=False)
    seconds = time.monotonic() - started
    log(f"corpus imported in {seconds:.0f} s: {result.stdout.strip().splitlines()[-1] if result.stdout else ''}")
    if result.returncode not in (0, 1):  # 1: some records failed validation, reported on stderr
        raise SystemExit(result.stderr[-3000:])
    manage(data_dir, "check_index")
    marker.write_text(json.dumps({**signature, "index_code": index_code}))
    return seconds


def corpus_tail(corpus, count):
    with gzip.open(corpus, "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines if line.strip()]
    return records[-count:]


def write_paths(directory, data_dir, rng):
    """Write one file of request paths per kind; return {kind: path}."""
    from urllib.parse import urlencode

    with closing(sqlite3.connect(data_dir / "archive.sqlite3")) as db:
        ids = [row[0] for row in db.execute("select external_id from archive_article")]
    searches = []
    for q in QUERIES:
        searches += [
            "/search/?" + urlencode({"q": q}),
            "/api/search/?" + urlencode({"q": q}),
            "/search/?" + urlencode({"q": q, "sort": "newest", "page": 2}),
            "/api/search/?" + urlencode({"q": q, "page_size": 50}),
        ]
    rng.shuffle(searches)
    articles = [f"/articles/{external_id}/" for external_id in rng.sample(ids, min(2000, len(ids)))]
    exports = ["/search/export/?" + urlencode({"q": q, "format": "csv"}) for q in EXPORT_QUERIES]
    files = {}
    for kind, paths in (("search", searches), ("article", articles), ("export", exports)):
        files[kind] = directory / f"paths-{kind}.txt"
        files[kind].write_text("\n".join(paths) + "\n", encoding="utf-8")
    return files


def split_connections(total):
    export = max(1, total // 8)
    article = max(1, total // 4)
    return {"search": total - export - article, "article": article, "export": export}


def run_wrk(url, kind, paths_file, connections, duration, results):
    threads = max(1, min(2, connections // 8))
    command = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "120s",
        "-s", str(LUA), url, "--", str(paths_file),
    ]
    output = subprocess.run(command, capture_output=True, text=True, timeout=duration + 300)
    line = next((l for l in output.stdout.splitlines() if l.startswith("@@WRK@@")), None)
    if line is None:
        results[kind] = {"error": output.stdout[-2000:] + output.stderr[-2000:]}
        return
    data = json.loads(line[len("@@WRK@@"):])
    results[kind] = {
        "requests": data["requests"],
        "seconds": data["duration_us"] / 1e6,
        "p50": data["latency_us"]["p50"] / 1e6,
        "p95": data["latency_us"]["p95"] / 1e6,
        "p99": data["latency_us"]["p99"] / 1e6,
        "max": data["latency_us"]["max"] / 1e6,
        "statuses": data["statuses"],
        "timeouts": data["errors"]["timeout"],
        "socket_errors": data["errors"]["connect"] + data["errors"]["read"] + data["errors"]["write"],
        "connections": connections,
    }


def run_python_client(url, kind, paths_file, connections, duration, results):
    """A slower stand-in for wrk: ``connections`` threads, one request at a time each."""
    paths = paths_file.read_text(encoding="utf-8").split()
    latencies, statuses, errors = [], {}, {"timeouts": 0, "socket_errors": 0}
    lock = threading.Lock()
    until = time.monotonic() + duration

    def worker(n):
        browser = Browser(url, timeout=120)
        position = random.Random(n).randrange(len(paths))
        while time.monotonic() < until:
            position = (position + 1) % len(paths)
            try:
                response = browser.get(paths[position])
            except TimeoutError:
                with lock:
                    errors["timeouts"] += 1
                continue
            except OSError:
                with lock:
                    errors["socket_errors"] += 1
                continue
            with lock:
                latencies.append(response.elapsed)
                statuses[str(response.status)] = statuses.get(str(response.status), 0) + 1

    started = time.monotonic()
    workers = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    results[kind] = {
        "requests": len(latencies),
        "seconds": time.monotonic() - started,
        "p50": percentile(latencies, 0.5),
        "p95": percentile(latencies, 0.95),
        "p99": percentile(latencies, 0.99),
        "max": max(latencies, default=0.0),
        "statuses": statuses,
        "connections": connections,
        **errors,
    }


def warm_up(server, files):
    """One request of each kind per worker (each builds its index snapshot on first use)."""
    browser = Browser(server.url, timeout=300)
    for kind in KINDS:
        first = files[kind].read_text(encoding="utf-8").split()[0]
        for _ in range(server.workers):
            browser.get(first)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/archive-load-31k"))
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--import-count", type=int, default=1000)
    parser.add_argument("--export-rows", type=int, default=200)
    parser.add_argument("--client", choices=("wrk", "python"), default="wrk" if shutil.which("wrk") else "python")
    parser.add_argument("--write", action="store_true", help="write the results into docs/reliability.md")
    parser.add_argument("--prepare-only", action="store_true", help="only build (or check) the corpus archive")
    parser.add_argument("--from-report", type=Path, help="only render (and --write) a saved report.json")
    args = parser.parse_args()

    if args.from_report:
        section = markdown(json.loads(args.from_report.read_text(encoding="utf-8")))
        print(section)
        if args.write:
            replace_section(DOC, "load", section)
        return 0

    corpus_seconds = prepare(args.data_dir, args.corpus)
    if args.prepare_only:
        return 0
    work = args.data_dir.parent / (args.data_dir.name + "-run")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    rng = random.Random(20250131)
    files = write_paths(work, args.data_dir, rng)

    # The concurrent import: the corpus's last articles with a changed title (an update each).
    stamp = dt.datetime.now().strftime("%Y%m%d%H%M%S")
    changed = [{**r, "title": f"{r['title']} (مراجعة {stamp})"} for r in corpus_tail(args.corpus, args.import_count)]
    import_file = work / "changed.jsonl"
    import_file.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in changed), encoding="utf-8")

    server = Gunicorn(
        args.data_dir, workers=args.workers, timeout=120, log_dir=work,
        env={"ARCHIVE_EXPORT_MAX_ROWS": args.export_rows},
    )
    server.start()
    log(f"gunicorn on {server.url} with {args.workers} workers; warming up")
    warm_up(server, files)

    importer = subprocess.Popen(
        [PYTHON, "manage.py", "import_articles", str(import_file)],
        cwd=REPO, env=archive_env(args.data_dir), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    import_started = time.monotonic()
    connections = split_connections(args.connections)
    log(f"{args.client}: {args.duration} s, connections {connections}; import of {args.import_count} articles running")
    results = {}
    runner = run_wrk if args.client == "wrk" else run_python_client
    clients = [
        threading.Thread(target=runner, args=(server.url, kind, files[kind], connections[kind], args.duration, results))
        for kind in KINDS
    ]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join()
    import_running_at_end = importer.poll() is None
    out, err = importer.communicate(timeout=3600)
    import_seconds = time.monotonic() - import_started
    import_summary = (out.strip().splitlines() or [""])[-1]
    log(f"import finished in {import_seconds:.0f} s (exit {importer.returncode}): {import_summary}")

    server.stop()
    server_log = server.log()
    check = manage(args.data_dir, "check_index", check=False)
    queued = re.search(r"queued (\d+)", check.stdout)
    queued = int(queued.group(1)) if queued else None
    processed = None
    if queued:
        processed = manage(args.data_dir, "process_index_queue", check=False).stdout.strip()
        check = manage(args.data_dir, "check_index", check=False)
    access_5xx = len(re.findall(r"^\S+ \S+ 5\d\d ", server.access_log(), re.M))
    service = service_times(server.access_log())

    report = {
        "date": dt.date.today().isoformat(),
        "machine": f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end",
        "client": args.client,
        "duration": args.duration,
        "connections": connections,
        "workers": args.workers,
        "export_rows": args.export_rows,
        "corpus_import_seconds": corpus_seconds,
        "results": results,
        "service": service,
        "import": {
            "count": args.import_count,
            "seconds": import_seconds,
            "still_running_when_load_ended": import_running_at_end,
            "exit": importer.returncode,
            "summary": import_summary,
            "stderr": err.strip()[-500:],
        },
        "log": {
            "tracebacks": server_log.count("Traceback"),
            "worker_timeouts": server_log.count("WORKER TIMEOUT"),
            "index_busy_warnings": server_log.count("index busy"),
            "access_log_5xx": access_5xx,
        },
        "check_index": {
            "exit": check.returncode,
            "output": check.stdout.strip().splitlines()[0] if check.stdout.strip() else check.stderr.strip()[-300:],
            "queued_before": queued,
            "process_index_queue": processed,
        },
    }
    (work / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    section = markdown(report)
    print(section)
    if args.write:
        replace_section(DOC, "load", section)
        log(f"written into {DOC}")
    failed = any(
        r.get("error") or r.get("timeouts") or any(s.startswith("5") for s in r.get("statuses", {}))
        for r in results.values()
    )
    return 1 if failed or report["log"]["tracebacks"] or check.returncode else 0


def kind_of(path):
    if path.startswith("/search/export/"):
        return "export"
    if path.startswith("/articles/"):
        return "article"
    if path.startswith(("/search/", "/api/search/")):
        return "search"
    return None


def service_times(access_log):
    """Per kind, the time gunicorn spent on each request (its access log's %(L)s): work, not queueing."""
    times = {kind: [] for kind in KINDS}
    for line in access_log.splitlines():
        parts = line.split()
        if len(parts) == 4 and kind_of(parts[1]):
            times[kind_of(parts[1])].append(float(parts[3]))
    return {
        kind: {"count": len(v), "p50": percentile(v, 0.5), "p95": percentile(v, 0.95), "max": max(v, default=0.0)}
        for kind, v in times.items()
    }


def markdown(report):
    rows = [
        "| kind | connections | requests | req/s | p50 | p95 | p99 | max | 5xx | other non-2xx | timeouts | socket errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for kind in KINDS:
        r = report["results"].get(kind, {})
        if "error" in r or not r:
            rows.append(f"| {kind} | — | run failed: {r.get('error', 'no result')[:80]!r} |")
            continue
        statuses = r["statuses"]
        five = sum(n for s, n in statuses.items() if s.startswith("5"))
        other = sum(n for s, n in statuses.items() if not s.startswith(("2", "5")))
        rows.append(
            f"| {kind} | {r['connections']} | {r['requests']} | {r['requests'] / r['seconds']:.1f} | "
            f"{r['p50']:.2f} s | {r['p95']:.2f} s | {r['p99']:.2f} s | {r['max']:.2f} s | {five} | {other} | "
            f"{r['timeouts']} | {r['socket_errors']} |"
        )
    rows += [
        "",
        "Time the server spent on each request (gunicorn's access log; the latencies above add the wait in the "
        "queue of 32 connections for 3 workers):",
        "",
        "| kind | requests | p50 | p95 | max |",
        "|---|---:|---:|---:|---:|",
    ]
    for kind in KINDS:
        t = report["service"].get(kind)
        if t and t["count"]:
            rows.append(f"| {kind} | {t['count']} | {t['p50']:.2f} s | {t['p95']:.2f} s | {t['max']:.2f} s |")
    imp, logs, check = report["import"], report["log"], report["check_index"]
    corpus = (
        f"{report['corpus_import_seconds']:.0f} s" if report["corpus_import_seconds"] else "reused from an earlier run"
    )
    lines = [
        f"Run of {report['date']} on {report['machine']}; client {report['client']}, {report['duration']} s, "
        f"gunicorn {report['workers']} sync workers (`--timeout 120`), exports limited to "
        f"{report['export_rows']} rows (`ARCHIVE_EXPORT_MAX_ROWS`). Corpus import: {corpus}.",
        "",
        *rows,
        "",
        f"- Concurrent import of {imp['count']} changed articles: {imp['seconds']:.0f} s, exit {imp['exit']}"
        f"{' (still running when the load ended)' if imp['still_running_when_load_ended'] else ''}: "
        f"`{imp['summary']}`"
        + (f" — refused records: {'; '.join(l for l in imp['stderr'].splitlines() if not l.startswith('CommandError'))[:300]}"
           if imp["exit"] else ""),
        f"- gunicorn log: {logs['tracebacks']} tracebacks, {logs['worker_timeouts']} worker timeouts, "
        f"{logs['index_busy_warnings']} \"index busy\" warnings; access log: {logs['access_log_5xx']} responses 5xx.",
        f"- `check_index` afterwards: exit {check['exit']} — `{check['output']}`"
        + (f" (after `process_index_queue`: {check['process_index_queue']}; {check['queued_before']} were queued)"
           if check["queued_before"] else ""),
    ]
    return "\n".join(lines)


def replace_section(path, name, text):
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    content = path.read_text(encoding="utf-8")
    if begin not in content:
        content = content.rstrip() + f"\n\n{begin}\n{end}\n"
    head, rest = content.split(begin, 1)
    _old, tail = rest.split(end, 1)
    path.write_text(f"{head}{begin}\n{text}\n{end}{tail}", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
