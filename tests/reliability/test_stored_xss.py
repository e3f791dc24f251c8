"""Stored cross-site scripting: hostile text is shown as text on every page, feed, export, API and admin view.

One hostile article — markup in its title, body, captions, source name and author,
a ``javascript:`` URL (stored directly, as an old import or a database edit could
have done; the forms and the importer refuse it) and a right-to-left override
character — is loaded, indexed and then requested at every URL that shows it, and
with hostile queries.  Each response is checked by what it is:

* HTML: no element or attribute the payload could have produced (no inline
  script, no ``on*`` handler, no ``javascript:`` link), the payload visible as
  escaped text where the page shows the article, the override character isolated
  (inside ``<bdi>`` or an element with ``dir``) on public pages, and a
  Content-Security-Policy that forbids inline script;
* Atom: well-formed XML whose only elements are Atom's;
* JSON: the HTML-bearing fields (snippets, highlighted title) carry the payload
  escaped;
* CSV/JSON Lines/BibTeX/RIS downloads: never served as HTML, always ``nosniff``.

(The UI tests check each page's markup in detail; this is the cross-cutting check.)
"""

import json
import re
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from archive.models import Article, ArticleImage, Source
from archive.services import article_refresh_content_hash

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
JS_URL = "javascript:alert(1)"
RLO = "\u202e"
RAW_PAYLOADS = ("<script>alert(1)", "<img src=x onerror", "onerror=alert(1)>")
HOSTILE_QUERY = f"{SCRIPT} {IMG} {RLO}mkxsstitle"


@pytest.fixture
def hostile_article(db, search_index):
    import datetime as dt

    source = Source.objects.create(name=f"مصدر {SCRIPT}{RLO}", slug="hostile-source", homepage="")
    article = Article.objects.create(
        external_id="hostile-1",
        title=f"{SCRIPT} {IMG} {RLO}عنوان مقلوب mkxsstitle",
        body=f"فقرة أولى {SCRIPT} mkxssbody.\n\n{IMG} {RLO}فقرة مقلوبة {JS_URL}\n\n<a href=\"{JS_URL}\">اضغط</a>",
        source=source,
        author=f"{IMG}{RLO}",
        url=JS_URL,
        published=dt.datetime(2019, 5, 14, 9, tzinfo=dt.timezone.utc),
        published_precision="datetime",
    )
    ArticleImage.objects.create(article=article, order=0, caption=f"{SCRIPT} تعليق mkxsscaption")
    ArticleImage.objects.create(article=article, order=1, caption=f"{IMG}{RLO}")
    article_refresh_content_hash(article=article)
    # A neighbour in the same source, so the article page links to the hostile one (and back).
    neighbour = Article.objects.create(
        external_id="hostile-0", title="جار عادي", body="نص", source=source,
        published=dt.datetime(2019, 5, 13, 9, tzinfo=dt.timezone.utc), published_precision="date",
    )
    article_refresh_content_hash(article=neighbour)
    search_index()
    return article


PUBLIC_URLS = [
    "/",
    "/search/?q=mkxsstitle",
    "/search/?q=mkxssbody",
    "/search/?q=mkxsscaption&sort=newest",
    "/search/?q=" + "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "/search/?q=%22%3E%3Cimg+src%3Dx+onerror%3Dalert(1)%3E+mkxsstitle",
    "/search/?q=%E2%80%AEmkxsstitle&source=hostile-source",
    "/articles/hostile-1/",
    "/articles/hostile-1/?q=mkxssbody",
    "/articles/hostile-1/?q=%3Cscript%3E",
    "/articles/hostile-0/",
    "/sources/",
    "/sources/hostile-source/",
    "/browse/",
    "/browse/2019/",
    "/browse/2019/5/",
    "/browse/2019/5/14/",
    "/help/",
    "/api/",
    "/articles/%3Cscript%3Ealert(1)%3C%2Fscript%3E/",
    "/search/feed/?q=mkxsstitle",
    "/search/feed/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E+mkxsstitle",
    "/search/export/?q=mkxsstitle&format=csv",
    "/search/export/?q=mkxsstitle&format=jsonl",
    "/search/timeline.csv?q=mkxsstitle",
    "/api/search/?q=mkxsstitle",
    "/api/search/?q=mkxssbody",
    "/api/articles/hostile-1/",
    "/api/timeline/?q=%3Cscript%3E",
    "/articles/hostile-1/cite.bib",
    "/articles/hostile-1/cite.ris",
    "/opensearch.xml",
]
# Pages that show the article's title: the payload must be there, escaped (shown, not dropped).
SHOWS_TITLE = {
    "/", "/search/?q=mkxsstitle", "/articles/hostile-1/", "/sources/hostile-source/", "/browse/2019/5/14/",
    "/articles/hostile-0/",
}


class _Inspector(HTMLParser):
    """Find what stored markup could have injected, and text with an un-isolated bidi override."""

    NOT_SHOWN = {"title", "script", "style", "textarea", "option"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.stack = []  # (tag, isolates)
        self.text = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes and attributes.get("type") not in (
            "application/json", "application/ld+json"
        ):
            self.problems.append(f"inline <script> {attrs}")
        if tag in ("iframe", "object", "embed", "base"):
            self.problems.append(f"<{tag}> {attrs}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}={value!r} on <{tag}>")
            if name in ("href", "src", "action", "formaction", "xlink:href", "data") and value:
                squeezed = re.sub(r"[\s\x00-\x1f]", "", value).lower()
                if squeezed.startswith(("javascript:", "vbscript:", "data:text/html")):
                    self.problems.append(f"{name}={value!r} on <{tag}>")
        if tag not in ("br", "img", "input", "meta", "link", "hr", "source", "wbr", "col", "area"):
            self.stack.append((tag, tag == "bdi" or "dir" in attributes))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        self.text.append(data)
        if RLO in data and not any(tag in self.NOT_SHOWN for tag, _ in self.stack):
            if not any(isolates for _, isolates in self.stack):
                where = "/".join(tag for tag, _ in self.stack[-4:])
                self.problems.append(f"bidi override outside <bdi>/[dir] in {where}: {data.strip()[:60]!r}")


def inspect_html(body, *, public):
    inspector = _Inspector()
    inspector.feed(body)
    inspector.close()
    problems = [p for p in inspector.problems if public or not p.startswith("bidi")]
    for raw in RAW_PAYLOADS:
        if raw in body:
            at = body.index(raw)
            problems.append(f"unescaped {raw!r}: …{body[max(0, at - 80): at + 40]!r}…")
    return problems


def csp_problems(response):
    policy = response.get("Content-Security-Policy", "")
    if not policy:
        return ["no Content-Security-Policy header"]
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = [w.lower() for w in words[1:]]
    scripts = directives.get("script-src", directives.get("default-src"))
    problems = []
    if scripts is None:
        problems.append("no script-src or default-src")
    else:
        for source in scripts:
            if source in ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:", "blob:"):
                problems.append(f"script-src allows {source}")
    if directives.get("object-src") != ["'none'"]:
        problems.append("object-src is not 'none'")
    if "base-uri" not in directives:
        problems.append("no base-uri")
    return problems


def body_of(response):
    return (b"".join(response.streaming_content) if response.streaming else response.content).decode("utf-8")


def check_response(url, response, *, public):
    problems = []
    content_type = response.get("Content-Type", "")
    body = body_of(response)
    if response.status_code >= 500:
        return [f"status {response.status_code}"]
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if content_type.startswith("text/html"):
        problems += inspect_html(body, public=public)
        problems += csp_problems(response)
        if public and url in SHOWS_TITLE and "&lt;script&gt;alert(1)&lt;/script&gt;" not in body:
            problems.append("the title's markup is not shown as text")
    elif "xml" in content_type:
        try:
            root = ElementTree.fromstring(body.encode("utf-8"))
        except ElementTree.ParseError as exc:
            return [f"not well-formed XML: {exc}"]
        for element in root.iter():
            local = element.tag.rsplit("}", 1)[-1].lower()
            if local in ("script", "img", "iframe", "a", "div", "svg"):
                problems.append(f"XML element <{local}> from the payload")
            for name, value in element.attrib.items():
                if re.sub(r"\s", "", value).lower().startswith("javascript:"):
                    problems.append(f"XML attribute {name}={value!r}")
    elif content_type.startswith("application/json"):
        data = json.loads(body)
        for html_text in _html_fields(data):
            for raw in ("<script", "<img", "<a "):
                if raw in html_text:
                    problems.append(f"HTML field holds {raw!r}: {html_text[:120]!r}")
    else:
        # Downloads: plain data, never something a browser would render as a page.
        if "html" in content_type:
            problems.append(f"served as {content_type}")
    return problems


def _html_fields(data):
    """The JSON fields that carry HTML (search snippets and the highlighted title)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("snippets",) and isinstance(value, list):
                yield from (str(v) for v in value)
            elif key == "title_html" and value:
                yield str(value)
            else:
                yield from _html_fields(value)
    elif isinstance(data, list):
        for item in data:
            yield from _html_fields(item)


def test_hostile_article_is_shown_as_text_on_every_public_url(hostile_article, subtests):
    client = Client(raise_request_exception=False)
    for url in PUBLIC_URLS:
        with subtests.test(url=url):
            response = client.get(url)
            assert response.status_code in (200, 404), response.status_code
            assert check_response(url, response, public=True) == []


def test_hostile_article_is_shown_as_text_in_the_admin(hostile_article, staff_client, subtests):
    pk, source_pk = hostile_article.pk, hostile_article.source_id
    urls = [
        "/admin/",
        "/admin/archive/article/",
        "/admin/archive/article/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/admin/archive/article/?year=2019",
        f"/admin/archive/article/{pk}/change/",
        f"/admin/archive/article/{pk}/delete/",
        f"/admin/archive/article/{pk}/history/",
        "/admin/archive/source/",
        f"/admin/archive/source/{source_pk}/change/",
        f"/admin/archive/source/{source_pk}/delete/",
        "/admin/archive/article/upload/",
    ]
    for url in urls:
        with subtests.test(url=url):
            response = staff_client.get(url)
            assert response.status_code == 200, response.status_code
            assert check_response(url, response, public=False) == []
            if "/change/" in url or url == "/admin/archive/article/":
                assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body_of(response)


def test_the_upload_report_shows_hostile_titles_and_file_names_as_text(staff_client, db):
    records = [
        {"external_id": "up-xss-1", "title": f"{SCRIPT} {IMG}", "body": "نص"},
        {"external_id": "up-xss-2", "title": "", "body": f"{SCRIPT}"},  # fails: the reason is shown
        {"external_id": f"bad{SCRIPT}", "title": "t", "body": "b"},  # fails: the identifier is repeated
    ]
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()
    name = 'x"><img src=x onerror=alert(1)>.jsonl'
    response = staff_client.post("/admin/archive/article/upload/", {"files": SimpleUploadedFile(name, data)})
    assert response.status_code == 200
    assert Article.objects.filter(external_id="up-xss-1").exists()
    assert check_response("upload", response, public=False) == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body_of(response)


def test_every_page_forbids_inline_script(hostile_article, staff_client, subtests):
    """The Content-Security-Policy holds on public pages, error pages and the admin alike."""
    anonymous = Client(raise_request_exception=False)
    for url in ["/", "/search/?q=x", "/articles/hostile-1/", "/no-such-page/", "/help/", "/api/", "/admin/login/"]:
        with subtests.test(url=url):
            assert csp_problems(anonymous.get(url)) == []
    for url in ["/admin/", "/admin/archive/article/", "/admin/archive/article/upload/"]:
        with subtests.test(url=url):
            assert csp_problems(staff_client.get(url)) == []
