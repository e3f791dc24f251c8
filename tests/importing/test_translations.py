"""The importer's messages reach an Arabic-speaking archivist in Arabic."""

import pytest
from django.utils import translation

from archive.importing import RecordError, record_from_mapping


def test_record_errors_are_translated_to_arabic():
    with translation.override("ar"):
        with pytest.raises(RecordError) as error:
            record_from_mapping({"title": "", "body": "نص"})
    message = str(error.value)
    assert "title" in message
    assert any("\u0600" <= ch <= "\u06ff" for ch in message)


def test_record_errors_are_in_english_when_asked():
    with translation.override("en"):
        with pytest.raises(RecordError, match="is required and empty"):
            record_from_mapping({"title": "", "body": "نص"})
