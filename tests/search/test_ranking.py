"""Ranking pieces: the coordination bonus and the phrase-safe positions format."""

import pytest

from archive.models import Article
from archive.search.engine import all_words_notice
from archive.search.types import SearchParams
from archive.selectors import article_search

pytestmark = pytest.mark.django_db

# 44 content words (no stop words, no digits) and قطاع: غزة recurs 46 positions later.
FILLER = [f"سجل{chr(0x0628 + i // 9)}{chr(0x0628 + i % 9)}ات" for i in range(44)]


def test_phrase_search_survives_a_position_gap_of_46(search_index):
    # whoosh-ng 5.4 misreads a positions value whose last byte is 0x2E ("."), a gap of 46.
    body = " ".join(["غزة", *FILLER, "قطاع", "غزة"])
    Article.objects.create(external_id="gap-46", title="عنوان", body=body)
    search_index()
    page = article_search(params=SearchParams(q='"قطاع غزة"'))
    assert [hit.article.external_id for hit in page.hits] == ["gap-46"]


def test_articles_holding_more_query_words_rank_higher(search_index):
    Article.objects.create(external_id="one", title="خبر", body="النخيل " * 3 + "في الواحة.")
    Article.objects.create(external_id="all", title="خبر", body="النخيل والتمور والواحة والماء.")
    search_index()
    page = article_search(params=SearchParams(q="النخيل التمور الواحة الماء العذب"))
    assert [hit.article.external_id for hit in page.hits][0] == "all"


def _mosaic_articles():
    # المدينة is in most articles; "rare" is rich in the query's rare words but lacks
    # it, "every" holds every word once, in a long text on other things.
    for number in range(8):
        Article.objects.create(external_id=f"city-{number}", title="خبر", body=f"زارت المدينة فرقة رقم {number}.")
    Article.objects.create(
        external_id="every",
        title="خبر",
        body="المدينة القديمة والفسيفساء الرومانية. " + " ".join(FILLER),
    )
    Article.objects.create(
        external_id="rare",
        title="خبر",
        body="لوحات الفسيفساء الرومانية القديمة في المتحف، والفسيفساء الرومانية نادرة.",
    )


@pytest.mark.parametrize(
    "q, question, first",
    [
        # A question has no all-words tier: a common missing word costs little.
        ("أين المدينة القديمة ذات الفسيفساء الرومانية؟", True, ["rare", "every"]),
        # A long keyword query puts the articles holding every word first.
        ("المدينة القديمة الفسيفساء الرومانية", False, ["every", "rare"]),
    ],
    ids=["question_has_no_all_words_tier", "keywords_put_every_word_first"],
)
def test_all_words_tier_only_for_keyword_queries(search_index, q, question, first):
    _mosaic_articles()
    search_index()
    page = article_search(params=SearchParams(q=q))
    found = [hit.article.external_id for hit in page.hits]
    # Articles holding only the common word still come, after both.
    assert found[:2] == first and len(found) == 10
    assert all_words_notice(question, 4) in page.notice
