"""Match and score Whoosh queries with numpy, over whole posting lists at once.

Whoosh walks posting lists one document at a time in Python, which is what made
common words slow (every candidate scored through a tree of matchers).  Here a
term's postings are read block by block into arrays once per index generation,
and BM25F is computed for all its documents in one vectorized step, with exactly
Whoosh's formula and statistics (``whoosh.scoring.bm25``: the searcher's idf, the
field's average length and each document's stored length byte), so rankings are
the same as Whoosh's own.  Queries other than terms, ``Or`` and ``And`` (phrases,
for instance) are matched by Whoosh and scored as the sum of their terms.

A result is a :class:`Vector`: sorted document numbers, a score for each, and how
many of the query's terms each document holds.
"""

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

from archive.search.ranking import clause_weight

# Whoosh's BM25F defaults, which the archive keeps (docs/search-quality.md).
B = 0.75
K1 = 1.2
_LENGTH_OF_BYTE = np.array([byte_to_length(code) for code in range(256)], dtype=np.float64)
_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_EMPTY_SCORES = np.zeros(0, dtype=np.float64)


@dataclass
class Vector:
    ids: np.ndarray
    scores: np.ndarray
    hits: np.ndarray

    @classmethod
    def empty(cls):
        return cls(_EMPTY_IDS, _EMPTY_SCORES, np.zeros(0, dtype=np.int32))

    @property
    def nbytes(self):
        return self.ids.nbytes + self.scores.nbytes + self.hits.nbytes


class VectorCache:
    """Per-generation caches: field lengths, and query vectors up to a memory budget."""

    def __init__(self, budget_bytes):
        self.budget = budget_bytes
        self.used = 0
        self.vectors = OrderedDict()
        self.lengths = {}

    def get(self, key):
        vector = self.vectors.get(key)
        if vector is not None:
            self.vectors.move_to_end(key)
        return vector

    def put(self, key, vector):
        if key in self.vectors or vector.nbytes > self.budget:
            return
        self.vectors[key] = vector
        self.used += vector.nbytes
        while self.used > self.budget:
            _key, old = self.vectors.popitem(last=False)
            self.used -= old.nbytes


def field_lengths(snapshot, fieldname):
    """Return each document's length in ``fieldname`` as Whoosh's scorer sees it."""
    cache = snapshot.vectors.lengths
    lengths = cache.get(fieldname)
    if lengths is None:
        reader = snapshot.searcher.reader()
        parts = []
        for leaf, _offset in reader.leaf_readers():
            size = leaf.doc_count_all()
            column = leaf._perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
            if column is None:
                parts.append(np.zeros(size, dtype=np.uint8))
            else:
                parts.append(np.fromiter(iter(column), dtype=np.uint8, count=size))
        codes = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint8)
        lengths = _LENGTH_OF_BYTE[codes]
        # Whoosh scores a document without the field as if its length were 1.
        lengths[codes == 0] = 1.0
        cache[fieldname] = lengths
    return lengths


def _postings(snapshot, fieldname, text):
    """Return (document numbers, weights) of a term, across all segments."""
    reader = snapshot.searcher.reader()
    ids, weights = [], []
    for leaf, offset in reader.leaf_readers():
        try:
            matcher = leaf.postings(fieldname, text)
        except TermNotFound:
            continue
        if _in_blocks(matcher):
            # Block by block (whoosh3 codec): arrays of up to 128 postings at a time.
            while matcher.is_active():
                ids.append(_block_ids(matcher) + offset)
                weights.append(_block_weights(matcher))
                matcher._next_block()
        else:
            found, found_weights = [], []
            while matcher.is_active():
                found.append(matcher.id() + offset)
                found_weights.append(matcher.weight())
                matcher.next()
            ids.append(np.asarray(found, dtype=np.int64))
            weights.append(np.asarray(found_weights, dtype=np.float64))
    if not ids:
        return _EMPTY_IDS, _EMPTY_SCORES
    ids, weights = np.concatenate(ids), np.concatenate(weights)
    live = snapshot.live[ids]
    return ids[live], weights[live]


def _in_blocks(matcher):
    """Tell whether the matcher reads whoosh3 posting blocks (a rare term's few postings are inline)."""
    return hasattr(matcher, "_read_data") and hasattr(matcher, "_next_block")


def _block_ids(matcher):
    """Return the document numbers of the matcher's current block (whoosh3 codec).

    The block stores the gaps between them; numpy adds them up rather than Whoosh's
    ``delta_decode``, a Python generator.
    """
    if matcher._data is None:
        matcher._read_data()
    gaps = matcher._data[0]
    return np.cumsum(np.fromiter(gaps, dtype=np.int64, count=len(gaps)))


def _block_weights(matcher):
    """Return the weights of the matcher's current block, as Whoosh's ``_read_weights`` reads them."""
    if matcher._data is None:
        matcher._read_data()
    weights = matcher._data[1]
    if weights is None:
        return np.ones(matcher._blocklength, dtype=np.float64)
    if isinstance(weights, float):
        # Whoosh keeps block weights in an array of 32-bit floats.
        return np.full(matcher._blocklength, weights, dtype=np.float32).astype(np.float64)
    return np.asarray(weights, dtype=np.float64)


def _term(snapshot, q):
    ids, weights = _postings(snapshot, q.fieldname, q.text)
    if not len(ids):
        return Vector.empty()
    searcher = snapshot.searcher
    idf = searcher.idf(q.fieldname, q.text)
    average = searcher.avg_field_length(q.fieldname) or 1
    lengths = field_lengths(snapshot, q.fieldname)[ids]
    scores = idf * (weights * (K1 + 1)) / (weights + K1 * ((1 - B) + B * lengths / average))
    return Vector(ids, scores * q.boost, np.ones(len(ids), dtype=np.int32))


def _combine(vectors, required):
    """Sum vectors by document; keep documents present in at least ``required`` of them."""
    vectors = [v for v in vectors if len(v.ids)]
    if not vectors:
        return Vector.empty()
    ids = np.concatenate([v.ids for v in vectors])
    unique, inverse = np.unique(ids, return_inverse=True)
    scores = np.bincount(inverse, weights=np.concatenate([v.scores for v in vectors]), minlength=len(unique))
    hits = np.bincount(inverse, weights=np.concatenate([v.hits for v in vectors]), minlength=len(unique))
    if required > 1:
        present = np.bincount(inverse, minlength=len(unique))
        keep = present >= required
        unique, scores, hits = unique[keep], scores[keep], hits[keep]
    return Vector(unique, scores, hits.astype(np.int32))


def _without(vector, excluded):
    if not len(vector.ids) or not len(excluded.ids):
        return vector
    keep = ~np.isin(vector.ids, excluded.ids, assume_unique=True)
    return Vector(vector.ids[keep], vector.scores[keep], vector.hits[keep])


def evaluate(snapshot, q):
    """Return the :class:`Vector` of ``q`` (cached per index generation)."""
    key = ("vector", q)
    vector = snapshot.vectors.get(key)
    if vector is None:
        vector = _evaluate(snapshot, q)
        snapshot.vectors.put(key, vector)
    return vector


def _evaluate(snapshot, q):
    if isinstance(q, wq.Term):
        return _term(snapshot, q)
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return Vector.empty()
    if isinstance(q, wq.Or):
        vector = _combine([evaluate(snapshot, sub) for sub in q.subqueries], 1)
        return _boosted(vector, q.boost)
    if isinstance(q, wq.And):
        positive = [sub for sub in q.subqueries if not isinstance(sub, wq.Not)]
        negative = [sub.query for sub in q.subqueries if isinstance(sub, wq.Not)]
        vector = _combine([evaluate(snapshot, sub) for sub in positive], len(positive))
        for sub in negative:
            vector = _without(vector, evaluate(snapshot, sub))
        return _boosted(vector, q.boost)
    if isinstance(q, wq.Not):
        # A lone NOT matches everything else; it adds no score.
        excluded = evaluate(snapshot, q.query)
        ids = np.nonzero(snapshot.live)[0]
        everything = Vector(ids, np.zeros(len(ids)), np.zeros(len(ids), dtype=np.int32))
        return _without(everything, excluded)
    # Phrases and anything else: the score is the sum of the query's terms in the
    # documents that match. Whoosh decides which match, except for plain phrases.
    if _is_plain_phrase(snapshot, q):
        ids = _phrase_docs(snapshot, q)
    else:
        ids = np.fromiter(snapshot.searcher.docs_for_query(q), dtype=np.int64)
    if not len(ids):
        return Vector.empty()
    terms = [wq.Term(fieldname, text) for fieldname, text in q.iter_all_terms() if isinstance(text, str)]
    if not terms:
        return Vector(ids, np.zeros(len(ids)), np.zeros(len(ids), dtype=np.int32))
    summed = _combine([evaluate(snapshot, term) for term in terms], 1)
    position = np.searchsorted(summed.ids, ids)
    position[position >= len(summed.ids)] = 0
    found = summed.ids[position] == ids if len(summed.ids) else np.zeros(len(ids), dtype=bool)
    scores = np.where(found, summed.scores[position] if len(summed.ids) else 0.0, 0.0)
    hits = np.where(found, summed.hits[position] if len(summed.ids) else 0, 0).astype(np.int32)
    return _boosted(Vector(ids, scores, hits), q.boost)


def _is_plain_phrase(snapshot, q):
    """Tell whether ``q`` is a phrase of adjacent words on a positional field (what the archive builds)."""
    if not isinstance(q, wq.Phrase) or q.slop != 1 or len(q.words) < 2:
        return False
    schema = snapshot.searcher.schema
    return q.fieldname in schema and schema[q.fieldname].format.supports("positions")


def _phrase_docs(snapshot, q):
    """Return the sorted documents holding ``q``'s words at consecutive positions.

    Whoosh's own phrase matcher steps through every word's postings one document at
    a time; here the documents holding all the words come from the cached term
    vectors, and positions are read only for them (``_term_positions``). A match is
    a position p of the first word with the i-th word at p + i, as in Whoosh's
    ``SpanNear2(slop=1, ordered=True)``.
    """
    candidates = None
    for word in q.words:
        ids = evaluate(snapshot, wq.Term(q.fieldname, word)).ids
        candidates = ids if candidates is None else np.intersect1d(candidates, ids, assume_unique=True)
        if not len(candidates):
            return _EMPTY_IDS
    positions = {word: _term_positions(snapshot, q.fieldname, word, candidates) for word in set(q.words)}
    held = None
    for offset, word in enumerate(q.words):
        docs, places = positions[word]
        keep = places >= offset
        # One int64 per (document, position of the phrase's first word).
        keys = np.unique((docs[keep] << 32) | (places[keep] - offset))
        held = keys if held is None else np.intersect1d(held, keys, assume_unique=True)
        if not len(held):
            return _EMPTY_IDS
    return np.unique(held >> 32)


def _term_positions(snapshot, fieldname, text, candidates):
    """Return (documents, positions) of a term in the sorted ``candidates``, one pair per occurrence.

    Only the posting blocks that hold a candidate are read (a block's header gives its
    last document), and only the candidates' positions are decoded.
    """
    reader = snapshot.searcher.reader()
    values, owners = [], []
    for leaf, offset in reader.leaf_readers():
        low, high = np.searchsorted(candidates, [offset, offset + leaf.doc_count_all()])
        local = candidates[low:high] - offset
        if not len(local):
            continue
        try:
            matcher = leaf.postings(fieldname, text)
        except TermNotFound:
            continue
        if not _in_blocks(matcher):
            # Postings kept inline in the term's record (a rare term): one by one.
            wanted = set(local.tolist())
            while matcher.is_active():
                if matcher.id() in wanted:
                    values.append(matcher.value())
                    owners.append(np.array([matcher.id() + offset], dtype=np.int64))
                matcher.next()
            continue
        at = 0
        while matcher.is_active() and at < len(local):
            last = matcher.block_max_id()
            if last >= local[at]:
                end = int(np.searchsorted(local, last, side="right"))
                wanted = local[at:end]
                ids = _block_ids(matcher)
                where = np.minimum(np.searchsorted(ids, wanted), len(ids) - 1)
                found = ids[where] == wanted
                if found.any():
                    matcher._read_values()
                    block_values = matcher._values
                    values.extend(block_values[i] for i in where[found].tolist())
                    owners.append(wanted[found] + offset)
                at = end
            matcher._next_block()
    if not values:
        return _EMPTY_IDS, _EMPTY_IDS
    docs = np.concatenate(owners)
    return decode_positions(values, docs)


def decode_positions(values, docs):
    """Decode Whoosh ``Positions`` values with numpy: return (document of each position, position).

    A value is the number of positions (4 bytes, big-endian) and the gaps between them
    as 7-bit varints; ``SafePositions`` may add one padding byte, which the count
    leaves out.
    """
    counts = np.frombuffer(b"".join(value[:4] for value in values), dtype=">u4").astype(np.int64)
    sizes = np.fromiter((len(value) - 4 for value in values), dtype=np.int64, count=len(values))
    data = np.frombuffer(b"".join(value[4:] for value in values), dtype=np.uint8)
    ends = np.flatnonzero(data < 0x80)  # the last byte of each varint
    starts = np.concatenate(([0], ends[:-1] + 1))
    if len(ends) == len(data):
        gaps = data.astype(np.int64)
    else:
        within = np.arange(len(data)) - np.repeat(starts, ends - starts + 1)
        gaps = np.add.reduceat((data & 0x7F).astype(np.int64) << (7 * within), starts)
    # Which value each varint belongs to, and its rank there: keep the first `count`.
    first = np.concatenate(([0], np.searchsorted(ends, np.cumsum(sizes)[:-1])))
    per_value = np.diff(np.concatenate((first, [len(ends)])))
    owner = np.repeat(np.arange(len(values)), per_value)
    keep = np.arange(len(ends)) - first[owner] < counts[owner]
    gaps, owner = gaps[keep], owner[keep]
    totals = np.cumsum(gaps)
    value_start = np.concatenate(([0], np.cumsum(counts)[:-1]))
    before = totals[value_start] - gaps[value_start]
    return docs[owner], totals - before[owner]


def _boosted(vector, boost):
    if boost == 1 or not len(vector.ids):
        return vector
    return Vector(vector.ids, vector.scores * boost, vector.hits)


def clause_weights(snapshot, clauses):
    """Return each clause's weight in the coordination bonus (ranking.clause_weight)."""
    doc_count = snapshot.searcher.doc_count_all()
    return [clause_weight(len(evaluate(snapshot, clause).ids), doc_count) for clause in clauses]


def ranked(snapshot, q, candidates, limit, bonus):
    """Return [(docnum, score)] of ``candidates`` (sorted docnums) by score, best first.

    The score is the query's BM25F sum times the coordination bonus
    ``1 + bonus × (weight of the clauses held / weight of all clauses)``: the clauses
    are the subqueries of an ``Or`` (one for any other query), weighted by their idf
    (archive.search.ranking); ties go to the earlier document.
    """
    if not len(candidates) or limit <= 0:
        return []
    vector = evaluate(snapshot, q)
    scores = np.zeros(len(candidates), dtype=np.float64)
    if len(vector.ids):
        scores = _lookup(vector.ids, vector.scores, candidates)
        clauses = list(q.subqueries) if isinstance(q, wq.Or) else [q]
        weights = clause_weights(snapshot, clauses) if bonus else []
        total = sum(weights)
        if total:
            held = np.zeros(len(candidates), dtype=np.float64)
            for clause, weight in zip(clauses, weights):
                if weight:
                    ids = evaluate(snapshot, clause).ids
                    held += weight * _lookup(ids, np.ones(len(ids)), candidates)
            scores *= 1 + bonus * held / total
    if limit < len(candidates):
        top = np.argpartition(-scores, limit - 1)[:limit]
    else:
        top = np.arange(len(candidates))
    order = top[np.lexsort((candidates[top], -scores[top]))]
    return [(int(candidates[i]), float(scores[i])) for i in order]


def _lookup(ids, values, candidates):
    """Return ``values`` at ``candidates`` (0 where a candidate is not in the sorted ``ids``)."""
    found = np.zeros(len(candidates), dtype=np.float64)
    if not len(ids):
        return found
    position = np.searchsorted(ids, candidates)
    position[position >= len(ids)] = 0
    hit = ids[position] == candidates
    found[hit] = values[position[hit]]
    return found
