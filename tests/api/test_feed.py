import datetime as dt
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

from django.urls import resolve
from django.utils.feedgenerator import rfc3339_date

from archive.models import Article

FEED = "/search/feed/"
ATOM = "{http://www.w3.org/2005/Atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


def parse_feed(client, params):
    response = client.get(FEED, params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root


def atom_time(text):
    return dt.datetime.fromisoformat(text)


def test_feed_is_atom_with_its_required_elements(indexed_demo, client):
    root = parse_feed(client, {"q": "المخيمات"})

    assert "المخيمات" in root.findtext(f"{ATOM}title")
    assert root.findtext(f"{ATOM}id")
    assert atom_time(root.findtext(f"{ATOM}updated"))
    assert root.find(f"{ATOM}author/{ATOM}name").text
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) >= 2
    for entry in entries:
        assert entry.findtext(f"{ATOM}id")
        assert entry.findtext(f"{ATOM}title")
        assert atom_time(entry.findtext(f"{ATOM}updated"))
        link = entry.find(f"{ATOM}link").get("href")
        parts = urlsplit(link)
        assert (parts.scheme, parts.netloc) == ("http", "testserver")
        match = resolve(parts.path)
        assert match.url_name == "article_detail"
        article = Article.objects.get(external_id=match.kwargs["external_id"])
        assert entry.findtext(f"{ATOM}title") == article.title
        assert client.get(parts.path).status_code == 200
        summary = entry.find(f"{ATOM}summary")
        assert summary.get("type") == "text"


def test_feed_lists_the_newest_matches_first(indexed_demo, client):
    root = parse_feed(client, {"source": "صحيفة-الوادي"})

    published = [atom_time(e.findtext(f"{ATOM}published")) for e in root.findall(f"{ATOM}entry")]
    assert len(published) == 5
    assert published == sorted(published, reverse=True)


def test_feed_holds_at_most_fifty_entries(make_articles, client):
    make_articles(60, "زيتون")

    root = parse_feed(client, {"q": "زيتون"})

    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 50
    newest = Article.objects.get(external_id="bulk-0059")
    assert entries[0].find(f"{ATOM}link").get("href").endswith(newest.get_absolute_url())


def test_undated_article_is_updated_when_it_entered_the_archive(indexed_seed, client):
    root = parse_feed(client, {"q": "الفلسطينية"})

    [entry] = [
        e for e in root.findall(f"{ATOM}entry") if e.find(f"{ATOM}link").get("href").endswith("/articles/0vq2f/")
    ]
    assert entry.find(f"{ATOM}published") is None
    assert entry.findtext(f"{ATOM}updated") == rfc3339_date(indexed_seed.created)


def test_feed_without_a_query_names_the_newest_articles(indexed_demo, client):
    root = parse_feed(client, {"source": "صحيفة-الوادي"})

    assert root.findtext(f"{ATOM}title")


def test_control_characters_in_articles_do_not_break_the_feed(search_index, client):
    Article.objects.create(
        external_id="ctl", title="عنوان\x0b فيه\x01 رموز", body="نص\x08 عن الرمان\x1f.", content_hash=""
    )
    search_index()

    root = parse_feed(client, {"q": "الرمان"})

    [entry] = root.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "عنوان فيه رموز"


def test_bad_feed_parameters_get_a_json_400(db, client):
    response = client.get(FEED, {"q": "x", "date_from": "yesterday"})

    assert response.status_code == 400
    assert response.json()["error"]["parameter"] == "date_from"


def test_opensearch_description(db, client):
    response = client.get("/opensearch.xml")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/opensearchdescription+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{OPENSEARCH}OpenSearchDescription"
    assert 0 < len(root.findtext(f"{OPENSEARCH}ShortName")) <= 16
    assert root.findtext(f"{OPENSEARCH}Description")
    assert root.findtext(f"{OPENSEARCH}InputEncoding") == "UTF-8"
    templates = {url.get("type"): url.get("template") for url in root.findall(f"{OPENSEARCH}Url")}
    expected = {"text/html": "search", "application/atom+xml": "search_feed", "application/json": "api_search"}
    for kind, url_name in expected.items():
        template = templates[kind]
        parts = urlsplit(template)
        assert (parts.scheme, parts.netloc) == ("http", "testserver"), template
        assert parts.query == "q={searchTerms}"
        assert resolve(parts.path).url_name == url_name
    filled = templates["application/json"].replace("{searchTerms}", "%D9%81%D9%84%D8%B3%D8%B7%D9%8A%D9%86")
    assert client.get(filled).status_code == 200


def test_opensearch_urls_follow_the_host(db, client):
    response = client.get("/opensearch.xml", headers={"Host": "localhost:8000"})

    root = ET.fromstring(response.content)
    for url in root.findall(f"{OPENSEARCH}Url"):
        assert url.get("template").startswith("http://localhost:8000/")
