"""Vectorized matching and scoring give exactly what Whoosh itself computes."""

import numpy as np
import pytest

from archive.search import engine, vectors
from archive.search.backend import backend
from archive.search.ranking import COORDINATION_BONUS, clause_weight
from whoosh import query as wq

pytestmark = pytest.mark.django_db

QUERIES = [
    "فلسطين",
    "اللاجئين المخيمات",
    "الصيد OR الحريق",
    "وزير التعليم مدارس القرى",
    '"رئيس المكتب السياسي"',
    "=فلسطين",
    "فلسطيني*",
    "title:المكتبة",
    "المياه -الشرقية",
    "ما سبب انقطاع المياه عن الأحياء",
]


@pytest.mark.parametrize("text", QUERIES)
def test_bm25f_scores_and_order_match_whoosh(indexed_demo, text):
    snapshot = backend().snapshot()
    plan = engine.plan_query(text, exact=False, snapshot=snapshot)
    q = wq.Or(plan.positives + plan.musts)
    whoosh = [(hit.docnum, hit.score) for hit in snapshot.searcher.search(q, limit=None)]
    candidates = np.array(sorted(d for d, _ in whoosh), dtype=np.int64)
    mine = vectors.ranked(snapshot, q, candidates, 50, bonus=0)
    assert [d for d, _ in mine] == [d for d, _ in sorted(whoosh, key=lambda item: (-item[1], item[0]))]
    assert [round(s, 9) for _, s in mine] == [round(s, 9) for s in sorted((s for _, s in whoosh), reverse=True)]


@pytest.mark.parametrize("text", QUERIES)
def test_matching_documents_match_whoosh(indexed_demo, text):
    snapshot = backend().snapshot()
    plan = engine.plan_query(text, exact=False, snapshot=snapshot)
    for q in plan.positives + plan.musts + plan.nots:
        assert vectors.evaluate(snapshot, q).ids.tolist() == sorted(snapshot.searcher.docs_for_query(q))


def test_coordination_bonus_rewards_each_matched_clause_by_its_idf(indexed_demo):
    snapshot = backend().snapshot()
    one, two = wq.Term("text", "مخيم"), wq.Term("text", "لاجء")
    q = wq.Or([one, two])
    candidates = np.nonzero(snapshot.live)[0]
    plain = dict(vectors.ranked(snapshot, q, candidates, 100, bonus=0))
    coordinated = dict(vectors.ranked(snapshot, q, candidates, 100, bonus=COORDINATION_BONUS))
    docs = {term: set(vectors.evaluate(snapshot, term).ids) for term in (one, two)}
    assert docs[one] & docs[two]
    count = snapshot.searcher.doc_count_all()
    weight = {term: clause_weight(len(found), count) for term, found in docs.items()}
    for docnum, score in plain.items():
        if score:
            held = sum(weight[term] for term in (one, two) if docnum in docs[term])
            share = held / (weight[one] + weight[two])
            assert coordinated[docnum] == pytest.approx(score * (1 + COORDINATION_BONUS * share))


@pytest.mark.parametrize("text", QUERIES)
def test_coordinated_scores_match_the_whoosh_matcher(indexed_demo, text):
    snapshot = backend().snapshot()
    plan = engine.plan_query(text, exact=False, snapshot=snapshot)
    q = plan.scoring_query()
    whoosh = {hit.docnum: hit.score for hit in snapshot.searcher.search(q, limit=None)}
    candidates = np.array(sorted(whoosh), dtype=np.int64)
    mine = dict(vectors.ranked(snapshot, q, candidates, len(candidates) or 1, bonus=COORDINATION_BONUS))
    assert mine.keys() == whoosh.keys()
    for docnum, score in whoosh.items():
        assert mine[docnum] == pytest.approx(score)
