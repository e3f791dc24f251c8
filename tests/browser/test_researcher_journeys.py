"""A researcher's way through the archive in a real browser (Debian's Chromium)."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEED_TITLE = "خلال لقاء جمع بينهما بالقاهرة.. الجهاد و حماس تؤكدان على العلاقة الاستراتيجية بينهما"
SEED_CAPTIONS = ["هنية و النخالة5", "هنية و النخالة4", "هنية و النخالة2", "هنية و النخالة1", "هنية و النخالة"]


def query_of(page):
    return parse_qs(urlsplit(page.url).query)


def test_vocalised_query_typed_in_the_search_box_finds_the_seed_with_marked_matches(open_page):
    page = open_page("/")
    page.get_by_label("ابحث في الأرشيف").fill("الفِلَسطِينيّة")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?"))

    assert query_of(page)["q"] == ["الفِلَسطِينيّة"]
    seed_link = page.locator('a[href^="/articles/0vq2f/?"]')
    assert seed_link.first.is_visible()
    assert page.locator(".results-list mark").first.is_visible()

    seed_link.first.click()
    page.wait_for_url(re.compile(r"/articles/0vq2f/\?"))
    first_hit = page.locator("mark.hit#hit-1")
    assert first_hit.is_visible()
    assert first_hit.evaluate("m => getComputedStyle(m).backgroundColor") != "rgba(0, 0, 0, 0)"

    page.get_by_role("button", name="المطابقة التالية").click()
    assert page.locator("mark.hit--current").count() == 1
    assert urlsplit(page.url).fragment == "hit-1"
    page.get_by_role("button", name="المطابقة التالية").click()
    assert urlsplit(page.url).fragment == "hit-2"


def test_match_anchors_work_without_javascript(open_page):
    page = open_page("/articles/0vq2f/?q=%D8%AD%D9%85%D8%A7%D8%B3", javascript=False)

    assert page.get_by_role("button", name="المطابقة التالية").is_hidden()
    page.get_by_role("link", name="أول مطابقة").click()
    assert urlsplit(page.url).fragment == "hit-1"
    assert page.locator("mark.hit:target").count() == 1


def test_facet_click_narrows_the_results_and_the_url_says_so(open_page):
    page = open_page("/search/?q=%D8%B9%D8%A7%D9%85&sort=newest")
    before = page.locator(".results-list > li").count()

    facet = page.locator(".facet").first.locator("a").first
    name = facet.locator("bdi").inner_text()
    facet.click()
    page.wait_for_url(re.compile(r"source="))

    params = query_of(page)
    assert params["q"] == ["عام"] and params["sort"] == ["newest"] and len(params["source"]) == 1
    after = page.locator(".results-list > li").count()
    assert 0 < after < before
    assert name in page.locator(".active-filters").inner_text()
    for source in page.locator(".results-list .meta a[href^='/sources/']").all_inner_texts():
        assert source == name


def test_pagination_moves_through_small_pages(open_page):
    page = open_page("/search/?q=%D8%B9%D8%A7%D9%85&page_size=2")
    first_page = page.locator(".results-list .result__title a").all_inner_texts()
    assert len(first_page) == 2

    page.locator(".pagination a[rel=next]").click()
    page.wait_for_url(re.compile(r"page=2"))
    assert query_of(page)["page_size"] == ["2"]
    second_page = page.locator(".results-list .result__title a").all_inner_texts()
    assert len(second_page) == 2 and set(first_page).isdisjoint(second_page)
    assert page.locator(".results-list").get_attribute("start") == "3"


def test_article_page_is_right_to_left_with_all_captions_and_a_bibtex_download(open_page, tmp_path):
    page = open_page("/articles/0vq2f/")

    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    assert page.evaluate("getComputedStyle(document.querySelector('.article__body')).direction") == "rtl"
    captions = page.locator("figcaption").all_inner_texts()
    assert [caption.strip() for caption in captions] == SEED_CAPTIONS
    for caption in page.locator("figcaption").all():
        assert caption.is_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="BibTeX (‎.bib)").click()
    download = download_info.value
    assert download.suggested_filename == "0vq2f.bib"
    target = tmp_path / "cite.bib"
    download.save_as(target)
    assert SEED_TITLE in target.read_text(encoding="utf-8")


def test_the_arabic_face_is_loaded_from_this_site(open_page):
    page = open_page("/articles/0vq2f/")
    page.evaluate("document.fonts.ready.then(() => true)")

    assert page.evaluate("""document.fonts.check('16px "Noto Naskh Arabic"', 'عربي')""")
    loaded = page.evaluate("[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)")
    assert any("Noto Naskh Arabic" in family for family in loaded)
    body_font = page.evaluate("getComputedStyle(document.querySelector('.article__body')).fontFamily")
    assert body_font.startswith('"Noto Naskh Arabic"')
    line_height = page.evaluate(
        "(() => { const s = getComputedStyle(document.querySelector('.article__body p'));"
        " return parseFloat(s.lineHeight) / parseFloat(s.fontSize); })()"
    )
    assert 1.7 <= line_height <= 2.1


def test_a_browser_set_to_english_meets_the_arabic_interface(open_page):
    page = open_page("/", browser_locale="en-US")
    assert page.evaluate("document.documentElement.lang") == "ar"
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    assert page.get_by_role("button", name="English").is_visible()


def test_english_switch_flips_the_page_to_left_to_right(open_page):
    page = open_page("/articles/0vq2f/")
    assert page.evaluate("document.documentElement.dir") == "rtl"

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path == "/articles/0vq2f/"
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "ltr"
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.get_by_role("heading", name="Cite this article").is_visible()
    # The Arabic article keeps its own direction inside the English page.
    assert page.evaluate("getComputedStyle(document.querySelector('.article__body')).direction") == "rtl"

    page.get_by_role("button", name="العربيّة").click()
    page.wait_for_load_state()
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"


def test_text_size_control_is_remembered(open_page):
    page = open_page("/articles/0vq2f/")
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.article__body')).fontSize)")

    page.get_by_role("button", name="تكبير النص").click()
    page.get_by_role("button", name="تكبير النص").click()
    larger = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.article__body')).fontSize)")
    assert larger > size * 1.15

    page.reload()
    assert page.evaluate("document.documentElement.dataset.textSize") == "2"
    page.get_by_role("button", name="تصغير النص").click()
    assert page.evaluate("document.documentElement.dataset.textSize") == "1"


def test_skip_link_is_the_first_stop_for_the_keyboard(open_page):
    page = open_page("/search/?q=%D8%B9%D8%A7%D9%85")
    page.keyboard.press("Tab")

    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    assert urlsplit(page.url).fragment == "main"


@pytest.mark.parametrize("path", ["/", "/search/?q=%D8%B9%D8%A7%D9%85", "/articles/0vq2f/?q=%D8%AD%D9%85%D8%A7%D8%B3", "/help/"])
def test_phone_width_has_no_sideways_scrolling(open_page, path):
    page = open_page(path, viewport={"width": 360, "height": 780})

    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0


SCREENSHOT_PAGES = {
    "home": "/",
    "results": "/search/?q=%D8%A7%D9%84%D9%84%D8%A7%D8%AC%D8%A6%D9%8A%D9%86",
    "article": "/articles/0vq2f/?q=%D8%AD%D9%85%D8%A7%D8%B3",
}


@pytest.mark.parametrize("language", ["ar", "en"])
def test_screenshots_of_home_results_and_article(open_page, screenshot, language):
    for width_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        for name, path in SCREENSHOT_PAGES.items():
            page = open_page(path, language=language, viewport=viewport)
            assert page.evaluate("document.documentElement.lang") == language
            saved = screenshot(page, f"{name}-{language}-{width_name}")
            assert saved.stat().st_size > 10_000
