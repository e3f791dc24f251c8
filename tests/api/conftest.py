import datetime as dt
import json

import pytest


@pytest.fixture
def get_json(client):
    """GET a URL and return (response, decoded JSON), checking the JSON content type on the way."""

    def get(path, data=None, **headers):
        response = client.get(path, data, headers=headers or None)
        assert response["Content-Type"] == "application/json; charset=utf-8", response["Content-Type"]
        return response, json.loads(response.content.decode("utf-8"))

    return get


@pytest.fixture
def make_articles(db, search_index):
    """Create ``count`` short articles sharing ``word``, one day apart from 2015-01-01, and index them."""
    from archive.models import Article

    def make(count, word, *, source=None, prefix="bulk"):
        start = dt.datetime(2015, 1, 1, 9, 0, tzinfo=dt.timezone.utc)
        articles = Article.objects.bulk_create(
            Article(
                external_id=f"{prefix}-{number:04d}",
                title=f"{word} رقم {number}",
                body=f"خبر قصير عن {word} كتب في اليوم {number}.\n\nفقرة ثانية قصيرة.",
                source=source,
                published=start + dt.timedelta(days=number),
                published_precision="date",
                content_hash="",
            )
            for number in range(count)
        )
        search_index()
        return articles

    return make
