"""Template helpers: dates in both calendars, search links that keep the search, safe URLs."""

import datetime as dt

import pytest
from django.http import QueryDict
from django.utils import translation

from archive.templatetags import archive_tags as tags


def qd(text):
    return QueryDict(text)


def test_hijri_and_gregorian_dates_in_both_languages():
    day = dt.date(2019, 11, 26)
    with translation.override("ar"):
        assert tags.hijri_date(day) == "29 ربيع الأول 1441 هـ"
        assert tags.gregorian_date(day) == "26 نوفمبر 2019"
    with translation.override("en"):
        assert tags.hijri_date(day) == "29 Rabi al-Awwal 1441 AH"
        assert tags.gregorian_date(day) == "26 November 2019"


def test_dates_outside_the_hijri_range_are_left_out():
    assert tags.hijri_date(dt.date(1800, 1, 1)) == ""
    assert tags.hijri_date(None) == ""


def test_search_query_keeps_only_search_parameters_with_values():
    query = tags.search_query(qd("q=a&source=x&source=y&page=&junk=1&exact=on&csrfmiddlewaretoken=z"))
    assert query.urlencode() == "q=a&source=x&source=y&exact=1"


def test_query_with_sets_removes_and_resets_the_page():
    query = qd("q=a&sort=newest&page=3")
    assert tags.query_with(query, page=4) == "?q=a&sort=newest&page=4"
    assert tags.query_with(query, sort="oldest") == "?q=a&sort=oldest"
    assert tags.query_with(query, sort=None, page=None, format="csv") == "?q=a&format=csv"


def test_facet_toggle_adds_and_removes_sources():
    query = qd("q=a&source=x&page=2")
    assert tags.facet_toggle(query, "source", "y") == "?q=a&source=x&source=y"
    assert tags.facet_toggle(query, "source", "x") == "?q=a"


def test_facet_toggle_year_and_month():
    query = qd("q=a&year=2019&month=5")
    assert tags.facet_toggle(query, "year", "2019") == "?q=a"
    assert tags.facet_toggle(query, "year", "2020") == "?q=a&year=2020"
    assert tags.facet_toggle(query, "month", "5") == "?q=a&year=2019"
    assert tags.facet_toggle(query, "month", "6") == "?q=a&year=2019&month=6"


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://example.org/a?b=1", "https://example.org/a?b=1"),
        ("http://example.org", "http://example.org"),
        ("javascript:alert(1)", ""),
        (" JaVaScRiPt:alert(1)", ""),
        ("data:text/html,x", ""),
        ("//example.org/x", ""),
        ("https://", ""),
        ("", ""),
        ("http://[::1", ""),
    ],
)
def test_http_url_accepts_only_absolute_http_links(url, expected):
    assert tags.http_url(url) == expected


def test_page_window():
    assert tags.page_window(1, 1) == [1]
    assert tags.page_window(5, 20) == [1, None, 3, 4, 5, 6, 7, None, 20]
    assert tags.page_window(2, 4) == [1, 2, 3, 4]


def test_timeline_chart_scales_bars_to_the_largest_value():
    from archive.search.types import TimelineBucket

    buckets = [TimelineBucket("2019", 2, 4), TimelineBucket("2020", 0, 5), TimelineBucket("2021", 4, 8)]
    chart = tags.timeline_chart(buckets)
    heights = [bar["height"] for bar in chart["bars"]]
    assert heights[1] == 0 and heights[2] == tags.CHART_HEIGHT and heights[0] == tags.CHART_HEIGHT / 2
    normalised = tags.timeline_chart(buckets, norm=True)
    assert [bar["value"] for bar in normalised["bars"]] == [500.0, 0.0, 500.0]
