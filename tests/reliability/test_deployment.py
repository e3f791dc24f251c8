"""Production settings: Django's deployment checks pass, no key means no server, no debug page ever.

These run the production settings module in subprocesses, as a deployment does,
with ``ARCHIVE_PRODUCTION=1`` and a data directory of their own.
"""

import secrets
import subprocess
import time

import pytest
from django.test import Client
from django.urls import path

from tests.reliability.harness import GUNICORN, REPO, Browser, Gunicorn, archive_env, free_port, manage

PRODUCTION = {"ARCHIVE_PRODUCTION": "1", "DJANGO_ALLOWED_HOSTS": "archive.example.org"}


def test_check_deploy_passes_with_production_settings(tmp_path):
    result = manage(
        tmp_path,
        "check", "--deploy", "--fail-level", "WARNING",
        env={**PRODUCTION, "DJANGO_SECRET_KEY": secrets.token_urlsafe(50)[:50]},
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr


def test_without_a_secret_key_production_refuses_to_start(tmp_path):
    result = manage(tmp_path, "check", env=PRODUCTION, check=False)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
    assert not (tmp_path / "secret_key").exists()  # no key was invented in its place

    # gunicorn too: its workers cannot load the application, so the server exits.
    server = subprocess.run(
        [GUNICORN, "archive.wsgi", "--bind", f"127.0.0.1:{free_port()}", "--workers", "1", "--timeout", "30"],
        cwd=REPO, env=archive_env(tmp_path, **PRODUCTION), capture_output=True, text=True, timeout=120,
    )
    assert server.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in server.stdout + server.stderr


def test_debug_cannot_be_switched_on_in_production(tmp_path):
    env = {**PRODUCTION, "DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "DJANGO_DEBUG": "1"}
    result = manage(tmp_path, "check", env=env, check=False)
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be off" in result.stderr


def failing_view(request):
    raise RuntimeError("secret-internal-detail")


urlpatterns = [path("boom/", failing_view)]
handler500 = "archive.views.server_error"


@pytest.mark.django_db
def test_a_view_error_shows_the_arabic_error_page_without_a_traceback(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "خطأ في الخادم" in page and 'lang="ar"' in page and 'dir="rtl"' in page
    for leak in ("secret-internal-detail", "Traceback", "RuntimeError", "failing_view", "settings"):
        assert leak not in page


def test_the_running_server_shows_no_debug_page_when_the_database_fails(tmp_path):
    """gunicorn on a data directory whose database was never migrated: every page fails inside."""
    server = Gunicorn(tmp_path / "data", workers=1, log_dir=tmp_path, env={"DJANGO_DEBUG": ""})
    server.start(wait=False)
    try:
        browser = Browser(server.url)
        deadline = time.monotonic() + 90
        response = None
        while time.monotonic() < deadline:
            try:
                response = browser.get("/")
                break
            except OSError:
                time.sleep(0.3)
        assert response is not None, server.log()
        assert response.status == 500
        page = response.text
        assert "خطأ في الخادم" in page
        for leak in ("Traceback", "OperationalError", "no such table", "archive_article", "DEBUG"):
            assert leak not in page
        api = browser.get("/api/search/?q=x")
        assert api.status == 500 and "Traceback" not in api.text and "no such table" not in api.text
        assert browser.get("/no-such-page/").status in (404, 500)
    finally:
        server.stop()
    # The traceback goes to the server's log, for the operator.
    assert "no such table" in server.log()
