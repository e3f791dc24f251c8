import re
from html.parser import HTMLParser

import pytest
from django.conf import settings

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
RLO = "\u202e"


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


class Page:
    """A parsed HTML page: its elements with their attributes, and its text."""

    def __init__(self, response):
        self.response = response
        self.html = response.content.decode("utf-8")
        collector = _Collector()
        collector.feed(self.html)
        self.elements = collector.elements
        self.text = re.sub(r"\s+", " ", "".join(collector.text))

    def find_all(self, tag, **attrs):
        return [
            found for name, found in self.elements
            if name == tag and all(found.get(key.rstrip("_")) == value for key, value in attrs.items())
        ]

    def find(self, tag, **attrs):
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag} {attrs}> on the page"
        return found[0]

    def links(self):
        return [attrs.get("href", "") for tag, attrs in self.elements if tag == "a"]

    def meta(self, name):
        return [attrs.get("content") for tag, attrs in self.elements if tag == "meta" and attrs.get("name") == name]


@pytest.fixture
def get_page(client):
    """GET a URL and return it parsed, checking the status code."""

    def get(path, data=None, *, status=200, language=None):
        # The language switch's choice, as a reader makes it; pages ignore Accept-Language.
        if language:
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.get(path, data)
        assert response.status_code == status, (response.status_code, response.content[:2000])
        return Page(response)

    return get


@pytest.fixture
def hostile_article(db, search_index):
    """An article whose every field tries to inject markup, a javascript: link and a bidi override."""
    from archive.models import Article, Source

    source = Source.objects.create(name=f"مصدر {SCRIPT} {RLO}evil", slug="hostile-source")
    article = Article.objects.create(
        external_id="hostile",
        title=f"رمان {SCRIPT} {IMG} {RLO}txt.exe",
        body=f"قبل الرمان {SCRIPT} بعد الرمان {IMG}\n\nرمان {RLO}gnp.exe وفي النهاية رمان.",
        author=f"كاتب {IMG}",
        url="javascript:alert(1)",
        source=source,
        published_precision="",
        content_hash="",
    )
    article.images.create(caption=f"صورة رمان {SCRIPT} {IMG}", order=0)
    search_index()
    return article


def assert_no_live_markup(html):
    """Fail if any hostile payload appears as markup rather than as escaped text."""
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html
    assert "onerror=alert(1)>" not in html
    assert 'href="javascript:' not in html.lower()
    assert "src=x" not in html or "&lt;img src=x" in html


def assert_csp_compatible(page):
    """Fail on inline script, inline style or event-handler attributes (the CSP forbids them)."""
    for tag, attrs in page.elements:
        assert not (tag == "script" and not attrs.get("src")), "inline <script>"
        assert tag != "style", "inline <style>"
        assert "style" not in attrs, f"style attribute on <{tag}>"
        handlers = [name for name in attrs if name.startswith("on")]
        assert not handlers, f"event handler {handlers} on <{tag}>"
