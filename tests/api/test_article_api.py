import datetime as dt

from archive.dates import gregorian_to_hijri
from archive.models import Article, ArticleImage

ARTICLE_KEYS = {
    "id", "external_id", "title", "source", "published", "date_precision", "published_hijri", "author", "url",
    "permalink", "api_url", "language", "body", "captions", "created", "updated", "paragraphs", "citation", "links",
}


def test_seed_article_in_full(seed_article, get_json):
    response, data = get_json("/api/articles/0vq2f/")

    assert response.status_code == 200
    assert set(data) == ARTICLE_KEYS
    assert data["external_id"] == "0vq2f"
    assert data["title"] == seed_article.title
    assert data["body"] == seed_article.body
    assert data["paragraphs"] == seed_article.paragraphs()
    assert len(data["paragraphs"]) > 5
    assert [c["caption"] for c in data["captions"]] == [
        "هنية و النخالة5", "هنية و النخالة4", "هنية و النخالة2", "هنية و النخالة1", "هنية و النخالة",
    ]
    assert [c["order"] for c in data["captions"]] == [0, 1, 2, 3, 4]
    assert all(c["image"] is None for c in data["captions"])
    assert data["source"] is None
    assert (data["published"], data["date_precision"], data["published_hijri"]) == (None, None, None)
    assert data["permalink"] == "http://testserver/articles/0vq2f/"
    assert data["links"]["self"] == "http://testserver/api/articles/0vq2f/"
    assert data["language"] == "ar"
    assert dt.datetime.fromisoformat(data["created"])


def test_citations_are_strings_in_three_formats(seed_article, get_json):
    _, data = get_json("/api/articles/0vq2f/")
    citation = data["citation"]

    assert set(citation) == {"chicago", "bibtex", "ris"}
    assert seed_article.title in citation["chicago"]
    assert "n.d." in citation["chicago"]
    assert "http://testserver/articles/0vq2f/" in citation["chicago"]
    assert citation["bibtex"].startswith("@")
    assert "http://testserver/articles/0vq2f/" in citation["bibtex"]
    assert citation["ris"].startswith("TY  - NEWS")
    assert citation["ris"].rstrip().endswith("ER  -")


def test_dated_article_has_both_calendars_and_its_source(demo_archive, get_json):
    article = Article.objects.get(external_id="demo-2019-001")

    _, data = get_json("/api/articles/demo-2019-001/")

    assert dt.datetime.fromisoformat(data["published"]) == article.published
    assert data["date_precision"] == "datetime"
    assert data["published_hijri"] == "%04d-%02d-%02d" % gregorian_to_hijri(article.published)
    assert data["source"]["name"] == "صحيفة الوادي"
    assert data["source"]["slug"] == "صحيفة-الوادي"
    assert data["author"] == article.author
    assert data["url"] == article.url
    assert "2019" in data["citation"]["chicago"]


def test_date_only_article_gives_a_date_without_a_time(demo_archive, get_json):
    _, data = get_json("/api/articles/demo-2020-002/")

    assert data["published"] == "2020-09-15"
    assert data["date_precision"] == "date"


def test_caption_with_an_image_file_gives_its_absolute_url(seed_article, get_json):
    ArticleImage.objects.filter(article=seed_article, order=0).update(image="images/2019/11/meeting.jpg")

    _, data = get_json("/api/articles/0vq2f/")

    assert data["captions"][0]["image"] == "http://testserver/media/images/2019/11/meeting.jpg"
    assert data["captions"][1]["image"] is None


def test_unknown_article_is_a_json_404(db, get_json):
    response, data = get_json("/api/articles/no-such-thing/")

    assert response.status_code == 404
    assert data["error"]["parameter"] == "external_id"
    assert data["errors"] == [data["error"]]


def test_identifier_with_markup_is_a_json_404(db, get_json):
    response, data = get_json("/api/articles/%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E/")

    assert response.status_code == 404
    assert data["error"]["parameter"] == "external_id"
