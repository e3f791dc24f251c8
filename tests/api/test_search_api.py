import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import resolve

from archive.models import Article

SEARCH = "/api/search/"
RESULT_KEYS = {
    "id", "external_id", "title", "source", "published", "date_precision", "published_hijri", "author", "url",
    "permalink", "api_url", "score", "snippets", "title_html",
}
LINK_KEYS = {"self", "next", "prev", "html", "export_csv", "export_jsonl", "feed"}


def assert_absolute(url):
    parts = urlsplit(url)
    assert parts.scheme == "http" and parts.netloc == "testserver", url


def parse_iso(value):
    return dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)


def test_search_answers_with_the_documented_shape(indexed_demo, get_json):
    response, data = get_json(SEARCH, {"q": "المخيمات"})

    assert response.status_code == 200
    assert set(data) == {
        "count", "page", "page_size", "num_pages", "results", "facets", "suggestion", "notice", "query", "links",
    }
    assert data["count"] >= 2
    assert (data["page"], data["page_size"]) == (1, 20)
    assert data["num_pages"] == -(-data["count"] // 20)
    assert data["suggestion"] is None or isinstance(data["suggestion"], str)
    ids = [result["external_id"] for result in data["results"]]
    assert {"demo-2019-001", "demo-2024-001"} <= set(ids)
    for result in data["results"]:
        assert set(result) == RESULT_KEYS
        article = Article.objects.get(external_id=result["external_id"])
        assert result["id"] == article.pk
        assert result["title"] == article.title
        assert isinstance(result["score"], (int, float))
        assert all(isinstance(snippet, str) for snippet in result["snippets"])
        assert_absolute(result["permalink"])
        assert resolve(urlsplit(result["permalink"]).path).url_name == "article_detail"
        assert resolve(urlsplit(result["api_url"]).path).url_name == "api_article"
        if article.source_id:
            assert result["source"] == {
                "name": article.source.name,
                "slug": article.source.slug,
                "url": result["source"]["url"],
            }
        else:
            assert result["source"] is None
        if article.published:
            assert parse_iso(result["published"])
            assert result["date_precision"] == article.published_precision
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", result["published_hijri"])
        else:
            assert result["published"] is None and result["date_precision"] is None
    assert any("<mark>" in snippet for result in data["results"] for snippet in result["snippets"])


def test_search_echoes_the_parsed_query(indexed_demo, get_json):
    _, data = get_json(
        SEARCH,
        {"q": "  المخيمات ", "source": "صحيفة-الوادي", "hijri_from": "1440-01-01", "exact": "1", "sort": "oldest"},
    )

    assert data["query"] == {
        "q": "المخيمات",
        "source": ["صحيفة-الوادي"],
        "date_from": "2018-09-11",
        "date_to": None,
        "year": None,
        "month": None,
        "exact": True,
        "sort": "oldest",
    }


def test_facets_count_the_whole_result_set(indexed_demo, get_json):
    _, data = get_json(SEARCH, {"q": "المخيمات", "page_size": 1})

    assert set(data["facets"]) >= {"source", "year"}
    for name, values in data["facets"].items():
        if not isinstance(values, list):
            # A bare count, such as the matches without a date.
            assert isinstance(values, int) and 0 <= values <= data["count"], name
            continue
        for value in values:
            assert set(value) == {"value", "label", "count", "selected"}
            assert isinstance(value["count"], int) and value["count"] > 0
    assert sum(value["count"] for value in data["facets"]["year"]) <= data["count"]
    slugs = {value["value"] for value in data["facets"]["source"]}
    assert "صحيفة-الوادي" in slugs


def test_source_filter_keeps_only_that_source(indexed_demo, get_json):
    _, data = get_json(SEARCH, {"q": "المخيمات", "source": "صحيفة-الوادي"})

    assert data["count"] >= 1
    assert {result["source"]["slug"] for result in data["results"]} == {"صحيفة-الوادي"}
    selected = [value for value in data["facets"]["source"] if value["selected"]]
    assert [value["value"] for value in selected] == ["صحيفة-الوادي"]


def test_date_filters_keep_only_that_span(indexed_demo, get_json):
    _, every = get_json(SEARCH, {"q": "المخيمات"})
    _, data = get_json(SEARCH, {"q": "المخيمات", "date_from": "2019-01-01", "date_to": "2019-12-31"})

    assert 1 <= data["count"] < every["count"]
    for result in data["results"]:
        assert result["published"].startswith("2019-")


def test_pages_link_to_each_other(indexed_demo, get_json):
    _, first = get_json(SEARCH, {"q": "المخيمات", "page_size": 1})
    assert first["num_pages"] >= 2
    assert first["links"]["prev"] is None
    for name in LINK_KEYS - {"prev"}:
        assert_absolute(first["links"][name])

    _, second = get_json(first["links"]["next"])

    assert second["page"] == 2 and second["page_size"] == 1
    assert second["results"][0]["external_id"] != first["results"][0]["external_id"]
    assert parse_qs(urlsplit(second["links"]["prev"]).query)["page"] == ["1"]
    assert resolve(urlsplit(first["links"]["html"]).path).url_name == "search"
    assert resolve(urlsplit(first["links"]["feed"]).path).url_name == "search_feed"
    assert parse_qs(urlsplit(first["links"]["export_csv"]).query)["format"] == ["csv"]
    assert parse_qs(urlsplit(first["links"]["export_jsonl"]).query)["format"] == ["jsonl"]


def test_a_page_past_the_end_is_empty_not_an_error(indexed_demo, get_json):
    response, data = get_json(SEARCH, {"q": "المخيمات", "page": 500})

    assert response.status_code == 200
    assert data["results"] == [] and data["count"] >= 2
    assert data["links"]["next"] is None


def test_no_match_gives_empty_results(indexed_demo, get_json):
    response, data = get_json(SEARCH, {"q": "زنجبيلقطبي"})

    assert response.status_code == 200
    assert (data["count"], data["num_pages"], data["results"]) == (0, 0, [])
    assert data["links"]["next"] is None and data["links"]["prev"] is None


def test_query_with_diacritics_finds_the_seed(indexed_seed, get_json):
    _, data = get_json(SEARCH, {"q": "الفِلَسطِينيّة"})

    assert "0vq2f" in [result["external_id"] for result in data["results"]]


def test_query_without_diacritics_finds_the_seed(indexed_seed, get_json):
    _, data = get_json(SEARCH, {"q": "الفلسطينية"})

    [result] = [result for result in data["results"] if result["external_id"] == "0vq2f"]
    assert result["source"] is None
    assert result["published"] is None and result["published_hijri"] is None
    assert result["permalink"] == "http://testserver/articles/0vq2f/"


def test_json_keeps_arabic_readable(indexed_demo, client):
    response = client.get(SEARCH, {"q": "المخيمات"})

    assert "المخيمات".encode() in response.content
    assert b"\\u06" not in response.content


def test_unknown_parameters_are_ignored(indexed_demo, get_json):
    response, data = get_json(SEARCH, {"q": "المخيمات", "colour": "blue", "utm_source": "x"})

    assert response.status_code == 200
    assert data["count"] >= 2


def test_public_api_allows_any_origin(indexed_demo, client):
    response = client.get(SEARCH, {"q": "المخيمات"}, headers={"Origin": "https://example.org"})

    assert response["Access-Control-Allow-Origin"] == "*"


def test_writing_methods_get_a_json_405(db, client):
    response = client.post(SEARCH, {"q": "x"})

    assert response.status_code == 405
    assert response.json()["error"]["parameter"] == "method"
    assert "GET" in response["Allow"]


def test_error_messages_follow_lang_then_accept_language(db, get_json):
    _, english = get_json(SEARCH, {"page_size": "abc", "lang": "en"})
    _, arabic = get_json(SEARCH, {"page_size": "abc", "lang": "ar"})
    response, by_header = get_json(SEARCH, {"page_size": "abc"}, **{"Accept-Language": "en"})

    assert english["error"] == {"parameter": "page_size", "message": "Enter a whole number."}
    assert arabic["error"]["parameter"] == "page_size"
    assert arabic["error"]["message"] != english["error"]["message"]
    assert by_header["error"]["message"] == "Enter a whole number."
    assert response["Content-Language"] == "en"


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_sort_by_date(indexed_demo, get_json, sort):
    _, data = get_json(SEARCH, {"source": "صحيفة-الوادي", "sort": sort, "page_size": 100})

    dates = [result["published"][:10] for result in data["results"] if result["published"]]
    assert len(dates) == data["count"] == 5
    assert dates == sorted(dates, reverse=sort == "newest")
