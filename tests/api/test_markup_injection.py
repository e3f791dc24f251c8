"""Markup inside articles stays text: escaped in snippets and the feed, exact data in exports."""

import csv
import io
import json
import re

import pytest

from archive.models import Article, Source

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'


@pytest.fixture
def hostile_article(search_index):
    source = Source.objects.create(name=f"مصدر {SCRIPT}", slug="hostile")
    article = Article.objects.create(
        external_id="hostile",
        title=f"رمان {SCRIPT} {IMG}",
        body=f"قبل الرمان {SCRIPT} بعد الرمان {IMG} وفي النهاية رمان.\n\nرمان {IMG}",
        author=f"كاتب {IMG}",
        source=source,
        content_hash="",
    )
    article.images.create(caption=f"صورة رمان {SCRIPT}", order=0)
    search_index()
    return article


def markup_outside_marks(html):
    """Return the tags and raw angle brackets left once the <mark> tags are taken out."""
    return re.findall(r"[<>]", re.sub(r"</?mark>", "", html))


def test_snippets_escape_markup_and_only_mark_matches(hostile_article, client):
    data = client.get("/api/search/", {"q": "رمان"}).json()

    [result] = data["results"]
    assert result["snippets"]
    for html in [*result["snippets"], result["title_html"] or ""]:
        assert markup_outside_marks(html) == []
        assert "<script" not in html and "<img" not in html
    assert any("&lt;" in html for html in result["snippets"])
    assert "<mark>" in "".join(result["snippets"])
    # Fields other than snippets are data, returned exactly as stored.
    assert result["title"] == hostile_article.title
    assert result["source"]["name"] == hostile_article.source.name


def test_feed_carries_markup_as_escaped_text(hostile_article, client):
    response = client.get("/search/feed/", {"q": "رمان"})

    assert response.status_code == 200
    assert b"<script" not in response.content
    assert b"<img" not in response.content
    from xml.etree import ElementTree as ET

    atom = "{http://www.w3.org/2005/Atom}"
    [entry] = ET.fromstring(response.content).findall(f"{atom}entry")
    assert entry.findtext(f"{atom}title") == hostile_article.title
    for element in entry.iter():
        assert element.get("type") in (None, "text")


def test_csv_export_keeps_markup_as_data_in_its_cells(hostile_article, client):
    response = client.get("/search/export/", {"q": "رمان", "format": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    [row] = list(csv.DictReader(io.StringIO(body, newline="")))
    assert row["title"] == hostile_article.title
    assert row["author"] == hostile_article.author
    assert row["source"] == hostile_article.source.name
    assert len(row) == 9 and None not in row


def test_jsonl_export_keeps_markup_as_data(hostile_article, client):
    response = client.get("/search/export/", {"q": "رمان", "format": "jsonl"})
    [line] = b"".join(response.streaming_content).decode().splitlines()

    record = json.loads(line)
    assert record["title"] == hostile_article.title
    assert record["body"] == hostile_article.body
    assert record["captions"][0]["caption"] == f"صورة رمان {SCRIPT}"


def test_query_with_markup_is_escaped_in_the_feed_title(hostile_article, client):
    response = client.get("/search/feed/", {"q": f"رمان {SCRIPT}"})

    assert response.status_code == 200
    assert b"<script" not in response.content
