"""Ranking pieces for Whoosh: a coordination bonus and a safe positions format.

The coordination bonus multiplies a document's BM25F score by
``1 + COORDINATION_BONUS × (weight of the clauses it holds / weight of all clauses)``,
where a clause is one word of the query (its stemmed, title and exact-form terms
together), a phrase, a prefix or a group, and a clause's weight is its inverse
document frequency (:func:`clause_weight`).  Counting clauses rather than index
terms keeps a word that also matches in the title or in the very form typed from
counting as two or three words; weighting them by idf means that an article
missing only a word most articles hold (اسم, عام, كان) loses little, while one
missing the question's rare word loses much.  Both engines use this formula
(archive.search.vectors for Whoosh, a ``function_score`` in es_engine).
"""

import math

from whoosh.formats import Positions
from whoosh.matching.wrappers import WrappingMatcher
from whoosh.query import Or

# A document holding every clause of the query scores up to twice its BM25F sum;
# measured on ARCD and Qur'an QA (docs/search-quality.md), it lifts both.
COORDINATION_BONUS = 1.0


def clause_weight(doc_frequency, doc_count):
    """Return a clause's weight in the coordination bonus: Whoosh's idf of the clause.

    ``log(N / (df + 1)) + 1``, the formula Whoosh's BM25F weighs a term with, applied
    to the number of documents the whole clause matches.  A clause that matches
    nothing weighs 0: no document can hold it, so it should not shrink everyone's
    share (as Whoosh leaves absent terms out of ``term_matchers()``).
    """
    if doc_frequency <= 0 or doc_count <= 0:
        return 0.0
    return math.log(doc_count / (doc_frequency + 1)) + 1


class CoordinationMatcher(WrappingMatcher):
    """Scale a document's score by the weighted share of the query's clauses it holds.

    ``clauses`` is a list of (matcher, weight), one matcher per clause, walked
    alongside the child (documents are scored in increasing order).
    """

    def __init__(self, child, clauses, bonus):
        super().__init__(child)
        self._clauses = clauses
        self._total = sum(weight for _matcher, weight in clauses) or 1.0
        self._bonus = bonus

    def _replacement(self, newchild):
        return self.__class__(newchild, self._clauses, self._bonus)

    def score(self):
        docnum = self.child.id()
        held = 0.0
        for matcher, weight in self._clauses:
            if matcher.is_active() and matcher.id() < docnum:
                matcher.skip_to(docnum)
            if matcher.is_active() and matcher.id() == docnum:
                held += weight
        return self.child.score() * (1 + self._bonus * held / self._total)

    def max_quality(self):
        return self.child.max_quality() * (1 + self._bonus)

    def block_quality(self):
        return self.child.block_quality() * (1 + self._bonus)


class CoordinatedOr(Or):
    """An Or query that favours documents holding more (and rarer) of its subqueries.

    Each subquery is one clause of the coordination bonus; ``weighted=False`` gives
    every clause the weight 1 (a plain share of the clauses held).
    """

    matcher_type = Or.DEFAULT_MATCHER

    def __init__(self, subqueries, boost=1.0, bonus=COORDINATION_BONUS, weighted=True):
        super().__init__(subqueries, boost=boost)
        self.bonus = bonus
        self.weighted = weighted

    def normalize(self):
        normalized = super().normalize()
        if normalized.__class__ is self.__class__:
            normalized.bonus = self.bonus
            normalized.weighted = self.weighted
        return normalized

    def matcher(self, searcher, context=None):
        matcher = super().matcher(searcher, context)
        if not self.bonus:
            return matcher
        doc_count = searcher.doc_count_all()
        clauses = []
        for subquery in self.subqueries:
            doc_frequency = sum(1 for _ in searcher.docs_for_query(subquery))
            weight = clause_weight(doc_frequency, doc_count) if self.weighted else float(doc_frequency > 0)
            if weight:
                clauses.append((subquery.matcher(searcher, context), weight))
        if not clauses:
            return matcher
        return CoordinationMatcher(matcher, clauses, self.bonus)


class SafePositions(Positions):
    """Whoosh's Positions format without whoosh-ng 5.4's trailing-dot crash.

    whoosh-ng decodes a positions value that ends in b"." with its legacy pickle
    decoder, so a phrase query raises UnpicklingError on any term whose last
    position gap encodes to 0x2E.  The decoder reads exactly as many gaps as the
    header says, so one padding byte is harmless.
    """

    def encode(self, poslist):
        value = super().encode(poslist)
        return value + b"\x00" if value.endswith(b".") else value
