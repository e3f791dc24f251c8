"""Read articles from files: seed-format text, JSON Lines, CSV, folders and zip archives.

This module only reads and validates; writing is ``archive.services``' work.  Every
record comes out as an :class:`Entry` carrying either the raw field mapping or the
reason it could not be read, with the file and line it came from, so that one bad
record is reported and skipped while the good ones go on.
"""

import codecs
import csv
import datetime as dt
import gzip
import io
import json
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from django.core.validators import URLValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from archive.models import EXTERNAL_ID_PATTERN

TEXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson")
CSV_SUFFIXES = (".csv",)
ZIP_SUFFIXES = (".zip",)
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + JSONL_SUFFIXES + CSV_SUFFIXES + ZIP_SUFFIXES

FIELDS = ("external_id", "title", "body", "published", "source", "url", "author", "captions", "language")

MAX_TITLE = 1000
MAX_BODY = 2_000_000
MAX_AUTHOR = 300
MAX_SOURCE = 200
MAX_URL = 2000
MAX_CAPTION = 2000
MAX_CAPTIONS = 500

# A caption line in seed-format text is short; a longer line is a paragraph.
SEED_CAPTION_MAX_CHARS = 100
SEED_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,31}$")
_EXTERNAL_ID_RE = re.compile(EXTERNAL_ID_PATTERN)
_BINARY_SNIFF_BYTES = 8192
_url_validator = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class Limits:
    """Bounds that keep a hostile or broken upload from exhausting the machine."""

    max_line_bytes: int = 20 * 1024 * 1024
    zip_max_uncompressed_bytes: int = 2 * 1024**3
    zip_max_files: int = 100_000

    @classmethod
    def from_settings(cls):
        from django.conf import settings

        return cls(
            max_line_bytes=settings.ARCHIVE_IMPORT_MAX_LINE_BYTES,
            zip_max_uncompressed_bytes=settings.ARCHIVE_ZIP_MAX_UNCOMPRESSED_BYTES,
            zip_max_files=settings.ARCHIVE_ZIP_MAX_FILES,
        )


@dataclass
class Entry:
    """One record read from a file, or the reason it could not be read."""

    origin: str
    line: int | None
    data: dict | None = None
    error: str | None = None

    @property
    def location(self):
        return f"{self.origin}:{self.line}" if self.line is not None else self.origin


@dataclass(frozen=True)
class ArticleRecord:
    """A validated article, ready to be written."""

    external_id: str
    title: str
    body: str
    published: dt.datetime | None
    published_precision: str
    source: str
    url: str
    author: str
    captions: tuple = field(default_factory=tuple)
    language: str = "ar"


class RecordError(ValueError):
    """A record that cannot be imported; the message says why, for the archivist."""


class FileError(ValueError):
    """A whole file that cannot be read."""


# --- Seed format -------------------------------------------------------------


def parse_seed_text(text):
    """Split seed-format text into title, external id, body paragraphs and captions.

    Layout: the first line is the title; the next non-empty line is the external id
    when it is one short token of Latin letters and digits; then paragraphs separated
    by blank lines; then, optionally, the caption block.  The last block holds the
    image captions when it has two or more consecutive lines with no blank line
    between them, each at most ``SEED_CAPTION_MAX_CHARS`` characters; a last block of
    a single line is always a (short) paragraph.
    """
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    blocks, current = [], []
    for line in text.split("\n"):
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    if not blocks:
        raise RecordError(_("the file is empty"))

    title, rest = blocks[0][0], blocks[0][1:]
    blocks = ([rest] if rest else []) + blocks[1:]
    external_id = ""
    if blocks and len(blocks[0]) == 1 and SEED_ID_RE.match(blocks[0][0]):
        external_id = blocks.pop(0)[0]
    captions = []
    last = blocks[-1] if len(blocks) > 1 else None
    if last and len(last) >= 2 and all(len(line) <= SEED_CAPTION_MAX_CHARS for line in last):
        captions = blocks.pop()
    body = "\n\n".join("\n".join(block) for block in blocks)
    return {"title": title, "external_id": external_id, "body": body, "captions": captions}


# --- Validation ----------------------------------------------------------------


def _text(data, name, max_length, *, required=False):
    value = data.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        else:
            raise RecordError(_("field “%(field)s” must be text") % {"field": name})
    value = value.replace("\x00", "").strip()
    if required and not value:
        raise RecordError(_("field “%(field)s” is required and empty") % {"field": name})
    if len(value) > max_length:
        raise RecordError(
            _("field “%(field)s” is too long (%(length)d characters, at most %(max)d)")
            % {"field": name, "length": len(value), "max": max_length}
        )
    return value


def parse_published(value):
    """Parse an ISO 8601 date or date-time; return (aware datetime in UTC, precision)."""
    value = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        day = dt.date.fromisoformat(value)
        return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc), "date"
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?", value):
        raise ValueError(value)
    moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        # A time without a zone is taken as UTC, the archive's storage zone.
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc), "datetime"


def _captions(data):
    value = data.get("captions")
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        # CSV cells hold a JSON list or one caption per line.
        stripped = value.strip()
        if stripped.startswith("["):
            try:
                value = json.loads(stripped)
            except ValueError:
                raise RecordError(_("field “captions” is not a valid JSON list"))
        else:
            value = [line for line in stripped.splitlines()]
    if not isinstance(value, list):
        raise RecordError(_("field “captions” must be a list of texts"))
    if len(value) > MAX_CAPTIONS:
        raise RecordError(_("too many captions (at most %(max)d)") % {"max": MAX_CAPTIONS})
    captions = []
    for caption in value:
        if not isinstance(caption, str):
            raise RecordError(_("field “captions” must be a list of texts"))
        caption = caption.replace("\x00", "").strip()
        if len(caption) > MAX_CAPTION:
            raise RecordError(_("a caption is too long (at most %(max)d characters)") % {"max": MAX_CAPTION})
        if caption:
            captions.append(caption)
    return tuple(captions)


def record_from_mapping(data, *, default_source="", default_published=None):
    """Validate one raw record and return an :class:`ArticleRecord`, or raise RecordError."""
    if not isinstance(data, dict):
        raise RecordError(_("a record must be an object with named fields"))
    external_id = _text(data, "external_id", 100)
    if external_id and not _EXTERNAL_ID_RE.match(external_id):
        raise RecordError(
            _("identifier “%(id)s” may hold only letters, digits and . _ : -") % {"id": external_id[:100]}
        )
    title = _text(data, "title", MAX_TITLE, required=True)
    body = _text(data, "body", MAX_BODY, required=True)
    source = _text(data, "source", MAX_SOURCE) or default_source
    author = _text(data, "author", MAX_AUTHOR)
    url = _text(data, "url", MAX_URL)
    if url:
        # Real addresses carry stray spaces; percent-encode them rather than refuse the article.
        url = re.sub(r"\s", lambda match: quote(match.group()), url)
        try:
            _url_validator(url)
        except ValidationError:
            raise RecordError(_("field “url” is not an http or https address: %(url)s") % {"url": url[:200]})
    language = _text(data, "language", 12) or "ar"
    published_text = _text(data, "published", 64)
    if published_text:
        try:
            published, precision = parse_published(published_text)
        except ValueError:
            raise RecordError(
                _("field “published” is not an ISO 8601 date or date-time: %(value)s") % {"value": published_text}
            )
    elif default_published is not None:
        published, precision = default_published
    else:
        published, precision = None, ""
    return ArticleRecord(
        external_id=external_id,
        title=title,
        body=body,
        published=published,
        published_precision=precision,
        source=source,
        url=url,
        author=author,
        captions=_captions(data),
        language=language,
    )


# --- Reading files ---------------------------------------------------------------


def suffix_of(name):
    lower = name.lower()
    for suffix in sorted(SUPPORTED_SUFFIXES, key=len, reverse=True):
        if lower.endswith(suffix):
            return suffix
    return PurePosixPath(lower).suffix


def _looks_binary(head):
    return b"\x00" in head


def _decode_error(origin, data, exc):
    line = data[: exc.start].count(b"\n") + 1
    return Entry(
        origin,
        line,
        error=_("the file is not UTF-8 text (invalid byte at offset %(offset)d); save it as UTF-8 and import it again")
        % {"offset": exc.start},
    )


def _read_text_file(origin, stream, limits):
    data = stream.read(limits.max_line_bytes * 5 + 1)
    if len(data) > limits.max_line_bytes * 5:
        yield Entry(origin, None, error=_("the text file is too large for one article"))
        return
    if _looks_binary(data[:_BINARY_SNIFF_BYTES]):
        yield Entry(origin, None, error=_("this is a binary file, not UTF-8 text"))
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield _decode_error(origin, data, exc)
        return
    try:
        yield Entry(origin, 1, data=parse_seed_text(text))
    except RecordError as exc:
        yield Entry(origin, 1, error=str(exc))


def _read_jsonl(origin, stream, limits):
    number = 0
    first = True
    while True:
        raw = stream.readline(limits.max_line_bytes + 1)
        if not raw:
            return
        number += 1
        if len(raw) > limits.max_line_bytes and not raw.endswith(b"\n"):
            # Skip the rest of the over-long line without holding it in memory.
            while True:
                chunk = stream.readline(1024 * 1024)
                if not chunk or chunk.endswith(b"\n"):
                    break
            yield Entry(
                origin,
                number,
                error=_("the line is longer than %(max)d bytes") % {"max": limits.max_line_bytes},
            )
            continue
        if first:
            first = False
            if _looks_binary(raw[:_BINARY_SNIFF_BYTES]):
                yield Entry(origin, None, error=_("this is a binary file, not UTF-8 text"))
                return
            if raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
        if not raw.strip():
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            yield Entry(origin, number, error=_("the line is not valid UTF-8"))
            continue
        try:
            data = json.loads(text)
        except ValueError as exc:
            yield Entry(origin, number, error=_("the line is not valid JSON (%(detail)s)") % {"detail": exc.msg})
            continue
        yield Entry(origin, number, data=data)


def _read_csv(origin, stream, limits):
    head = stream.peek(_BINARY_SNIFF_BYTES)[:_BINARY_SNIFF_BYTES] if hasattr(stream, "peek") else b""
    if _looks_binary(head):
        yield Entry(origin, None, error=_("this is a binary file, not UTF-8 text"))
        return
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline="")
    csv.field_size_limit(limits.max_line_bytes)
    reader = csv.reader(text)
    try:
        header = next(reader, None)
    except (UnicodeDecodeError, csv.Error) as exc:
        yield Entry(origin, 1, error=_("cannot read the header row: %(detail)s") % {"detail": exc})
        return
    if not header:
        yield Entry(origin, None, error=_("the CSV file is empty"))
        return
    header = [name.strip().lower() for name in header]
    missing = [name for name in ("title", "body") if name not in header]
    if missing:
        yield Entry(
            origin,
            1,
            error=_("the header row lacks the required columns: %(columns)s") % {"columns": ", ".join(missing)},
        )
        return
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            yield Entry(origin, line, error=_("the file is not valid UTF-8 from this line on"))
            return
        except csv.Error as exc:
            yield Entry(origin, line, error=_("malformed CSV: %(detail)s") % {"detail": exc})
            line = reader.line_num + 1
            continue
        if any(cell.strip() for cell in row):
            if len(row) != len(header):
                yield Entry(
                    origin,
                    line,
                    error=_("the row has %(got)d columns, the header %(expected)d")
                    % {"got": len(row), "expected": len(header)},
                )
            else:
                yield Entry(origin, line, data=dict(zip(header, row)))
        line = reader.line_num + 1


def _read_stream(origin, name, stream, limits):
    suffix = suffix_of(name)
    if suffix in TEXT_SUFFIXES:
        yield from _read_text_file(origin, stream, limits)
    elif suffix == ".jsonl.gz":
        gz = gzip.GzipFile(fileobj=stream)
        try:
            yield from _read_jsonl(origin, gz, limits)
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            yield Entry(origin, None, error=_("the gzip file is damaged: %(detail)s") % {"detail": exc})
    elif suffix in JSONL_SUFFIXES:
        yield from _read_jsonl(origin, stream, limits)
    elif suffix in CSV_SUFFIXES:
        yield from _read_csv(origin, io.BufferedReader(stream) if not hasattr(stream, "peek") else stream, limits)
    else:
        yield Entry(
            origin,
            None,
            error=_("unsupported file type “%(suffix)s” (use .txt, .jsonl, .jsonl.gz, .csv or .zip)")
            % {"suffix": suffix or name},
        )


def _safe_member_name(name):
    """Return True when a zip member's name stays inside the archive (no absolute or ../ path)."""
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return False
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return ".." not in parts


class _BoundedReader(io.RawIOBase):
    """Read a zip member but stop once the whole archive's uncompressed budget is spent."""

    def __init__(self, raw, budget):
        self._raw = raw
        self._budget = budget

    def readable(self):
        return True

    def readinto(self, buffer):
        if self._budget.remaining <= 0:
            raise FileError(_("the archive unpacks to more than the allowed size"))
        view = memoryview(buffer)[: self._budget.remaining]
        data = self._raw.read(len(view))
        view[: len(data)] = data
        self._budget.remaining -= len(data)
        return len(data)


@dataclass
class _Budget:
    remaining: int


def _read_zip(origin, stream, limits):
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError):
        yield Entry(origin, None, error=_("this is not a readable zip archive"))
        return
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        if len(members) > limits.zip_max_files:
            yield Entry(
                origin,
                None,
                error=_("the archive holds %(count)d files, more than the allowed %(max)d")
                % {"count": len(members), "max": limits.zip_max_files},
            )
            return
        declared = sum(info.file_size for info in members)
        if declared > limits.zip_max_uncompressed_bytes:
            yield Entry(
                origin,
                None,
                error=_("the archive unpacks to %(size)d bytes, more than the allowed %(max)d")
                % {"size": declared, "max": limits.zip_max_uncompressed_bytes},
            )
            return
        budget = _Budget(limits.zip_max_uncompressed_bytes)
        for info in sorted(members, key=lambda item: item.filename):
            member_origin = f"{origin}/{info.filename}"
            if not _safe_member_name(info.filename):
                yield Entry(member_origin, None, error=_("unsafe path inside the archive; entry skipped"))
                continue
            base = PurePosixPath(info.filename).name
            if base.startswith(".") or info.filename.startswith("__MACOSX/"):
                continue
            suffix = suffix_of(base)
            if suffix in ZIP_SUFFIXES:
                yield Entry(member_origin, None, error=_("archives inside archives are not imported"))
                continue
            if suffix not in SUPPORTED_SUFFIXES:
                yield Entry(member_origin, None, error=_("unsupported file type; entry skipped"))
                continue
            try:
                with archive.open(info) as raw:
                    reader = io.BufferedReader(_BoundedReader(raw, budget), buffer_size=1024 * 1024)
                    yield from _read_stream(member_origin, base, reader, limits)
            except FileError as exc:
                yield Entry(member_origin, None, error=str(exc))
                return
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
                yield Entry(member_origin, None, error=_("the archive entry is damaged: %(detail)s") % {"detail": exc})


def read_path(path, *, limits=None, display_name=None):
    """Yield an :class:`Entry` for every record under ``path`` (file, folder or zip)."""
    limits = limits or Limits()
    path = Path(path)
    origin = display_name or str(path)
    if path.is_dir():
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if name.startswith("."):
                    continue
                child = Path(root) / name
                child_origin = os.path.join(origin, os.path.relpath(child, path))
                if suffix_of(name) not in SUPPORTED_SUFFIXES:
                    yield Entry(child_origin, None, error=_("unsupported file type; file skipped"))
                    continue
                yield from read_path(child, limits=limits, display_name=child_origin)
        return
    if not path.exists():
        yield Entry(origin, None, error=_("no such file or folder"))
        return
    try:
        handle = open(path, "rb")
    except OSError as exc:
        yield Entry(origin, None, error=_("cannot open the file: %(detail)s") % {"detail": exc.strerror})
        return
    with handle:
        if suffix_of(path.name) in ZIP_SUFFIXES:
            yield from _read_zip(origin, handle, limits)
        else:
            yield from _read_stream(origin, path.name, handle, limits)
