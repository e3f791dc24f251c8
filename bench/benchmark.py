"""Run the archive's benchmarks step by step and record the results (see bench/README.md).

    python bench/benchmark.py [--quick] [--workdir DIR] [--steps a,b,...] [--keep]

Each step writes its figures into WORKDIR/results.json; ``report`` renders them
into docs/benchmarks.md.  Steps (in order): corpus, import_db, import, rebuild,
search, tantivy, default_whoosh, reloaded, http, engine_http, profile, report.
"""

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import REPO, dir_bytes, read_json, write_json  # noqa: E402

import corpus  # noqa: E402

STEPS = (
    "corpus",
    "import_db",
    "import",
    "rebuild",
    "search",
    "tantivy",
    "default_whoosh",
    "reloaded",
    "http",
    "engine_http",
    "profile",
    "report",
)
PYTHON = str(REPO / ".venv" / "bin" / "python")


class Bench:
    def __init__(self, args):
        self.args = args
        self.quick = args.quick
        self.workdir = Path(args.workdir or tempfile.mkdtemp(prefix="archive-bench-")).resolve()
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.results_path = self.workdir / "results.json"
        self.results = read_json(self.results_path, {})
        self.limit = args.limit if args.limit else (1000 if self.quick else None)
        self.copies = args.copies if args.copies else (2 if self.quick else 4)
        self.data = self.workdir / "data"
        self.corpus_path = self.workdir / "corpus.jsonl"
        self.queries_path = self.workdir / "queries.json"

    # --- bookkeeping -----------------------------------------------------------------

    def save(self, key, value):
        self.results[key] = value
        write_json(self.results_path, self.results)

    def log(self, message):
        print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)

    def env(self, data_dir=None, **extra):
        env = dict(os.environ)
        env.pop("DATABASE_URL", None)
        env["ARCHIVE_DATA_DIR"] = str(data_dir or self.data)
        env["DJANGO_SETTINGS_MODULE"] = "archive.settings"
        env["DJANGO_DEBUG"] = "0"
        env["PYTHONPATH"] = str(REPO)
        env.update({k: str(v) for k, v in extra.items()})
        return env

    def run(self, command, *, env=None, check=True, capture=True, cwd=REPO, timeout=None):
        self.log("+ " + " ".join(str(c) for c in command))
        started = time.perf_counter()
        completed = subprocess.run(
            [str(c) for c in command],
            env=env,
            cwd=cwd,
            text=True,
            capture_output=capture,
            timeout=timeout,
        )
        seconds = time.perf_counter() - started
        if check and completed.returncode != 0:
            sys.stderr.write((completed.stdout or "")[-4000:] + (completed.stderr or "")[-4000:])
            raise SystemExit(f"command failed ({completed.returncode}): {command}")
        return completed, seconds

    # --- steps -----------------------------------------------------------------------

    def step_corpus(self):
        count, raw = corpus.expand(self.corpus_path, copies=self.copies, limit=self.limit)
        one_copy = corpus.expand(self.workdir / "corpus-1.jsonl", copies=1, limit=self.limit)
        completed, _ = self.run(
            [PYTHON, REPO / "bench" / "corpus.py", "queries", self.queries_path]
            + (["--limit", self.limit] if self.limit else [])
        )
        queries = json.loads(self.queries_path.read_text(encoding="utf-8"))
        self.save(
            "corpus",
            {
                "articles": count,
                "copies": self.copies,
                "slice": self.limit,
                "raw_text_bytes": raw,
                "jsonl_bytes": self.corpus_path.stat().st_size,
                "one_copy_articles": one_copy[0],
                "queries": len(queries),
                "query_kinds": sorted({q["kind"] for q in queries}),
            },
        )

    def _import(self, data_dir, path, *extra):
        if data_dir.exists():
            shutil.rmtree(data_dir)
        data_dir.mkdir(parents=True)
        env = self.env(data_dir)
        self.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env=env)
        completed, seconds = self.run(
            [PYTHON, "manage.py", "import_articles", path, "-v1", *extra], env=env, check=False
        )
        # The importer exits 1 when some records failed validation (the corpus has
        # articles with an empty title or body): that is a result, not a crash.
        if completed.returncode not in (0, 1):
            sys.stderr.write(completed.stderr[-4000:])
            raise SystemExit("import failed")
        summary = completed.stdout.strip().splitlines()[-1] if completed.stdout.strip() else ""
        numbers = [int(n) for n in re.findall(r"\d+", summary)]
        failed = len([line for line in completed.stderr.splitlines() if re.search(r":\d+: ", line)])
        return seconds, summary, numbers, failed

    def step_import_db(self):
        data_dir = self.workdir / "data-db-only"
        path = self.workdir / "corpus-1.jsonl"
        seconds, summary, _numbers, failed = self._import(data_dir, path, "--no-index")
        articles = self._count_articles(data_dir)
        self.save(
            "import_db",
            {
                "articles": articles,
                "records_failed": failed,
                "seconds": round(seconds, 1),
                "articles_per_s": round(articles / seconds, 1),
                "records_per_s": round((articles + failed) / seconds, 1),
                "command_summary": summary,
                "db_bytes": dir_bytes(data_dir) - dir_bytes(data_dir / "whoosh_index"),
            },
        )
        shutil.rmtree(data_dir, ignore_errors=True)

    def _count_articles(self, data_dir):
        completed, _ = self.run(
            [PYTHON, "-c", "import django; django.setup(); from archive.models import Article; print(Article.objects.count())"],
            env=self.env(data_dir),
        )
        return int(completed.stdout.strip().splitlines()[-1])

    def step_import(self):
        extra = ["--no-index"] if self.args.bulk else []
        seconds, summary, _numbers, failed = self._import(self.data, self.corpus_path, *extra)
        articles = self._count_articles(self.data)
        index_bytes = dir_bytes(self.data / "whoosh_index")
        raw = self.results["corpus"]["raw_text_bytes"]
        self.save(
            "import",
            {
                "articles": articles,
                "records_failed": failed,
                "seconds": round(seconds, 1),
                "articles_per_s": round(articles / seconds, 1),
                "index_bytes": index_bytes,
                "raw_text_bytes": raw,
                "index_to_raw": round(index_bytes / raw, 3),
                "db_bytes": dir_bytes(self.data) - index_bytes,
                "command_summary": summary,
                "no_index": bool(self.args.bulk),
            },
        )

    def step_rebuild(self):
        env = self.env()
        _completed, seconds = self.run([PYTHON, "manage.py", "rebuild_index", "--noinput", "-v0"], env=env)
        articles = self.results.get("import", {}).get("articles") or self._count_articles(self.data)
        index_bytes = dir_bytes(self.data / "whoosh_index")
        self.save(
            "rebuild",
            {
                "articles": articles,
                "seconds": round(seconds, 1),
                "articles_per_s": round(articles / seconds, 1),
                "index_bytes": index_bytes,
                "index_to_raw": round(index_bytes / self.results["corpus"]["raw_text_bytes"], 3),
            },
        )

    def step_search(self):
        out = self.workdir / "search.json"
        self.run([PYTHON, REPO / "bench" / "search_archive.py", self.queries_path, out], env=self.env(), capture=False)
        self.save("search", read_json(out))

    def step_tantivy(self):
        out = self.workdir / "tantivy.json"
        self.run(
            [
                PYTHON, REPO / "bench" / "tantivy_floor.py", self.queries_path, out,
                "--index", self.workdir / "tantivy", "--keep-index",
            ],
            env=self.env(),
            capture=False,
        )
        self.save("tantivy", read_json(out))

    def step_default_whoosh(self):
        out = self.workdir / "default_whoosh.json"
        self.run(
            [
                PYTHON, REPO / "bench" / "default_whoosh.py", self.queries_path, out,
                "--index", self.workdir / "default-whoosh", "--keep-index",
            ]
            + (["--limit", self.args.compare_articles] if self.args.compare_articles else []),
            env=self.env(),
            capture=False,
        )
        self.save("default_whoosh", read_json(out))

    def step_reloaded(self):
        out = self.workdir / "reloaded.json"
        self.run(
            [PYTHON, REPO / "bench" / "whoosh_versions.py", self.workdir, self.queries_path, out],
            env=self.env(),
            capture=False,
        )
        self.save("whoosh_versions", read_json(out))

    def step_http(self):
        # Twice: as deployed (each worker keeps the pages it rendered, per index version),
        # then with that cache off, so that every request computes its page.
        duration = "10" if self.quick else "30"
        out = self.workdir / "http.json"
        self.run(
            [PYTHON, REPO / "bench" / "http_bench.py", self.queries_path, out, "--duration", duration],
            env=self.env(ARCHIVE_PAGE_CACHE="on"),
            capture=False,
        )
        cached = read_json(out)
        cached["label"] = "page cache on (as deployed)"
        self.save("http", cached)
        out = self.workdir / "http-uncached.json"
        self.run(
            [PYTHON, REPO / "bench" / "http_bench.py", self.queries_path, out, "--duration", duration],
            env=self.env(ARCHIVE_PAGE_CACHE="off"),
            capture=False,
        )
        uncached = read_json(out)
        uncached["label"] = "page cache off (every page computed)"
        self.save("extra_http_rows", [uncached])

    def step_engine_http(self):
        # The same results page with tantivy and with haystack's default Whoosh behind it,
        # on the indexes their steps left; every page computed, as in the cache-off row.
        duration = "10" if self.quick else "30"
        rows = []
        for engine, index, label, role in (
            ("tantivy", self.workdir / "tantivy", "on tantivy (same analyzed terms)", "floor"),
            ("default", self.workdir / "default-whoosh", "on haystack's default Whoosh", "default install"),
        ):
            if not index.exists():
                self.log(f"engine_http: no index at {index} (run the tantivy and default_whoosh steps first)")
                continue
            out = self.workdir / f"http-{engine}.json"
            self.run(
                [
                    PYTHON, REPO / "bench" / "http_bench.py", self.queries_path, out, "--duration", duration,
                    "--app", "engine_pages:application", "--search-only",
                ],
                env=self.env(ARCHIVE_BENCH_ENGINE=engine, ARCHIVE_BENCH_ENGINE_INDEX=str(index)),
                capture=False,
            )
            row = read_json(out)
            row.update(label=label + ", every page computed", role=role)
            rows.append(row)
            if not self.args.keep:
                shutil.rmtree(index, ignore_errors=True)
        self.save("engine_http_rows", rows)

    def step_profile(self):
        out = self.workdir / "profile.json"
        self.run([PYTHON, REPO / "bench" / "profile_hot.py", self.queries_path, self.workdir, out], env=self.env(), capture=False)
        self.save("profile", read_json(out))

    def step_report(self):
        self.save("machine", machine_info())
        import report

        target = Path(self.args.output) if self.args.output else REPO / "docs" / "benchmarks.md"
        notes_path = REPO / "bench" / "notes.md"
        notes = notes_path.read_text(encoding="utf-8") if notes_path.exists() else ""
        target.write_text(report.render(self.results, None, notes), encoding="utf-8")
        self.log(f"wrote {target}")


def machine_info():
    def version(module):
        try:
            from importlib.metadata import version as v

            return v(module)
        except Exception:
            return "?"

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        memory = Path("/proc/meminfo").read_text().splitlines()[0].split(":", 1)[1].strip()
    except OSError:
        pass
    return {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "django": version("Django"),
        "haystack": version("django-haystack"),
        "whoosh": version("whoosh-ng"),
        "tantivy": version("tantivy"),
        "numpy": version("numpy"),
        "wrk": subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()[0]
        if shutil.which("wrk")
        else "not installed",
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a 1,000-article slice, twice (about 30 minutes on a loaded 2-core machine)")
    parser.add_argument("--workdir", help="keep data and results here (default: a new temporary directory)")
    parser.add_argument("--steps", help="comma-separated steps to run (default: all)")
    parser.add_argument("--limit", type=int, help="articles of the corpus to use (default: all, quick: 1000)")
    parser.add_argument("--copies", type=int, help="copies of the corpus (default 4, quick 2)")
    parser.add_argument(
        "--compare-articles", type=int, help="build the comparison Whoosh indexes on the first N articles only"
    )
    parser.add_argument(
        "--bulk", action="store_true", help="import with --no-index (the index is built by the rebuild step)"
    )
    parser.add_argument("--output", help="where to write the report (default docs/benchmarks.md)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args(argv)
    steps = args.steps.split(",") if args.steps else list(STEPS)
    unknown = set(steps) - set(STEPS)
    if unknown:
        parser.error(f"unknown steps: {', '.join(sorted(unknown))}")
    bench = Bench(args)
    bench.log(f"work directory {bench.workdir}")
    started = time.perf_counter()
    for step in STEPS:
        if step in steps:
            bench.log(f"step {step}")
            t0 = time.perf_counter()
            getattr(bench, f"step_{step}")()
            durations = bench.results.get("durations", {})
            durations[step] = round(time.perf_counter() - t0, 1)
            bench.save("durations", durations)
    bench.log(f"done in {time.perf_counter() - started:.0f} s; results in {bench.results_path}")
    if not args.keep and not args.workdir and "report" in steps:
        shutil.rmtree(bench.workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
