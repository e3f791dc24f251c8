"""Whatever a client sends, the API answers 200 or a 400 naming the parameter, never a 500."""

import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

SEARCH = "/api/search/"
EXPORT = "/search/export/"
ENDPOINTS = [SEARCH, EXPORT, "/api/timeline/", "/search/feed/"]
PARAMETERS = [
    "q", "source", "date_from", "date_to", "hijri_from", "hijri_to", "year", "month", "exact", "sort", "page",
    "page_size", "format", "interval", "lang",
]


def answer(client, path, params):
    """GET and read the whole body (a streamed export fails only while it is read)."""
    response = client.get(path, params)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code in (200, 400), (response.status_code, params, body[:500])
    if response.status_code == 400:
        assert response["Content-Type"] == "application/json; charset=utf-8"
        error = response.json()["error"]
        assert error["parameter"] in PARAMETERS and error["message"]
    return response, body


@pytest.mark.parametrize(
    "params, parameter",
    [
        ({"page": "-1"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": "abc"}, "page"),
        ({"page": "9" * 5000}, "page"),
        ({"page_size": "100000"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "abc"}, "page_size"),
        ({"page_size": "1e3"}, "page_size"),
        ({"date_from": "2019-13-45"}, "date_from"),
        ({"date_from": "yesterday"}, "date_from"),
        ({"date_to": "2019/01/01"}, "date_to"),
        ({"date_from": "2020-01-01", "date_to": "2019-01-01"}, "date_to"),
        ({"hijri_from": "1441-13-01"}, "hijri_from"),
        ({"hijri_to": "not a date"}, "hijri_to"),
        ({"year": "abc"}, "year"),
        ({"year": "2019", "month": "13"}, "month"),
        ({"month": "5"}, "month"),
        ({"sort": "random"}, "sort"),
        ({"source": "no-such-source"}, "source"),
        ({"q": "ف" * 5001}, "q"),
        ({"q": "x" * 20000}, "q"),
    ],
)
def test_bad_parameters_get_a_400_naming_them(demo_archive, get_json, params, parameter):
    response, data = get_json(SEARCH, {"q": "المخيمات", **params})

    assert response.status_code == 400
    assert data["error"]["parameter"] == parameter
    assert data["error"]["message"]
    assert data["error"] in data["errors"]


def test_several_bad_parameters_are_all_listed(db, get_json):
    _, data = get_json(SEARCH, {"page": "0", "page_size": "abc", "sort": "x"})

    assert {error["parameter"] for error in data["errors"]} == {"page", "page_size", "sort"}


def test_a_query_at_the_length_limit_is_answered(indexed_demo, client, settings):
    response, _ = answer(client, SEARCH, {"q": "فلسطين " * (settings.ARCHIVE_QUERY_MAX_CHARS // 7)})

    if response.status_code == 400:
        assert response.json()["error"]["parameter"] == "q"


@pytest.mark.parametrize(
    "query",
    [
        'AND OR NOT ((( "',
        '"فلسطين',
        "فلسطين\"",
        ")))",
        "(((فلسطين",
        "*",
        "?",
        "NOT",
        "OR OR OR",
        "title:",
        "source:[ TO ]",
        "فلسطين~5",
        "فلسطين^2",
        "\\",
        "{}[]<>",
        "فلسطين\x00",
        "فل\x07سط\x1bين\x7f",
        "\u200f\u200eفلسطين\u202e",
        "ـــــ",
        "ًٌٍَُِّْ",
        "' OR 1=1 --",
        "%00",
        "<script>alert(1)</script>",
    ],
)
@pytest.mark.parametrize("path", ENDPOINTS)
def test_hostile_queries_never_fail(indexed_demo, client, path, query):
    response, body = answer(client, path, {"q": query})

    if response.status_code == 400:
        assert response.json()["error"]["parameter"] == "q"
    elif path == SEARCH:
        assert isinstance(response.json()["results"], list)


def test_control_characters_are_dropped_from_the_query(indexed_demo, get_json):
    response, data = get_json(SEARCH, {"q": "المخي\x07مات\x1b"})

    assert response.status_code == 200
    assert data["query"]["q"] == "المخيمات"
    assert data["count"] >= 2


printable = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
arabicish = st.text(st.sampled_from("فلسطينالمخيماتًٌٍَُِّْـ \"()*?:-+~^0123456789"), max_size=40)
hostile_params = st.dictionaries(
    keys=st.sampled_from(PARAMETERS), values=st.one_of(printable, arabicish), min_size=1, max_size=5
)
FUZZ = hypothesis_settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(params=hostile_params)
def test_fuzz_search_never_fails(indexed_demo, client, params):
    answer(client, SEARCH, params)


@FUZZ
@given(params=hostile_params)
def test_fuzz_export_never_fails(indexed_demo, client, params):
    answer(client, EXPORT, params)
