"""Home, help, sources, browsing, error pages and what every page shares."""

from urllib.parse import urlsplit

import pytest
from django.test import RequestFactory

from tests.web.conftest import assert_csp_compatible

PAGES = [
    "/",
    "/search/",
    "/search/?q=مهرجان",
    "/articles/0vq2f/",
    "/articles/demo-2019-001/?q=اللاجئين",
    "/sources/",
    "/sources/صحيفة-الوادي/",
    "/browse/",
    "/browse/2019/",
    "/browse/2019/1/",
    "/browse/2019/1/20/",
    "/help/",
]


@pytest.mark.parametrize("path", PAGES)
def test_page_is_arabic_right_to_left_by_default(indexed_demo, get_page, path):
    page = get_page(path)

    html = page.find("html")
    assert html["lang"] == "ar" and html["dir"] == "rtl"
    assert "أرشيف الأخبار العربية" in page.text


@pytest.mark.parametrize("path", PAGES)
def test_page_in_english_is_left_to_right(indexed_demo, get_page, path):
    page = get_page(path, language="en")

    html = page.find("html")
    assert html["lang"] == "en" and html["dir"] == "ltr"
    assert "Arabic news archive" in page.text


@pytest.mark.parametrize("path", PAGES)
def test_page_has_landmarks_skip_link_and_language_switch(indexed_demo, get_page, path):
    page = get_page(path)

    for landmark in ("header", "nav", "main", "footer"):
        assert page.find_all(landmark), landmark
    assert page.find("main")["id"] == "main"
    assert "#main" in page.links()
    switch = page.find("form", class_="language-switch")
    assert switch["method"] == "post" and switch["action"] == "/i18n/setlang/"
    assert page.find_all("input", name="csrfmiddlewaretoken")
    assert page.find("input", name="language")["value"] == "en"
    assert page.find("input", name="next")["value"].startswith("/")


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_inline_script_or_style_and_nothing_from_elsewhere(indexed_demo, get_page, path):
    page = get_page(path)

    assert_csp_compatible(page)
    for tag, attrs in page.elements:
        if tag in ("script", "img") or (tag == "link" and attrs.get("rel") in ("stylesheet", "icon")):
            url = attrs.get("src") or attrs.get("href")
            assert urlsplit(url).netloc == "", f"<{tag}> loads {url}"


def test_every_form_control_has_a_label(indexed_demo, get_page):
    for path in ("/", "/search/?q=مهرجان", "/articles/0vq2f/", "/help/"):
        page = get_page(path)
        labelled = {attrs.get("for") for tag, attrs in page.elements if tag == "label"}
        for tag, attrs in page.elements:
            if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "checkbox", "submit"):
                assert attrs.get("id") in labelled or attrs.get("aria-label"), (path, tag, attrs)


def test_language_switch_sets_english_and_back(indexed_demo, client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/help/"})
    assert response.status_code == 302 and response["Location"] == "/help/"

    page = client.get("/help/").content.decode()
    assert '<html lang="en" dir="ltr">' in page
    assert "How to search" in page

    client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    assert '<html lang="ar" dir="rtl">' in client.get("/").content.decode()


def test_pages_are_arabic_whatever_the_browser_asks_until_the_reader_switches(indexed_demo, client):
    page = client.get("/help/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="ar" dir="rtl">' in page

    client.post("/i18n/setlang/", {"language": "en", "next": "/help/"})
    assert '<html lang="en" dir="ltr">' in client.get("/help/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()


def test_api_still_follows_the_browser_language(db, client):
    response = client.get("/api/search/", {"page_size": "abc"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and response["Content-Language"] == "en"


def test_home_shows_size_recent_additions_and_ways_in(indexed_demo, get_page):
    page = get_page("/")

    assert "17 مقالة" in page.text
    assert "4 مصادر" in page.text
    assert "من 2018 إلى 2024" in page.text
    assert page.find("form", role="search")["action"] == "/search/"
    assert page.find("input", name="q")
    links = page.links()
    assert "/sources/%D8%B5%D8%AD%D9%8A%D9%81%D8%A9-%D8%A7%D9%84%D9%88%D8%A7%D8%AF%D9%8A/" in links
    assert "/browse/2019/" in links
    assert "/browse/" in links
    assert "/articles/demo-2024-002/" in links
    assert "رقمنة أرشيف الصحف القديمة" in page.text


def test_home_in_english(indexed_demo, get_page):
    page = get_page("/", language="en")

    assert "17 articles" in page.text
    assert "4 sources" in page.text
    assert "Recently added" in page.text


def test_help_documents_the_query_language_with_links(indexed_demo, get_page):
    page = get_page("/help/")

    for operator in ("AND", "OR", "NOT", "title:", "source:", "=المكتبة", "مخطوط*", '"قطاع غزة"'):
        assert operator in page.text, operator
    example_links = [link for link in page.links() if link.startswith("/search/?q=")]
    assert len(example_links) >= 10
    assert any("hijri_from=" in link for link in example_links)
    assert any("exact=1" in link for link in example_links)
    assert "/search/?q=%D8%A7%D9%84%D9%81%D9%90%D9%84%D9%8E%D8%B3%D8%B7%D9%90%D9%8A%D9%86%D9%8A%D9%91%D8%A9" in page.links()


def test_source_list_shows_counts_and_spans(indexed_demo, get_page):
    page = get_page("/sources/")

    rows = page.html.split("<tr>")[2:]
    assert len(rows) == 4
    assert "صحيفة الوادي" in rows[0] and "<td>5</td>" in rows[0]
    assert "14 مارس 2018" in rows[0] and "14 مايو 2024" in rows[0]


def test_source_detail_lists_articles_and_years(indexed_demo, get_page):
    page = get_page("/sources/صحيفة-الوادي/")

    assert "5 مقالات" in page.text
    assert "المستشفى الجامعي يفتح جناحاً جديداً للعناية المركزة" in page.text
    assert "الدفاع المدني" not in page.text  # another source's article
    year_links = [link for link in page.links() if "year=" in link]
    assert any("year=2019" in link and "source=" in link for link in year_links)


def test_source_detail_paginates(db, get_page):
    from archive.models import Article, Source

    source = Source.objects.create(name="نشرة كبيرة", slug="big")
    Article.objects.bulk_create(
        Article(external_id=f"big-{n:02d}", title=f"خبر {n}", body="نص", source=source, content_hash="")
        for n in range(25)
    )

    first = get_page("/sources/big/")
    assert "?page=2" in first.links()
    assert "الصفحة 1 من 2" in first.text
    second = get_page("/sources/big/", {"page": 2})
    assert len([t for t, a in second.elements if t == "li" and a.get("class") == "article-item"]) == 5
    assert get_page("/sources/big/", {"page": "x"}).text  # a bad page number shows the first page


def test_unknown_source_is_404(db, get_page):
    page = get_page("/sources/nothing-here/", status=404)
    assert "الصفحة غير موجودة" in page.text


def test_browse_lists_years_and_counts_undated(indexed_demo, get_page):
    page = get_page("/browse/")

    for year in range(2018, 2025):
        assert f"/browse/{year}/" in page.links()
    assert "مقالتان بلا تاريخ معروف" in page.text
    assert page.find("section", id="undated")


def test_browse_year_month_day(indexed_demo, get_page):
    year = get_page("/browse/2019/")
    assert {"/browse/2019/1/", "/browse/2019/5/", "/browse/2019/11/"} <= set(year.links())
    assert "يناير" in year.text and "نوفمبر" in year.text

    month = get_page("/browse/2019/11/")
    assert "/browse/2019/11/26/" in month.links()
    assert "وزير التعليم يزور مدارس القرى الجبلية" in month.text

    day = get_page("/browse/2019/11/26/")
    assert "26 نوفمبر 2019" in day.text
    assert "29 ربيع الأول 1441 هـ" in day.text
    assert "وزير التعليم يزور مدارس القرى الجبلية" in day.text


@pytest.mark.parametrize(
    "path",
    ["/browse/1900/", "/browse/2019/13/", "/browse/2019/2/", "/browse/2019/2/30/", "/browse/2019/1/21/",
     "/browse/0/", "/browse/10000/", "/browse/2019/0/", "/browse/99999999999999999999/1/1/"],
)
def test_browse_outside_the_archive_is_404(indexed_demo, get_page, path):
    page = get_page(path, status=404)
    assert page.find("input", name="q")


def test_unknown_article_gets_the_arabic_404_page_with_a_search_box(db, get_page):
    page = get_page("/articles/no-such-article/", status=404)

    assert page.find("html")["dir"] == "rtl"
    assert "الصفحة غير موجودة" in page.text
    assert page.find("form", role="search")["action"] == "/search/"


def test_404_page_in_english(db, get_page):
    page = get_page("/no/such/page/", status=404, language="en")
    assert "Page not found" in page.text


def test_server_error_page_needs_neither_request_context_nor_database():
    # No database fixture: any query here would fail the test.
    from archive.views import server_error

    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "خطأ في الخادم" in html
    assert "/static/css/archive.css" in html


def test_static_assets_are_served_and_the_font_ships_with_its_licence(client):
    for path in (
        "/static/css/archive.css",
        "/static/js/archive.js",
        "/static/js/textsize.js",
        "/static/fonts/noto-naskh-arabic/noto-naskh-arabic-arabic-400-normal.woff2",
        "/static/fonts/noto-naskh-arabic/OFL.txt",
    ):
        assert client.get(path).status_code == 200, path
    css = b"".join(client.get("/static/css/archive.css").streaming_content).decode()
    assert "http" not in css.split("@font-face")[1].split("}")[0]
    # Logical properties only: no physical left/right in the layout rules.
    for physical in ("margin-left", "margin-right", "padding-left", "padding-right", "text-align: left;", "float:"):
        assert physical not in css, physical


def test_browse_lists_the_undated_articles_when_the_selectors_offer_them(indexed_demo, get_page, monkeypatch):
    from archive import selectors
    from archive.models import Article

    # The list needs selectors.article_list_undated() (asked of the search side);
    # this checks the page's side of it.
    monkeypatch.setattr(
        selectors, "article_list_undated",
        lambda: Article.objects.filter(published__isnull=True).order_by("id"), raising=False,
    )
    page = get_page("/browse/")

    undated = page.html.split('id="undated"')[1]
    assert "/articles/0vq2f/" in undated and "/articles/demo-undated-001/" in undated
