"""The OpenAPI 3.1 description of the public API, written by hand to match archive/api.py.

tests/api/test_schema.py calls every documented path with every documented
parameter and checks the answers against the documented schemas, so this file
cannot drift from what the views do without a test failing.
"""

from django.conf import settings

def _ref(kind, name):
    return {"$ref": f"#/components/{kind}/{name}"}


def _parameters():
    """Return the query parameters; limits are read from the settings on each call."""
    return {
        "q": {
            "name": "q",
            "in": "query",
            "description": (
                "The query: words, \"a phrase\", AND / OR / NOT, and * for a prefix. Diacritics, "
                "hamza and alef forms are ignored unless `exact` is set. "
                f"At most {settings.ARCHIVE_QUERY_MAX_CHARS} characters; control characters are dropped."
            ),
            "schema": {"type": "string", "maxLength": settings.ARCHIVE_QUERY_MAX_CHARS},
            "example": "فلسطين",
        },
        "source": {
            "name": "source",
            "in": "query",
            "description": "A source's slug (see `source` in the facets); repeat the parameter for several.",
            "schema": {"type": "array", "items": {"type": "string"}},
            "style": "form",
            "explode": True,
            "example": ["صحيفة-الوادي"],
        },
        "date_from": {
            "name": "date_from",
            "in": "query",
            "description": "First publication date (Gregorian, YYYY-MM-DD), inclusive.",
            "schema": {"type": "string", "format": "date"},
            "example": "2018-01-01",
        },
        "date_to": {
            "name": "date_to",
            "in": "query",
            "description": "Last publication date (Gregorian, YYYY-MM-DD), inclusive; not before `date_from`.",
            "schema": {"type": "string", "format": "date"},
            "example": "2024-12-31",
        },
        "hijri_from": {
            "name": "hijri_from",
            "in": "query",
            "description": "First publication date in the Hijri (Umm al-Qura) calendar, YYYY-MM-DD; "
            "`date_from` wins when both are given.",
            "schema": {"type": "string", "pattern": r"^\d{3,4}-\d{1,2}-\d{1,2}$"},
            "example": "1439-04-13",
        },
        "hijri_to": {
            "name": "hijri_to",
            "in": "query",
            "description": "Last publication date in the Hijri calendar, YYYY-MM-DD; "
            "`date_to` wins when both are given.",
            "schema": {"type": "string", "pattern": r"^\d{3,4}-\d{1,2}-\d{1,2}$"},
            "example": "1446-06-29",
        },
        "year": {
            "name": "year",
            "in": "query",
            "description": "Only articles published in this (Gregorian) year.",
            "schema": {"type": "integer", "minimum": 1, "maximum": 9999},
            "example": 2019,
        },
        "month": {
            "name": "month",
            "in": "query",
            "description": "Only articles published in this month of `year` (needs `year`).",
            "schema": {"type": "integer", "minimum": 1, "maximum": 12},
            "example": 11,
        },
        "exact": {
            "name": "exact",
            "in": "query",
            "description": "Match the exact word forms only (no stemming or letter folding).",
            "schema": {"type": "boolean", "default": False},
            "example": True,
        },
        "sort": {
            "name": "sort",
            "in": "query",
            "description": "Order of the results.",
            "schema": {"type": "string", "enum": ["relevance", "newest", "oldest"], "default": "relevance"},
            "example": "newest",
        },
        "page": {
            "name": "page",
            "in": "query",
            "description": "Page number, from 1. A page past the last one is empty.",
            "schema": {"type": "integer", "minimum": 1, "maximum": 100000, "default": 1},
            "example": 1,
        },
        "page_size": {
            "name": "page_size",
            "in": "query",
            "description": f"Results per page, at most {settings.ARCHIVE_PAGE_SIZE_MAX}.",
            "schema": {
                "type": "integer",
                "minimum": 1,
                "maximum": settings.ARCHIVE_PAGE_SIZE_MAX,
                "default": settings.ARCHIVE_PAGE_SIZE_DEFAULT,
            },
            "example": 20,
        },
        "lang": {
            "name": "lang",
            "in": "query",
            "description": "Language of the error messages and labels; otherwise Accept-Language, "
            "then the site's language.",
            "schema": {"type": "string", "enum": [code for code, _name in settings.LANGUAGES]},
            "example": "en",
        },
        "interval": {
            "name": "interval",
            "in": "query",
            "description": "Count per year or per month.",
            "schema": {"type": "string", "enum": ["year", "month"], "default": "year"},
            "example": "month",
        },
        "format": {
            "name": "format",
            "in": "query",
            "description": "CSV (UTF-8 with BOM, one row per hit) or JSON Lines (one article per line, full text).",
            "schema": {"type": "string", "enum": ["csv", "jsonl"], "default": "csv"},
            "example": "jsonl",
        },
        "external_id": {
            "name": "external_id",
            "in": "path",
            "required": True,
            "description": "The article's identifier (as in its permalink).",
            "schema": {"type": "string"},
            "example": "0vq2f",
        },
    }


SEARCH_PARAMETER_NAMES = [
    "q", "source", "date_from", "date_to", "hijri_from", "hijri_to", "year", "month", "exact", "sort",
]


def _schemas():
    link = {"type": ["string", "null"], "format": "uri"}
    return {
        "Error": {
            "type": "object",
            "required": ["error", "errors"],
            "properties": {
                "error": _ref("schemas", "ErrorItem"),
                "errors": {"type": "array", "items": _ref("schemas", "ErrorItem")},
            },
        },
        "ErrorItem": {
            "type": "object",
            "required": ["parameter", "message"],
            "properties": {
                "parameter": {"type": "string", "description": "The parameter at fault."},
                "message": {"type": "string", "description": "What is wrong, in the response's language."},
            },
        },
        "Source": {
            "type": ["object", "null"],
            "required": ["name", "slug", "url"],
            "properties": {
                "name": {"type": "string"},
                "slug": {"type": "string"},
                "url": {"type": "string", "format": "uri"},
            },
        },
        "ArticleSummary": {
            "type": "object",
            "required": [
                "id", "external_id", "title", "source", "published", "date_precision", "published_hijri",
                "author", "url", "permalink", "api_url",
            ],
            "properties": {
                "id": {"type": "integer"},
                "external_id": {"type": "string"},
                "title": {"type": "string", "description": "Plain text (not HTML)."},
                "source": _ref("schemas", "Source"),
                "published": {
                    "type": ["string", "null"],
                    "description": "ISO 8601: a date-time, or a date alone when the source gave no time; "
                    "null when the article is undated.",
                },
                "date_precision": {"type": ["string", "null"], "enum": ["datetime", "date", None]},
                "published_hijri": {
                    "type": ["string", "null"],
                    "description": "The publication date in the Hijri (Umm al-Qura) calendar, YYYY-MM-DD.",
                },
                "author": {"type": "string"},
                "url": {"type": "string", "description": "The article's original URL (may be empty)."},
                "permalink": {"type": "string", "format": "uri", "description": "The article's page here."},
                "api_url": {"type": "string", "format": "uri"},
            },
        },
        "SearchResult": {
            "allOf": [
                _ref("schemas", "ArticleSummary"),
                {
                    "type": "object",
                    "required": ["score", "snippets", "title_html"],
                    "properties": {
                        "score": {"type": ["number", "null"]},
                        "snippets": {
                            "type": "array",
                            "items": {"type": "string"},
                            "description": "Keyword-in-context fragments as HTML: the text is escaped and "
                            "the matches are wrapped in <mark>.",
                        },
                        "title_html": {
                            "type": ["string", "null"],
                            "description": "The title as escaped HTML with the matches in <mark>.",
                        },
                    },
                },
            ]
        },
        "FacetValue": {
            "type": "object",
            "required": ["value", "label", "count", "selected"],
            "properties": {
                "value": {"type": "string", "description": "What to pass back in the parameter of that name."},
                "label": {"type": "string"},
                "count": {"type": "integer"},
                "selected": {"type": "boolean"},
            },
        },
        "Query": {
            "type": "object",
            "description": "The parameters as the search understood them (Hijri dates converted).",
            "required": ["q", "source", "date_from", "date_to", "year", "month", "exact", "sort"],
            "properties": {
                "q": {"type": "string"},
                "source": {"type": "array", "items": {"type": "string"}},
                "date_from": {"type": ["string", "null"], "format": "date"},
                "date_to": {"type": ["string", "null"], "format": "date"},
                "year": {"type": ["integer", "null"]},
                "month": {"type": ["integer", "null"]},
                "exact": {"type": "boolean"},
                "sort": {"type": "string"},
            },
        },
        "SearchResponse": {
            "type": "object",
            "required": [
                "count", "page", "page_size", "num_pages", "results", "facets", "suggestion", "notice",
                "query", "links",
            ],
            "properties": {
                "count": {"type": "integer", "description": "Hits in the whole result set."},
                "page": {"type": "integer"},
                "page_size": {"type": "integer"},
                "num_pages": {"type": "integer"},
                "results": {"type": "array", "items": _ref("schemas", "SearchResult")},
                "facets": {
                    "type": "object",
                    "description": "Counts over the whole result set, each facet counted under every filter "
                    "but its own: `source`, `year`, `month` (once a year is chosen) as lists, and `undated`, "
                    "the number of matching articles without a date (which no year counts).",
                    "additionalProperties": {
                        "type": ["array", "integer"],
                        "items": _ref("schemas", "FacetValue"),
                    },
                },
                "suggestion": {"type": ["string", "null"], "description": "A spelling the archive knows better."},
                "notice": {"type": ["string", "null"], "description": "A note on how the query was run."},
                "query": _ref("schemas", "Query"),
                "links": {
                    "type": "object",
                    "required": ["self", "next", "prev", "html", "export_csv", "export_jsonl", "feed"],
                    "properties": {
                        name: link for name in ("self", "next", "prev", "html", "export_csv", "export_jsonl", "feed")
                    },
                },
            },
        },
        "Caption": {
            "type": "object",
            "required": ["order", "caption", "image"],
            "properties": {
                "order": {"type": "integer"},
                "caption": {"type": "string"},
                "image": {"type": ["string", "null"], "format": "uri"},
            },
        },
        "ArticleRecord": {
            "description": "Every field of an article; also one line of the JSON Lines export (with `score`).",
            "allOf": [
                _ref("schemas", "ArticleSummary"),
                {
                    "type": "object",
                    "required": ["language", "body", "captions", "created", "updated"],
                    "properties": {
                        "language": {"type": "string"},
                        "body": {"type": "string", "description": "Plain text; paragraphs separated by blank lines."},
                        "captions": {"type": "array", "items": _ref("schemas", "Caption")},
                        "created": {"type": "string", "format": "date-time", "description": "Added to the archive."},
                        "updated": {"type": "string", "format": "date-time"},
                    },
                },
            ],
        },
        "Article": {
            "allOf": [
                _ref("schemas", "ArticleRecord"),
                {
                    "type": "object",
                    "required": ["paragraphs", "citation", "links"],
                    "properties": {
                        "paragraphs": {"type": "array", "items": {"type": "string"}},
                        "citation": {
                            "type": "object",
                            "required": ["chicago", "bibtex", "ris"],
                            "properties": {
                                "chicago": {"type": "string"},
                                "bibtex": {"type": "string"},
                                "ris": {"type": "string"},
                            },
                        },
                        "links": {
                            "type": "object",
                            "required": ["self", "html", "bibtex", "ris"],
                            "properties": {name: link for name in ("self", "html", "bibtex", "ris")},
                        },
                    },
                },
            ]
        },
        "Timeline": {
            "type": "object",
            "required": ["interval", "query", "buckets", "links"],
            "properties": {
                "interval": {"type": "string", "enum": ["year", "month"]},
                "query": _ref("schemas", "Query"),
                "buckets": {
                    "type": "array",
                    "description": "Every period in which the archive holds dated articles, oldest first.",
                    "items": {
                        "type": "object",
                        "required": ["period", "hits", "total", "per_1000"],
                        "properties": {
                            "period": {"type": "string", "description": "YYYY or YYYY-MM."},
                            "hits": {"type": "integer", "description": "Articles of the period matching the search."},
                            "total": {"type": "integer", "description": "Articles the archive holds for the period."},
                            "per_1000": {"type": "number", "description": "hits per 1,000 articles of the period."},
                        },
                    },
                },
                "links": {
                    "type": "object",
                    "required": ["self", "search", "csv"],
                    "properties": {name: link for name in ("self", "search", "csv")},
                },
            },
        },
    }


def _json(schema_name, description):
    return {"description": description, "content": {"application/json": {"schema": _ref("schemas", schema_name)}}}


def openapi_document(*, server_url):
    """Return the OpenAPI 3.1 document, with ``server_url`` as the one server."""
    search_params = [_ref("parameters", name) for name in SEARCH_PARAMETER_NAMES]
    page_params = [_ref("parameters", "page"), _ref("parameters", "page_size")]
    lang = [_ref("parameters", "lang")]
    bad_request = _json("Error", "A parameter is invalid; `error.parameter` names it.")
    limit = settings.ARCHIVE_EXPORT_MAX_ROWS
    export_headers = {
        "X-Archive-Export-Limit": {
            "description": "The most rows one export holds.",
            "schema": {"type": "integer"},
        },
        "X-Archive-Result-Count": {
            "description": "Hits in the whole result set (may exceed the limit).",
            "schema": {"type": "integer"},
        },
        "X-Archive-Export-Truncated": {
            "description": "`true` when the result set had more hits than the limit and the file stops there.",
            "schema": {"type": "string", "enum": ["true", "false"]},
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Arabic news archive API",
            "version": "1.0",
            "summary": "Read-only search over the archive's articles.",
            "description": (
                "Public and read-only: no key, GET only, CORS open to every origin. Every JSON answer is "
                "UTF-8 with Arabic left unescaped. A bad parameter gets HTTP 400 with an `error` naming it; "
                "unknown parameters are ignored."
            ),
            "license": {"name": "GPL-3.0-or-later", "identifier": "GPL-3.0-or-later"},
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/api/search/": {
                "get": {
                    "operationId": "search",
                    "summary": "Search the articles, one page at a time.",
                    "parameters": search_params + page_params + lang,
                    "responses": {
                        "200": _json("SearchResponse", "One page of results with facets and links."),
                        "400": bad_request,
                    },
                }
            },
            "/api/articles/{external_id}/": {
                "get": {
                    "operationId": "article",
                    "summary": "One article in full, with its citations.",
                    "parameters": [_ref("parameters", "external_id")] + lang,
                    "responses": {
                        "200": _json("Article", "The article."),
                        "404": _json("Error", "No article has this identifier."),
                    },
                }
            },
            "/api/timeline/": {
                "get": {
                    "operationId": "timeline",
                    "summary": "Hits per year or month, beside the archive's own articles per period.",
                    "parameters": search_params + [_ref("parameters", "interval")] + lang,
                    "responses": {"200": _json("Timeline", "The counts."), "400": bad_request},
                }
            },
            "/api/schema/": {
                "get": {
                    "operationId": "schema",
                    "summary": "This document.",
                    "responses": {
                        "200": {
                            "description": "The OpenAPI 3.1 description.",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
            "/search/export/": {
                "get": {
                    "operationId": "export",
                    "summary": "Download the whole result set of a search.",
                    "description": (
                        f"Streams every hit in the search's order, at most {limit} rows; the headers say "
                        "when the file stops at that limit. A search needs a query or a filter: with "
                        "neither the answer is 400. CSV cells that a spreadsheet would run as a formula "
                        "(starting with = + - @) are prefixed with an apostrophe."
                    ),
                    "parameters": search_params + [_ref("parameters", "format")] + lang,
                    "responses": {
                        "200": {
                            "description": "An attachment named after the date and the query.",
                            "headers": export_headers,
                            "content": {
                                "text/csv": {"schema": {"type": "string"}},
                                "application/x-ndjson": {
                                    "schema": {"type": "string"},
                                    "itemSchema": _ref("schemas", "ArticleRecord"),
                                },
                            },
                        },
                        "400": bad_request,
                    },
                }
            },
            "/search/feed/": {
                "get": {
                    "operationId": "feed",
                    "summary": "An Atom feed of the newest articles matching the search.",
                    "parameters": search_params + lang,
                    "responses": {
                        "200": {
                            "description": "Atom 1.0.",
                            "content": {"application/atom+xml": {"schema": {"type": "string"}}},
                        },
                        "400": bad_request,
                    },
                }
            },
            "/opensearch.xml": {
                "get": {
                    "operationId": "opensearch",
                    "summary": "The OpenSearch description, for browsers' search boxes.",
                    "responses": {
                        "200": {
                            "description": "OpenSearch 1.1.",
                            "content": {"application/opensearchdescription+xml": {"schema": {"type": "string"}}},
                        }
                    },
                }
            },
        },
        "components": {"parameters": _parameters(), "schemas": _schemas()},
    }

