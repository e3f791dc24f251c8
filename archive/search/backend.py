"""The archive's haystack backend for Whoosh.

It differs from haystack's own Whoosh backend where the archive needs it to:

* the schema follows the fields' declared analyzers and stores no text (the
  database is the source of truth; the index holds only what search needs);
* writers wait for the index lock for a bounded time and then fail loudly, so
  the caller can keep the update queued instead of spinning or dropping it, and
  build their segments with numpy (archive.search.writer: the same files, in a
  fraction of the time);
* each process keeps one searcher and the per-document columns that filters,
  facets and sorting need, and refreshes them only when the index has changed.
"""

import logging
import os
import threading
import time
from contextlib import contextmanager

import numpy as np
from django.conf import settings
from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend, WhooshSearchQuery
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.exceptions import SkipDocument
from haystack.utils import get_identifier
from whoosh import index as whoosh_index
from whoosh.fields import ID as WHOOSH_ID
from whoosh.fields import NUMERIC, TEXT, Schema
from whoosh.util import now

from archive.search.fields import AnalyzedField, KeywordField, SortableIntegerField
from archive.search.ranking import SafePositions
from archive.search.vectors import VectorCache
from archive.search.writer import ArchiveSegmentWriter

logger = logging.getLogger(__name__)


class IndexBusy(Exception):
    """The index stayed locked by another writer for longer than the allowed wait."""


class ArchiveWhooshBackend(WhooshSearchBackend):
    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        self._snapshot = None
        self._snapshot_lock = threading.Lock()
        self._bulk_writer = None

    # --- schema -------------------------------------------------------------------

    def build_schema(self, fields):
        schema_fields = {
            ID: WHOOSH_ID(stored=True, unique=True),
            DJANGO_CT: WHOOSH_ID(stored=True),
            DJANGO_ID: WHOOSH_ID(stored=True),
        }
        content_field_name = ""
        for field in fields.values():
            name = field.index_fieldname
            if isinstance(field, AnalyzedField):
                schema_fields[name] = TEXT(
                    analyzer=field.analyzer, stored=False, phrase=field.phrase, field_boost=field.boost
                )
                if field.phrase:
                    schema_fields[name].format = SafePositions(field_boost=field.boost)
            elif isinstance(field, KeywordField):
                schema_fields[name] = WHOOSH_ID(stored=False, sortable=True)
            elif isinstance(field, SortableIntegerField):
                schema_fields[name] = NUMERIC(numtype=int, bits=64, signed=True, stored=False, sortable=True)
            else:
                raise ValueError(f"field {name!r} needs an archive field type (archive.search.fields)")
            if field.document:
                content_field_name = name
        return content_field_name, Schema(**schema_fields)

    # --- writing ------------------------------------------------------------------

    def setup(self):
        super().setup()
        # With mmap, whoosh-ng copies each segment's term and posting files out of the
        # compound file into memory (a BytesIO per reader: about 200 MB per worker at
        # 31,000 articles).  Plain reads leave them in the page cache, shared by all
        # the workers.
        self.storage.supports_mmap = False
        # The parser haystack builds on setup is never used: archive.search.query parses.
        self.parser = None

    def writer(self, **kwargs):
        """Return a Whoosh writer, waiting at most ARCHIVE_INDEX_LOCK_TIMEOUT seconds for the lock."""
        if not self.setup_complete:
            self.setup()
        self.index = self.index.refresh()
        timeout = settings.ARCHIVE_INDEX_LOCK_TIMEOUT
        try:
            return ArchiveSegmentWriter(
                self.index, timeout=timeout, delay=0.05, limitmb=settings.ARCHIVE_INDEX_WRITER_MB, **kwargs
            )
        except whoosh_index.LockError as exc:
            raise IndexBusy(f"the search index stayed locked for {timeout} s") from exc

    def prepare_documents(self, index, iterable):
        for obj in iterable:
            try:
                doc = index.full_prepare(obj)
            except SkipDocument:
                continue
            doc.pop("boost", None)
            yield {key: self._from_python(value) for key, value in doc.items() if value is not None}

    @contextmanager
    def writing(self):
        """Yield a writer; commit it if the block succeeds, cancel it (freeing the lock) if not."""
        writer = self.writer()
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        self.changed()

    @contextmanager
    def filling(self):
        """Send every update() in the block to one writer, committed once at its end.

        For filling an empty index (rebuild_index): one writer writes one segment,
        where a commit per batch would write dozens and merge them again and again.
        Documents are added without looking for an older copy, so the index must
        hold none of them.
        """
        with self.writing() as writer:
            self._bulk_writer = writer
            try:
                yield writer
            finally:
                self._bulk_writer = None

    def update(self, index, iterable, commit=True):
        if self._bulk_writer is not None:
            for doc in self.prepare_documents(index, iterable):
                self._bulk_writer.add_document(**doc)
            return
        documents = list(self.prepare_documents(index, iterable))
        if not documents:
            return
        with self.writing() as writer:
            for doc in documents:
                writer.update_document(**doc)

    def write_changes(self, index, *, update=(), remove=(), changes=None):
        """Update some documents and remove others in one commit.

        ``changes``, when given, is called once the writer holds the index lock and
        returns an iterable of ``(update, remove)`` batches: what is written is then
        read under the lock, a batch at a time, and committed once.  The documents
        must be distinct across batches (Whoosh's update_document does not see
        documents added earlier by the same writer).
        """
        with self.writing() as writer:
            batches = changes() if changes is not None else [(update, remove)]
            for batch_update, batch_remove in batches:
                for identifier in batch_remove:
                    writer.delete_by_term(ID, identifier)
                for doc in self.prepare_documents(index, batch_update):
                    writer.update_document(**doc)

    def changed(self):
        """Make the next search in this process look for the new index generation."""
        if self._snapshot is not None:
            self._snapshot.checked = float("-inf")

    def remove(self, obj_or_string, commit=True):
        self.write_changes(None, remove=[get_identifier(obj_or_string)])

    def clear(self, models=None, commit=True):
        if models is None:
            # Delete the files without opening the index: a damaged index cannot be
            # opened, and `rebuild_index` must still replace it.
            self.delete_index()
            return
        if not self.setup_complete:
            self.setup()
        with self.writing() as writer:
            for model in models:
                writer.delete_by_term(DJANGO_CT, f"{model._meta.app_label}.{model._meta.model_name}")

    def delete_index(self):
        super().delete_index()
        self._snapshot = None

    def optimize(self):
        """Merge the index into one segment, unless it already is one."""
        if self.segment_count() <= 1:
            return
        writer = self.writer()
        writer.commit(optimize=True)
        self.changed()

    def segment_count(self):
        if not self.setup_complete:
            self.setup()
        self.index = self.index.refresh()
        return len(self.index._segments())

    # --- reading ------------------------------------------------------------------

    def snapshot(self):
        """Return the current :class:`IndexSnapshot`, refreshed if the index has changed."""
        if not self.setup_complete:
            self.setup()
        with self._snapshot_lock:
            current = self._snapshot
            if current is not None and current.is_current():
                return current
            try:
                self.index = self.index.refresh()
            except whoosh_index.EmptyIndexError:
                self.setup_complete = False
                self.setup()
            self._snapshot = IndexSnapshot.build(self.index, previous=current)
            if current is not None and current is not self._snapshot:
                current.retire()
            return self._snapshot

    def generation(self):
        if not self.setup_complete:
            self.setup()
        return self.index.latest_generation()


class IndexSnapshot:
    """One generation of the index, with its searcher and per-document columns.

    Columns are numpy arrays indexed by Whoosh document number: ``article_id``,
    ``published`` (epoch seconds, UNDATED for none), ``year``, ``month``, ``source``
    (a small integer code into ``source_slugs``) and ``live`` (not deleted).
    """

    def __init__(self, ix, searcher, generation, columns, source_slugs):
        self.ix = ix
        self.searcher = searcher
        self.generation = generation
        self.article_id = columns["article_id"]
        self.published = columns["published"]
        self.year = columns["year"]
        self.month = columns["month"]
        self.source = columns["source"]
        self.live = columns["live"]
        self.source_slugs = source_slugs
        self.source_code = {slug: code for code, slug in enumerate(source_slugs)}
        self.cache = {}
        self.vectors = VectorCache(settings.ARCHIVE_SEARCH_CACHE_MB * 1024 * 1024)
        self.frequencies = {}
        self.checked = time.monotonic()
        # A process forked after the snapshot was built (gunicorn --preload, a helper)
        # must not share its open files: their read positions are shared too.
        self.pid = os.getpid()

    @classmethod
    def build(cls, ix, previous=None):
        started = now()
        # A fresh searcher, not previous.searcher.refresh(): whoosh-ng 5.4 reuses
        # segment readers with stale deletions on refresh (a deleted or updated
        # document stays visible), so readers are never recycled here.
        searcher = ix.searcher()
        generation = _signature(ix)
        reader = searcher.reader()
        size = reader.doc_count_all()
        from archive.search_indexes import UNDATED

        def column(name, default):
            if size == 0 or not reader.has_column(name):
                return np.full(size, default, dtype=np.int64)
            return np.fromiter(reader.column_reader(name), dtype=np.int64, count=size)

        article_id = column("article_id", 0)
        published = column("published", UNDATED)
        dated = published != UNDATED
        # Calendar fields in UTC, the archive's storage zone.
        seconds = np.where(dated, published, 0).astype("datetime64[s]")
        year = np.where(dated, seconds.astype("datetime64[Y]").astype(np.int64) + 1970, 0)
        month = np.where(dated, seconds.astype("datetime64[M]").astype(np.int64) % 12 + 1, 0)
        if size and reader.has_column("source"):
            slugs_raw = list(reader.column_reader("source"))
        else:
            slugs_raw = [""] * size
        source_slugs = sorted(set(slugs_raw))
        code = {slug: i for i, slug in enumerate(source_slugs)}
        source = np.fromiter((code[s] for s in slugs_raw), dtype=np.int32, count=size)
        live = np.zeros(size, dtype=bool)
        if size:
            live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
        columns = {
            "article_id": article_id,
            "published": published,
            "year": year.astype(np.int32),
            "month": month.astype(np.int32),
            "source": source,
            "live": live,
        }
        logger.info("index snapshot of %d documents built in %.3f s", size, now() - started)
        return cls(ix, searcher, generation, columns, source_slugs)

    def is_current(self):
        if self.pid != os.getpid():
            return False
        # Listing the index directory is cheap, but not free: check at most every 50 ms.
        moment = time.monotonic()
        if moment - self.checked < 0.05:
            return True
        self.checked = moment
        try:
            return _signature(self.ix) == self.generation
        except (OSError, ValueError):
            return False

    def retire(self):
        # Each thread has its own backend and snapshot, so nothing else reads this one.
        self.cache.clear()
        self.vectors = None
        self.searcher.close()

    # About 100 bytes a word: at most some 10 MB per worker.
    FREQUENCIES_LIMIT = 100_000

    def doc_frequency(self, fieldname, text):
        """Return how many documents hold the term (kept: a lookup in Whoosh's term table is slow)."""
        key = (fieldname, text)
        found = self.frequencies.get(key)
        if found is None:
            if len(self.frequencies) >= self.FREQUENCIES_LIMIT:
                self.frequencies.clear()
            found = self.frequencies[key] = self.searcher.doc_frequency(fieldname, text)
        return found

    @property
    def doc_count(self):
        return int(self.live.sum())


def _signature(ix):
    """Identify an index generation, also across a rebuild that restarts the numbering."""
    return ix.latest_generation(), ix.last_modified()


class ArchiveWhooshEngine(WhooshEngine):
    backend = ArchiveWhooshBackend
    query = WhooshSearchQuery


def backend():
    """Return this process's archive search backend."""
    from haystack import connections

    return connections["default"].get_backend()


__all__ = ["ArchiveWhooshEngine", "ArchiveWhooshBackend", "IndexBusy", "IndexSnapshot", "backend"]
