"""The import_articles command and the importer service on every supported input."""

import gzip
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from archive.models import Article, ArticleImage, Source
from archive.services import article_import

pytestmark = pytest.mark.django_db


def jsonl(*records):
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def article(n, **extra):
    return {
        "external_id": f"t-{n}",
        "title": f"خبر رقم {n}",
        "body": f"نص الخبر رقم {n}.\n\nفقرة ثانية.",
        "published": "2021-05-0%d" % (n % 9 + 1),
        "source": "صحيفة الاختبار",
        "url": f"https://example.org/{n}",
        "author": "كاتب",
        "captions": [f"صورة {n}"],
        **extra,
    }


def run(*paths, **options):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_articles", *map(str, paths), stdout=out, stderr=err, no_index=True, **options)
        code = 0
    except CommandError as exc:
        code = exc.returncode
    return code, out.getvalue(), err.getvalue()


def test_seed_file_becomes_one_article_with_captions(seed_path):
    code, out, _ = run(seed_path)
    assert code == 0
    seed = Article.objects.get(external_id="0vq2f")
    assert seed.source is None and seed.published is None
    assert len(seed.paragraphs()) == 10
    assert seed.captions() == ["هنية و النخالة5", "هنية و النخالة4", "هنية و النخالة2", "هنية و النخالة1", "هنية و النخالة"]
    assert "1 created" in out


def test_jsonl_import_creates_sources_and_articles(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(jsonl(article(1), article(2), article(3, source="مصدر آخر")), encoding="utf-8")
    code, out, _ = run(path)
    assert code == 0
    assert Article.objects.count() == 3
    assert set(Source.objects.values_list("name", flat=True)) == {"صحيفة الاختبار", "مصدر آخر"}
    assert Article.objects.get(external_id="t-1").captions() == ["صورة 1"]


def test_gzipped_jsonl_is_read(tmp_path):
    path = tmp_path / "a.jsonl.gz"
    path.write_bytes(gzip.compress(jsonl(article(1), article(2)).encode("utf-8")))
    assert run(path)[0] == 0
    assert Article.objects.count() == 2


def test_csv_with_bom_is_read(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(
        "\ufeffexternal_id,title,body,published,source,captions\n"
        'c-1,عنوان أول,"نص أول\n\nفقرة",2020-01-02,مصدر,"تعليق أ\nتعليق ب"\n'
        "c-2,عنوان ثان,نص ثان,,,\n".encode("utf-8")
    )
    code, out, err = run(path)
    assert code == 0, err
    first = Article.objects.get(external_id="c-1")
    assert first.body == "نص أول\n\nفقرة"
    assert first.captions() == ["تعليق أ", "تعليق ب"]
    assert Article.objects.get(external_id="c-2").published is None


def test_csv_without_required_columns_is_reported(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("external_id,headline\nx,y\n", encoding="utf-8")
    code, _, err = run(path)
    assert code == 1
    assert "bad.csv:1:" in err and "body" in err


def test_reimport_updates_and_never_duplicates(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(jsonl(article(1), article(2)), encoding="utf-8")
    run(path)
    code, out, _ = run(path)
    assert "0 created, 0 updated, 2 unchanged" in out
    path.write_text(jsonl(article(1, title="عنوان مصحح", captions=["أ", "ب"]), article(2)), encoding="utf-8")
    code, out, _ = run(path)
    assert "0 created, 1 updated, 1 unchanged" in out
    assert Article.objects.count() == 2
    fixed = Article.objects.get(external_id="t-1")
    assert fixed.title == "عنوان مصحح"
    assert fixed.captions() == ["أ", "ب"]
    assert fixed.content_hash == fixed.compute_content_hash()


def test_records_without_identifier_get_a_stable_one(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(jsonl({"title": "عنوان", "body": "نص", "source": "أ"}, {"title": "عنوان", "body": "نص", "source": "ب"}), encoding="utf-8")
    run(path)
    run(path)
    # Same text from two sources stays two articles; importing again adds nothing.
    assert Article.objects.count() == 2
    assert all(a.external_id.startswith("gen-") for a in Article.objects.all())


def test_bad_lines_are_reported_and_good_ones_kept(tmp_path):
    path = tmp_path / "mixed.jsonl"
    lines = [
        json.dumps(article(1), ensure_ascii=False),
        "{not json",
        json.dumps(article(2, title=""), ensure_ascii=False),
        json.dumps(article(3, published="31/12/2020"), ensure_ascii=False),
        json.dumps(article(4), ensure_ascii=False),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run(path)
    assert code == 1
    assert set(Article.objects.values_list("external_id", flat=True)) == {"t-1", "t-4"}
    assert f"{path}:2:" in err and f"{path}:3:" in err and f"{path}:4:" in err
    assert "2 created" in out and "3 failed" in out


def test_non_utf8_file_gets_a_clear_error(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("عنوان".encode("utf-8") + b"\n\n\xe9t\xe9\n")
    code, _, err = run(path)
    assert code == 1
    assert "UTF-8" in err
    assert Article.objects.count() == 0


def test_non_utf8_jsonl_line_fails_alone(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(jsonl(article(1)).encode() + b'{"title": "\xff"}\n' + jsonl(article(2)).encode())
    code, _, err = run(path)
    assert code == 1 and f"{path}:2:" in err
    assert Article.objects.count() == 2


def test_binary_file_is_refused(tmp_path):
    path = tmp_path / "image.jsonl"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    code, _, err = run(path)
    assert code == 1
    assert "binary" in err


def test_folder_is_read_recursively(tmp_path, seed_path):
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "sub" / "deeper" / "seed.txt").write_text(seed_path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "sub" / "b.jsonl").write_text(jsonl(article(1)), encoding="utf-8")
    (tmp_path / "notes.md").write_text("not an article", encoding="utf-8")
    code, out, err = run(tmp_path)
    assert Article.objects.count() == 2
    assert "notes.md" in err and code == 0


def test_zip_archive_is_read_and_unsafe_entries_skipped(tmp_path, seed_path):
    path = tmp_path / "batch.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a/seed.txt", seed_path.read_text(encoding="utf-8"))
        archive.writestr("b.jsonl", jsonl(article(1), article(2)))
        archive.writestr("../escape.jsonl", jsonl(article(3)))
        archive.writestr("/abs.jsonl", jsonl(article(4)))
    code, out, err = run(path)
    assert set(Article.objects.values_list("external_id", flat=True)) == {"0vq2f", "t-1", "t-2"}
    assert "unsafe path" in err
    assert not (tmp_path.parent / "escape.jsonl").exists()


def test_zip_bomb_is_refused_by_declared_size(tmp_path, settings):
    settings.ARCHIVE_ZIP_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.jsonl", b"\n" * (5 * 1024 * 1024))
    code, _, err = run(path)
    assert code == 1 and "allowed" in err


def test_overlong_jsonl_line_is_skipped_and_the_rest_kept(tmp_path, settings):
    settings.ARCHIVE_IMPORT_MAX_LINE_BYTES = 10_000
    path = tmp_path / "a.jsonl"
    path.write_text(jsonl(article(1), article(2, body="ن" * 20_000), article(3)), encoding="utf-8")
    code, _, err = run(path)
    assert code == 1 and f"{path}:2:" in err
    assert set(Article.objects.values_list("external_id", flat=True)) == {"t-1", "t-3"}


def test_dry_run_writes_nothing(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(jsonl(article(1)), encoding="utf-8")
    code, out, _ = run(path, dry_run=True)
    assert code == 0 and "1 created" in out
    assert Article.objects.count() == 0


def test_source_and_published_options_fill_missing_fields(seed_path):
    code, _, _ = run(seed_path, source="أرشيف الحركة", published="2019-11-26")
    seed = Article.objects.get(external_id="0vq2f")
    assert seed.source.name == "أرشيف الحركة"
    assert seed.published.date().isoformat() == "2019-11-26"
    assert seed.published_precision == "date"


def test_unsupported_named_file_fails(tmp_path):
    path = tmp_path / "a.docx"
    path.write_bytes(b"PK")
    code, _, err = run(path)
    assert code == 1 and "unsupported" in err


def test_report_lists_each_outcome(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(jsonl(article(1)) + "oops\n", encoding="utf-8")
    report = article_import(paths=[path], update_index=False)
    assert [(o.status, o.location) for o in report.outcomes] == [("created", f"{path}:1"), ("failed", f"{path}:2")]


def test_image_files_survive_caption_updates(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(jsonl(article(1, captions=["أ", "ب"])), encoding="utf-8")
    run(path)
    image = ArticleImage.objects.get(caption="أ")
    image.image.name = "images/2021/05/a.png"
    image.save()
    path.write_text(jsonl(article(1, captions=[])), encoding="utf-8")
    run(path)
    assert list(ArticleImage.objects.values_list("image", "caption")) == [("images/2021/05/a.png", "")]
