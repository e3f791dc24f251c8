"""The results page: hits, facets, sorting, pagination, the timeline, exports and helpful failures."""

import csv
import io
from urllib.parse import parse_qs, urlsplit

import pytest

from archive import selectors
from archive.search.types import SearchPage


def params_of(link):
    return parse_qs(urlsplit(link).query)


def hit_titles(page):
    return [attrs["href"] for tag, attrs in page.elements if tag == "a" and "/articles/" in attrs.get("href", "")
            and "?q=" in attrs.get("href", "")]


def test_empty_query_explains_the_query_language(indexed_demo, get_page):
    page = get_page("/search/")

    assert "كيف تبحث" in page.text
    assert "/help/" in page.links()
    assert any(link.startswith("/search/?q=") for link in page.links())
    assert not page.find_all("ol", class_="results-list")


def test_results_show_count_hits_and_marked_snippets(indexed_demo, get_page):
    page = get_page("/search/", {"q": "مهرجان"})

    assert "وُجدت" in page.text
    titles = hit_titles(page)
    assert len(titles) >= 2
    assert all(params_of(link)["q"] == ["مهرجان"] for link in titles)
    assert "<mark" in page.html
    assert "مهرجان الشعر يكرّم شعراء من فلسطين ولبنان ومصر" in page.text
    assert "جريدة الشرق الثقافي" in page.text
    # Dates in both calendars.
    assert "5 أكتوبر 2022" in page.text and "ربيع الأول 1444 هـ" in page.text


def test_vocalised_query_finds_the_seed(indexed_demo, get_page):
    page = get_page("/search/", {"q": "الفِلَسطِينيّة"})

    assert any(link.startswith("/articles/0vq2f/?") for link in hit_titles(page))
    assert "غير مؤرَّخ" in page.text  # the seed is undated


def test_hits_link_to_the_article_carrying_the_query_and_exact_switch(indexed_demo, get_page):
    page = get_page("/search/", {"q": "مهرجان", "exact": "1"})

    for link in hit_titles(page):
        assert params_of(link) == {"q": ["مهرجان"], "exact": ["1"]}
    assert "checked" in page.find("input", name="exact")


def test_source_facet_narrows_and_keeps_the_other_parameters(indexed_demo, get_page):
    page = get_page("/search/", {"q": "مهرجان", "sort": "newest", "page_size": "10", "page": "1"})

    facet_links = [link for link in page.links() if "source=" in link]
    assert facet_links
    for link in facet_links:
        params = params_of(link)
        assert params["q"] == ["مهرجان"] and params["sort"] == ["newest"] and params["page_size"] == ["10"]
        assert "page" not in params

    narrowed = get_page("/search/" + facet_links[0])
    chosen = params_of(facet_links[0])["source"][0]
    # The chosen value's link now removes it again.
    removing = [link for link in narrowed.links() if "q=" in link and chosen not in str(params_of(link).get("source"))]
    assert removing
    assert "المرشِّحات:" in narrowed.text


def test_year_facet_then_month_facet(indexed_demo, get_page):
    page = get_page("/search/", {"q": "مهرجان"})
    year_links = [link for link in page.links() if "year=" in link and "month=" not in link]
    assert any(params_of(link)["year"] == ["2022"] for link in year_links)

    in_year = get_page("/search/", {"q": "مهرجان", "year": "2022"})
    month_links = [link for link in in_year.links() if "month=" in link]
    assert month_links and all(params_of(link)["year"] == ["2022"] for link in month_links)
    assert "أكتوبر" in in_year.text
    # Un-choosing the year drops the month too.
    unchoose = [link for link in in_year.links() if "q=" in link and "year=" not in link and "sort=" not in link
                and "page_size" not in link and "interval" not in link and "norm" not in link]
    assert unchoose


def test_sort_links_keep_the_search(indexed_demo, get_page):
    page = get_page("/search/", {"q": "مهرجان", "year": "2022", "page": "1"})

    sorts = {params_of(link)["sort"][0]: params_of(link) for link in page.links() if "sort=" in link}
    assert set(sorts) >= {"relevance", "newest", "oldest"}
    for params in sorts.values():
        assert params["q"] == ["مهرجان"] and params["year"] == ["2022"] and "page" not in params


def test_newest_and_oldest_sorts_order_hits_by_date(indexed_demo, get_page):
    newest = hit_titles(get_page("/search/", {"q": "مهرجان", "sort": "newest"}))
    oldest = hit_titles(get_page("/search/", {"q": "مهرجان", "sort": "oldest"}))
    assert newest[0].startswith("/articles/demo-2024-001/")
    assert oldest[0].startswith("/articles/demo-2022-001/")


def test_pagination_with_small_pages(indexed_demo, get_page):
    first = get_page("/search/", {"q": "عام", "page_size": "2"})
    assert len(hit_titles(first)) == 2
    next_link = [attrs["href"] for tag, attrs in first.elements if tag == "a" and attrs.get("rel") == "next"][0]
    assert params_of(next_link)["page"] == ["2"] and params_of(next_link)["page_size"] == ["2"]

    second = get_page("/search/" + next_link)
    assert len(hit_titles(second)) == 2
    assert "عرض 3–4" in second.text
    assert set(hit_titles(first)).isdisjoint(hit_titles(second))
    assert second.find("span", **{"aria-current": "page"})


def test_page_past_the_end_says_so(indexed_demo, get_page):
    page = get_page("/search/", {"q": "مهرجان", "page": "50"})
    assert "بعد آخر صفحة" in page.text


@pytest.mark.parametrize(
    "params, parameter",
    [
        ({"q": "مهرجان", "page_size": "1000"}, "page_size"),
        ({"q": "مهرجان", "page_size": "0"}, "page_size"),
        ({"q": "مهرجان", "page": "-1"}, "page"),
        ({"q": "مهرجان", "date_from": "2019-02-30"}, "date_from"),
        ({"q": "مهرجان", "hijri_from": "1441-13-40"}, "hijri_from"),
        ({"q": "مهرجان", "year": "abc"}, "year"),
        ({"q": "مهرجان", "month": "3"}, "month"),
        ({"q": "مهرجان", "sort": "random"}, "sort"),
        ({"q": "مهرجان", "source": "no-such-source"}, "source"),
        ({"q": "مهرجان", "date_from": "2020-01-01", "date_to": "2019-01-01"}, "date_to"),
    ],
)
def test_invalid_parameters_get_a_helpful_400_page(indexed_demo, get_page, params, parameter):
    page = get_page("/search/", params, status=400)

    assert "بعض معاملات البحث غير صالحة" in page.text
    assert parameter in page.text
    assert page.find("input", name="q")["value"] == "مهرجان"
    # Links on the page do not carry the invalid value on.
    assert not any(f"{parameter}={params[parameter]}" in link for link in page.links())


def test_invalid_parameters_in_english(indexed_demo, get_page):
    page = get_page("/search/", {"q": "x", "page_size": "1000"}, status=400, language="en")
    assert "Some search parameters are not valid" in page.text


@pytest.mark.parametrize(
    "q", ['"غير مغلق', "title:", "(((", "AND OR NOT", "*", "=", "-", "source:", "a" * 300, "مهرجان~2", "[2019 TO"]
)
def test_awkward_queries_never_break_the_page(indexed_demo, client, q):
    response = client.get("/search/", {"q": q})
    assert response.status_code in (200, 400)
    assert "أرشيف الأخبار العربية" in response.content.decode()


def test_too_long_query_is_a_parameter_error(indexed_demo, get_page, settings):
    page = get_page("/search/", {"q": "ب" * (settings.ARCHIVE_QUERY_MAX_CHARS + 1)}, status=400)
    assert "q" in page.text


def test_date_range_in_gregorian_and_hijri(indexed_demo, get_page):
    gregorian = get_page("/search/", {"q": "اللاجئين", "date_from": "2019-01-01", "date_to": "2019-12-31"})
    hijri = get_page("/search/", {"q": "اللاجئين", "hijri_from": "1440-04-01", "hijri_to": "1441-05-01"})

    for page in (gregorian, hijri):
        links = hit_titles(page)
        assert links and all(link.startswith("/articles/demo-2019-001/") for link in links)
    assert hijri.find("input", name="hijri_from")["value"] == "1440-04-01"
    assert "open" in hijri.find("details", class_="date-range")


def test_no_hits_page_offers_ways_out_and_did_you_mean(indexed_demo, get_page, monkeypatch):
    real_search = selectors.article_search

    def search_with_suggestion(*, params):
        page = real_search(params=params)
        page.suggestion = "مهرجان"
        return page

    monkeypatch.setattr(selectors, "article_search", search_with_suggestion)
    page = get_page("/search/", {"q": "مهرجانن", "year": "2019", "exact": "1"})

    assert "لا توجد مقالة تطابق هذا البحث" in page.text
    assert "هل تقصد:" in page.text
    suggestion = [link for link in page.links() if params_of(link).get("q") == ["مهرجان"]]
    assert suggestion and params_of(suggestion[0])["year"] == ["2019"]
    assert any("exact" not in link and "q=" in link for link in page.links())


def test_engine_messages_are_shown(indexed_demo, get_page, monkeypatch):
    monkeypatch.setattr(
        selectors, "article_search",
        lambda *, params: SearchPage(params=params, error="رسالة خطأ من المحرك", notice="ملاحظة من المحرك"),
    )
    page = get_page("/search/", {"q": "مهرجان"})

    assert "رسالة خطأ من المحرك" in page.text
    assert "ملاحظة من المحرك" in page.text
    assert "تعذّر فهم عبارة البحث" in page.text


def test_timeline_is_an_inline_svg_with_a_bar_per_period(indexed_demo, get_page):
    page = get_page("/search/", {"q": "عام"})

    buckets = selectors.article_timeline(params=selectors.SearchParams(q="عام"), interval="year")
    assert page.find("svg", role="img")
    assert len(page.find_all("rect")) == len(buckets) == 7
    for rect in page.find_all("rect"):
        assert "," not in rect["y"] and "," not in rect["height"]  # never localised decimals
    assert "النتائج عبر الزمن" in page.text


def test_timeline_per_month_and_per_thousand(indexed_demo, get_page):
    per_month = get_page("/search/", {"q": "عام", "interval": "month"})
    buckets = selectors.article_timeline(params=selectors.SearchParams(q="عام"), interval="month")
    assert len(per_month.find_all("rect")) == len(buckets) > 7

    normalised = get_page("/search/", {"q": "عام", "norm": "1"})
    assert "لكل 1000 مقالة" in normalised.text
    toggles = [link for link in normalised.links() if "norm" not in link and "q=" in link and "interval" not in link]
    assert toggles  # a link back to raw counts


def test_timeline_csv_has_bom_and_parses_back(indexed_demo, client):
    response = client.get("/search/timeline.csv", {"q": "عام", "interval": "year"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["period", "hits", "total", "per_1000"]
    body = rows[1:]
    assert [row[0] for row in body] == [str(year) for year in range(2018, 2025)]
    assert sum(int(row[2]) for row in body) == 15  # the dated articles
    for period, hits, total, per_1000 in body:
        assert float(per_1000) == pytest.approx(round(1000 * int(hits) / int(total), 2))


def test_timeline_csv_rejects_bad_parameters(indexed_demo, client):
    response = client.get("/search/timeline.csv", {"q": "عام", "year": "x"})
    assert response.status_code == 400
    assert "year" in response.content.decode()


def test_results_link_exports_feed_api_and_show_a_permalink(indexed_demo, get_page, settings):
    page = get_page("/search/", {"q": "مهرجان", "year": "2022", "page": "1", "page_size": "10"})

    links = page.links()
    for path, extra in (("/search/export/", "csv"), ("/search/export/", "jsonl")):
        [link] = [link for link in links if link.startswith(path) and f"format={extra}" in link]
        params = params_of(link)
        assert params["q"] == ["مهرجان"] and params["year"] == ["2022"] and "page" not in params
    assert any(link.startswith("/search/feed/?") and "q=" in link for link in links)
    assert any(link.startswith("/api/search/?") and "year=2022" in link for link in links)
    assert any(link.startswith("/search/timeline.csv?") for link in links)
    assert str(settings.ARCHIVE_EXPORT_MAX_ROWS) in page.text
    permalink = page.find("input", id="permalink")["value"]
    assert permalink.startswith("http://testserver/search/?") and "q=مهرجان" in permalink and "year=2022" in permalink


def test_query_is_reflected_only_as_text(indexed_demo, client):
    html = client.get("/search/", {"q": '<script>alert(1)</script>"><img src=x onerror=alert(1)>'}).content.decode()
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html


def test_year_facet_counts_undated_hits_without_offering_them_as_a_filter(indexed_demo, get_page):
    page = get_page("/search/", {"q": "اللاجئين"})

    undated = page.html.split('class="facet__undated"')[1].split("</li>")[0]
    assert "غير مؤرَّخ" in undated and '<span class="count">1</span>' in undated
    assert "<a " not in undated


def test_singular_finds_and_marks_a_broken_plural(indexed_demo, get_page):
    # The help page's example: مدرسة finds the demo article about مدارس القرى.
    page = get_page("/search/", {"q": "مدرسة"})

    assert "وزير التعليم يزور مدارس القرى الجبلية" in page.text
    assert "مدارس</mark>" in page.html
