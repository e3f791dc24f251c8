"""Where the time goes: cProfile of the query set and of an import slice.

    ARCHIVE_DATA_DIR=... python bench/profile_hot.py QUERIES.json WORKDIR OUT.json [--import-articles 500]

Writes the functions with the most own time (tottime) and the archive's functions with
the most cumulative time, as ``path:line(function)`` relative to the repository or to
site-packages.
"""

import argparse
import cProfile
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import REPO, params_for, read_json, write_json  # noqa: E402


def where(key):
    filename, line, function = key
    text = filename
    if "site-packages/" in text:
        text = text.split("site-packages/", 1)[1]
    elif str(REPO) in text:
        text = os.path.relpath(text, REPO)
    return f"{text}:{line}({function})"


def top(stats, *, key, limit, only_archive=False):
    rows = []
    for func, (_cc, calls, tottime, cumtime, _callers) in stats.stats.items():
        if only_archive and not func[0].startswith(str(REPO / "archive")):
            continue
        rows.append({"function": where(func), "calls": calls, "tottime_s": round(tottime, 2), "cumtime_s": round(cumtime, 2)})
    rows.sort(key=lambda row: row[key], reverse=True)
    return rows[:limit]


def profile_search(queries):
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    import django

    django.setup()
    from archive import selectors

    selectors.article_search(params=params_for(queries[0]))
    profiler = cProfile.Profile()
    profiler.enable()
    for query in queries:
        try:
            selectors.article_search(params=params_for(query))
        except Exception:
            pass
    profiler.disable()
    stats = pstats.Stats(profiler)
    return {
        "total_s": round(sum(row[2] for row in stats.stats.values()), 1),
        "by_own_time": top(stats, key="tottime_s", limit=15),
        "archive_by_cumulative_time": top(stats, key="cumtime_s", limit=15, only_archive=True),
    }


def profile_import(workdir, articles):
    source = workdir / "corpus-1.jsonl"
    if not source.exists():
        return {"skipped": "no corpus-1.jsonl in the work directory"}
    data = Path(tempfile.mkdtemp(prefix="archive-profile-"))
    slice_path = data / "slice.jsonl"
    with open(source, encoding="utf-8") as stream, open(slice_path, "w", encoding="utf-8") as out:
        for number, line in enumerate(stream):
            if number >= articles:
                break
            out.write(line)
    env = dict(os.environ, ARCHIVE_DATA_DIR=str(data / "data"))
    python = str(REPO / ".venv" / "bin" / "python")
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], cwd=REPO, env=env, check=True)
    profile_path = data / "import.prof"
    subprocess.run(
        [python, "-m", "cProfile", "-o", str(profile_path), "manage.py", "import_articles", str(slice_path)],
        cwd=REPO, env=env, capture_output=True,
    )
    stats = pstats.Stats(str(profile_path))
    result = {
        "articles": articles,
        "by_own_time": top(stats, key="tottime_s", limit=15),
        "archive_by_cumulative_time": top(stats, key="cumtime_s", limit=15, only_archive=True),
    }
    shutil.rmtree(data, ignore_errors=True)
    return result


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("queries")
    parser.add_argument("workdir")
    parser.add_argument("out")
    parser.add_argument("--import-articles", type=int, default=500)
    args = parser.parse_args(argv)
    result = {"import": profile_import(Path(args.workdir), args.import_articles)}
    result["search"] = profile_search(read_json(args.queries))
    write_json(args.out, result)


if __name__ == "__main__":
    main()
