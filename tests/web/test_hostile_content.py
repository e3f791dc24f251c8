"""Markup, javascript: links and bidi overrides inside articles stay inert text on every page."""

import re

import pytest

from tests.web.conftest import IMG, RLO, SCRIPT, assert_csp_compatible, assert_no_live_markup


@pytest.fixture
def hostile_pages(hostile_article, get_page):
    return {
        path: get_page(path)
        for path in (
            "/",
            "/articles/hostile/",
            "/articles/hostile/?q=رمان",
            "/search/?q=رمان",
            "/search/?q=رمان&source=hostile-source",
            "/sources/",
            "/sources/hostile-source/",
            "/browse/",
        )
    }


def test_payloads_are_escaped_everywhere(hostile_pages):
    for path, page in hostile_pages.items():
        assert_no_live_markup(page.html)
        assert_csp_compatible(page)


def test_payloads_are_shown_as_text(hostile_pages):
    article = hostile_pages["/articles/hostile/"]
    for text in (SCRIPT, IMG.strip('"'), "كاتب", "صورة رمان"):
        assert text in article.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in article.html
    marked = hostile_pages["/articles/hostile/?q=رمان"]
    assert SCRIPT in marked.text and '<mark class="hit"' in marked.html
    assert "&lt;script&gt;" in hostile_pages["/search/?q=رمان"].html


def test_javascript_url_never_becomes_a_link(hostile_pages):
    for path, page in hostile_pages.items():
        for href in page.links():
            assert not href.strip().lower().startswith("javascript"), (path, href)
    article = hostile_pages["/articles/hostile/"]
    assert article.meta("DC.source") == []
    assert "javascript:alert(1)" in article.text  # shown, as text only


def test_bidi_override_is_isolated(hostile_pages):
    page = hostile_pages["/articles/hostile/"]
    # The title sits in an element with its own direction, so an override inside it
    # cannot reorder the text around it; names sit in <bdi>.
    [title_tag] = re.findall(r'<h1 id="article-title"[^>]*>', page.html)
    assert 'dir="auto"' in title_tag
    assert RLO in page.html.split(title_tag)[1].split("</h1>")[0]
    assert f"<bdi>مصدر &lt;script&gt;alert(1)&lt;/script&gt; {RLO}evil</bdi>" in page.html
    results = hostile_pages["/search/?q=رمان"]
    assert re.search(r'<a href="/articles/hostile/\?q=[^"]*" lang="ar" dir="auto">', results.html)


def test_hostile_citations_are_escaped_for_their_formats(hostile_article, client):
    bib = client.get("/articles/hostile/cite.bib").content.decode()
    assert f"title = {{{{رمان {SCRIPT} {IMG} {RLO}txt.exe}}}}," in bib
    assert "note = {{Original: javascript:alert(1)}}," in bib  # data in a note, never a link
    assert bib.count("{") == bib.count("}")
    ris = client.get("/articles/hostile/cite.ris").content.decode()
    assert ris.count("\r\nTI  - ") == 1  # the title stays on one line


def test_hostile_query_is_escaped(hostile_article, client):
    html = client.get("/search/", {"q": f"رمان {SCRIPT} {IMG}"}).content.decode()
    assert_no_live_markup(html)
    html = client.get("/articles/hostile/", {"q": f"{SCRIPT} {IMG}"}).content.decode()
    assert_no_live_markup(html)
