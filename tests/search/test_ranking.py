"""Ranking pieces: the coordination bonus and the phrase-safe positions format."""

import pytest

from archive.models import Article
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
