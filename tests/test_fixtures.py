"""The fixtures give a new user a working archive that starts from the seed."""

import pytest
from django.core.management import call_command

from archive.importing import parse_seed_text
from archive.models import Article, Source

pytestmark = pytest.mark.django_db


def test_fixtures_load_seed_first(demo_archive):
    assert Article.objects.order_by("id").first().external_id == "0vq2f"
    assert Article.objects.count() == 17
    assert Source.objects.count() >= 3
    years = {a.published.year for a in Article.objects.exclude(published=None)}
    assert len(years) >= 5


def test_seed_fixture_matches_the_seed_file(seed_article, seed_path):
    parsed = parse_seed_text(seed_path.read_text(encoding="utf-8"))
    assert seed_article.title == parsed["title"]
    assert seed_article.body == parsed["body"]
    assert seed_article.captions() == parsed["captions"]
    assert seed_article.published is None and seed_article.source is None


def test_fixture_hashes_match_their_content(demo_archive):
    for article in Article.objects.all():
        assert article.content_hash == article.compute_content_hash(), article.external_id


def test_loading_fixtures_twice_changes_nothing(demo_archive):
    call_command("loaddata", "seed", "demo", verbosity=0)
    assert Article.objects.count() == 17
    assert Article.objects.get(external_id="0vq2f").images.count() == 5
