"""Results pages and article pages through gunicorn on 127.0.0.1, measured with wrk.

    ARCHIVE_DATA_DIR=... python bench/http_bench.py QUERIES.json OUT.json [--duration 30]

Starts ``gunicorn archive.wsgi --workers 2`` (sync workers, DJANGO_DEBUG off) on a
free port of 127.0.0.1, then runs wrk (8 connections, 2 threads) with
bench/wrk_rotate.lua, which rotates through a list of URLs: first the results
page of every query of the query set (``/search/?q=…`` with and without the source
and date filters), then article pages (``/articles/<id>/``) of a fixed sample.
Each worker's peak resident memory (VmHWM in /proc/<pid>/status) is read at the
end.  Traffic goes only to 127.0.0.1 and every run is bounded by ``--duration``.

``--app engine_pages:application --search-only`` serves the results page with another
search engine behind it (bench/engine_pages.py) and measures that page alone.
"""

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import REPO, read_json, write_json  # noqa: E402

LUA = Path(__file__).resolve().parent / "wrk_rotate.lua"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def search_path(query):
    params = [("q", query["q"])]
    for slug in query.get("sources") or ():
        params.append(("source", slug))
    if query.get("date_from"):
        params.append(("date_from", query["date_from"]))
    if query.get("date_to"):
        params.append(("date_to", query["date_to"]))
    return "/search/?" + urllib.parse.urlencode(params)


def article_paths(env, count=300):
    code = (
        "import django, json; django.setup(); from archive.models import Article; "
        "ids = list(Article.objects.order_by('id').values_list('external_id', flat=True)); "
        "print(json.dumps(ids))"
    )
    completed = subprocess.run(
        [str(REPO / ".venv" / "bin" / "python"), "-c", code], env=env, cwd=REPO, capture_output=True, text=True, check=True
    )
    ids = json.loads(completed.stdout.strip().splitlines()[-1])
    rng = random.Random(20150721)
    return ["/articles/" + urllib.parse.quote(i) + "/" for i in rng.sample(ids, min(count, len(ids)))]


def worker_pids(master):
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        completed = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True)
        children = completed.stdout.split()
    return [int(pid) for pid in children]


def vm_hwm_kb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def wait_ready(base, log_path, timeout=300):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/help/", timeout=60) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    sys.stderr.write(Path(log_path).read_text(errors="replace")[-3000:])
    raise SystemExit("gunicorn did not answer in time")


def run_wrk(base, paths, duration, connections, threads, workdir, name):
    listing = workdir / f"{name}.paths"
    listing.write_text("\n".join(paths) + "\n", encoding="utf-8")
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "60s",
        "-s",
        str(LUA),
        base,
        "--",
        str(listing),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=duration + 120)
    match = re.search(r"^JSON (.*)$", completed.stdout, re.MULTILINE)
    if not match:
        return {"error": (completed.stdout + completed.stderr)[-2000:]}
    result = json.loads(match.group(1))
    seconds = result.pop("duration_us") / 1e6
    result["requests_per_s"] = round(result["requests"] / seconds, 1) if seconds else None
    for key in ("p50", "p90", "p95", "p99", "mean", "max"):
        result[key] = round(result[key], 1)
    result["urls"] = len(paths)
    return result


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("queries")
    parser.add_argument("out")
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--app", default="archive.wsgi", help="the WSGI application (bench/engine_pages.py: another engine)")
    parser.add_argument("--search-only", action="store_true", help="measure the results page only")
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        write_json(args.out, {"error": "wrk is not installed (apt-get install wrk)"})
        return
    queries = read_json(args.queries)
    env = dict(os.environ, DJANGO_DEBUG="0", DJANGO_SETTINGS_MODULE="archive.settings")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    workdir = Path(tempfile.mkdtemp(prefix="archive-http-"))
    # Kept pages outlive gunicorn (archive/settings.py): every run starts from none, so
    # that each run measures the first renders too.
    data_dir = Path(env.get("ARCHIVE_DATA_DIR") or REPO / "data")
    shutil.rmtree(data_dir / "cache" / "pages", ignore_errors=True)
    log = open(workdir / "gunicorn.log", "w")
    gunicorn = subprocess.Popen(
        [
            str(REPO / ".venv" / "bin" / "gunicorn"),
            "--pythonpath",
            str(REPO / "bench"),
            args.app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--timeout",
            "120",
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_ready(base, workdir / "gunicorn.log")
        searches = [search_path(q) for q in queries]
        articles = [] if args.search_only else article_paths(env)
        result = {"workers": args.workers, "connections": args.connections, "duration_s": args.duration}
        # The first search of each worker opens the index (the "cold" query); time it apart.
        t0 = time.perf_counter()
        with urllib.request.urlopen(base + searches[0], timeout=120) as response:
            response.read()
        result["first_search_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        # The floor of Django + gunicorn on this machine in this run: a page of the same
        # layout without search or database (the help page).
        if not args.search_only:
            result["plain"] = run_wrk(base, ["/help/"], args.duration, args.connections, args.threads, workdir, "plain")
        result["search"] = run_wrk(base, searches, args.duration, args.connections, args.threads, workdir, "search")
        if not args.search_only:
            result["article"] = run_wrk(base, articles, args.duration, args.connections, args.threads, workdir, "article")
        workers = worker_pids(gunicorn.pid)
        result["worker_vmhwm_mb"] = [round((vm_hwm_kb(pid) or 0) / 1024, 1) for pid in workers]
        result["master_vmhwm_mb"] = round((vm_hwm_kb(gunicorn.pid) or 0) / 1024, 1)
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        try:
            gunicorn.wait(timeout=30)
        except subprocess.TimeoutExpired:
            gunicorn.kill()
        log.close()
    lines = (workdir / "gunicorn.log").read_text(errors="replace").splitlines()
    result["gunicorn_errors"] = sum(1 for line in lines if "Traceback" in line or "CRITICAL" in line)
    result["gunicorn_error_lines"] = sorted({line[:200] for line in lines if re.match(r"^\w+(\.\w+)*(Error|Exception)\b", line)})[:10]
    write_json(args.out, result)
    print(json.dumps(result))
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
