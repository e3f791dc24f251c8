"""Cached pages: served again without recomputing, and never older than the archive."""

import pytest

from archive import selectors
from archive.models import Article


@pytest.fixture
def search_calls(monkeypatch):
    """Count the searches the results page runs."""
    calls = []
    search = selectors.article_search

    def counted(*, params):
        calls.append(params.q)
        return search(params=params)

    monkeypatch.setattr(selectors, "article_search", counted)
    return calls


def test_the_same_results_page_is_served_without_searching_again(indexed_demo, get_page, search_calls):
    first = get_page("/search/", {"q": "فلسطين"})
    again = get_page("/search/", {"q": "فلسطين"})

    assert again.find_all("ol", class_="results-list")
    assert [link for link in again.links() if "/articles/" in link] == [
        link for link in first.links() if "/articles/" in link
    ]
    assert search_calls == ["فلسطين"]


def test_a_new_article_shows_in_a_cached_search_at_once(indexed_demo, get_page, django_capture_on_commit_callbacks):
    before = get_page("/search/", {"q": "الرمان"})
    assert not before.find_all("ol", class_="results-list")

    with django_capture_on_commit_callbacks(execute=True):
        Article.objects.create(external_id="cache-new", title="موسم الرمان", body="بدأ موسم قطف الرمان في القرى.")

    after = get_page("/search/", {"q": "الرمان"})
    assert "/articles/cache-new/" in " ".join(after.links())


def test_an_edited_title_shows_on_the_cached_article_page_at_once(indexed_demo, get_page,
                                                                   django_capture_on_commit_callbacks):
    article = Article.objects.get(external_id="0vq2f")
    assert article.title in get_page(article.get_absolute_url()).text

    with django_capture_on_commit_callbacks(execute=True):
        article.title = "عنوان مصحح بعد المراجعة"
        article.save()

    page = get_page(article.get_absolute_url())
    # In the page's title, its heading and its citations.
    assert page.html.count("عنوان مصحح بعد المراجعة") >= 4


def test_each_language_gets_its_own_cached_page(indexed_demo, get_page):
    arabic = get_page("/search/", {"q": "فلسطين"}, language="ar")
    english = get_page("/search/", {"q": "فلسطين"}, language="en")

    assert "found" not in arabic.text
    assert "found" in english.text


def test_each_host_gets_its_own_permanent_links(indexed_seed, client):
    first = client.get("/articles/0vq2f/", HTTP_HOST="localhost").content.decode()
    second = client.get("/articles/0vq2f/", HTTP_HOST="127.0.0.1").content.decode()

    assert "http://localhost/articles/0vq2f/" in first
    assert "http://127.0.0.1/articles/0vq2f/" in second
    assert "http://localhost/" not in second


def test_marks_follow_the_query_of_each_visit(indexed_seed, get_page):
    first = get_page("/articles/0vq2f/", {"q": "فلسطين"})
    second = get_page("/articles/0vq2f/", {"q": "القاهرة"})

    marked = lambda page: page.html.count("<mark")  # noqa: E731
    assert marked(first) and marked(second)
    assert first.html != second.html


def test_a_page_one_worker_rendered_is_served_by_the_others(indexed_demo, get_page, search_calls):
    from django.core.cache.backends import locmem

    get_page("/search/", {"q": "فلسطين"})
    # Another gunicorn worker starts with none of this process's memory.
    locmem._caches.clear()
    locmem._expire_info.clear()
    again = get_page("/search/", {"q": "فلسطين"})

    assert again.find_all("ol", class_="results-list")
    assert search_calls == ["فلسطين"]


def test_a_new_release_does_not_serve_pages_rendered_by_the_old_one(indexed_demo, get_page, search_calls, monkeypatch):
    from archive import views

    get_page("/search/", {"q": "فلسطين"})
    monkeypatch.setattr(views, "_code_version", lambda: "the next release")
    get_page("/search/", {"q": "فلسطين"})

    assert search_calls == ["فلسطين", "فلسطين"]


def test_the_code_version_changes_with_a_template(tmp_path, settings):
    from archive import views

    for name in ("archive", "templates", "static"):
        (tmp_path / name).mkdir()
    template = tmp_path / "templates" / "page.html"
    template.write_text("<p>{{ title }}</p>", encoding="utf-8")
    settings.BASE_DIR = tmp_path
    views._code_version.cache_clear()
    try:
        before = views._code_version()
        template.write_text("<h1>{{ title }}</h1>", encoding="utf-8")
        views._code_version.cache_clear()
        assert views._code_version() != before
    finally:
        views._code_version.cache_clear()
