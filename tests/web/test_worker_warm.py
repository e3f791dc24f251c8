"""A new worker opens the index and compiles its pages before its first visitor (archive/wsgi.py)."""

import logging

import pytest
from django.db import OperationalError

from archive import selectors, views
from archive.search.backend import IndexSnapshot, backend


@pytest.fixture
def snapshots_built(monkeypatch):
    """Count the index snapshots (searcher and per-document columns) the process builds."""
    built = []
    build = IndexSnapshot.build.__func__

    def counted(cls, ix, previous=None):
        built.append(ix)
        return build(cls, ix, previous=previous)

    monkeypatch.setattr(IndexSnapshot, "build", classmethod(counted))
    return built


def test_a_warmed_worker_serves_its_first_search_from_the_open_index(indexed_demo, client, snapshots_built):
    backend()._snapshot = None  # as in a freshly started worker

    views.worker_warm()
    assert len(snapshots_built) == 1
    response = client.get("/search/", {"q": "فلسطين"})

    assert response.status_code == 200
    assert "results-list" in response.content.decode()
    assert len(snapshots_built) == 1


def test_warming_runs_a_search_on_the_newest_article(indexed_demo, monkeypatch):
    searched = []
    search = selectors.article_search
    monkeypatch.setattr(selectors, "article_search", lambda *, params: searched.append(params.q) or search(params=params))

    selectors.search_warm()

    newest = selectors.Article.objects.order_by("-pk").first()
    assert searched == [newest.title.split()[0]]


def test_an_empty_archive_warms_without_searching(db, search_index, monkeypatch):
    search_index()
    monkeypatch.setattr(selectors, "article_search", lambda **_: pytest.fail("searched an empty archive"))

    selectors.search_warm()


def test_a_worker_whose_database_cannot_be_read_still_starts(monkeypatch, caplog):
    def unreadable():
        raise OperationalError("no such table: archive_article")

    monkeypatch.setattr(selectors, "search_warm", unreadable)
    with caplog.at_level(logging.WARNING, logger="archive.views"):
        views.worker_warm()

    assert "could not be warmed" in caplog.text
