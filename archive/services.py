"""Write-side work: importing articles and keeping sources and images in step.

Each article is written in its own transaction together with its captions, so an
interrupted import leaves no half-written article and can simply be run again:
re-importing updates by ``external_id`` and never creates a duplicate.
"""

import hashlib
import itertools
import logging
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from archive.importing import Limits, RecordError, read_path, record_from_mapping
from archive.models import Article, ArticleImage, Source, content_hash

logger = logging.getLogger(__name__)

CREATED, UPDATED, UNCHANGED, FAILED, SKIPPED = "created", "updated", "unchanged", "failed", "skipped"
# Records are read in chunks so that the existing hashes of a chunk come from one query.
CHUNK_SIZE = 500
# Queued index updates are applied every so many changed articles: each application is
# one index commit (a new segment), so fewer, larger commits index much faster, and the
# writer keeps a commit's postings in memory (indexing.COMMIT_SIZE says how much).
INDEX_FLUSH_EVERY = 200_000
# After an import that changed at least this many articles, the index is merged into one
# segment: smaller on disk and faster to search than the segments the flushes left.
INDEX_OPTIMIZE_AFTER = 20000


@dataclass
class Outcome:
    """What happened to one record."""

    location: str
    status: str
    external_id: str = ""
    title: str = ""
    reason: str = ""

    def __str__(self):
        if self.reason:
            return f"{self.location}: {self.reason}"
        return f"{self.location}: {self.status} {self.external_id}"


@dataclass
class ImportReport:
    """Counts and per-record outcomes of one import run."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0
    outcomes: list = field(default_factory=list)
    changed_ids: list = field(default_factory=list)
    keep_outcomes: int = 10_000

    def add(self, outcome, article_id=None):
        setattr(self, outcome.status, getattr(self, outcome.status) + 1)
        if article_id is not None and outcome.status in (CREATED, UPDATED):
            self.changed_ids.append(article_id)
        # Failures are always kept; successes only up to a bound, for the upload page.
        if outcome.status in (FAILED, SKIPPED) or len(self.outcomes) < self.keep_outcomes:
            self.outcomes.append(outcome)

    @property
    def failures(self):
        return [o for o in self.outcomes if o.status == FAILED]


def generated_external_id(record):
    """Return a stable identifier for a record that came without one.

    The source and date are part of the digest so that the same wire story from two
    sources stays two articles, while importing the same file again finds its article.
    """
    digest = hashlib.sha1(
        "\x1f".join(
            [record.source, record.published.isoformat() if record.published else "", record.title, record.body]
        ).encode("utf-8")
    ).hexdigest()
    return f"gen-{digest[:12]}"


def record_content_hash(record):
    return content_hash(
        title=record.title,
        body=record.body,
        source=record.source,
        published=record.published.isoformat() if record.published else "",
        published_precision=record.published_precision,
        author=record.author,
        url=record.url,
        language=record.language,
        captions=record.captions,
    )


class _SourceCache(dict):
    def get_or_create(self, name):
        if not name:
            return None
        source = self.get(name)
        if source is None:
            source = source_get_or_create(name=name)
            self[name] = source
        return source


def source_get_or_create(*, name):
    """Return the source called ``name``, creating it with a unique slug when new."""
    source = Source.objects.filter(name=name).first()
    if source:
        return source
    base = slugify(name, allow_unicode=True)[:180] or "source"
    for number in itertools.count(1):
        slug = base if number == 1 else f"{base}-{number}"
        if not Source.objects.filter(slug=slug).exists():
            break
    try:
        with transaction.atomic():
            return Source.objects.create(name=name, slug=slug)
    except IntegrityError:
        # Another importer created it between the check and the insert.
        return Source.objects.get(name=name)


def article_save_record(*, record, content_digest=None, existing=None, sources=None):
    """Create or update the article for ``record``; return (status, article id).

    ``existing`` is the (id, content hash) already looked up for the identifier, or
    None to look it up here.
    """
    content_digest = content_digest or record_content_hash(record)
    if existing is None:  # False means: known to be new
        existing = Article.objects.filter(external_id=record.external_id).values_list("id", "content_hash").first()
    if existing and existing[1] == content_digest:
        return UNCHANGED, existing[0]
    sources = sources if sources is not None else _SourceCache()
    with transaction.atomic():
        source = sources.get_or_create(record.source)
        values = {
            "title": record.title,
            "body": record.body,
            "source": source,
            "published": record.published,
            "published_precision": record.published_precision,
            "author": record.author,
            "url": record.url,
            "language": record.language,
            "content_hash": content_digest,
        }
        if existing:
            article = Article(id=existing[0], external_id=record.external_id, **values)
            article.save(force_update=True, update_fields=[*values, "updated"])
            _article_replace_captions(article=article, captions=record.captions)
            return UPDATED, article.id
        article = Article.objects.create(external_id=record.external_id, **values)
        ArticleImage.objects.bulk_create(
            [ArticleImage(article=article, caption=caption, order=i) for i, caption in enumerate(record.captions)]
        )
        return CREATED, article.id


def _article_replace_captions(*, article, captions):
    """Set the captions in order; images with a file keep their file."""
    images = list(article.images.order_by("order", "id"))
    for i, caption in enumerate(captions):
        if i < len(images):
            if images[i].caption != caption or images[i].order != i:
                images[i].caption, images[i].order = caption, i
                images[i].save(update_fields=["caption", "order"])
        else:
            ArticleImage.objects.create(article=article, caption=caption, order=i)
    for image in images[len(captions) :]:
        if image.image:
            if image.caption:
                image.caption = ""
                image.save(update_fields=["caption"])
        else:
            image.delete()


def article_refresh_content_hash(*, article):
    """Recompute the stored content hash after an edit (so a re-import sees the change)."""
    digest = article.compute_content_hash()
    if digest != article.content_hash:
        Article.objects.filter(pk=article.pk).update(content_hash=digest)
        article.content_hash = digest


def _chunks(iterable, size):
    iterator = iter(iterable)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def article_import(
    *,
    paths,
    source="",
    published=None,
    dry_run=False,
    limits=None,
    display_names=None,
    on_outcome=None,
    update_index=True,
    index_alongside=False,
):
    """Import every record under ``paths``; return an :class:`ImportReport`.

    ``source`` and ``published`` (a ``(datetime, precision)`` pair) fill records that
    lack them.  A bad record is reported with its file and line and skipped.  With
    ``index_alongside``, a large import is indexed by a helper process while it runs
    (archive.search.alongside).
    """
    from archive.search.alongside import IndexAlongside
    from archive.search.indexing import index_deferred, index_suspended

    limits = limits or Limits.from_settings()
    alongside = IndexAlongside() if index_alongside and update_index and not dry_run else None
    # Article saves queue their index updates (durably, in their own transaction); the
    # queue is applied by the helper process as the import goes, or with one index
    # writer every INDEX_FLUSH_EVERY changes and at the end.
    with (index_deferred() if update_index else index_suspended()):
        try:
            return _article_import(
                paths, source, published, dry_run, limits, display_names, on_outcome, update_index, alongside
            )
        finally:
            if alongside is not None and alongside.running:
                # The import stopped half-way: the helper commits what it has applied.
                alongside.finish()


def _article_import(paths, source, published, dry_run, limits, display_names, on_outcome, update_index, alongside):
    report = ImportReport()
    sources = _SourceCache()
    display_names = display_names or {}
    unflushed = 0
    changed = 0

    def entries():
        for path in paths:
            yield from read_path(path, limits=limits, display_name=display_names.get(str(path)))

    for chunk in _chunks(entries(), CHUNK_SIZE):
        prepared = []
        for entry in chunk:
            prepared.append(_prepare(entry, source, published))
        ids = {record.external_id for _entry, record, _error in prepared if record}
        existing = {
            external_id: (pk, digest)
            for external_id, pk, digest in Article.objects.filter(external_id__in=ids).values_list(
                "external_id", "id", "content_hash"
            )
        }
        seen_in_chunk = {}
        chunk_changed = []
        for entry, record, error in prepared:
            if error:
                status = SKIPPED if entry.data is None and entry.line is None and _is_skip(error) else FAILED
                outcome = Outcome(entry.location, status, reason=error)
                report.add(outcome)
                _notify(on_outcome, outcome)
                continue
            digest = record_content_hash(record)
            known = seen_in_chunk.get(record.external_id) or existing.get(record.external_id)
            try:
                if dry_run:
                    if known is None:
                        status, article_id = CREATED, None
                    else:
                        status, article_id = (UNCHANGED if known[1] == digest else UPDATED), known[0]
                else:
                    status, article_id = article_save_record(
                        record=record, content_digest=digest, existing=known or False, sources=sources
                    )
            except Exception as exc:  # a database error must cost one record, not the run
                logger.exception("import of %s failed", entry.location)
                outcome = Outcome(entry.location, FAILED, record.external_id, record.title, _("not saved: %(detail)s") % {"detail": exc})
                report.add(outcome)
                _notify(on_outcome, outcome)
                continue
            if article_id is not None:
                seen_in_chunk[record.external_id] = (article_id, digest)
            outcome = Outcome(entry.location, status, record.external_id, record.title)
            report.add(outcome, article_id)
            if status in (CREATED, UPDATED):
                chunk_changed.append(article_id)
            _notify(on_outcome, outcome)
        unflushed += len(chunk_changed)
        changed += len(chunk_changed)
        if alongside is not None and chunk_changed:
            alongside.more(len(chunk_changed))
        if update_index and unflushed >= INDEX_FLUSH_EVERY and not dry_run and not (alongside and alongside.running):
            search_flush_index()
            unflushed = 0
    if alongside is not None:
        alongside.finish()
    # Whatever is still queued (all of it when no helper ran or it failed) is applied here.
    if update_index and unflushed and not dry_run:
        search_flush_index()
    if update_index and changed >= INDEX_OPTIMIZE_AFTER and not dry_run:
        search_optimize_index()
    return report


def _is_skip(reason):
    return reason.endswith(_("entry skipped")) or reason.endswith(_("file skipped"))


def _prepare(entry, default_source, default_published):
    if entry.error:
        return entry, None, entry.error
    try:
        record = record_from_mapping(entry.data, default_source=default_source, default_published=default_published)
    except RecordError as exc:
        return entry, None, str(exc)
    if not record.external_id:
        record = _with_external_id(record, generated_external_id(record))
    return entry, record, None


def _with_external_id(record, external_id):
    from dataclasses import replace

    return replace(record, external_id=external_id)


def _notify(callback, outcome):
    if callback is not None:
        callback(outcome)


def search_optimize_index():
    """Merge the search index into one segment; when the index is busy, leave it as it is."""
    from archive.search.backend import backend

    search_backend = backend()
    optimize = getattr(search_backend, "optimize", None)
    if optimize is None:
        return
    try:
        optimize()
    except Exception:
        # The articles are saved and indexed; an unmerged index is only slower.
        logger.exception("search index merge after the import failed")


def search_flush_index():
    """Apply queued index updates; when the index is busy they stay queued for the next writer."""
    from archive.search.indexing import index_flush_pending_quietly

    index_flush_pending_quietly()
