"""import_articles indexes a large import in a helper process, and loses nothing when it cannot."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

REPO = Path(__file__).resolve().parents[2]

WORDS = ["القافلة", "الصحراء", "الواحة", "النخيل", "السوق", "المدينة", "الميناء", "السفينة"]


def _run(data_dir, *args, check=True, **env):
    environment = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    environment.update(ARCHIVE_DATA_DIR=str(data_dir), ARCHIVE_INDEX_ALONGSIDE_AFTER="40", **env)
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=environment, capture_output=True, text=True, timeout=300
    )
    if check and result.returncode:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def _corpus(path, count):
    with path.open("w", encoding="utf-8") as out:
        for number in range(count):
            words = " ".join(WORDS[(number + k) % len(WORDS)] for k in range(30))
            record = {"external_id": f"al-{number}", "title": f"خبر رقم {number}", "body": words, "source": "وكالة"}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        # A later record updates an earlier article: the index must hold the new text once.
        out.write(json.dumps({"external_id": "al-3", "title": "زلزال في الجبال", "body": "هزة أرضية قوية"}, ensure_ascii=False) + "\n")


@pytest.fixture
def data_dir(tmp_path):
    data = tmp_path / "data"
    _run(data, "migrate", "--noinput", "-v0")
    return data


def test_a_large_import_is_indexed_alongside_and_agrees_with_the_database(tmp_path, data_dir):
    corpus = tmp_path / "corpus.jsonl"
    _corpus(corpus, 300)
    imported = _run(data_dir, "import_articles", str(corpus), ARCHIVE_LOG_LEVEL="INFO")
    assert "a helper process applied 301 queued index updates alongside the import" in imported.stderr
    assert "index and database agree" in _run(data_dir, "check_index").stdout
    hits = json.loads(_run(data_dir, "search_articles", "زلزال", "--format", "json").stdout)
    assert [hit["external_id"] for hit in hits["results"]] == ["al-3"]
    hits = json.loads(_run(data_dir, "search_articles", "القافلة", "--format", "json", "--limit", "1").stdout)
    assert hits["count"] == 299


def test_an_import_that_cannot_index_keeps_its_updates_queued(tmp_path, data_dir):
    corpus = tmp_path / "corpus.jsonl"
    _corpus(corpus, 100)
    # Another writer holds the index lock for the whole import.
    ix = whoosh_index.open_dir(str(data_dir / "whoosh_index")) if (data_dir / "whoosh_index").exists() else None
    if ix is None:
        _run(data_dir, "rebuild_index", "--noinput")
        ix = whoosh_index.open_dir(str(data_dir / "whoosh_index"))
    writer = ix.writer()
    try:
        imported = _run(data_dir, "import_articles", str(corpus), ARCHIVE_INDEX_LOCK_TIMEOUT="1")
        assert "indexing alongside the import failed" in imported.stderr
        assert "100 created" in imported.stdout or "أُنشئ 100" in imported.stdout
        report = _run(data_dir, "check_index", check=False)
        assert "queued 101" in report.stdout
    finally:
        writer.cancel()
    _run(data_dir, "process_index_queue")
    assert "index and database agree" in _run(data_dir, "check_index").stdout
