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


def _live_whoosh_docs(snapshot, q):
    return sorted(d for d in snapshot.searcher.docs_for_query(q) if snapshot.live[d])


def test_phrase_matching_finds_exactly_what_whoosh_finds(search_index, django_capture_on_commit_callbacks):
    from archive.analysis.analyzers import ArabicAnalyzer
    from archive.models import Article

    bodies = [
        "أعلن رئيس المكتب السياسي للحركة عن مبادرة جديدة.",
        "المكتب السياسي اجتمع، ورئيس الوزراء غاب.",  # both words, not adjacent and not in order
        "قال رئيس رئيس المكتب إن الاجتماع تأجل.",  # a repeated word before the phrase
        "رئيس المكتب السياسي " * 60 + "في ختام الكلمة رئيس المكتب السياسي مرة أخرى.",  # long gaps
        "السياسي المكتب رئيس",  # the words in reverse order
    ]
    for number, body in enumerate(bodies):
        Article.objects.create(external_id=f"phrase-{number}", title=f"خبر {number}", body=body)
    search_index()
    # A deleted document and a second segment, as after an archivist's edits.
    with django_capture_on_commit_callbacks(execute=True):
        Article.objects.get(external_id="phrase-0").delete()
        Article.objects.create(external_id="phrase-5", title="خبر", body="ثم تحدث رئيس المكتب السياسي طويلا.")
    snapshot = backend().snapshot()
    stems = [t.text for t in ArabicAnalyzer()("رئيس المكتب السياسي")]
    for words in (stems, stems[:2], stems[1:], [stems[0], stems[0]], list(reversed(stems))):
        q = wq.Phrase("text", words)
        assert vectors._phrase_docs(snapshot, q).tolist() == _live_whoosh_docs(snapshot, q), words
    found = vectors._phrase_docs(snapshot, wq.Phrase("text", stems))
    holders = Article.objects.filter(pk__in=snapshot.article_id[found].tolist())
    assert sorted(holders.values_list("external_id", flat=True)) == ["phrase-3", "phrase-5"]


def test_positions_decode_as_whoosh_decodes_them():
    from archive.search.ranking import SafePositions

    fmt = SafePositions()
    lists = [[0], [5, 51], [0, 46, 92], [3, 200, 17000, 2_500_000], list(range(0, 5000, 7)), [127, 128, 16511]]
    values = [fmt.encode(positions) for positions in lists]
    assert any(value.endswith(b"\x00") for value in values)  # a padded value is among them
    docs, places = vectors.decode_positions(values, np.arange(len(values), dtype=np.int64))
    for number, positions in enumerate(lists):
        assert places[docs == number].tolist() == positions == fmt.decode_positions(values[number])
