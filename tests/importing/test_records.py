"""Validation of one record: required fields, dates, lengths, addresses."""

import datetime as dt

import pytest

from archive.importing import RecordError, parse_published, record_from_mapping


def record(**fields):
    return record_from_mapping({"title": "عنوان", "body": "نص الخبر", **fields})


def test_title_is_required():
    with pytest.raises(RecordError, match="title"):
        record_from_mapping({"title": "  ", "body": "نص"})


def test_body_is_required():
    with pytest.raises(RecordError, match="body"):
        record_from_mapping({"title": "عنوان"})


def test_date_only_keeps_date_precision():
    assert parse_published("2015-07-21") == (dt.datetime(2015, 7, 21, tzinfo=dt.timezone.utc), "date")


def test_date_time_with_offset_is_stored_in_utc():
    moment, precision = parse_published("2015-07-21T10:00:00+03:00")
    assert moment == dt.datetime(2015, 7, 21, 7, 0, tzinfo=dt.timezone.utc)
    assert precision == "datetime"


def test_date_time_without_zone_is_utc():
    assert parse_published("2015-07-21 10:30:00")[0] == dt.datetime(2015, 7, 21, 10, 30, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("value", ["21/07/2015", "2015-13-01", "yesterday", "2015-02-30"])
def test_malformed_dates_are_refused(value):
    with pytest.raises(RecordError, match="published"):
        record(published=value)


def test_missing_date_stays_unknown():
    assert record().published is None


def test_default_date_fills_only_missing_dates():
    default = parse_published("2020-01-01")
    assert record(default_published=None).published is None
    filled = record_from_mapping({"title": "t", "body": "b"}, default_published=default)
    assert filled.published.year == 2020
    kept = record_from_mapping({"title": "t", "body": "b", "published": "2019-05-05"}, default_published=default)
    assert kept.published.year == 2019


def test_javascript_url_is_refused():
    with pytest.raises(RecordError, match="url"):
        record(url="javascript:alert(1)")


def test_url_with_stray_spaces_is_encoded_not_refused():
    assert record(url="http://example.org/a b\u00a0c.html").url == "http://example.org/a%20b%C2%A0c.html"


def test_overlong_title_is_refused():
    with pytest.raises(RecordError, match="too long"):
        record(title="ع" * 1001)


def test_identifier_with_slash_is_refused():
    with pytest.raises(RecordError):
        record(external_id="a/b")


def test_captions_from_csv_cell_split_on_lines():
    assert record(captions="صورة أولى\nصورة ثانية").captions == ("صورة أولى", "صورة ثانية")


def test_captions_must_be_texts():
    with pytest.raises(RecordError, match="captions"):
        record(captions=[1, 2])


def test_unknown_fields_are_ignored():
    assert record(colour="blue").title == "عنوان"
