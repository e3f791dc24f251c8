"""Hostile and broken uploads through the admin: each is reported, good records beside it are kept.

Every upload here is a staff member's POST to the admin upload page (or, for the
image inline, to the article change form), holding one bad file and one good file.
The page must answer 200 with a report naming the bad file and saying why, the
good record must be saved, and nothing may be written outside the upload's own
temporary directory.  The 1 GB upload is sent to a real gunicorn over a socket:
it must be refused by its declared size, quickly, without the server reading it.
"""

import io
import json
import socket
import tempfile
import threading
import time
import uuid
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from archive.models import Article
from tests.reliability.harness import Browser, process_rss_kb

pytestmark = pytest.mark.django_db

UPLOAD_URL = "/admin/archive/article/upload/"


def good_file(tag):
    record = {"external_id": f"good-{tag}", "title": f"خبر سليم {tag}", "body": "نص سليم يرافق ملفا معطوبا."}
    return SimpleUploadedFile("good.jsonl", (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))


def upload(client, *files, **fields):
    response = client.post(UPLOAD_URL, {"files": list(files), **fields})
    assert response.status_code == 200, response.status_code
    return response


def report_rows(response):
    """[(location, status, reason or title)] from the upload report's context."""
    report = response.context["report"]
    return [(o.location, o.status, o.reason or o.title) for o in report.outcomes]


def assert_reported_and_good_kept(response, name, *, tag, reason=None):
    rows = report_rows(response)
    bad = [row for row in rows if row[0].startswith(name) and row[1] in ("failed", "skipped")]
    assert bad, rows
    if reason:
        assert any(reason in row[2] for row in bad), bad
    page = response.content.decode()
    assert name in page
    assert Article.objects.filter(external_id=f"good-{tag}").exists(), rows
    return bad


def zip_bytes(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


@pytest.fixture
def english(settings):
    settings.LANGUAGE_CODE = "en"  # reasons compared in English below; the page is Arabic otherwise


CASES = {
    # name: (bytes, a phrase of the reason)
    "windows-1256.txt": ("عنوان\n\nنص المقال".encode("cp1256"), "not UTF-8"),
    "latin1.jsonl": ('{"title": "caf\u00e9", "body": "x"}\n'.encode("latin-1"), "not valid UTF-8"),
    "image.csv": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "binary"),
    "random.jsonl.gz": (bytes(range(256)) * 40, "gzip"),
    "not-a-zip.zip": (b"PK\x03\x04 this is not really a zip archive", "not a readable zip"),
    "no-columns.csv": ("external_id,headline,text\nx-1,عنوان,نص\n".encode("utf-8"), "lacks the required columns"),
    "nul-bytes.jsonl": (b'{"title": "a\x00b", "body": "\x00"}\n' + b"\x00" * 100, "binary"),
    "not-json.jsonl": (b"{this is not json}\n[1, 2]\n\"text\"\n", "not valid JSON"),
}


def test_broken_and_binary_files_are_reported_and_good_records_kept(staff_client, english, subtests):
    for number, (name, (data, reason)) in enumerate(CASES.items()):
        with subtests.test(file=name):
            response = upload(staff_client, SimpleUploadedFile(name, data), good_file(number))
            assert_reported_and_good_kept(response, name, tag=number, reason=reason)


def test_an_empty_file_is_reported_and_the_other_files_still_imported(staff_client, english):
    """An empty file among several is one bad file: it must not turn the whole upload away."""
    response = upload(staff_client, SimpleUploadedFile("empty.txt", b""), good_file("empty"))
    assert not response.context["form"].errors, response.context["form"].errors
    assert_reported_and_good_kept(response, "empty.txt", tag="empty", reason="empty")


def test_csv_rows_missing_cells_are_reported_and_complete_rows_kept(staff_client, english):
    data = (
        "external_id,title,body,source\n"
        "csv-1,عنوان أول,نص أول,مصدر\n"
        "csv-2,عنوان ناقص\n"
        "csv-3,,نص بلا عنوان,مصدر\n"
        "csv-4,عنوان رابع,نص رابع,مصدر\n"
    ).encode("utf-8")
    response = upload(staff_client, SimpleUploadedFile("rows.csv", data), good_file("csv"))
    rows = report_rows(response)
    assert {row[0] for row in rows if row[1] == "failed"} == {"rows.csv:3", "rows.csv:4"}, rows
    assert set(Article.objects.values_list("external_id", flat=True)) == {"csv-1", "csv-4", "good-csv"}


def test_a_50_megabyte_jsonl_line_is_skipped_and_the_lines_around_it_kept(staff_client, english, settings):
    assert settings.ARCHIVE_IMPORT_MAX_LINE_BYTES < 50 * 1024 * 1024
    first = json.dumps({"external_id": "line-1", "title": "قبل", "body": "نص"}, ensure_ascii=False)
    last = json.dumps({"external_id": "line-3", "title": "بعد", "body": "نص"}, ensure_ascii=False)
    huge = '{"external_id": "line-2", "title": "ضخم", "body": "' + "ن" * (25 * 1024 * 1024) + '"}'  # 50 MB of UTF-8
    data = (first + "\n" + huge + "\n" + last + "\n").encode("utf-8")
    assert len(data) > 50 * 1024 * 1024
    response = upload(staff_client, SimpleUploadedFile("huge-line.jsonl", data))
    rows = report_rows(response)
    assert [row[:2] for row in rows] == [
        ("huge-line.jsonl:1", "created"), ("huge-line.jsonl:2", "failed"), ("huge-line.jsonl:3", "created")
    ], rows
    assert "longer than" in rows[1][2]
    assert set(Article.objects.values_list("external_id", flat=True)) == {"line-1", "line-3"}


def test_zip_bomb_by_size_is_refused_and_good_files_kept(staff_client, english, settings):
    settings.ARCHIVE_ZIP_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    bomb = zip_bytes([("bomb.jsonl", b"\n" * (20 * 1024 * 1024))])  # 20 MB of newlines in ~20 kB
    assert len(bomb) < 100_000
    response = upload(staff_client, SimpleUploadedFile("bomb.zip", bomb), good_file("bomb"))
    assert_reported_and_good_kept(response, "bomb.zip", tag="bomb", reason="unpacks to")


def test_zip_that_lies_about_its_size_stops_at_the_budget(staff_client, english, settings):
    """Declared sizes are small; the data is not: the reading budget stops it all the same."""
    settings.ARCHIVE_ZIP_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    real = zip_bytes([("liar.jsonl", b" " * (8 * 1024 * 1024) + b"\n")])
    archive = zipfile.ZipFile(io.BytesIO(real))
    info = archive.infolist()[0]
    declared = (8 * 1024 * 1024 + 1).to_bytes(4, "little")
    small = (100).to_bytes(4, "little")
    forged = real.replace(declared, small)  # local header and central directory both
    assert forged != real and zipfile.ZipFile(io.BytesIO(forged)).infolist()[0].file_size == 100
    assert info.file_size == 8 * 1024 * 1024 + 1
    response = upload(staff_client, SimpleUploadedFile("liar.zip", forged), good_file("liar"))
    assert_reported_and_good_kept(response, "liar.zip", tag="liar")


def test_zip_with_too_many_files_is_refused(staff_client, english, settings):
    settings.ARCHIVE_ZIP_MAX_FILES = 10
    many = zip_bytes([(f"f{n}.txt", "عنوان\n\nنص".encode()) for n in range(50)])
    response = upload(staff_client, SimpleUploadedFile("many.zip", many), good_file("many"))
    assert_reported_and_good_kept(response, "many.zip", tag="many", reason="50 files")
    assert Article.objects.count() == 1


def test_zip_entries_with_parent_or_absolute_paths_are_never_written(staff_client, english, seed_path, tmp_path):
    token = uuid.uuid4().hex
    names = [f"../../evil-{token}.txt", f"/tmp/abs-evil-{token}.txt", f"..\\..\\win-evil-{token}.txt",
             f"inner/../../../up-evil-{token}.txt", f"C:/drive-evil-{token}.txt"]
    payload = "عنوان خبيث\n\nنص خبيث لا يجوز أن يكتب خارج مكانه".encode()
    archive = zip_bytes([*((name, payload) for name in names), ("ok/article.txt", seed_path.read_bytes())])
    response = upload(staff_client, SimpleUploadedFile("slip.zip", archive), good_file("slip"))
    rows = report_rows(response)
    unsafe = [row for row in rows if "evil" in row[0]]
    assert len(unsafe) == len(names) and all(row[1] in ("failed", "skipped") for row in unsafe), rows
    assert Article.objects.filter(external_id="0vq2f").exists()  # the safe entry is imported
    assert not Article.objects.filter(title="عنوان خبيث").exists()
    # Nothing with the token's name exists anywhere the upload could have reached.
    roots = {Path(tempfile.gettempdir()), Path.cwd(), Path("/tmp"), tmp_path}
    for root in roots:
        for depth in ("*", "*/*", "*/*/*"):
            assert not [p for p in root.glob(depth) if token in p.name], (root, depth)
    for name in names:
        assert not Path(name).exists()


def test_uploaded_file_names_with_paths_are_reported_by_name_only(staff_client, english):
    bad = SimpleUploadedFile("../../../../etc/passwd.jsonl", b'{"title": "t", "body": "b", "external_id": "pw-1"}\n')
    response = upload(staff_client, bad)
    assert Article.objects.filter(external_id="pw-1").exists()
    assert "passwd.jsonl" in response.content.decode()


def test_a_text_file_named_png_is_a_form_error_in_the_image_inline(staff_client, seed_article, english):
    url = f"/admin/archive/article/{seed_article.pk}/change/"
    form = staff_client.get(url).context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update(title="عنوان مع صورة مزيفة", body=seed_article.body, language="ar")
    images = list(seed_article.images.all())
    data.update({
        "images-TOTAL_FORMS": str(len(images) + 2),
        "images-INITIAL_FORMS": str(len(images)),
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
    })
    for i, image in enumerate(images):
        data.update({f"images-{i}-id": image.pk, f"images-{i}-article": seed_article.pk,
                     f"images-{i}-order": image.order, f"images-{i}-caption": image.caption})
    fakes = [
        SimpleUploadedFile("photo.png", b"this is text, not a PNG image\n" * 10, content_type="image/png"),
        SimpleUploadedFile("vector.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                           content_type="image/svg+xml"),
    ]
    for offset, fake in enumerate(fakes):
        n = len(images) + offset
        data.update({f"images-{n}-id": "", f"images-{n}-article": seed_article.pk, f"images-{n}-order": 50 + n,
                     f"images-{n}-caption": "صورة مزيفة", f"images-{n}-image": fake})
    response = staff_client.post(url, data)
    assert response.status_code == 200  # the form again, with its errors; not a 500, not saved
    forms = response.context["inline_admin_formsets"][0].formset.forms
    assert [sorted(form.errors) for form in forms[-2:]] == [["image"], ["image"]], [f.errors for f in forms]
    seed_article.refresh_from_db()
    assert seed_article.title != "عنوان مع صورة مزيفة"
    assert seed_article.images.count() == len(images)


# --- a 1 GB upload against gunicorn ---------------------------------------------------------


def send_oversized_upload(url, browser, *, declared, send_bytes, chunked=False):
    """POST a multipart upload declaring ``declared`` bytes but sending only ``send_bytes``.

    Returns (status line, seconds until the answer, bytes actually sent).
    """
    _response, fields = browser.form(UPLOAD_URL)
    token = dict(fields)["csrfmiddlewaretoken"]
    host, port = url.split("//")[1].split(":")
    boundary = "----hostile" + uuid.uuid4().hex
    head = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrfmiddlewaretoken\"\r\n\r\n{token}\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"huge.jsonl\"\r\n"
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    cookies = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
    length_header = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {declared}"
    request = (
        f"POST {UPLOAD_URL} HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {cookies}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n{length_header}\r\n\r\n"
    ).encode()
    sock = socket.create_connection((host, int(port)), timeout=60)
    sent = 0
    answer = bytearray()
    done = threading.Event()

    def pump():
        nonlocal sent
        block = b'{"title": "' + b"x" * (64 * 1024) + b'"}\n'
        try:
            sock.sendall(request)
            first = head + block
            sock.sendall(b"%x\r\n%s\r\n" % (len(first), first) if chunked else first)
            sent = len(first)
            while sent < send_bytes and not done.is_set():
                sock.sendall(b"%x\r\n%s\r\n" % (len(block), block) if chunked else block)
                sent += len(block)
        except OSError:
            pass  # the server closed the connection after answering: expected

    started = time.monotonic()
    sender = threading.Thread(target=pump)
    sender.start()
    try:
        while b"\r\n" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
        elapsed = time.monotonic() - started
    finally:
        done.set()
        sender.join(timeout=60)
        sock.close()
    return bytes(answer).split(b"\r\n", 1)[0].decode(errors="replace"), elapsed, sent


def test_a_1gb_upload_is_refused_by_its_size_before_it_is_read(live_data_dir, start_gunicorn):
    server = start_gunicorn(live_data_dir, workers=2)
    browser = Browser(server.url)
    assert browser.login().status == 302
    before = {pid: process_rss_kb(pid) for pid in server.worker_pids()}
    assert len(before) == 2

    status, elapsed, sent = send_oversized_upload(
        server.url, browser, declared=1024**3, send_bytes=8 * 1024 * 1024
    )
    assert " 413 " in status + " ", status
    assert elapsed < 30, elapsed
    assert sent < 64 * 1024 * 1024  # refused long before the client could have sent 1 GB

    # Chunked bodies carry no length; Django reads none of such a body (CSRF fails: 403).
    status, elapsed, sent = send_oversized_upload(
        server.url, browser, declared=None, send_bytes=8 * 1024 * 1024, chunked=True
    )
    assert status.split()[1] in ("400", "403", "411", "413"), status
    assert elapsed < 30, elapsed

    # The workers are still there and none grew anywhere near the upload's size.
    after = {pid: process_rss_kb(pid) for pid in server.worker_pids()}
    for pid, kb in before.items():
        assert after.get(pid, 0) - kb < 100 * 1024, (before, after)
    assert Browser(server.url).get("/admin/login/").status == 200
    server.stop()
    assert "Traceback" not in server.log(), server.log()[-3000:]
