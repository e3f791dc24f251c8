"""Interleavings of index writers that a busy server produces, replayed deterministically.

Each gunicorn worker applies the index queue after its own commit, with its own
Whoosh writer.  These tests replay, in one process, the orders in which two
workers can reach the index lock, and check that the index ends up holding what
the database holds.
"""

import pytest
from django.db import transaction

from archive.models import Article
from archive.search.backend import ArchiveWhooshBackend
from archive.search.indexing import index_compare
from archive.search.types import SearchParams
from archive.selectors import article_search
from archive.services import article_refresh_content_hash

pytestmark = pytest.mark.django_db(transaction=True)


def found(q):
    return [hit.article.external_id for hit in article_search(params=SearchParams(q=q)).hits]


def save_as_the_admin_does(article, title):
    """Save a new title and refresh the content hash in one transaction (the queue is applied on commit)."""
    with transaction.atomic():
        article.title = title
        article.save()
        article_refresh_content_hash(article=article)


def test_a_writer_that_waited_for_the_lock_does_not_index_an_older_version(search_index, monkeypatch):
    """Worker A saves version 2 and, after its commit, reads the article and waits for the index
    lock.  Meanwhile worker B saves version 3, and B's writer gets the lock first.  When A gets the
    lock it must not write the version 2 it read before waiting: B has already removed the queue
    rows, so nothing would ever correct the index, and searches would find the old words."""
    article = Article.objects.create(external_id="race-1", title="قارب mkracev1", body="نص")
    article_refresh_content_hash(article=article)
    search_index()
    real_writer = ArchiveWhooshBackend.writer
    rival_done = []

    def writer_that_loses_the_race(self, **kwargs):
        if not rival_done:
            rival_done.append(True)
            # Worker B commits version 3 while A waits; B's flush runs on its commit and wins the lock.
            save_as_the_admin_does(Article.objects.get(pk=article.pk), "قارب mkracev3")
        return real_writer(self, **kwargs)

    monkeypatch.setattr(ArchiveWhooshBackend, "writer", writer_that_loses_the_race)
    save_as_the_admin_does(article, "قارب mkracev2")  # worker A
    monkeypatch.setattr(ArchiveWhooshBackend, "writer", real_writer)

    assert rival_done, "the index writer was never asked for"
    assert Article.objects.get(pk=article.pk).title.endswith("mkracev3")
    assert found("mkracev3") == ["race-1"]
    assert found("mkracev2") == []
    report = index_compare()
    assert (report["stale"], report["missing"], report["pending"]) == ([], [], 0), report


def test_an_article_deleted_while_a_writer_waits_is_not_indexed_again(search_index, monkeypatch):
    """A reads the article for its update, waits for the lock; B deletes the article and removes it
    from the index first.  A must not put the deleted article back."""
    article = Article.objects.create(external_id="race-2", title="مركب mkracedel", body="نص")
    article_refresh_content_hash(article=article)
    search_index()
    real_writer = ArchiveWhooshBackend.writer
    rival_done = []

    def writer_that_loses_the_race(self, **kwargs):
        if not rival_done:
            rival_done.append(True)
            Article.objects.get(pk=article.pk).delete()
        return real_writer(self, **kwargs)

    monkeypatch.setattr(ArchiveWhooshBackend, "writer", writer_that_loses_the_race)
    save_as_the_admin_does(article, "مركب mkracedel2")
    monkeypatch.setattr(ArchiveWhooshBackend, "writer", real_writer)

    assert rival_done
    assert not Article.objects.filter(pk=article.pk).exists()
    assert found("mkracedel2") == []
    report = index_compare()
    assert (report["orphaned"], report["pending"]) == ([], 0), report
