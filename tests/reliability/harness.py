"""Run the archive as real processes: data directories, manage.py, gunicorn and an HTTP client.

Shared by the reliability tests (``tests/reliability``) and the benchmarks
(``bench/concurrency.py``, ``bench/load.py``).  Everything here talks to the
archive from the outside, exactly as an operator or a browser would: commands
run in subprocesses with ``DJANGO_SETTINGS_MODULE=archive.settings`` and their
own ``ARCHIVE_DATA_DIR``; requests go over TCP to gunicorn on 127.0.0.1.

Only the standard library is used (no ``requests``), so that the benchmarks run
with the project's runtime dependencies alone.
"""

import html
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PYTHON = sys.executable
GUNICORN = str(BIN / "gunicorn") if (BIN / "gunicorn").exists() else shutil.which("gunicorn") or "gunicorn"

ADMIN_USER = "archivist"
ADMIN_PASSWORD = "correct-horse-battery-staple-42"


# --- processes ---------------------------------------------------------------------


def archive_env(data_dir, **extra):
    """Return an environment that runs the production settings module on ``data_dir``.

    Variables of the calling process that configure the archive (``ARCHIVE_*``,
    ``DJANGO_*``, ``DATABASE_URL``) are dropped, so a test's own settings never leak
    into the child.
    """
    # DATABASE_URL goes too: each child gets the embedded SQLite database of its own
    # data directory, never the database the calling test suite runs on.
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ARCHIVE_", "DJANGO_")) and key != "DATABASE_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="archive.settings",
        ARCHIVE_DATA_DIR=str(data_dir),
        PYTHONUNBUFFERED="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update({key: str(value) for key, value in extra.items() if value is not None})
    return env


def manage(data_dir, *args, env=None, timeout=600, check=True):
    """Run ``python manage.py ARGS`` on ``data_dir``; return the CompletedProcess."""
    result = subprocess.run(
        [PYTHON, "manage.py", *map(str, args)],
        cwd=REPO,
        env=archive_env(data_dir, **(env or {})),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"manage.py {' '.join(map(str, args))} exited {result.returncode}\n"
            f"stdout:\n{result.stdout[-4000:]}\nstderr:\n{result.stderr[-4000:]}"
        )
    return result


SCRIPT_PREAMBLE = """
import json, sys
import django
django.setup()
from django.core.management import call_command
def emit(value):
    sys.stdout.write("\\n@@RESULT@@" + json.dumps(value, ensure_ascii=False, default=str) + "\\n")
"""


def script_command(code):
    return [PYTHON, "-c", SCRIPT_PREAMBLE + textwrap.dedent(code)]


def django_script(data_dir, code, *, env=None, timeout=600):
    """Run Python ``code`` in a fresh Django process on ``data_dir``; return what it emit()s."""
    result = subprocess.run(
        script_command(code),
        cwd=REPO,
        env=archive_env(data_dir, **(env or {})),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise AssertionError(f"script exited {result.returncode}\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}")
    marker = result.stdout.rfind("@@RESULT@@")
    if marker < 0:
        return None
    return json.loads(result.stdout[marker + len("@@RESULT@@") :].splitlines()[0])


def prepare_data_dir(data_dir, *, fixtures=("seed", "demo"), superuser=True, index=True):
    """Create a working archive in ``data_dir``: migrate, fixtures, search index, a superuser.

    One process does all of it (each manage.py start costs seconds on a busy machine);
    the steps are the same commands the README gives.
    """
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    django_script(
        data_dir,
        f"""
        call_command("migrate", interactive=False, verbosity=0)
        fixtures = {list(fixtures)!r}
        if fixtures:
            call_command("loaddata", *fixtures, verbosity=0)
        if {index!r}:
            call_command("rebuild_index", interactive=False, verbosity=0)
        if {superuser!r}:
            from django.contrib.auth import get_user_model
            get_user_model().objects.create_superuser({ADMIN_USER!r}, "archivist@example.org", {ADMIN_PASSWORD!r})
        emit("ok")
        """,
    )
    return Path(data_dir)


def copy_data_dir(source, target):
    """Copy a prepared data directory (the database, index, media and secret key)."""
    shutil.copytree(source, target, dirs_exist_ok=True)
    return Path(target)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def process_rss_kb(pid):
    """Resident memory of a process in kB (from /proc), or 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def child_pids(pid):
    """The direct children of ``pid`` (gunicorn's workers), read from /proc."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces; the ppid follows it.
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            children.append(int(entry.name))
    return children


class Gunicorn:
    """gunicorn serving the archive from ``data_dir`` on a free port of 127.0.0.1."""

    def __init__(self, data_dir, *, workers=3, timeout=120, env=None, log_dir=None, threads=1):
        self.data_dir = Path(data_dir)
        self.workers = workers
        self.timeout = timeout
        self.threads = threads
        self.env = env or {}
        self.port = free_port()
        self.log_dir = Path(log_dir or self.data_dir)
        self.log_path = self.log_dir / f"gunicorn-{self.port}.log"
        self.access_path = self.log_dir / f"gunicorn-{self.port}-access.log"
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def command(self):
        return [
            GUNICORN,
            "archive.wsgi",
            "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(self.workers),
            "--threads", str(self.threads),
            "--timeout", str(self.timeout),
            "--graceful-timeout", "20",
            "--access-logfile", str(self.access_path),
            "--access-logformat", '%(m)s %(U)s %(s)s %(L)s',
        ]

    def start(self, wait=True, ready_timeout=120):
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            self.command(),
            cwd=REPO,
            env=archive_env(self.data_dir, **self.env),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if wait:
            self.wait_ready(ready_timeout)
        return self

    def wait_ready(self, timeout=120):
        """Wait until every worker has booted and the admin login page answers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited {self.process.returncode}:\n{self.log()[-5000:]}")
            booted = self.log().count("Booting worker")
            if booted >= self.workers:
                try:
                    response = Browser(self.url, timeout=30).get("/admin/login/")
                    if response.status == 200:
                        return
                except OSError:
                    pass
            time.sleep(0.3)
        raise AssertionError(f"gunicorn did not become ready in {timeout} s:\n{self.log()[-5000:]}")

    def worker_pids(self):
        return child_pids(self.process.pid) if self.process else []

    def stop(self):
        """Stop gracefully (SIGTERM to the master we started); kill our own group if it hangs."""
        if self.process is None:
            return
        try:
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGTERM)
                try:
                    self.process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(self.process.pid, signal.SIGKILL)  # our own session: gunicorn and its workers
                    self.process.wait(timeout=10)
        finally:
            self._log.close()

    def log(self):
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def access_log(self):
        try:
            return self.access_path.read_text(errors="replace")
        except OSError:
            return ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# --- HTTP ----------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes
    elapsed: float
    method: str = "GET"
    path: str = ""

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def header(self, name, default=None):
        return self.headers.get(name.lower(), default)


class Browser:
    """A minimal browser: cookies, CSRF tokens, forms, multipart uploads; no redirects followed."""

    def __init__(self, base_url, *, timeout=120):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.timeout = timeout
        self.cookies = {}

    def request(self, method, path, *, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.setdefault("Host", f"{self.host}:{self.port}")
        headers.setdefault("Connection", "close")
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        started = time.monotonic()
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            data = raw.read()
            elapsed = time.monotonic() - started
            header_map = {}
            for name, value in raw.getheaders():
                if name.lower() == "set-cookie":
                    self._remember_cookie(value)
                header_map[name.lower()] = value
            return Response(raw.status, header_map, data, elapsed, method, path)
        finally:
            connection.close()

    def _remember_cookie(self, header):
        pair = header.split(";", 1)[0]
        name, _sep, value = pair.partition("=")
        attributes = header.lower()
        if value in ("", '""') or "max-age=0" in attributes or "expires=thu, 01 jan 1970" in attributes:
            self.cookies.pop(name.strip(), None)
        else:
            self.cookies[name.strip()] = value.strip()

    def get(self, path, params=None, **kwargs):
        if params:
            path = f"{path}{'&' if '?' in path else '?'}{urlencode(params, doseq=True)}"
        return self.request("GET", path, **kwargs)

    def post(self, path, fields, *, files=(), headers=None):
        """POST ``fields`` ([(name, value)]) and ``files`` ([(name, filename, bytes, type)]) as multipart."""
        boundary = "----archive" + uuid.uuid4().hex
        body = encode_multipart(boundary, fields, files)
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", **(headers or {})}
        return self.request("POST", path, body=body, headers=headers)

    def post_urlencoded(self, path, fields, headers=None):
        headers = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        return self.request("POST", path, body=urlencode(fields).encode(), headers=headers)

    def form(self, path, form_id=None):
        """GET a page and return (response, [(name, value)]) of its form, as a browser would submit it."""
        response = self.get(path)
        if response.status != 200:
            return response, []
        return response, parse_form(response.text, form_id=form_id)

    def login(self, username=ADMIN_USER, password=ADMIN_PASSWORD):
        """Sign in through the admin login form; return the POST's response (302 on success)."""
        response, fields = self.form("/admin/login/?next=/admin/")
        assert response.status == 200, response.status
        values = dict(fields)
        values.update(username=username, password=password)
        return self.post_urlencoded("/admin/login/?next=/admin/", list(values.items()))


def encode_multipart(boundary, fields, files=()):
    lines = []
    for name, value in fields:
        lines.append(f"--{boundary}\r\n".encode())
        lines.append(f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        lines.append(str(value).encode("utf-8") + b"\r\n")
    for name, filename, data, content_type in files:
        lines.append(f"--{boundary}\r\n".encode())
        lines.append(f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'.encode())
        lines.append(f"Content-Type: {content_type}\r\n\r\n".encode())
        lines.append(data + b"\r\n")
    lines.append(f"--{boundary}--\r\n".encode())
    return b"".join(lines)


class _FormParser(HTMLParser):
    """Collect what a browser would submit from one form: inputs, textareas and selects."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.depth = 0  # >0 while inside the wanted form
        self.fields = []
        self._textarea = None
        self._select = None
        self._option = None
        self.found = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if self.depth:
                self.depth += 1
            elif not self.found and (self.form_id is None or attrs.get("id") == self.form_id):
                self.depth, self.found = 1, True
            return
        if not self.depth:
            return
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value") or ("on" if kind in ("checkbox", "radio") else "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in attrs, "options": [], "selected": []}
        elif tag == "option" and self._select is not None:
            self._option = [attrs.get("value"), "", "selected" in attrs]

    def handle_endtag(self, tag):
        if tag == "form" and self.depth:
            self.depth -= 1
        elif tag == "textarea" and self._textarea:
            value = self._textarea[1]
            # Browsers drop the newline that directly follows <textarea>.
            if value.startswith("\r\n"):
                value = value[2:]
            elif value.startswith("\n"):
                value = value[1:]
            self.fields.append((self._textarea[0], value))
            self._textarea = None
        elif tag == "option" and self._option is not None:
            self._finish_option()
        elif tag == "select" and self._select is not None:
            if self._option is not None:
                self._finish_option()
            select = self._select
            chosen = select["selected"] or ([] if select["multiple"] or not select["options"] else select["options"][:1])
            self.fields.extend((select["name"], value) for value in chosen)
            self._select = None

    def _finish_option(self):
        value, text, selected = self._option
        value = text.strip() if value is None else value
        self._select["options"].append(value)
        if selected:
            self._select["selected"].append(value)
        self._option = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
        elif self._option is not None:
            self._option[1] += data


def parse_form(page, form_id=None):
    parser = _FormParser(form_id)
    parser.feed(page)
    parser.close()
    return parser.fields


# --- generated articles ---------------------------------------------------------------

# Our own words, combined into sentences; no third-party text.
WORDS = (
    "المدينة السوق المكتبة الطريق المدرسة الحديقة الجسر النهر القرية الميناء المصنع الملعب "
    "المستشفى الجامعة المتحف المسرح البلدية المحطة الساحة الحي المزرعة البحر الجبل الوادي"
).split()
VERBS = "افتتح زار أعلن ناقش استقبل أنهى بدأ نظم قدم درس راجع وصف".split()
PEOPLE = "المجلس الوزير الرئيس الفريق اللجنة المهندس الطبيب المعلم الباحث الصحفي".split()
EXTRAS = "يوم الاثنين صباح الأحد بعد الظهر في المساء خلال الأسبوع مع السكان أمام الجمهور".split()


def sentence(rng):
    return (
        f"{rng.choice(VERBS)} {rng.choice(PEOPLE)} {rng.choice(WORDS)} "
        f"{rng.choice(EXTRAS)} {rng.choice(EXTRAS)} قرب {rng.choice(WORDS)}."
    )


def marker(*parts):
    """A word that only one article holds: lower-case Latin letters and digits (indexed as is)."""
    return "mk" + "x".join(str(p) for p in parts)


def generated_article(number, *, prefix="gen", seed=0, paragraphs=3, captions=2, stamp=""):
    """Return one generated article record (a dict in the importer's JSON Lines format)."""
    rng = random.Random(f"{seed}-{number}")
    body = "\n\n".join(" ".join(sentence(rng) for _ in range(3)) for _ in range(paragraphs))
    return {
        "external_id": f"{prefix}-{number:05d}",
        "title": f"{sentence(rng)[:-1]} {marker(prefix, number)}{stamp}",
        "body": body + f"\n\nفقرة ختامية {marker(prefix, number, 'end')}.",
        "published": f"20{10 + number % 10:02d}-{1 + number % 12:02d}-{1 + number % 28:02d}",
        "source": f"نشرة التجربة {number % 4}",
        "author": f"كاتب {number % 7}",
        "captions": [f"صورة {i} {marker(prefix, number, 'cap', i)}" for i in range(captions)],
    }


def write_jsonl(path, records):
    with open(path, "w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return Path(path)


def unescaped(text):
    return html.unescape(text)


@dataclass
class Timer:
    started: float = field(default_factory=time.monotonic)

    @property
    def elapsed(self):
        return time.monotonic() - self.started


def percentile(values, fraction):
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


# --- scripts run inside the archive ------------------------------------------------------

BULK_INSERT = """
# Insert the records of a JSON Lines file quickly (bulk, without touching the index):
# the same validation and content hash as the importer, none of its per-article cost.
import json
from archive.importing import record_from_mapping
from archive.models import Article, ArticleImage
from archive.search.indexing import index_suspended
from archive.services import record_content_hash, source_get_or_create
with index_suspended():
    records = [record_from_mapping(json.loads(line)) for line in open({path!r}, encoding="utf-8")]
    sources = {{name: source_get_or_create(name=name) for name in {{r.source for r in records if r.source}}}}
    articles = Article.objects.bulk_create(
        [
            Article(
                external_id=r.external_id, title=r.title, body=r.body, source=sources.get(r.source),
                published=r.published, published_precision=r.published_precision, author=r.author,
                url=r.url, language=r.language, content_hash=record_content_hash(r),
            )
            for r in records
        ],
        batch_size=500,
    )
    ArticleImage.objects.bulk_create(
        [
            ArticleImage(article=a, caption=c, order=i)
            for a, r in zip(articles, records)
            for i, c in enumerate(r.captions)
        ],
        batch_size=2000,
    )
emit(len(articles))
"""

# Check every article imported from a JSON Lines file against its record: nothing half-written.
INTEGRITY_CHECK = """
import json
from collections import Counter
from archive.importing import record_from_mapping
from archive.models import Article
from archive.services import record_content_hash
expected = {{}}
for line in open({path!r}, encoding="utf-8"):
    record = record_from_mapping(json.loads(line))
    expected[record.external_id] = record
bad = []
articles = Article.objects.filter(external_id__in=list(expected)).select_related("source").prefetch_related("images")
for article in articles:
    record = expected[article.external_id]
    captions = article.captions()
    if article.content_hash != article.compute_content_hash(captions):
        bad.append((article.external_id, "stored hash differs from content"))
    elif article.content_hash != record_content_hash(record):
        bad.append((article.external_id, "content differs from the record"))
    elif article.body != record.body or tuple(captions) != record.captions:
        bad.append((article.external_id, "body or captions differ"))
ids = list(Article.objects.values_list("external_id", flat=True))
emit({{"imported": len(articles), "total": len(ids), "duplicates": [k for k, n in Counter(ids).items() if n > 1],
      "bad": bad[:20]}})
"""
