"""The backend's index snapshot: one per generation of the index, and one per process."""

import os

from archive.search.backend import backend


def test_the_snapshot_is_reused_while_the_index_is_unchanged(indexed_demo):
    first = backend().snapshot()
    first.checked = float("-inf")  # past the 50 ms between looks at the index directory

    assert backend().snapshot() is first


def test_a_forked_process_opens_its_own_searcher(indexed_demo, monkeypatch):
    inherited = backend().snapshot()
    parent = os.getpid()
    monkeypatch.setattr(os, "getpid", lambda: parent + 1)

    own = backend().snapshot()

    assert own is not inherited
    assert own.searcher is not inherited.searcher
    assert own.doc_count == inherited.doc_count
