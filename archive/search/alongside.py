"""Index an import's articles in a helper process while the import writes the database.

A large import spends about as long saving articles as the index writer spends
analyzing them; with two cores both can run at once.  The import queues its
changes as PendingIndexUpdate rows, as every save does, and tells the helper
after each chunk; the helper applies the rows as they arrive, with one index
writer, and commits when the import says it is done (or every
``indexing.COMMIT_SIZE`` articles).  The rows it applied are deleted only after
their commit, so a helper that fails or dies leaves them queued for the next
writer, exactly as a failed flush would.
"""

import logging
import multiprocessing

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

MORE = "more"
FINISH = "finish"


class IndexAlongside:
    """Apply an import's queued index updates in a helper process once there are enough."""

    def __init__(self):
        self.changed = 0
        self.process = None
        self.channel = None

    @property
    def running(self):
        return self.process is not None

    def more(self, count):
        """Note that ``count`` more articles changed (their updates are queued and committed)."""
        self.changed += count
        if self.process is None and self._worthwhile():
            self._start()
        if self.process is not None:
            self.channel.send(MORE)

    def finish(self):
        """Wait for the helper to commit; return True if it applied the queue, False if it failed."""
        if self.process is None:
            return False
        try:
            self.channel.send(FINISH)
            status, detail = self.channel.recv()
        except (EOFError, OSError) as exc:
            status, detail = "error", f"the helper process ended early ({exc!r})"
        self.process.join()
        self.channel.close()
        self.process = None
        if status != "done":
            logger.warning("indexing alongside the import failed: %s; the updates stay queued", detail)
            return False
        logger.info("a helper process applied %d queued index updates alongside the import", detail)
        return True

    def _worthwhile(self):
        after = settings.ARCHIVE_INDEX_ALONGSIDE_AFTER
        if not after or self.changed < after:
            return False
        # The helper opens the database anew: an in-memory database has nothing to open.
        name = str(connection.settings_dict.get("NAME") or "")
        return not (connection.vendor == "sqlite" and (name == ":memory:" or "mode=memory" in name))

    def _start(self):
        context = multiprocessing.get_context("spawn")
        self.channel, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(theirs,), name="archive-index-alongside", daemon=True)
        self.process.start()
        theirs.close()
        logger.info("indexing alongside the import in helper process %d", self.process.pid)


def _serve(channel):
    import django

    django.setup()
    from archive.search.backend import IndexBusy
    from archive.search.indexing import index_follow

    def wait():
        """Block until the import says more or finish; return True once it said finish."""
        finishing = channel.recv() == FINISH
        while channel.poll():
            finishing = channel.recv() == FINISH or finishing
        return finishing

    try:
        applied = index_follow(wait=wait)
    except IndexBusy as exc:
        channel.send(("busy", str(exc)))
    except Exception as exc:
        logger.exception("indexing alongside the import failed")
        channel.send(("error", repr(exc)))
    else:
        channel.send(("done", applied))
    channel.close()
