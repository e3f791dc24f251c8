"""Backup and restore, with the commands docs/operations.md gives, round trip.

Articles with captions and an uploaded image file are created; the archive is
backed up (SQLite's online ``.backup`` and a copy of the media folder, or
``dumpdata``), the data directory is wiped, the backup restored, the index rebuilt
with ``rebuild_index --noinput``, and the archive must hold the same articles,
captions, image file and search results as before.  The search index is never
backed up: it is rebuilt from the database.
"""

import shutil
import subprocess

from tests.reliability.harness import django_script, manage

CREATE = """
import io
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image
from archive.models import Article, ArticleImage
from archive.services import article_refresh_content_hash, source_get_or_create
source = source_get_or_create(name="صحيفة النسخ الاحتياطي")
# Each article in one transaction with its captions and hash, as the admin saves it.
for n in range(3):
    with transaction.atomic():
        article = Article.objects.create(
            external_id=f"bk-{n}", title=f"مقال محفوظ رقم {n} mkbackup{n}",
            body=f"نص المقال {n}.\\n\\nفقرة ثانية mkbackupbody.", source=source, author="أمينة الأرشيف",
        )
        ArticleImage.objects.create(article=article, order=0, caption=f"تعليق الصورة {n} mkbackupcaption")
        article_refresh_content_hash(article=article)
buffer = io.BytesIO()
Image.new("RGB", (4, 3), (200, 30, 30)).save(buffer, "PNG")
with transaction.atomic():
    image = ArticleImage(article=Article.objects.get(external_id="bk-0"), order=1, caption="صورة حقيقية mkbackupimage")
    image.image.save("backup-test.png", ContentFile(buffer.getvalue()), save=True)
    article_refresh_content_hash(article=image.article)
emit(image.image.name)
"""

SNAPSHOT = """
import hashlib
from archive.models import Article
from archive.search.indexing import index_compare
from archive.search.types import SearchParams
from archive.selectors import article_search
articles = []
for a in Article.objects.order_by("external_id").select_related("source").prefetch_related("images"):
    images = []
    for image in a.images.all():
        digest = hashlib.sha256(image.image.read()).hexdigest() if image.image else None
        images.append([image.order, image.caption, image.image.name or None, digest])
    articles.append([a.external_id, a.title, a.body, a.source.name if a.source else None, a.author,
                     a.published.isoformat() if a.published else None, a.content_hash, images])
searches = {q: [h.article.external_id for h in article_search(params=SearchParams(q=q, page_size=100)).hits]
            for q in ("mkbackup0", "mkbackupbody", "mkbackupcaption", "mkbackupimage", "المكتبة", "النسخ")}
report = index_compare()
emit({"articles": articles, "searches": searches,
      "drift": sum(len(report[k]) for k in ("missing", "stale", "orphaned", "duplicates"))})
"""


def test_backups_restore_the_same_archive(live_data_dir, tmp_path):
    data = live_data_dir
    image_name = django_script(data, CREATE)
    before = django_script(data, SNAPSHOT)
    assert before["searches"]["mkbackupimage"] == ["bk-0"] and before["drift"] == 0
    assert (data / "media" / image_name).is_file()

    # 1. SQLite online backup and a copy of the media, as docs/operations.md says
    #    (the server may keep running: .backup takes a consistent copy).
    backup = tmp_path / "backup"
    backup.mkdir()
    subprocess.run(
        ["sqlite3", str(data / "archive.sqlite3"), f".backup '{backup / 'archive.sqlite3'}'"], check=True
    )
    shutil.copytree(data / "media", backup / "media")
    shutil.rmtree(data)  # disaster: the data directory is gone

    data.mkdir()
    shutil.copy2(backup / "archive.sqlite3", data / "archive.sqlite3")
    shutil.copytree(backup / "media", data / "media")
    manage(data, "migrate", "--noinput")
    manage(data, "rebuild_index", "--noinput")

    assert django_script(data, SNAPSHOT) == before
    assert (data / "media" / image_name).read_bytes() == (backup / "media" / image_name).read_bytes()

    # 2. The portable backup (also the way from SQLite to PostgreSQL): dumpdata, then
    #    loaddata into a fresh database.
    portable = tmp_path / "portable"
    portable.mkdir()
    manage(
        data, "dumpdata", "--natural-foreign", "--natural-primary",
        "--exclude", "contenttypes", "--exclude", "auth.permission", "--exclude", "admin.logentry",
        "--exclude", "sessions", "--exclude", "archive.pendingindexupdate",
        "--output", str(portable / "archive.json.gz"),
    )
    shutil.copytree(data / "media", portable / "media")
    shutil.rmtree(data)

    data.mkdir()
    shutil.copytree(portable / "media", data / "media")
    restored = django_script(
        data,
        f"""
        call_command("migrate", interactive=False, verbosity=0)
        call_command("loaddata", {str(portable / "archive.json.gz")!r}, verbosity=0)
        call_command("rebuild_index", interactive=False, verbosity=0)
        from django.contrib.auth import get_user_model
        emit(list(get_user_model().objects.filter(is_superuser=True).values_list("username", flat=True)))
        """,
    )
    assert restored == ["archivist"]
    assert django_script(data, SNAPSHOT) == before
