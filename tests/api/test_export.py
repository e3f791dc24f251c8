import csv
import datetime as dt
import io
import json
from urllib.parse import unquote

import pytest
from django.utils import timezone

from archive.models import Article, Source

EXPORT = "/search/export/"
COLUMNS = ["external_id", "title", "source", "published", "author", "url", "permalink", "score", "snippet"]


def download(client, params):
    response = client.get(EXPORT, params)
    assert response.status_code == 200, response.content
    assert response.streaming
    return response, b"".join(response.streaming_content)


def read_csv(body):
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def filename(response):
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    return unquote(disposition.split("filename*=utf-8''", 1)[1]) if "filename*=" in disposition else disposition


def test_csv_has_bom_columns_and_arabic_intact(indexed_demo, client):
    response, body = download(client, {"q": "المخيمات", "format": "csv"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header = next(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert header == COLUMNS
    rows = read_csv(body)
    by_id = {row["external_id"]: row for row in rows}
    assert {"demo-2019-001", "demo-2024-001"} <= set(by_id)
    row = by_id["demo-2019-001"]
    article = Article.objects.get(external_id="demo-2019-001")
    assert row["title"] == article.title
    assert row["source"] == "صحيفة الوادي"
    assert row["author"] == article.author
    assert row["url"] == article.url
    assert row["permalink"] == "http://testserver/articles/demo-2019-001/"
    assert dt.datetime.fromisoformat(row["published"]) == article.published
    float(row["score"])
    assert row["snippet"] and "<" not in row["snippet"]
    assert len(rows) == client.get("/api/search/", {"q": "المخيمات"}).json()["count"]


def test_csv_snippet_shows_the_match_in_context(indexed_demo, client):
    _, body = download(client, {"q": "المخيمات", "format": "csv"})

    row = {row["external_id"]: row for row in read_csv(body)}["demo-2024-001"]
    assert "المخيمات" in row["snippet"]


def test_export_defaults_to_csv_and_names_the_file_after_date_and_query(indexed_demo, client):
    response, _ = download(client, {"q": "المخيمات"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert filename(response) == f"archive-{timezone.localdate().isoformat()}-المخيمات.csv"


def test_export_states_its_limit(indexed_demo, client, settings):
    response, _ = download(client, {"q": "المخيمات"})

    assert response["X-Archive-Export-Limit"] == str(settings.ARCHIVE_EXPORT_MAX_ROWS)
    assert response["X-Archive-Export-Truncated"] == "false"
    assert int(response["X-Archive-Result-Count"]) >= 2
    assert "X-Archive-Export-Limit" in response["Access-Control-Expose-Headers"]


def test_jsonl_holds_every_hit_beyond_one_page_with_full_text(make_articles, client, settings):
    assert settings.ARCHIVE_PAGE_SIZE_MAX < 150
    make_articles(150, "زيتون")

    response, body = download(client, {"q": "زيتون", "format": "jsonl"})

    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    assert filename(response).endswith("-زيتون.jsonl")
    lines = body.decode("utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 150
    assert len({record["external_id"] for record in records}) == 150
    record = next(r for r in records if r["external_id"] == "bulk-0007")
    article = Article.objects.get(external_id="bulk-0007")
    assert record["title"] == article.title
    assert record["body"] == article.body
    assert record["captions"] == []
    assert record["permalink"] == "http://testserver/articles/bulk-0007/"
    assert record["published"] == "2015-01-08"
    assert {"score", "language", "author", "url", "source", "created"} <= set(record)


def test_jsonl_carries_captions(indexed_seed, client):
    _, body = download(client, {"q": "الفلسطينية", "format": "jsonl"})

    records = {r["external_id"]: r for r in map(json.loads, body.decode("utf-8").splitlines())}
    assert [c["caption"] for c in records["0vq2f"]["captions"]][0] == "هنية و النخالة5"


def test_export_stops_at_the_limit_and_says_so(make_articles, client, settings):
    make_articles(12, "زيتون")
    settings.ARCHIVE_EXPORT_MAX_ROWS = 5

    response, body = download(client, {"q": "زيتون", "format": "csv", "sort": "oldest"})

    rows = read_csv(body)
    assert len(rows) == 5
    assert [row["external_id"] for row in rows] == [f"bulk-{n:04d}" for n in range(5)]
    assert response["X-Archive-Export-Truncated"] == "true"
    assert response["X-Archive-Export-Limit"] == "5"
    assert response["X-Archive-Result-Count"] == "12"
    assert "first-5" in filename(response)


def test_export_follows_the_sort(make_articles, client):
    make_articles(8, "زيتون")

    _, body = download(client, {"q": "زيتون", "format": "jsonl", "sort": "newest"})

    dates = [json.loads(line)["published"] for line in body.decode().splitlines()]
    assert dates == sorted(dates, reverse=True) and len(dates) == 8


def test_filters_alone_make_an_export(indexed_demo, client):
    _, body = download(client, {"source": "صحيفة-الوادي"})

    rows = read_csv(body)
    assert len(rows) == 5
    assert {row["source"] for row in rows} == {"صحيفة الوادي"}


def test_export_without_query_or_filter_is_refused(db, client):
    response = client.get(EXPORT, {"format": "csv"})

    assert response.status_code == 400
    assert response.json()["error"]["parameter"] == "q"


def test_unknown_format_is_refused(db, client):
    response = client.get(EXPORT, {"q": "زيتون", "format": "xlsx"})

    assert response.status_code == 400
    assert response.json()["error"]["parameter"] == "format"


def test_no_hits_gives_just_the_header(indexed_demo, client):
    _, body = download(client, {"q": "زنجبيلقطبي"})

    assert body.decode("utf-8-sig").splitlines() == [",".join(COLUMNS)]


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_cells_that_look_like_formulas_are_neutralised(search_index, client, start):
    source = Source.objects.create(name=f"{start}SUM(1) مصدر", slug="masdar")
    Article.objects.create(
        external_id="formula",
        title=f"{start}HYPERLINK(\"http://example.invalid\") رمان",
        body="رمان أحمر في السوق.",
        author=f"{start}cmd",
        source=source,
        content_hash="",
    )
    search_index()

    _, body = download(client, {"q": "رمان"})

    [row] = read_csv(body)
    assert row["title"] == f"'{start}HYPERLINK(\"http://example.invalid\") رمان"
    assert row["author"] == f"'{start}cmd"
    assert row["source"] == f"'{start}SUM(1) مصدر"
    assert not any(value.startswith(("=", "+", "-", "@")) for value in row.values())
