import os
from pathlib import Path

import pytest
from django.core.management import call_command

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ARCHIVE_SHARED_DIR") or REPO.parent / "shared")
SEED_PATH = SHARED / "seed" / "article.txt"


@pytest.fixture
def seed_path():
    return SEED_PATH


@pytest.fixture
def seed_article(db):
    """The seed article, loaded from the project's fixture."""
    from archive.models import Article

    call_command("loaddata", "seed", verbosity=0)
    return Article.objects.get(external_id="0vq2f")


@pytest.fixture
def demo_archive(db):
    """The seed and the demo articles, loaded from the fixtures."""
    from archive.models import Article

    call_command("loaddata", "seed", "demo", verbosity=0)
    return Article.objects.all()


def rebuild_search_index():
    call_command("rebuild_index", interactive=False, verbosity=0)


@pytest.fixture
def search_index(db):
    """Return a function that rebuilds the search index from the test's database."""
    return rebuild_search_index


@pytest.fixture
def indexed_seed(seed_article):
    """The seed article, loaded and indexed."""
    rebuild_search_index()
    return seed_article


@pytest.fixture
def indexed_demo(demo_archive):
    """The seed and demo articles, loaded and indexed."""
    rebuild_search_index()
    return demo_archive


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_user("archivist", password="s3cret-pass", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Start every test without the pages an earlier test rendered (they outlive a request, like a worker)."""
    from django.core.cache import caches

    caches["pages"].clear()
