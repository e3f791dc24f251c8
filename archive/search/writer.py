"""A Whoosh segment writer that builds the segment's postings with numpy.

Whoosh's own ``SegmentWriter`` sends every posting through an external sorting
pool (a tuple per posting, sorted, written to temporary runs and merged back),
then looks up each posting's document length in a column while writing it.  For
the archive's fields that was most of the indexing time.

This writer writes the same files in the same format — its term and posting
files are byte for byte those ``SegmentWriter`` writes (tests/search/test_writer.py),
so any Whoosh reads them — but:

* a text field analyzed by one of the archive's chains (``fused_chain``) keeps
  each word as a small integer, one cache lookup per word; the stemmed and exact
  fields split the same text once;
* at the commit, each field's words are sorted by (term, document, position) in
  one numpy sort, and frequencies, weights and the encoded positions of all
  postings are computed array-wide;
* terms of up to eight postings (most terms) go straight into the term table;
  longer ones are written block by block without Whoosh's per-posting writer;
* on a large segment, the field with the most words is encoded by a forked copy
  of the process, on the other core, while this one encodes the rest.

Other fields (identifiers, numbers) and the postings of segments merged into
this one take Whoosh's per-posting path into the same arrays.  Deletions, stored
fields, columns, the merge policy and the table of contents are Whoosh's.
Memory until the commit: about 4 bytes a word of text plus the per-word caches
(about 1 GB for 120,000 news articles), and at the commit a copy of the field
being encoded by each process.
"""

import os
import pickle
import struct
import tempfile
import zlib
from array import array
from hashlib import md5

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
from whoosh.filedb.filetables import md5_hash
from whoosh.formats import Frequency, Positions
from whoosh.system import emptybytes, pack_int, pack_long, pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

from archive.analysis.analyzers import STOP_WORD, chain_term, fused_chain
from archive.analysis.normalize import normalize
from archive.analysis.tokenize import TERM_PATTERN
from archive.search.ranking import SafePositions

_UNSET = object()

# W3TermInfo's layout and flags; terms of at most _SHORT postings keep them in the term table.
_TERM_INFO = struct.Struct("!BfIBBfII")
_FLAG_OFFSET = 0
_FLAG_INLINE_COMPACT = 2
_FLAG_INLINE_COMPACT_SHORT = 3
_SHORT = 8
# W3Codec's defaults: postings per block, zlib level.
_BLOCK = 128
_COMPRESSION = 3
_PERIOD = ord(".")
# Codes of matches that are not terms (term numbers are 0 and up).
_STOP = -1
_NOT_A_TERM = -2


class _FieldPostings:
    """One field's postings for the segment being written."""

    def __init__(self, *, chain, fmt):
        self.chain = chain
        self.positions = isinstance(fmt, Positions)
        # SafePositions pads a value that would end in a period (see ranking.py).
        self.pad = isinstance(fmt, SafePositions)
        self.boost = fmt.field_boost
        # Terms: text (analyzed fields) or bytes (other fields) -> number, and back.
        self.numbers = {}
        self.keys = []
        # Analyzed fields: each match of the tokenizer's pattern -> term number,
        # _STOP (a stop word: it takes a position) or _NOT_A_TERM.
        self.codes = {}
        # Analyzed documents: every kept word's term number, and per document its
        # number, word count, first position and field boost.
        self.words = []
        self.docs = array("i")
        self.counts = array("i")
        self.firsts = array("i")
        self.boosts = array("d")
        # Postings from other paths, one entry each.
        self.extra_terms = array("i")
        self.extra_docs = array("i")
        self.extra_weights = array("f")
        self.extra_values = []

    def number(self, key):
        found = self.numbers.get(key)
        if found is None:
            found = self.numbers[key] = len(self.keys)
            self.keys.append(key)
        return found

    def analyze(self, matches):
        """Return (first position, term numbers) for a document's matches of the tokenizer's pattern."""
        codes = self.codes
        get = codes.get
        found = [get(match) for match in matches]
        if None in found:
            found = [self._code(match) if code is None else code for code, match in zip(found, matches)]
        found = np.array(found, dtype=np.int32)
        kept = found >= 0
        words = found[kept]
        if not len(words):
            return 0, words
        # As indexed_terms: the first kept word's position counts the stop words before it.
        return int(np.count_nonzero(found[: int(kept.argmax())] == _STOP)), words

    def _code(self, match):
        term = chain_term(match, **self.chain)
        code = self.number(term) if term else (_STOP if term is STOP_WORD else _NOT_A_TERM)
        self.codes[match] = code
        return code

    def add_words(self, docnum, first, words, boost):
        self.words.append(words)
        self.docs.append(docnum)
        self.counts.append(len(words))
        self.firsts.append(first)
        self.boosts.append(boost)

    def add_posting(self, docnum, key, weight, value):
        self.extra_terms.append(self.number(key))
        self.extra_docs.append(docnum)
        self.extra_weights.append(weight)
        self.extra_values.append(value)

    def word_count(self):
        return sum(self.counts) + len(self.extra_docs)

    def term_bytes(self):
        return [key.encode("utf-8") if isinstance(key, str) else key for key in self.keys]

    def postings(self, ranks):
        """Return (term numbers, documents, weights, value ends, values) sorted by term rank and document."""
        parts = [self._word_postings(ranks)] if len(self.words) else []
        if len(self.extra_docs):
            values = self.extra_values
            ends = np.cumsum([len(value) for value in values], dtype=np.int64)
            parts.append(
                (
                    np.frombuffer(self.extra_terms, dtype=np.int32),
                    np.frombuffer(self.extra_docs, dtype=np.int32),
                    np.frombuffer(self.extra_weights, dtype=np.float32),
                    ends,
                    emptybytes.join(values),
                )
            )
        if not len(self.extra_docs):
            return parts[0]
        # Other postings come per document: sort everything by term and document.
        terms = np.concatenate([part[0] for part in parts])
        docs = np.concatenate([part[1] for part in parts])
        weights = np.concatenate([part[2] for part in parts])
        ends = [parts[0][3]]
        for previous, part in zip(parts, parts[1:]):
            ends.append(part[3] + int(previous[3][-1]))
        ends = np.concatenate(ends)
        blob = np.frombuffer(emptybytes.join(part[4] for part in parts), dtype=np.uint8)
        order = np.lexsort((docs, ranks[terms]))
        starts = ends - np.diff(ends, prepend=0)
        sizes = (ends - starts)[order]
        blob, ends = _gather(blob, starts[order], sizes)
        return terms[order], docs[order], weights[order], ends, blob.tobytes()

    def _word_postings(self, ranks):
        words = np.concatenate(self.words)
        counts = np.frombuffer(self.counts, dtype=np.int32)
        word_docs = np.repeat(np.frombuffer(self.docs, dtype=np.int32), counts)
        # Each word's position: its index within its document plus the document's first position.
        starts = np.cumsum(counts) - counts
        positions = np.arange(len(words), dtype=np.int64) - np.repeat(starts - np.frombuffer(self.firsts, dtype=np.int32), counts)
        positions = positions.astype(np.int32)
        # Words are in document and position order: a stable sort by term keeps it within each term.
        order = np.argsort(ranks[words], kind="stable")
        self.words = []  # the concatenated copy is all that is needed now
        words = words[order]
        word_docs = word_docs[order]
        positions = positions[order]
        new = np.ones(len(words), dtype=bool)
        new[1:] = (words[1:] != words[:-1]) | (word_docs[1:] != word_docs[:-1])
        heads = np.flatnonzero(new)
        freqs = np.diff(heads, append=len(words))
        terms = words[heads]
        docs = word_docs[heads]
        doc_boost = np.frombuffer(self.boosts, dtype=np.float64)
        boost_of = np.zeros(int(docs.max()) + 1 if len(docs) else 1)
        boost_of[np.frombuffer(self.docs, dtype=np.int32)] = doc_boost
        weights = ((freqs * self.boost) * boost_of[docs]).astype(np.float32)
        if self.positions:
            ends, blob = _encode_positions(heads, freqs, positions, pad=self.pad)
        else:
            blob = freqs.astype(">u4").tobytes()
            ends = np.arange(4, 4 * len(freqs) + 1, 4, dtype=np.int64)
        return terms, docs, weights, ends, blob


def _gather(blob, starts, sizes):
    """Concatenate blob[start:start + size] for each pair; return (bytes array, ends)."""
    ends = np.cumsum(sizes)
    index = np.arange(int(ends[-1]) if len(ends) else 0) - np.repeat(ends - sizes - starts, sizes)
    return blob[index], ends


def _encode_positions(heads, freqs, positions, *, pad):
    """Encode each posting's positions as Whoosh's Positions.encode does, all at once.

    A value is the count as a 4-byte big-endian integer, then each position's
    gap from the previous one (the first from 0) as a little-endian base-128
    varint.
    """
    gaps = positions.copy()
    gaps[1:] -= positions[:-1]
    gaps[heads] = positions[heads]
    widths = np.ones(len(gaps), dtype=np.int64)
    for shift in (7, 14, 21, 28):
        widths += gaps >= (1 << shift)
    posting_of = np.repeat(np.arange(len(heads)), freqs)
    gap_bytes = np.bincount(posting_of, weights=widths, minlength=len(heads)).astype(np.int64)
    last = heads + freqs - 1
    padded = np.zeros(len(heads), dtype=np.int64)
    if pad:
        last_byte = (gaps[last] >> (7 * (widths[last] - 1))) & 0x7F
        padded = (last_byte == _PERIOD).astype(np.int64)
    sizes = 4 + gap_bytes + padded
    ends = np.cumsum(sizes)
    starts = ends - sizes
    out = np.zeros(int(ends[-1]) if len(ends) else 0, dtype=np.uint8)
    count_bytes = freqs.astype(">u4").view(np.uint8).reshape(-1, 4)
    for k in range(4):
        out[starts + k] = count_bytes[:, k]
    # Where each gap's first byte goes: after its posting's count and the posting's earlier gaps.
    cumulative = np.cumsum(widths) - widths
    gap_start = starts[posting_of] + 4 + cumulative - cumulative[heads][posting_of]
    for k in range(5):
        mask = widths > k
        if not mask.any():
            break
        byte = (gaps[mask] >> (7 * k)) & 0x7F
        byte |= np.where(widths[mask] > k + 1, 0x80, 0)
        out[gap_start[mask] + k] = byte
    return ends, out.tobytes()


class ArchiveSegmentWriter(SegmentWriter):
    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        self._fields = {}

    # --- adding -------------------------------------------------------------------

    def _postings_of(self, fieldname, field):
        found = self._fields.get(fieldname)
        if found is None:
            chain = None
            fmt = field.format
            if type(fmt) in (Frequency, Positions, SafePositions):
                chain = fused_chain(field.analyzer)
            found = self._fields[fieldname] = _FieldPostings(chain=chain, fmt=fmt)
        return found

    def add_document(self, **fields):
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)

        # Analyze first: a value that cannot be indexed must leave nothing behind.
        analyzed = []
        lengths = {}
        # The stemmed and exact fields hold the same text: split it once.
        split = {}
        for fieldname in fieldnames:
            value = fields[fieldname]
            if value is None:
                continue
            field = schema[fieldname]
            if field.separate_spelling() or field.vector:
                raise ValueError(f"field {fieldname!r}: spelling and vectors are not written by this writer")
            if not field.indexed:
                continue
            target = self._postings_of(fieldname, field)
            boost = self._field_boost(fields, fieldname, docboost)
            if target.chain is not None and isinstance(value, str):
                matches = split.get(value)
                if matches is None:
                    matches = split[value] = TERM_PATTERN.findall(normalize(value))
                first, words = target.analyze(matches)
                analyzed.append((target, True, (first, words), boost))
                length = len(words)
            else:
                items = list(field.index(value))
                analyzed.append((target, False, items, boost))
                length = sum(item[1] for item in items)
            if field.scorable:
                lengths[fieldname] = length

        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields[fieldname]
                if value is None:
                    continue
                field = schema[fieldname]
                customval = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(fieldname, field, customval if field.stored else None, lengths.get(fieldname, 0))
                column = field.column_type
                if column and customval is not None:
                    perdocwriter.add_column_value(fieldname, column, field.to_column_value(customval))
        except ValueError:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()

        for target, words, data, boost in analyzed:
            if words:
                first, words = data
                if len(words):
                    target.add_words(docnum, first, words, boost)
            else:
                for tbytes, _freq, weight, vbytes in data:
                    target.add_posting(docnum, tbytes, weight * boost, vbytes or emptybytes)
        self._added = True
        self.docnum += 1

    def _add_batch(self, docs):
        for fields in docs:
            self.add_document(**fields)

    def add_postings_to_pool(self, reader, startdoc, docmap):
        # Merged segments' postings: same arrays, sorted with the rest at the commit.
        schema = self.schema
        for fieldname, tbytes, docnum, weight, vbytes in self._process_posts(reader.iter_postings(), startdoc, docmap):
            target = self._postings_of(fieldname, schema[fieldname])
            key = tbytes.decode("utf-8") if target.chain is not None else tbytes
            target.add_posting(docnum, key, weight, vbytes or emptybytes)

    # --- writing the segment ------------------------------------------------------

    def _flush_segment(self):
        self.perdocwriter.close()
        codec = self.codec
        if (codec._blocklimit, codec._compression, codec._inlinelimit) != (_BLOCK, _COMPRESSION, 1):
            raise ValueError("this writer writes Whoosh's W3 codec with its default settings only")
        if self.fieldwriter._tindex.hashfn is not md5_hash:
            raise ValueError("the term table must use Whoosh's md5 hash")
        reader = self.per_document_reader() if codec.length_stats else None
        try:
            names = sorted(self._fields)
            lengths = {name: self._lengths(reader, name) for name in names}
        finally:
            if reader is not None:
                reader.close()
        # On a large segment the largest field is encoded by a forked copy of this
        # process, on another core, while this one encodes the rest.
        forked = None
        words = {name: self._fields[name].word_count() for name in names}
        if names and sum(words.values()) >= PARALLEL_WORDS and hasattr(os, "fork") and (os.cpu_count() or 1) > 1:
            largest = max(names, key=words.__getitem__)
            forked = _Forked(lambda: self._encode_field(largest, lengths[largest]))
        encoded = {}
        try:
            if forked is not None:
                # Everything else first, so that both processes work at once.
                for name in names:
                    if name != largest:
                        encoded[name] = self._encode_field(name, lengths[name])
                encoded[largest] = forked.result()
                forked = None
                if encoded[largest] is None:  # the child failed: do it here
                    encoded[largest] = self._encode_field(largest, lengths[largest])
        finally:
            if forked is not None:
                forked.result()
        for name in names:
            field = encoded.pop(name) if name in encoded else self._encode_field(name, lengths[name])
            if field is not None:
                self._emit_field(name, *field)
        self._fields = {}
        self.fieldwriter.close()

    def _lengths(self, reader, fieldname):
        if reader is None or not self.schema[fieldname].scorable:
            return None
        dfl = reader.doc_field_length
        return np.array([dfl(docnum, fieldname) or 0 for docnum in range(self.docnum)], dtype=np.int64)

    def _encode_field(self, fieldname, lengths):
        """Return (rows, postings bytes) of a field, or None if it has no postings.

        A row is (term, info) for a term kept in the term table, or (term, info head,
        offset of its postings in the bytes, their length) for one with blocks.
        """
        postings = self._fields[fieldname]
        keys = postings.term_bytes()
        if not keys:
            return None
        order = sorted(range(len(keys)), key=keys.__getitem__)
        ranks = np.empty(len(keys), dtype=np.int32)
        ranks[order] = np.arange(len(keys), dtype=np.int32)
        terms, docs, weights, ends, blob = postings.postings(ranks)
        if not len(terms):
            return None
        bounds = np.flatnonzero(np.diff(ranks[terms])) + 1
        term_starts = np.concatenate(([0], bounds))
        term_ends = np.concatenate((bounds, [len(terms)]))
        starts = ends - np.diff(ends, prepend=0)
        # Each posting's document number minus the previous one in its block (blocks of
        # _BLOCK postings from the start of each term; a block's first counts from 0).
        in_term = np.arange(len(terms)) - np.repeat(term_starts, term_ends - term_starts)
        gaps = docs.astype(np.int64)
        gaps[1:] -= docs[:-1]
        heads = in_term % _BLOCK == 0
        gaps[heads] = docs[heads]
        del in_term, heads
        empty_values = bool(np.any(ends == starts))
        posting_lengths = lengths[docs] if lengths is not None else None
        fixed = self.schema[fieldname].format.fixed_value_size()

        rows = []
        add_row = rows.append
        parts = []
        offset = 0
        # Python lists a slice of terms at a time: whole-field lists would cost gigabytes.
        for first_term, last_term in _slices(term_ends, _SLICE_POSTINGS):
            low = int(term_starts[first_term])
            high = int(term_ends[last_term - 1])
            doc_list = docs[low:high].tolist()
            weight_list = weights[low:high].tolist()
            end_list = ends[low:high].tolist()
            start_list = starts[low:high].tolist()
            gap_list = gaps[low:high].tolist()
            length_list = posting_lengths[low:high].tolist() if posting_lengths is not None else None
            numbers = terms[term_starts[first_term:last_term]].tolist()
            for number, start, stop in zip(
                numbers, (term_starts[first_term:last_term] - low).tolist(), (term_ends[first_term:last_term] - low).tolist()
            ):
                ids = doc_list[start:stop]
                block_weights = weight_list[start:stop]
                term_lengths = length_list[start:stop] if length_list is not None else None
                if stop - start <= _SHORT:
                    begin = start_list[start]
                    value_ends = end_list[start:stop]
                    add_row((keys[number], _short_term_info(ids, block_weights, term_lengths, blob[begin : value_ends[-1]], value_ends, begin)))
                    continue
                head, written = _long_term(
                    ids, gap_list[start:stop], block_weights, term_lengths,
                    blob, start_list[start:stop], end_list[start:stop], fixed, empty_values,
                )
                parts.append(written)
                add_row((keys[number], head, offset, len(written)))
                offset += len(written)
        return rows, emptybytes.join(parts)

    def _emit_field(self, fieldname, rows, postings_bytes):
        fieldwriter = self.fieldwriter
        fieldwriter.start_field(fieldname, self.schema[fieldname])
        prefix = pack_ushort(fieldwriter._fieldid)
        base = fieldwriter._postfile.tell()
        fieldwriter._postfile.write(postings_bytes)
        table_rows = []
        for row in rows:
            if len(row) == 2:
                table_rows.append((prefix + row[0], row[1]))
            else:
                key, head, offset, length = row
                table_rows.append((prefix + key, head + pack_long(base + offset) + pack_int(length)))
        _add_rows(fieldwriter._tindex, table_rows)
        fieldwriter.finish_field()


# Segments of at least this many words encode their largest field in a forked process.
PARALLEL_WORDS = 2_000_000
# Postings turned into Python lists at a time while a field is encoded.
_SLICE_POSTINGS = 1_000_000


def _slices(term_ends, size):
    """Yield (first, last) term index ranges covering about ``size`` postings each."""
    first = 0
    count = len(term_ends)
    while first < count:
        base = int(term_ends[first - 1]) if first else 0
        last = int(np.searchsorted(term_ends, base + size, side="right"))
        last = max(last, first + 1)
        yield first, min(last, count)
        first = last


class _Forked:
    """Run a function in a forked copy of this process; hand back its pickled result."""

    def __init__(self, work):
        handle, self.path = tempfile.mkstemp(prefix="archive-field-", suffix=".pickle")
        os.close(handle)
        self.pid = os.fork()
        if self.pid == 0:  # the child: compute, write, leave without any cleanup of the parent's
            code = 1
            try:
                result = work()
                with open(self.path, "wb") as out:
                    pickle.dump(result, out, protocol=pickle.HIGHEST_PROTOCOL)
                code = 0
            finally:
                os._exit(code)

    def result(self):
        """Return the function's result, or None if the child failed."""
        try:
            _pid, status = os.waitpid(self.pid, 0)
            if status != 0:
                return None
            with open(self.path, "rb") as source:
                return pickle.load(source)
        finally:
            os.unlink(self.path)


_ROW_LENGTHS = struct.Struct("!ii")


def _add_rows(table, rows):
    """Add (key, value) rows to an OrderedHashWriter as its add() does, with one write."""
    dbfile = table.dbfile
    position = dbfile.tell()
    index = table.index
    buckets = table.buckets
    last = table.lastkey
    parts = []
    for key, value in rows:
        if key <= last:
            raise ValueError(f"Keys must increase: {last!r}..{key!r}")
        index.append(position)
        # Whoosh's md5_hash: the digest's low 32 bits.
        code = int.from_bytes(md5(key, usedforsecurity=False).digest()[-4:], "big")
        buckets[code & 255].append((code, position))
        parts.append(_ROW_LENGTHS.pack(len(key), len(value)))
        parts.append(key)
        parts.append(value)
        position += 8 + len(key) + len(value)
        last = key
    dbfile.write(emptybytes.join(parts))
    table.lastkey = last


def _length_range(lengths):
    nonzero = [length for length in lengths if length] if lengths is not None else ()
    if not nonzero:
        return None, 0
    return min(nonzero), max(nonzero)


def _short_term_info(ids, weights, lengths, values, ends, begin):
    """Return the term table row W3FieldWriter writes for a term of at most _SHORT postings."""
    count = len(ids)
    low, high = _length_range(lengths)
    minlength = 0 if low is None else length_to_byte(low)
    maxlength = length_to_byte(high)
    if count == 1:
        weight = weights[0]
        head = _TERM_INFO.pack(_FLAG_INLINE_COMPACT, weight, 1, minlength, maxlength, max(weight, 0), ids[0], ids[0])
        return head + struct.pack("!IfH", ids[0], weight, len(values)) + values
    head = _TERM_INFO.pack(
        _FLAG_INLINE_COMPACT_SHORT, sum(weights), count, minlength, maxlength, max(max(weights), 0), ids[0], ids[-1]
    )
    sizes = [ends[0] - begin] + [ends[i] - ends[i - 1] for i in range(1, count)]
    return head + struct.pack(f"!B{count}I{count}f{count}H", count, *ids, *weights, *sizes) + values


def _long_term(ids, gaps, weights, lengths, blob, starts, ends, fixed, empty_values):
    """Return a term's term-table row head and its posting blocks, as W3PostingsWriter writes them."""
    parts = [WHOOSH3_HEADER_MAGIC]
    total = len(ids)
    weight_sum = 0.0
    minlength = _UNSET
    maxlength = 0
    maxweight = 0
    for start in range(0, total, _BLOCK):
        stop = min(start + _BLOCK, total)
        block_ids = ids[start:stop]
        block_weights = weights[start:stop]
        first = block_weights[0]
        if first == 1.0 and block_weights.count(1.0) == len(block_weights):
            mini_weights = None
        elif block_weights.count(first) == len(block_weights):
            mini_weights = first
        else:
            mini_weights = tuple(block_weights)
        if fixed is None:
            mini_values = tuple([blob[a:b] for a, b in zip(starts[start:stop], ends[start:stop])])
            if empty_values:
                # add_posting keeps only non-empty values; the archive's formats never give one.
                mini_values = tuple(value for value in mini_values if value)
        elif fixed == 0:
            mini_values = None
        else:
            mini_values = blob[starts[start] : ends[stop - 1]]
        data = zlib.compress(pickle.dumps((tuple(gaps[start:stop]), mini_weights, mini_values)), _COMPRESSION)
        low, high = _length_range(lengths[start:stop] if lengths is not None else None)
        block_max_weight = max(max(block_weights), 0)
        info = pickle.dumps((len(block_ids), block_ids[-1], block_max_weight, _COMPRESSION, length_to_byte(low), length_to_byte(high)))
        size = len(info) + len(data)
        parts.append(pack_int(-size if stop == total else size))
        parts.append(info)
        parts.append(data)
        # As W3TermInfo.add_block.
        weight_sum += sum(block_weights)
        minlength = low if minlength is _UNSET or minlength is None else min(minlength, low)
        maxlength = max(maxlength, high)
        maxweight = max(maxweight, block_max_weight)
    head = _TERM_INFO.pack(
        _FLAG_OFFSET, weight_sum, total, 0 if minlength is None else length_to_byte(minlength),
        length_to_byte(maxlength), maxweight, ids[0], ids[-1],
    )
    return head, emptybytes.join(parts)


__all__ = ["ArchiveSegmentWriter"]
