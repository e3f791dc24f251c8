"""The OpenAPI description matches what the endpoints really do."""

import json
from urllib.parse import quote

import pytest
from django.urls import Resolver404, resolve

SCHEMA = "/api/schema/"
JSON_TYPES = {
    "object": dict, "array": list, "string": str, "integer": int, "number": (int, float), "boolean": bool,
    "null": type(None),
}


@pytest.fixture
def document(db, client):
    response = client.get(SCHEMA)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response.json()


def deref(document, node):
    """Follow "$ref"s to the node they name."""
    while isinstance(node, dict) and "$ref" in node:
        target = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def validate(document, schema, value, where="$"):
    """Check ``value`` against the subset of JSON Schema the document uses."""
    schema = deref(document, schema)
    for part in schema.get("allOf", []):
        validate(document, part, value, where)
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        ok = any(
            isinstance(value, JSON_TYPES[t]) and not (t in ("integer", "number") and isinstance(value, bool))
            for t in types
        )
        assert ok, f"{where}: {value!r} is not {types}"
    if "enum" in schema:
        assert value in schema["enum"], f"{where}: {value!r} not in {schema['enum']}"
    if isinstance(value, dict):
        for name in schema.get("required", []):
            assert name in value, f"{where}: missing {name}"
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                validate(document, sub, value[name], f"{where}.{name}")
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            for name, item in value.items():
                if name not in schema.get("properties", {}):
                    validate(document, extra, item, f"{where}.{name}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            validate(document, schema["items"], item, f"{where}[{index}]")


def query_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def example_request(document, path, operation):
    """Return the URL and query that fill every documented parameter with its example."""
    query = []
    for parameter in map(lambda p: deref(document, p), operation.get("parameters", [])):
        values = parameter["example"] if isinstance(parameter["example"], list) else [parameter["example"]]
        if parameter["in"] == "path":
            path = path.replace("{%s}" % parameter["name"], quote(str(values[0])))
        else:
            query += [(parameter["name"], query_value(value)) for value in values]
    return path, query


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_document_is_openapi_3_1(document):
    assert document["openapi"].startswith("3.1")
    assert document["info"]["title"] and document["info"]["version"]
    assert document["servers"] == [{"url": "http://testserver"}]
    assert {"/api/search/", "/api/articles/{external_id}/", "/api/timeline/", "/search/export/"} <= set(
        document["paths"]
    )


def test_every_documented_path_resolves(document):
    for path, method, operation in operations(document):
        url, _ = example_request(document, path, operation)
        try:
            resolve(url)
        except Resolver404:
            pytest.fail(f"{path} does not resolve")
        assert method == "get"


def test_every_documented_parameter_is_accepted(indexed_demo, client, document):
    for path, _method, operation in operations(document):
        url, query = example_request(document, path, operation)
        response = client.get(url, query)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200, (path, query, body[:300])
        assert str(response.status_code) in operation["responses"]


def test_each_documented_parameter_is_accepted_alone(indexed_demo, client, document):
    for path, _method, operation in operations(document):
        for parameter in map(lambda p: deref(document, p), operation.get("parameters", [])):
            if parameter["in"] == "path":
                continue
            values = parameter["example"] if isinstance(parameter["example"], list) else [parameter["example"]]
            query = [(parameter["name"], query_value(value)) for value in values]
            if parameter["name"] == "month":
                query.append(("year", "2019"))
            # An export needs something to search for.
            query.append(("q", "المخيمات"))
            response = client.get(path.replace("{external_id}", "0vq2f"), query)
            assert response.status_code == 200, (path, parameter["name"], response.status_code)


def test_documented_limits_follow_the_settings(db, client, settings):
    settings.ARCHIVE_PAGE_SIZE_MAX = 7

    document = client.get(SCHEMA).json()

    assert document["components"]["parameters"]["page_size"]["schema"]["maximum"] == 7
    assert client.get("/api/search/", {"q": "x", "page_size": 8}).status_code == 400
    assert client.get("/api/search/", {"q": "x", "page_size": 7}).status_code == 200


@pytest.mark.parametrize(
    "path, query, schema_name",
    [
        ("/api/search/", {"q": "المخيمات", "page_size": 1}, "SearchResponse"),
        ("/api/search/", {"q": "زنجبيلقطبي"}, "SearchResponse"),
        ("/api/search/", {"year": "2019", "month": "1"}, "SearchResponse"),
        ("/api/articles/0vq2f/", {}, "Article"),
        ("/api/articles/demo-2019-001/", {}, "Article"),
        ("/api/timeline/", {"q": "المخيمات"}, "Timeline"),
        ("/api/search/", {"page": "0"}, "Error"),
        ("/api/articles/nothing/", {}, "Error"),
    ],
)
def test_answers_match_the_documented_schemas(indexed_demo, client, document, path, query, schema_name):
    response = client.get(path, query)

    validate(document, {"$ref": f"#/components/schemas/{schema_name}"}, response.json())


def test_jsonl_lines_match_the_documented_record(indexed_demo, client, document):
    response = client.get("/search/export/", {"q": "المخيمات", "format": "jsonl"})

    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines
    for line in lines:
        validate(document, {"$ref": "#/components/schemas/ArticleRecord"}, json.loads(line))


def test_api_page_shows_curl_and_python_examples(db, client, settings):
    response = client.get("/api/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "curl &#x27;http://testserver/api/search/?q=%D9%81%D9%84%D8%B3%D8%B7%D9%8A%D9%86&#x27;" in html or (
        "curl 'http://testserver/api/search/?q=%D9%81%D9%84%D8%B3%D8%B7%D9%8A%D9%86'" in html
    )
    assert "import json" in html and "urllib.request" in html
    assert "/api/schema/" in html
    assert f"{settings.ARCHIVE_EXPORT_MAX_ROWS}" in html
    assert "X-Archive-Export-Truncated" in html
