"""whoosh-ng 5.4 (what the archive installs) against whoosh-reloaded 2.7.5, in the same run.

    ARCHIVE_DATA_DIR=... python bench/whoosh_versions.py WORKDIR QUERIES.json OUT.json

A second virtual environment (``$ARCHIVE_BENCH_RELOADED_VENV``, default
/tmp/archive-bench-whoosh-reloaded) gets the archive's requirements with
whoosh-reloaded instead of whoosh-ng.  In each environment, on the same database:
``rebuild_index`` into its own index directory (the archive's schema and Arabic
analyzers), the query set through the archive's search code, and
``pytest tests/search -q``.
"""

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import REPO, dir_bytes, read_json, write_json  # noqa: E402


def ensure_reloaded_venv(path):
    python = path / "bin" / "python"
    ready = path / ".archive-bench-ready"
    if ready.exists():
        return python
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    requirements = path / "requirements.txt"
    lines = [
        line
        for line in (REPO / "requirements.txt").read_text().splitlines()
        if not line.strip().lower().startswith("whoosh-ng")
    ]
    lines.append("whoosh-reloaded==2.7.5")
    dev = [
        line
        for line in (REPO / "requirements-dev.txt").read_text().splitlines()
        if line.strip() and not line.startswith("-r") and not line.lower().startswith(("playwright", "psycopg"))
    ]
    requirements.write_text("\n".join(lines + dev) + "\n")
    subprocess.run([str(path / "bin" / "pip"), "install", "-q", "-r", str(requirements)], check=True)
    ready.touch()
    return python


def measure(name, python, workdir, queries, env):
    index_dir = workdir / f"index-{name}"
    env = dict(env, ARCHIVE_INDEX_DIR=str(index_dir))
    version = subprocess.run(
        [str(python), "-c", "import whoosh; print('.'.join(map(str, whoosh.__version__)))"],
        env=env, capture_output=True, text=True, check=True,
    ).stdout.strip()
    started = time.perf_counter()
    subprocess.run([str(python), "manage.py", "rebuild_index", "--noinput", "-v0"], cwd=REPO, env=env, check=True)
    build_seconds = time.perf_counter() - started
    out = workdir / f"search-{name}.json"
    subprocess.run([str(python), str(REPO / "bench" / "search_archive.py"), str(queries), str(out)], cwd=REPO, env=env, check=True)
    search = read_json(out)
    tests_env = {k: v for k, v in env.items() if k not in ("ARCHIVE_DATA_DIR", "ARCHIVE_INDEX_DIR", "DJANGO_SETTINGS_MODULE")}
    tests = subprocess.run(
        [str(python), "-m", "pytest", "tests/search", "-q", "-p", "no:cacheprovider"],
        cwd=REPO, env=tests_env, capture_output=True, text=True,
    )
    last = [line for line in tests.stdout.strip().splitlines() if re.search(r"passed|failed|error", line)]
    documents = search.get("documents") or 0
    return {
        "whoosh_version": version,
        "rebuild_seconds": round(build_seconds, 1),
        "rebuild_articles_per_s": round(documents / build_seconds, 1) if build_seconds else None,
        "index_bytes": dir_bytes(index_dir),
        "search": {k: search[k] for k in ("documents", "cold_first_query_ms", "warm", "cached", "errors")},
        "counts": search.get("counts"),
        "tests_search": last[-1] if last else tests.stdout[-300:],
        "tests_returncode": tests.returncode,
    }


def main(argv=None):
    argv = argv or sys.argv[1:]
    workdir, queries, out = Path(argv[0]), Path(argv[1]), Path(argv[2])
    env = dict(os.environ)
    venv = Path(os.environ.get("ARCHIVE_BENCH_RELOADED_VENV") or "/tmp/archive-bench-whoosh-reloaded")
    reloaded = ensure_reloaded_venv(venv)
    result = {}
    for name, python in (("whoosh-ng", REPO / ".venv" / "bin" / "python"), ("whoosh-reloaded", reloaded)):
        result[name] = measure(name, python, workdir, queries, env)
        print(name, json.dumps({k: v for k, v in result[name].items() if k != "counts"}, ensure_ascii=False))
    ng, old = result["whoosh-ng"]["counts"], result["whoosh-reloaded"]["counts"]
    result["same_counts"] = sum(1 for a, b in zip(ng, old) if a == b)
    result["compared_queries"] = len(ng)
    write_json(out, result)


if __name__ == "__main__":
    main()
