"""Searching the indexed seed and demo articles through the archive's own search code."""

import datetime as dt

import pytest

from archive.search.types import SearchParams
from archive.selectors import article_related, article_search, article_search_iter, article_timeline

pytestmark = pytest.mark.django_db


def ids(q, **params):
    page = article_search(params=SearchParams(q=q, page_size=50, **params))
    return [hit.article.external_id for hit in page.hits]


@pytest.mark.parametrize(
    "q",
    [
        "الفلسطينيه",  # teh marbuta written as heh, with the article
        "فلسطين",  # the country finds the adjective (nisba)
        "اللاجئ",  # the singular finds the plural اللاجئين
        "الاقصى",  # no hamza finds الأقصى
        "الفِلَسطِينيّة",  # vocalised
        "فلســطين",  # tatweel
        "القاهره",
        "المجاهدين",  # a plural finds the singular المجاهد
        "لبيان",  # the preposition-prefixed form finds بيان
        "وقيادة",
    ],
)
def test_seed_is_found_whatever_the_form(indexed_seed, q):
    assert ids(q) == ["0vq2f"]


def test_phrase_matches_words_in_order(indexed_seed):
    assert ids('"رئيس المكتب السياسي"') == ["0vq2f"]
    assert ids('"السياسي المكتب رئيس"') == []


def test_exact_form_operator_finds_only_that_form(indexed_demo):
    # فلسطين as such stands only in the poetry article; other articles have الفلسطينيين etc.
    assert ids("=فلسطين") == ["demo-2022-001"]
    assert set(ids("فلسطين")) >= {"demo-2022-001", "demo-2019-001", "0vq2f"}


def test_exact_switch_applies_to_every_word(indexed_demo):
    assert ids("فلسطين", exact=True) == ids("=فلسطين")


def test_prefix_search(indexed_demo):
    assert set(ids("فلسطيني*")) >= {"0vq2f", "demo-2019-001"}


def test_title_field(indexed_demo):
    assert ids("title:المكتبة") == ["demo-2018-001"]


def test_source_field(indexed_demo):
    found = ids("source:الوادي")
    assert found and all(a.startswith("demo") for a in found)
    assert len(found) == 5


def test_not_excludes(indexed_demo):
    with_refugees = set(ids("اللاجئين"))
    without_cinema = set(ids("اللاجئين -السينما"))
    assert "demo-2024-001" in with_refugees
    assert without_cinema == with_refugees - {"demo-2024-001"}


def test_or_adds(indexed_demo):
    assert set(ids("الصيد OR الحريق")) == {"demo-2018-002", "demo-2023-002"}


def test_short_queries_need_all_words(indexed_demo):
    assert set(ids("المخيمات")) == {"demo-2019-001", "demo-2024-001", "0vq2f"}
    # Only the cinema article holds both words; the other camp articles are left out.
    assert ids("المخيمات السينما") == ["demo-2024-001"]


def test_long_question_finds_article_with_most_of_its_words(indexed_demo):
    page = article_search(params=SearchParams(q="ما سبب انقطاع المياه عن سكان الأحياء الشرقية في موجة البرد القارس"))
    assert page.hits[0].article.external_id == "demo-2021-002"
    assert page.notice


def test_missing_word_relaxes_instead_of_zero_hits(indexed_demo):
    page = article_search(params=SearchParams(q="الصيادون زلزال"))
    assert [hit.article.external_id for hit in page.hits] == ["demo-2018-002"]
    assert page.relaxed and page.notice


def test_source_filter_and_facets(indexed_demo):
    page = article_search(params=SearchParams(q="المدارس"))
    slugs = {facet.value: facet.count for facet in page.facets["source"]}
    assert slugs
    slug = next(iter(slugs))
    narrowed = article_search(params=SearchParams(q="المدارس", sources=(slug,)))
    assert narrowed.count == slugs[slug]
    # The source facet still counts the other sources while one is chosen.
    assert {facet.value for facet in narrowed.facets["source"]} == set(slugs)


def test_date_range_filter(indexed_demo):
    page = article_search(params=SearchParams(q="", date_from=dt.date(2019, 1, 1), date_to=dt.date(2019, 12, 31)))
    assert {hit.article.external_id for hit in page.hits} == {"demo-2019-001", "demo-2019-002", "demo-2019-003"}


def test_date_range_excludes_undated(indexed_demo):
    assert "0vq2f" not in ids("الفلسطيني", date_from=dt.date(1900, 1, 1))


def test_year_and_month_facets(indexed_demo):
    page = article_search(params=SearchParams(q="", year=2019))
    assert page.count == 3
    assert {f.value for f in page.facets["month"]} == {"1", "5", "11"}
    assert article_search(params=SearchParams(q="", year=2019, month=5)).count == 1


def test_sort_newest_and_oldest_put_undated_last(indexed_demo):
    newest = ids("", sort="newest", date_from=None, sources=())
    assert newest == []  # an empty query without filters is not a search
    everything = article_search(params=SearchParams(q="الخبر OR المدينة OR الفلسطيني OR القدس", sort="newest", page_size=50))
    dates = [h.article.published for h in everything.hits]
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=True)
    assert dates[-1] is None or all(d is not None for d in dates)
    oldest = article_search(params=SearchParams(q="الفلسطيني OR القدس", sort="oldest", page_size=50))
    dated = [h.article.published for h in oldest.hits if h.article.published]
    assert dated == sorted(dated)
    assert oldest.hits[-1].article.published is None


def test_pagination_is_stable(indexed_demo):
    first = article_search(params=SearchParams(q="وقال", sort="newest", page=1, page_size=2))
    second = article_search(params=SearchParams(q="وقال", sort="newest", page=2, page_size=2))
    assert first.count == second.count >= 4
    assert not {h.article.pk for h in first.hits} & {h.article.pk for h in second.hits}


def test_snippets_mark_matches_in_original_spelling(indexed_seed):
    page = article_search(params=SearchParams(q="الاقصى"))
    html = " ".join(page.hits[0].snippets)
    assert "<mark>الأقصى</mark>" in html


@pytest.mark.parametrize(
    "q",
    [
        '"',
        "(((",
        "AND OR NOT",
        "*",
        "=",
        "title:",
        "ف" * 5000,
        " ".join(["غزة"] * 2000),
        "\x00\x01\x02 غزة",
        "غزة ))) ((( «",
        "=*",
        "-",
        "a:b:c:d",
        "\u202eغزة",
    ],
)
def test_hostile_queries_answer_without_error(indexed_seed, q):
    page = article_search(params=SearchParams(q=q))
    assert page.count >= 0


def test_stop_words_only_gives_a_clear_message(indexed_seed):
    page = article_search(params=SearchParams(q="من في على"))
    assert page.error


def test_did_you_mean(indexed_seed):
    page = article_search(params=SearchParams(q="الاستيطاني الجديدد"))
    assert page.count == 0 or page.relaxed
    strict = article_search(params=SearchParams(q="الجديدد"))
    assert strict.count == 0
    assert strict.suggestion == "الجديد"


def test_export_iteration_follows_the_sort(indexed_demo):
    rows = list(article_search_iter(params=SearchParams(q="وقال", sort="oldest"), limit=100))
    dates = [article.published for article, _ in rows if article.published]
    assert dates == sorted(dates) and len(rows) >= 4


def test_export_iteration_is_bounded(indexed_demo):
    assert len(list(article_search_iter(params=SearchParams(q="وقال"), limit=2))) == 2


def test_timeline_counts_hits_and_totals(indexed_demo):
    buckets = article_timeline(params=SearchParams(q="اللاجئين"), interval="year")
    periods = {b.period: (b.hits, b.total) for b in buckets}
    assert periods["2019"] == (1, 3)
    assert periods["2024"][0] == 1
    assert list(periods) == [str(y) for y in range(2018, 2025)]
    months = article_timeline(params=SearchParams(q="اللاجئين"), interval="month")
    assert months[0].period == "2018-03" and sum(b.hits for b in months) == 2


def test_related_articles_share_words(indexed_demo):
    from archive.models import Article

    related = article_related(article=Article.objects.get(external_id="demo-2019-001"), limit=3)
    assert related and related[0].external_id in {"demo-2024-001", "0vq2f"}


@pytest.mark.django_db
def test_prefix_that_is_a_stop_word_still_expands(search_index):
    from archive.models import Article

    Article.objects.create(external_id="pfx-1", title="خبر", body="اجتمعت الأمانة العامة للمجلس.")
    Article.objects.create(external_id="pfx-2", title="خبر", body="زار الأماكن القديمة.")
    Article.objects.create(external_id="pfx-3", title="خبر", body="أما الطقس فمعتدل.")
    search_index()
    page = article_search(params=SearchParams(q="أما*"))
    assert not page.error
    assert {hit.article.external_id for hit in page.hits} == {"pfx-1", "pfx-2"}


@pytest.mark.django_db
def test_singular_finds_broken_plural_and_marks_it(search_index):
    from archive.models import Article

    Article.objects.create(external_id="bp-1", title="عودة الدراسة", body="فتحت المدارس أبوابها للأطفال.")
    Article.objects.create(external_id="bp-2", title="خبر", body="زار الوزير مدرسة في القرية.")
    Article.objects.create(external_id="bp-3", title="خبر", body="المدرس يشرح الدرس.")
    search_index()
    page = article_search(params=SearchParams(q="مدرسة"))
    assert {hit.article.external_id for hit in page.hits} >= {"bp-1", "bp-2"}
    marked = " ".join(next(hit for hit in page.hits if hit.article.external_id == "bp-1").snippets)
    assert "<mark>المدارس</mark>" in marked
    assert ids("طفل") == ["bp-1"]
    assert ids("=مدرسة") == ["bp-2"]
