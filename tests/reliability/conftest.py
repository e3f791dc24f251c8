"""Fixtures for tests that run the archive as real processes (gunicorn, manage.py).

A prepared data directory (migrated, seed and demo loaded, index built, a
superuser) is made once per session and copied for each test that needs one, so
that each test has an archive of its own without paying for migrate, loaddata and
rebuild_index again.
"""

import shutil

import pytest

from tests.reliability.harness import Gunicorn, copy_data_dir, prepare_data_dir


@pytest.fixture(scope="session")
def template_data_dir(tmp_path_factory):
    """A ready archive (17 fixture articles, index, superuser); never modified: copy it."""
    return prepare_data_dir(tmp_path_factory.mktemp("reliability-template") / "data")


@pytest.fixture
def live_data_dir(template_data_dir, tmp_path):
    """A private copy of the prepared archive for one test."""
    return copy_data_dir(template_data_dir, tmp_path / "data")


@pytest.fixture
def start_gunicorn(tmp_path):
    """Return a function that starts gunicorn on a data dir; every server is stopped afterwards."""
    servers = []

    def start(data_dir, *, workers=3, env=None, wait=True):
        server = Gunicorn(data_dir, workers=workers, env=env, log_dir=tmp_path / "logs")
        servers.append(server)
        return server.start(wait=wait)

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def scratch_dir(tmp_path):
    path = tmp_path / "scratch"
    path.mkdir()
    yield path
    shutil.rmtree(path, ignore_errors=True)
