"""A process killed with SIGKILL, a damaged or deleted index: nothing half-written, and one command repairs.

Every process here is a real one on its own data directory, killed with SIGKILL
(no handler, no clean-up, as in a power cut or the OOM killer):

* ``import_articles`` in the middle of a bulk import of generated articles;
* a process holding the Whoosh writer in the middle of an update (its lock file
  stays behind: Whoosh's lock is an ``flock`` that the kernel releases with the
  process, so it must not block the next writer);
* ``rebuild_index`` and ``process_index_queue`` in the middle of their work.

Afterwards every article in the database is whole (its stored content hash equals
the hash of its rows and of the record it came from), re-running the import
converges without duplicates, and ``check_index --repair`` (or
``process_index_queue``) brings the index back in line.  A damaged or deleted
index is reported by ``check_index`` (exit 1) and rebuilt from the database by
the single documented command ``rebuild_index --noinput``.
"""

import fcntl
import json
import re
import signal
import sqlite3
import subprocess
import time
from contextlib import closing

import pytest

from tests.reliability.harness import (
    BULK_INSERT,
    INTEGRITY_CHECK,
    PYTHON,
    REPO,
    archive_env,
    django_script,
    generated_article,
    manage,
    script_command,
    write_jsonl,
)

BULK = 2000  # articles in the bulk import that gets killed


def count_rows(data_dir, sql):
    with closing(sqlite3.connect(data_dir / "archive.sqlite3", timeout=30)) as db:
        return db.execute(sql).fetchone()[0]


def index_dir(data_dir):
    return data_dir / "whoosh_index"


def index_locked(data_dir):
    """True when some process holds the Whoosh write lock (probed without blocking)."""
    path = index_dir(data_dir) / "MAIN_WRITELOCK"
    # Opened read-only, never created: a probe that re-created the lock file while
    # rebuild_index deletes the old index would make its rmtree fail ("not empty").
    try:
        handle = open(path, "rb")
    except FileNotFoundError:
        return False
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def wait_for(predicate, *, timeout, process=None, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        if process is not None and process.poll() is not None:
            return False
        time.sleep(interval)
    return False


def start(data_dir, *command, env=None):
    return subprocess.Popen(
        command,
        cwd=REPO,
        env=archive_env(data_dir, **(env or {})),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def sigkill(process):
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL


def import_summary(output):
    """(created, updated, unchanged, failed, skipped) from import_articles' last line (any language)."""
    numbers = [int(n) for n in re.findall(r"\d+", output.strip().splitlines()[-1])]
    return tuple(numbers[:5])


def check_index(data_dir, *args, env=None):
    result = manage(data_dir, "check_index", *args, env=env, check=False)
    return result.returncode, result.stdout + result.stderr


def test_killed_import_leaves_whole_articles_and_a_rerun_converges(live_data_dir, tmp_path):
    source = write_jsonl(tmp_path / "bulk.jsonl", (generated_article(n, prefix="bulk") for n in range(BULK)))
    importer = start(live_data_dir, PYTHON, "manage.py", "import_articles", str(source))
    written = lambda: count_rows(live_data_dir, "select count(*) from archive_article where external_id like 'bulk-%'")  # noqa: E731
    assert wait_for(lambda: written() >= 300, timeout=120, process=importer), importer.communicate()
    sigkill(importer)

    # Nothing half-written: every article that exists has all its body and captions.
    state = django_script(live_data_dir, INTEGRITY_CHECK.format(path=str(source)))
    assert 300 <= state["imported"] < BULK, state
    assert state["bad"] == [] and state["duplicates"] == [], state
    killed_at = state["imported"]

    # The index lags behind (the import flushes it in chunks): check_index says so and exits 1 ...
    code, output = check_index(live_data_dir)
    assert code == 1, output
    missing = int(re.search(r"missing (\d+)", output).group(1))
    queued = int(re.search(r"queued (\d+)", output).group(1))
    assert missing > 0 and queued > 0, output
    # ... and --repair brings it in line.
    code, output = check_index(live_data_dir, "--repair")
    assert code == 0 and "index and database agree" in output, output

    # Running the same import again converges: the rest is created, nothing is duplicated.
    rerun = manage(live_data_dir, "import_articles", str(source))
    assert import_summary(rerun.stdout) == (BULK - killed_at, 0, killed_at, 0, 0), rerun.stdout
    # A third run changes nothing; the index agrees with the database.
    final = django_script(
        live_data_dir,
        f"""
        import io
        out = io.StringIO()
        call_command("import_articles", {str(source)!r}, stdout=out, stderr=io.StringIO())
        summary = out.getvalue()
        from archive.search.indexing import index_compare
        report = index_compare()
        emit({{"summary": summary, "report": {{k: (v if isinstance(v, int) else len(v)) for k, v in report.items()}}}})
        """,
    )
    assert import_summary(final["summary"]) == (0, 0, BULK, 0, 0), final
    assert final["report"] == {
        "database": BULK + 17, "indexed": BULK + 17, "missing": 0, "stale": 0, "orphaned": 0, "duplicates": 0,
        "pending": 0, "other_analysis": 0,
    }
    state = django_script(live_data_dir, INTEGRITY_CHECK.format(path=str(source)))
    assert (state["imported"], state["total"], state["bad"], state["duplicates"]) == (BULK, BULK + 17, [], [])


HOLD_THE_WRITER = """
import time
from archive.models import Article
from archive.search.backend import backend
from archive.search.indexing import article_index
# Half an index update: a document for an article that does not exist is added and the
# writer is never committed.  Then this process is killed.
ghost = Article(pk=999999, external_id="ghost", title="mkghostword", body="mkghostword", content_hash="x")
documents = list(backend().prepare_documents(article_index(), [ghost]))
writer = backend().writer()
for document in documents:
    writer.update_document(**document)
print("HOLDING", flush=True)
time.sleep(600)
"""


def test_killed_index_writer_leaves_a_lock_file_that_blocks_nobody(live_data_dir):
    holder = subprocess.Popen(
        script_command(HOLD_THE_WRITER), cwd=REPO, env=archive_env(live_data_dir),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "HOLDING", holder.stderr.read() if holder.poll() is not None else ""
        assert index_locked(live_data_dir)
        # While it writes, an archivist's save is kept and its index update stays queued.
        saved = django_script(
            live_data_dir,
            """
            from archive.models import Article, PendingIndexUpdate
            from archive.services import article_refresh_content_hash
            article = Article.objects.get(external_id="demo-2024-001")
            article.title = "عنوان جديد mkafterkill"
            article.save()
            article_refresh_content_hash(article=article)
            emit(PendingIndexUpdate.objects.count())
            """,
            env={"ARCHIVE_INDEX_LOCK_TIMEOUT": "1"},
        )
        assert saved >= 1
    finally:
        sigkill(holder)

    # The lock file is still there, but the kernel released the lock with the process.
    assert (index_dir(live_data_dir) / "MAIN_WRITELOCK").exists()
    assert not index_locked(live_data_dir)
    started = time.monotonic()
    result = manage(live_data_dir, "process_index_queue", env={"ARCHIVE_INDEX_LOCK_TIMEOUT": "2"})
    assert re.search(r"applied [1-9]", result.stdout), result.stdout
    assert time.monotonic() - started < 120

    found = django_script(
        live_data_dir,
        """
        from archive.search.indexing import index_compare
        from archive.search.types import SearchParams
        from archive.selectors import article_search
        def ids(q):
            return [hit.article.external_id for hit in article_search(params=SearchParams(q=q)).hits]
        report = index_compare()
        emit({"after": ids("mkafterkill"), "ghost": ids("mkghostword"),
              "drift": sum(len(report[k]) for k in ("missing", "stale", "orphaned", "duplicates")),
              "pending": report["pending"]})
        """,
    )
    # The committed save is searchable; the killed writer's uncommitted document is nowhere.
    assert found == {"after": ["demo-2024-001"], "ghost": [], "drift": 0, "pending": 0}


@pytest.fixture
def bulk_data_dir(live_data_dir, tmp_path):
    """The prepared archive plus 400 generated articles in the database (the index does not know them)."""
    source = write_jsonl(tmp_path / "bulk.jsonl", (generated_article(n, prefix="rb") for n in range(400)))
    assert django_script(live_data_dir, BULK_INSERT.format(path=str(source))) == 400
    return live_data_dir


def test_killed_rebuild_and_queue_processing_are_repaired_by_one_command(bulk_data_dir):
    data = bulk_data_dir
    # rebuild_index, killed while its writer holds the index.
    rebuild = start(data, PYTHON, "manage.py", "rebuild_index", "--noinput")
    assert wait_for(lambda: index_locked(data), timeout=120, process=rebuild, interval=0.01), rebuild.communicate()
    assert rebuild.poll() is None, "rebuild_index finished before it could be killed"
    sigkill(rebuild)
    assert not index_locked(data)

    code, output = check_index(data)
    assert code == 1, output
    code, output = check_index(data, "--repair")
    assert code == 0 and "database 417, indexed 417" in output, output

    # process_index_queue, killed in the middle of applying a long queue.
    django_script(
        data,
        """
        from archive.models import Article
        from archive.search.indexing import index_enqueue
        index_enqueue(article_ids=list(Article.objects.values_list("pk", flat=True)))
        emit("queued")
        """,
    )
    queue = start(data, PYTHON, "manage.py", "process_index_queue")
    assert wait_for(lambda: index_locked(data), timeout=120, process=queue, interval=0.01), queue.communicate()
    assert queue.poll() is None, "process_index_queue finished before it could be killed"
    sigkill(queue)
    left = count_rows(data, "select count(*) from archive_pendingindexupdate")
    assert left > 0  # the rows of an update that was not committed stay queued

    result = manage(data, "process_index_queue")
    assert f"applied {left}" in result.stdout, result.stdout
    code, output = check_index(data)
    assert code == 0 and "queued 0" in output, output


def garble_toc(path):
    for toc in path.glob("*.toc"):
        toc.write_bytes(b"\x7f garbage \x00" * 20)


def truncate_segments(path):
    segments = list(path.glob("*.seg"))
    assert segments
    for segment in segments:
        with open(segment, "r+b") as handle:
            handle.truncate(100)


def delete_index(path):
    import shutil

    shutil.rmtree(path)


@pytest.mark.parametrize("damage", [truncate_segments, garble_toc, delete_index], ids=lambda f: f.__name__)
def test_damaged_index_is_reported_and_rebuilt_by_the_documented_command(live_data_dir, damage):
    damage(index_dir(live_data_dir))

    code, output = check_index(live_data_dir)
    assert code == 1, output
    if damage is delete_index:
        # An empty index is made in its place, and every article is reported missing.
        assert "missing 17" in output, output
    else:
        assert "cannot be read" in output and "rebuild_index --noinput" in output, output

    rebuilt = manage(live_data_dir, "rebuild_index", "--noinput", check=False)
    assert rebuilt.returncode == 0, rebuilt.stderr[-3000:]
    code, output = check_index(live_data_dir)
    assert code == 0 and "database 17, indexed 17" in output, output


def test_a_damaged_index_does_not_take_the_pages_down(live_data_dir):
    """Until someone runs rebuild_index, a damaged index may cost the search, not the reading.

    Article pages must still show the article (its "related articles" come from the index),
    and the API must still answer JSON, never the HTML error page.
    """
    truncate_segments(index_dir(live_data_dir))
    answers = django_script(
        live_data_dir,
        """
        from django.test import Client
        client = Client(raise_request_exception=False)
        answers = {}
        for path in ["/", "/articles/0vq2f/", "/articles/0vq2f/?q=حماس", "/sources/", "/browse/2019/",
                     "/search/?q=حماس", "/api/search/?q=حماس", "/api/timeline/?q=حماس", "/api/articles/0vq2f/",
                     "/search/feed/?q=حماس", "/search/export/?q=حماس"]:
            response = client.get(path)
            answers[path] = [response.status_code, response["Content-Type"]]
        emit(answers)
        """,
        env={"DJANGO_ALLOWED_HOSTS": "testserver"},
    )
    problems = {path: answer for path, answer in answers.items() if answer[0] >= 500 and answer[0] != 503}
    problems.update(
        {path: answer for path, answer in answers.items()
         if path.startswith(("/api/", "/search/feed", "/search/export")) and "json" not in answer[1]
         and answer[0] >= 400}
    )
    assert answers["/articles/0vq2f/"][0] == 200, json.dumps(answers, ensure_ascii=False)
    assert problems == {}, json.dumps(answers, ensure_ascii=False)
