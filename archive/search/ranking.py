"""Ranking pieces for Whoosh: a coordination bonus and a safe positions format."""

from whoosh.formats import Positions
from whoosh.matching.wrappers import WrappingMatcher
from whoosh.query import Or

# A document holding every term of the query scores up to twice its BM25F sum;
# measured on ARCD and Qur'an QA (docs/search-quality.md), it lifts both.
COORDINATION_BONUS = 1.0


class CoordinationMatcher(WrappingMatcher):
    """Scale a document's score by the share of the query's terms it holds."""

    def __init__(self, child, termcount, bonus):
        super().__init__(child)
        self._termcount = termcount
        self._bonus = bonus

    def _replacement(self, newchild):
        return self.__class__(newchild, self._termcount, self._bonus)

    def score(self):
        child = self.child
        matching = sum(1 for _ in child.matching_terms(child.id()))
        return child.score() * (1 + self._bonus * matching / self._termcount)

    def max_quality(self):
        return self.child.max_quality() * (1 + self._bonus)

    def block_quality(self):
        return self.child.block_quality() * (1 + self._bonus)


class CoordinatedOr(Or):
    """An Or query that favours documents matching more of its subqueries."""

    matcher_type = Or.DEFAULT_MATCHER

    def __init__(self, subqueries, boost=1.0, bonus=COORDINATION_BONUS):
        super().__init__(subqueries, boost=boost)
        self.bonus = bonus

    def normalize(self):
        normalized = super().normalize()
        if normalized.__class__ is self.__class__:
            normalized.bonus = self.bonus
        return normalized

    def matcher(self, searcher, context=None):
        matcher = super().matcher(searcher, context)
        termcount = len(list(matcher.term_matchers()))
        if not self.bonus or not termcount:
            return matcher
        return CoordinationMatcher(matcher, termcount, self.bonus)


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
