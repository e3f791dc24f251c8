"""Keep the search index in step with the database.

Every change to an article is first recorded as a PendingIndexUpdate row, in the
same database transaction as the change itself.  After the transaction commits,
the process tries to apply all pending rows with one Whoosh writer, waiting a
bounded time for the index lock.  When the lock stays busy (another worker is
writing) or the process dies, the rows simply wait: the next writer applies them,
and ``check_index --repair`` or ``process_index_queue`` does so on demand.  So no
update is lost, none spins forever, and concurrent gunicorn workers never fight
over the lock for long.
"""

import logging
import threading
from contextlib import contextmanager

from django.db import transaction

from archive.models import Article, PendingIndexUpdate
from archive.search.backend import IndexBusy, backend
from archive.search_indexes import index_revision

logger = logging.getLogger(__name__)

# Articles read from the database at a time while the index writer holds the lock.
BATCH_SIZE = 5000
# Queued updates applied per index commit.  Each commit is a new segment that later
# merges rewrite, so a large flush is one commit; the writer keeps a commit's postings
# in memory until then (about 1 GB for 120,000 news articles; 4.6 GB at the peak of the commit).
COMMIT_SIZE = 200_000

_mode = threading.local()


@contextmanager
def index_deferred():
    """Queue changes made inside the block without applying them (the caller flushes)."""
    previous = getattr(_mode, "value", None)
    _mode.value = "deferred"
    try:
        yield
    finally:
        _mode.value = previous


@contextmanager
def index_suspended():
    """Neither queue nor apply index changes made inside the block (a rebuild follows)."""
    previous = getattr(_mode, "value", None)
    _mode.value = "suspended"
    try:
        yield
    finally:
        _mode.value = previous


def article_index(article_model=Article):
    from haystack import connections

    return connections["default"].get_unified_index().get_index(article_model)


def identifier(article_id):
    return f"archive.article.{article_id}"


def index_enqueue(*, article_ids):
    """Record that these articles' index entries must be refreshed."""
    PendingIndexUpdate.objects.bulk_create([PendingIndexUpdate(article_id=i) for i in article_ids])


def index_apply(*, article_ids):
    """Re-index the given articles from the database now (removing those that are gone), in one commit."""
    ids = sorted(set(article_ids))
    if not ids:
        return
    index = article_index()

    def read_changes():
        # Read the articles only once this writer holds the index lock: a writer that
        # waited for it must not write what it read before another worker's newer save.
        for offset in range(0, len(ids), BATCH_SIZE):
            yield _read_changes(index, ids[offset : offset + BATCH_SIZE])

    backend().write_changes(index, changes=read_changes)


def _read_changes(index, ids):
    """Return (articles to index, identifiers to remove) for these article ids."""
    articles = list(index.index_queryset().filter(pk__in=ids))
    present = {article.pk for article in articles}
    return articles, [identifier(i) for i in ids if i not in present]


def index_flush_pending(*, limit=None):
    """Apply pending index updates until none are left; return how many were applied.

    Raises IndexBusy when the index stays locked; the rows then stay pending.
    """
    applied = 0
    while True:
        rows = list(PendingIndexUpdate.objects.order_by("id").values_list("id", "article_id")[:COMMIT_SIZE])
        if not rows:
            return applied
        index_apply(article_ids=[article_id for _row, article_id in rows])
        # Exactly the rows read are deleted: a change queued meanwhile (or committed
        # late with a smaller id, as PostgreSQL allows) stays for the next round.
        for offset in range(0, len(rows), BATCH_SIZE):
            done = [row for row, _article in rows[offset : offset + BATCH_SIZE]]
            PendingIndexUpdate.objects.filter(id__in=done).delete()
        applied += len(rows)
        if limit is not None and applied >= limit:
            return applied


def index_follow(*, wait):
    """Apply queued updates as they arrive until ``wait()`` says the queue is complete.

    ``wait`` blocks until more updates are queued and returns True once no more
    will come.  One index writer is held throughout (committed every COMMIT_SIZE
    articles); the rows applied are deleted after their commit.  An article queued
    again after this writer added it is applied once more after the commit (a
    writer cannot replace a document it added itself).  Returns how many rows were
    applied.
    """
    index = article_index()
    state = {"last_row": 0, "finished": False}
    applied = 0
    while True:
        rows_done = []
        again = set()
        added = set()

        def arriving():
            # Batches for one commit, read as the queue fills (under the writer's lock).
            while len(added) < COMMIT_SIZE:
                rows = list(
                    PendingIndexUpdate.objects.filter(id__gt=state["last_row"])
                    .order_by("id")
                    .values_list("id", "article_id")[:BATCH_SIZE]
                )
                if not rows:
                    if state["finished"]:
                        return
                    state["finished"] = wait()
                    continue
                state["last_row"] = rows[-1][0]
                rows_done.extend(row for row, _article in rows)
                ids = sorted({article_id for _row, article_id in rows})
                again.update(i for i in ids if i in added)
                fresh = [i for i in ids if i not in added]
                added.update(fresh)
                yield _read_changes(index, fresh)

        backend().write_changes(index, changes=arriving)
        for offset in range(0, len(rows_done), BATCH_SIZE):
            PendingIndexUpdate.objects.filter(id__in=rows_done[offset : offset + BATCH_SIZE]).delete()
        applied += len(rows_done)
        if again:
            index_apply(article_ids=again)
        if len(added) < COMMIT_SIZE:
            return applied


def index_flush_pending_quietly():
    """Flush pending updates after a commit; leave them queued if the index is busy."""
    try:
        index_flush_pending()
    except IndexBusy:
        logger.warning("search index busy; index updates stay queued")
    except Exception:
        # The change is saved and queued; a broken index must not turn a save into an error.
        logger.exception("search index update failed; updates stay queued")


def index_update_articles(*, article_ids):
    """Queue these articles for indexing and apply the queue once the transaction commits."""
    mode = getattr(_mode, "value", None)
    if not article_ids or mode == "suspended":
        return
    index_enqueue(article_ids=article_ids)
    if mode != "deferred":
        transaction.on_commit(index_flush_pending_quietly)


def index_pending_count():
    return PendingIndexUpdate.objects.count()


def _indexed_revisions(search_backend):
    """Return ({article id: revision}, duplicated ids) for the documents the index holds."""
    import numpy as np

    if hasattr(search_backend, "indexed_revisions"):  # Elasticsearch / OpenSearch
        indexed, duplicates = {}, set()
        for article_id, revision in search_backend.indexed_revisions():
            if article_id in indexed:
                duplicates.add(article_id)
            indexed[article_id] = revision
        return indexed, duplicates
    snapshot = search_backend.snapshot()
    reader = snapshot.searcher.reader()
    live = np.nonzero(snapshot.live)[0]
    indexed, duplicates = {}, set()
    if len(live) and reader.has_column("revision"):
        revisions = list(reader.column_reader("revision", translate=True))
        for docnum in live.tolist():
            article_id = int(snapshot.article_id[docnum])
            if article_id in indexed:
                duplicates.add(article_id)
            indexed[article_id] = revisions[docnum]
    return indexed, duplicates


def index_compare():
    """Compare database and index; return counts and id lists: missing, stale, orphaned, duplicated.

    A document is stale when its article changed or when another version of the
    Arabic analysis made it; ``other_analysis`` counts the latter.
    """
    indexed, duplicates = _indexed_revisions(backend())
    database = {
        article_id: index_revision(content_hash)
        for article_id, content_hash in Article.objects.values_list("id", "content_hash").iterator(chunk_size=10_000)
    }
    missing = sorted(set(database) - set(indexed))
    orphaned = sorted(set(indexed) - set(database))
    stale = sorted(i for i in set(database) & set(indexed) if database[i] != indexed[i])
    current = index_revision("")
    return {
        "database": len(database),
        "indexed": len(indexed),
        "missing": missing,
        "stale": stale,
        "orphaned": orphaned,
        "duplicates": sorted(duplicates),
        "pending": index_pending_count(),
        "other_analysis": sum(not revision.endswith(current) for revision in indexed.values()),
    }


def index_repair(report):
    """Re-index missing, stale and duplicated articles and remove orphans; return how many."""
    ids = set(report["missing"]) | set(report["stale"]) | set(report["orphaned"]) | set(report["duplicates"])
    index_apply(article_ids=ids)
    return len(ids)
