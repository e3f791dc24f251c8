"""Who may reach the admin, CSRF on every form, and the login throttle (archive/throttle.py).

The upload page's own refusal of anonymous and non-staff users is tested in
tests/admin/test_upload.py; here: every other admin page and form, staff members
without permissions, CSRF, and failed sign-ins.
"""

import time

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from archive import throttle
from archive.models import Article

pytestmark = pytest.mark.django_db

THROTTLE = "archive.throttle.LoginThrottleMiddleware"
AUTH = "django.contrib.auth.middleware.AuthenticationMiddleware"
PASSWORD = "a-long-staff-password-1"


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user("editor", password=PASSWORD, is_staff=True, is_superuser=True)


def admin_urls(article_pk):
    return [
        "/admin/",
        "/admin/archive/",
        "/admin/archive/article/",
        "/admin/archive/article/add/",
        f"/admin/archive/article/{article_pk}/change/",
        f"/admin/archive/article/{article_pk}/delete/",
        f"/admin/archive/article/{article_pk}/history/",
        "/admin/archive/article/upload/",
        "/admin/archive/source/",
        "/admin/archive/pendingindexupdate/",
        "/admin/auth/user/",
    ]


def test_anonymous_and_non_staff_users_are_sent_to_the_login_page(client, django_user_model, seed_article, subtests):
    reader = django_user_model.objects.create_user("reader", password=PASSWORD)
    signed_in = Client()
    signed_in.force_login(reader)
    login = reverse("admin:login")
    for who, visitor in (("anonymous", client), ("non-staff", signed_in)):
        for url in admin_urls(seed_article.pk):
            with subtests.test(who=who, url=url):
                response = visitor.get(url)
                assert response.status_code == 302 and response["Location"].startswith(login), response.status_code
        with subtests.test(who=who, url="POST change form"):
            response = visitor.post(f"/admin/archive/article/{seed_article.pk}/change/", {"title": "x", "body": "y"})
            assert response.status_code == 302 and response["Location"].startswith(login)
        with subtests.test(who=who, url="POST delete"):
            response = visitor.post(f"/admin/archive/article/{seed_article.pk}/delete/", {"post": "yes"})
            assert response.status_code == 302 and response["Location"].startswith(login)
    assert Article.objects.filter(pk=seed_article.pk, title=seed_article.title).exists()


def test_staff_without_article_permissions_cannot_import(client, django_user_model):
    """Being staff opens the admin; adding and changing articles through an upload takes those permissions."""
    clerk = django_user_model.objects.create_user("clerk", password=PASSWORD, is_staff=True)
    client.force_login(clerk)
    assert client.get("/admin/archive/article/").status_code == 403
    upload = SimpleUploadedFile("a.jsonl", b'{"external_id": "perm-1", "title": "t", "body": "b"}\n')
    response = client.post("/admin/archive/article/upload/", {"files": upload})
    assert response.status_code == 403
    assert not Article.objects.filter(external_id="perm-1").exists()


# --- CSRF ---------------------------------------------------------------------------------


@pytest.fixture
def strict_staff(staff_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    return client


def test_upload_without_csrf_token_is_forbidden(strict_staff):
    upload = SimpleUploadedFile("a.jsonl", b'{"external_id": "csrf-1", "title": "t", "body": "b"}\n')
    response = strict_staff.post("/admin/archive/article/upload/", {"files": upload})
    assert response.status_code == 403
    assert not Article.objects.filter(external_id="csrf-1").exists()


def test_admin_change_form_without_csrf_token_is_forbidden(strict_staff, seed_article):
    url = f"/admin/archive/article/{seed_article.pk}/change/"
    response = strict_staff.post(url, {"title": "مزور", "body": "مزور", "language": "ar", "external_id": "0vq2f"})
    assert response.status_code == 403
    seed_article.refresh_from_db()
    assert seed_article.title != "مزور"
    response = strict_staff.post(f"/admin/archive/article/{seed_article.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Article.objects.filter(pk=seed_article.pk).exists()


def test_admin_change_form_with_a_token_from_another_session_is_forbidden(strict_staff, seed_article):
    other = Client(enforce_csrf_checks=True)
    other.get("/admin/login/")
    foreign = other.cookies["csrftoken"].value
    url = f"/admin/archive/article/{seed_article.pk}/change/"
    strict_staff.get(url)  # has its own csrftoken cookie
    response = strict_staff.post(url, {"title": "مزور", "csrfmiddlewaretoken": foreign})
    assert response.status_code == 403


def test_language_switch_without_csrf_token_is_forbidden(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 403
    # With the token from the page it works.
    client.get("/")
    token = client.cookies["csrftoken"].value
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_login_without_csrf_token_is_forbidden(staff_user):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "editor", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


# --- login throttle -------------------------------------------------------------------------


@pytest.fixture
def throttled(settings):
    """The throttle installed as docs/operations.md says, with a private cache for the test."""
    middleware = [m for m in settings.MIDDLEWARE if m != THROTTLE]
    middleware.insert(middleware.index(AUTH) + 1, THROTTLE)
    settings.MIDDLEWARE = middleware
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "login-throttle-test"},
    }
    settings.ARCHIVE_LOGIN_THROTTLE_CACHE = "throttle"
    throttle.throttle_cache().clear()
    yield settings
    throttle.throttle_cache().clear()


def attempt(client, username, password, address="10.0.0.1", **headers):
    return client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address, **headers,
    )


def test_five_failures_lock_the_username_for_that_address(throttled, staff_user, client):
    for _ in range(5):
        assert attempt(client, "editor", "wrong").status_code == 200  # the form again, with an error
    response = attempt(client, "editor", PASSWORD)  # even the right password is not checked now
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 14 * 60
    assert "_auth_user_id" not in client.session
    english_reader = Client()
    english_reader.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # chosen with the language switch
    english = attempt(english_reader, "editor", PASSWORD)
    assert english.status_code == 429
    assert "Too many failed sign-in attempts. Try again in 15 minutes." in english.content.decode()


def test_the_lockout_message_is_in_arabic(throttled, staff_user, client):
    for _ in range(5):
        attempt(client, "editor", "wrong")
    response = attempt(client, "editor", "wrong")
    assert response.status_code == 429
    page = response.content.decode()
    assert 'lang="ar"' in page and 'dir="rtl"' in page
    assert "Too many" not in page, "the lockout message has no Arabic translation yet (archive/locale/ar)"


def test_the_lockout_is_per_address_and_username(throttled, staff_user, client, django_user_model):
    django_user_model.objects.create_user("other", password=PASSWORD, is_staff=True)
    for _ in range(5):
        attempt(client, "editor", "wrong")
    assert attempt(client, "editor", PASSWORD).status_code == 429
    assert attempt(client, "EDITOR ", "wrong").status_code == 429  # the same name, spelled otherwise
    # Another colleague from the same address, and the same user from elsewhere, may still sign in.
    assert attempt(Client(), "other", PASSWORD).status_code == 302
    assert attempt(Client(), "editor", PASSWORD, address="10.0.0.2").status_code == 302


def test_a_successful_sign_in_clears_the_count(throttled, staff_user, client):
    for _ in range(4):
        attempt(client, "editor", "wrong")
    assert attempt(client, "editor", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert attempt(client, "editor", "wrong").status_code == 200
    assert attempt(client, "editor", PASSWORD).status_code == 302


def test_the_lockout_ends_after_fifteen_minutes(throttled, staff_user, client, monkeypatch):
    now = time.time()
    monkeypatch.setattr(throttle.time, "time", lambda: now)
    for _ in range(5):
        attempt(client, "editor", "wrong")
    monkeypatch.setattr(throttle.time, "time", lambda: now + 14 * 60)
    assert attempt(client, "editor", PASSWORD).status_code == 429
    monkeypatch.setattr(throttle.time, "time", lambda: now + 15 * 60 + 1)
    throttle.throttle_cache().delete(throttle.throttle_key("10.0.0.1", "editor"))  # the cache entry expired
    assert attempt(client, "editor", PASSWORD).status_code == 302


def test_csrf_failures_and_page_views_do_not_count(throttled, staff_user):
    strict = Client(enforce_csrf_checks=True)
    for _ in range(10):
        assert attempt(strict, "editor", "wrong").status_code == 403
        strict.get("/admin/login/", REMOTE_ADDR="10.0.0.1")
    assert attempt(Client(), "editor", PASSWORD).status_code == 302


def test_the_throttle_is_installed_with_a_cache_shared_by_all_workers(settings):
    """The settings must install the middleware after authentication, with a cross-process cache."""
    assert THROTTLE in settings.MIDDLEWARE, "add archive.throttle.LoginThrottleMiddleware to MIDDLEWARE"
    assert settings.MIDDLEWARE.index(THROTTLE) > settings.MIDDLEWARE.index(AUTH)
    backend = throttle.throttle_cache().__class__.__name__
    assert backend not in ("LocMemCache", "DummyCache"), f"{backend} is not shared by gunicorn's workers"


def test_the_lockout_holds_across_gunicorn_workers(live_data_dir, start_gunicorn):
    """Five failures spread over three worker processes lock the sixth attempt out, whichever worker gets it."""
    from tests.reliability.harness import ADMIN_PASSWORD, ADMIN_USER, Browser

    server = start_gunicorn(live_data_dir, workers=3)
    for _ in range(5):
        assert Browser(server.url).login(ADMIN_USER, "wrong-password").status == 200
    for _ in range(3):  # each time on any of the three workers
        assert Browser(server.url).login(ADMIN_USER, ADMIN_PASSWORD).status == 429
