import re

import pytest

from archive.models import Article

TIMELINE = "/api/timeline/"


def dated_hits(get_json, params):
    """Return how many dated articles the search finds (the timeline counts only those)."""
    _, data = get_json("/api/search/", {**params, "page_size": 100})
    assert data["count"] <= 100
    return sum(1 for result in data["results"] if result["published"])


def test_yearly_timeline_counts_hits_and_the_archive(indexed_demo, get_json):
    response, data = get_json(TIMELINE, {"q": "المخيمات"})

    assert response.status_code == 200
    assert set(data) == {"interval", "query", "buckets", "links"}
    assert data["interval"] == "year"
    assert data["query"]["q"] == "المخيمات"
    periods = [bucket["period"] for bucket in data["buckets"]]
    assert periods == sorted(periods)
    assert periods == [str(year) for year in range(2018, 2025)]
    for bucket in data["buckets"]:
        assert set(bucket) == {"period", "hits", "total", "per_1000"}
        total = Article.objects.filter(published__year=int(bucket["period"])).count()
        assert bucket["total"] == total
        assert 0 <= bucket["hits"] <= total
        assert bucket["per_1000"] == round(1000 * bucket["hits"] / total, 2)
    assert sum(bucket["hits"] for bucket in data["buckets"]) == dated_hits(get_json, {"q": "المخيمات"})


def test_monthly_timeline(indexed_demo, get_json):
    _, data = get_json(TIMELINE, {"q": "المخيمات", "interval": "month"})

    assert data["interval"] == "month"
    assert all(re.fullmatch(r"\d{4}-\d{2}", bucket["period"]) for bucket in data["buckets"])
    assert "2019-01" in [bucket["period"] for bucket in data["buckets"] if bucket["hits"]]


def test_timeline_applies_the_search_filters(indexed_demo, get_json):
    params = {"q": "المخيمات", "source": "صحيفة-الوادي"}

    _, data = get_json(TIMELINE, params)

    assert sum(bucket["hits"] for bucket in data["buckets"]) == dated_hits(get_json, params)
    assert data["query"]["source"] == ["صحيفة-الوادي"]


@pytest.mark.parametrize(
    "params, parameter",
    [
        ({"interval": "week"}, "interval"),
        ({"interval": "year", "date_from": "2019-02-30"}, "date_from"),
        ({"month": "3"}, "month"),
    ],
)
def test_bad_timeline_parameters_are_named(db, get_json, params, parameter):
    response, data = get_json(TIMELINE, params)

    assert response.status_code == 400
    assert data["error"]["parameter"] == parameter
