"""The admin's upload page and article admin, as an archivist uses them."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from archive.models import Article

pytestmark = pytest.mark.django_db

UPLOAD_URL = "/admin/archive/article/upload/"


def jsonl_file(name, *records):
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_upload_page_refuses_anonymous_users(client):
    response = client.get(UPLOAD_URL)
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    response = client.post(UPLOAD_URL, {"files": jsonl_file("a.jsonl", {"title": "t", "body": "b"})})
    assert response.status_code == 302
    assert Article.objects.count() == 0


def test_upload_page_refuses_non_staff_users(client, django_user_model):
    user = django_user_model.objects.create_user("reader", password="pw-123456789")
    client.force_login(user)
    assert client.get(UPLOAD_URL).status_code == 302


def test_upload_page_states_the_size_limit(staff_client):
    response = staff_client.get(UPLOAD_URL)
    assert response.status_code == 200
    assert 'type="file"' in response.content.decode()
    assert "200" in response.content.decode()  # 200 MB default limit is spelled out


def test_staff_upload_imports_and_reports_each_record(staff_client, seed_path):
    seed = SimpleUploadedFile("article.txt", seed_path.read_bytes())
    batch = jsonl_file(
        "batch.jsonl",
        {"external_id": "u-1", "title": "عنوان", "body": "نص", "source": "مصدر"},
        {"external_id": "u-2", "title": "", "body": "نص"},
    )
    response = staff_client.post(UPLOAD_URL, {"files": [seed, batch]})
    assert response.status_code == 200
    page = response.content.decode()
    assert set(Article.objects.values_list("external_id", flat=True)) == {"0vq2f", "u-1"}
    assert "batch.jsonl:2" in page
    assert "0vq2f" in page and "u-1" in page


def test_dry_run_upload_saves_nothing(staff_client):
    response = staff_client.post(
        UPLOAD_URL, {"files": jsonl_file("a.jsonl", {"title": "عنوان", "body": "نص"}), "dry_run": "on"}
    )
    assert response.status_code == 200
    assert Article.objects.count() == 0


def test_upload_refuses_unsupported_file_types(staff_client):
    response = staff_client.post(UPLOAD_URL, {"files": SimpleUploadedFile("a.exe", b"MZ")})
    assert response.status_code == 200
    assert response.context["form"].errors["files"]
    assert Article.objects.count() == 0


def test_upload_over_the_limit_is_refused(staff_client, settings):
    settings.ARCHIVE_UPLOAD_MAX_BYTES = 100
    big = jsonl_file("a.jsonl", {"title": "عنوان", "body": "ن" * 500})
    response = staff_client.post(UPLOAD_URL, {"files": big})
    assert response.status_code in (200, 413)
    assert Article.objects.count() == 0


def test_article_admin_lists_with_image_count(staff_client, seed_article):
    response = staff_client.get("/admin/archive/article/")
    assert response.status_code == 200
    page = response.content.decode()
    assert seed_article.title in page
    assert 'dir="rtl"' in page


def test_article_admin_filters_by_year_and_source(staff_client, demo_archive):
    assert staff_client.get("/admin/archive/article/?year=2019").status_code == 200
    assert staff_client.get("/admin/archive/article/?year=none").status_code == 200
    response = staff_client.get("/admin/archive/article/?q=المكتبة")
    assert response.status_code == 200


def test_article_change_page_shows_captions_inline(staff_client, seed_article):
    response = staff_client.get(f"/admin/archive/article/{seed_article.pk}/change/")
    assert response.status_code == 200
    assert "هنية و النخالة5" in response.content.decode()


def test_source_admin_shows_article_counts(staff_client, demo_archive):
    response = staff_client.get("/admin/archive/source/")
    assert response.status_code == 200
    assert "صحيفة الوادي" in response.content.decode()


def test_editing_in_admin_refreshes_the_content_hash(staff_client, seed_article):
    url = f"/admin/archive/article/{seed_article.pk}/change/"
    form = staff_client.get(url).context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update({"title": "عنوان معدل", "body": seed_article.body, "language": "ar"})
    data.update(
        {
            "images-TOTAL_FORMS": "0",
            "images-INITIAL_FORMS": "0",
            "images-MIN_NUM_FORMS": "0",
            "images-MAX_NUM_FORMS": "1000",
        }
    )
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    seed_article.refresh_from_db()
    assert seed_article.title == "عنوان معدل"
    assert seed_article.content_hash == seed_article.compute_content_hash()
