"""The index follows the database: saves, deletes, a busy index, drift and repair."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from archive.models import Article, ArticleImage, PendingIndexUpdate, Source
from archive.search.backend import IndexBusy, backend
from archive.search.indexing import index_compare, index_flush_pending, index_suspended
from archive.search.types import SearchParams
from archive.selectors import article_search

pytestmark = pytest.mark.django_db(transaction=True)


def found(q):
    return [hit.article.external_id for hit in article_search(params=SearchParams(q=q)).hits]


def check_index(*args):
    out = io.StringIO()
    try:
        call_command("check_index", *args, stdout=out)
        return 0, out.getvalue()
    except CommandError as exc:
        return exc.returncode, out.getvalue()


def make_article(external_id="idx-1", title="قافلة الجمال تعبر الصحراء", **extra):
    return Article.objects.create(external_id=external_id, title=title, body="نص عن الجمال والرمال.", **extra)


def test_saving_an_article_indexes_it(search_index):
    search_index()
    article = make_article()
    assert found("القافلة") == ["idx-1"]
    article.title = "سفينة تعبر البحر"
    article.save()
    assert found("السفينة") == ["idx-1"]
    assert found("القافلة") == []


def test_deleting_an_article_removes_it(search_index):
    search_index()
    article = make_article()
    article.delete()
    assert found("القافلة") == []
    assert check_index()[0] == 0


def test_caption_changes_reach_the_index(search_index):
    search_index()
    article = make_article()
    ArticleImage.objects.create(article=article, caption="واحة النخيل", order=0)
    assert found("النخيل") == ["idx-1"]


def test_renaming_a_source_reindexes_its_articles(search_index):
    search_index()
    source = Source.objects.create(name="جريدة الشمال", slug="north")
    make_article(source=source)
    source.name = "جريدة الجنوب"
    source.save()
    assert found("source:الجنوب") == ["idx-1"]


def test_busy_index_keeps_the_update_queued(search_index, settings):
    search_index()
    settings.ARCHIVE_INDEX_LOCK_TIMEOUT = 0.2
    holder = backend().writer()  # another worker is writing
    try:
        make_article()  # must not raise, must not be lost
        assert PendingIndexUpdate.objects.count() == 1
        with pytest.raises(IndexBusy):
            index_flush_pending()
    finally:
        holder.cancel()
    assert index_flush_pending() == 1
    assert PendingIndexUpdate.objects.count() == 0
    assert found("القافلة") == ["idx-1"]


def test_rolled_back_change_is_not_queued(search_index):
    search_index()
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            make_article()
            raise RuntimeError
    assert PendingIndexUpdate.objects.count() == 0
    assert found("القافلة") == []


def test_check_index_finds_and_repairs_drift(search_index):
    make_article("idx-1")
    make_article("idx-2", title="قطار الشرق السريع")
    search_index()
    with index_suspended():  # changes behind the index's back
        Article.objects.filter(external_id="idx-1").update(title="تغيير", content_hash="changed")
        Article.objects.filter(external_id="idx-2").delete()
        make_article("idx-3", title="طائرة ورقية")
    report = index_compare()
    assert (len(report["missing"]), len(report["stale"]), len(report["orphaned"])) == (1, 1, 1)
    code, out = check_index()
    assert code == 1 and "missing 1, stale 1, orphaned 1" in out
    code, out = check_index("--repair")
    assert code == 0 and "index and database agree" in out
    assert found("طائرة") == ["idx-3"]
    assert found("قطار") == []


def test_deleted_index_directory_is_rebuilt_by_one_command(search_index, settings):
    import shutil

    make_article()
    search_index()
    shutil.rmtree(settings.HAYSTACK_CONNECTIONS["default"]["PATH"])
    call_command("rebuild_index", interactive=False, verbosity=0)
    assert found("القافلة") == ["idx-1"]


def _import(tmp_path, prefix, title, body, count):
    """Import ``count`` articles numbered ``prefix-0``… from a JSON Lines file."""
    path = tmp_path / f"{prefix}.jsonl"
    records = ({"external_id": f"{prefix}-{i}", "title": f"{title} رقم {i}", "body": body} for i in range(count))
    path.write_text("\n".join(json.dumps(record, ensure_ascii=False) for record in records), encoding="utf-8")
    call_command("import_articles", str(path), stdout=io.StringIO())


def test_import_indexes_in_chunks(tmp_path, search_index):
    search_index()
    _import(tmp_path, "imp", "نخلة", "نص عن النخيل", 30)
    assert article_search(params=SearchParams(q="النخيل")).count == 30
    assert PendingIndexUpdate.objects.count() == 0
    assert check_index()[0] == 0


def test_rebuild_writes_one_segment_in_batches(search_index, settings):
    for i in range(7):
        make_article(f"rb-{i}", title=f"مكتبة رقم {i}")
    with index_suspended():
        make_article("rb-queued", title="مكتبة منسية")
    PendingIndexUpdate.objects.create(article_id=Article.objects.get(external_id="rb-queued").pk)
    call_command("rebuild_index", interactive=False, verbosity=0, batchsize=3)
    assert backend().segment_count() == 1
    assert article_search(params=SearchParams(q="المكتبات")).count == 8
    assert PendingIndexUpdate.objects.count() == 0
    assert check_index()[0] == 0


def test_failed_rebuild_leaves_no_half_written_segment(search_index, monkeypatch):
    make_article("rb-1")
    make_article("rb-2", title="قطار الشرق السريع")
    search_index()
    from archive.search_indexes import ArticleIndex

    def broken(self, article):
        if article.external_id == "rb-2":
            raise RuntimeError("disk full")
        return article.title

    monkeypatch.setattr(ArticleIndex, "prepare_text", broken)
    with pytest.raises(Exception):
        call_command("rebuild_index", interactive=False, verbosity=0, max_retries=1)
    monkeypatch.undo()
    # The writer was cancelled: the lock is free and the rebuild can simply be run again.
    call_command("rebuild_index", interactive=False, verbosity=0)
    assert found("قطار") == ["rb-2"]
    assert check_index()[0] == 0


def test_large_import_leaves_the_index_in_one_segment(tmp_path, search_index, monkeypatch):
    from archive import services
    from archive.search import indexing

    search_index()
    monkeypatch.setattr(services, "INDEX_FLUSH_EVERY", 10)
    monkeypatch.setattr(indexing, "BATCH_SIZE", 10)
    monkeypatch.setattr(services, "INDEX_OPTIMIZE_AFTER", 20)
    _import(tmp_path, "big", "واحة", "نص عن الواحات", 45)
    assert backend().segment_count() == 1
    assert article_search(params=SearchParams(q="الواحة")).count == 45
    assert check_index()[0] == 0


def test_following_the_queue_indexes_each_change_once_and_empties_it(search_index):
    from archive.search.indexing import index_deferred, index_follow

    search_index()
    with index_deferred():
        first = make_article("f-1", title="قافلة الجمال تعبر الصحراء")
        second = make_article("f-2", title="سفينة تعبر البحر")
    calls = []

    def wait():
        # While the writer works, the "import" changes an article it already wrote,
        # adds one and deletes one: each must end up in the index as in the database.
        calls.append(len(calls))
        with index_deferred():
            if len(calls) == 1:
                first.title = "طائرة تعبر السماء"
                first.save()
                make_article("f-3", title="قطار يعبر السهول")
                return False
            second.delete()
        return True

    applied = index_follow(wait=wait)
    assert applied == PendingIndexUpdate.objects.count() + applied  # nothing left queued
    assert PendingIndexUpdate.objects.count() == 0
    assert found("الطائرة") == ["f-1"]
    assert found("القافلة") == []
    assert found("القطار") == ["f-3"]
    assert found("السفينة") == []
    assert check_index()[0] == 0


def test_documents_indexed_by_another_analysis_are_stale_and_repaired(search_index, monkeypatch):
    make_article()
    make_article(external_id="idx-2", title="سفينة تعبر البحر")
    search_index()
    assert check_index()[0] == 0
    # A release whose Arabic analysis differs: every document was indexed by the old one.
    monkeypatch.setattr("archive.search_indexes.analysis_version", lambda: "another")
    code, out = check_index()
    assert code == 1 and "stale 2" in out and "from another analysis 2" in out
    assert "rebuild_index --noinput" in out
    code, out = check_index("--repair")
    assert code == 0 and "index and database agree" in out
    assert "from another analysis 0" in out.splitlines()[-2]
