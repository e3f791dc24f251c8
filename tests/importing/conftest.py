import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english_messages():
    """Assert on the English messages; test_translations checks the Arabic ones."""
    with translation.override("en"):
        yield
