"""Concurrent archivists and readers against a live archive, and the checks that follow.

Archivists sign in to the admin and create, edit and delete articles by POSTing the
real admin forms (CSRF token, inline formset management fields and all); readers
search the results page and the API at the same time.  Afterwards
:func:`verify_findable` checks that every surviving article is found by the word
only it holds, and that no replaced or deleted word still finds anything.

Used by ``test_concurrent_writers.py`` (bounded, in the normal suite) and by
``bench/concurrency.py`` (longer, with numbers for docs/reliability.md).
"""

import random
import re
import threading
import time
from dataclasses import dataclass, field

from tests.reliability.harness import Browser, marker, percentile, sentence

ADMIN = "/admin/archive/article/"
READER_WORDS = ["المكتبة", "الأرشيف", "فلسطين", "المهرجان", "الجامعة", "حريق", "القاهرة", '"الأرشيف العائلي"', "غزة OR دمشق"]


@dataclass
class Record:
    kind: str
    status: int
    elapsed: float
    path: str


@dataclass
class Article:
    external_id: str
    pk: int
    marker: str  # the word in its current title
    caption_marker: str
    retired: list = field(default_factory=list)  # words it no longer holds


@dataclass
class Outcome:
    records: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    articles: dict = field(default_factory=dict)  # external_id -> Article (alive)
    deleted: dict = field(default_factory=dict)  # external_id -> [words]
    shared_edits: int = 0
    shared_words: list = field(default_factory=list)  # every word a shared article was given
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind, response, expected):
        with self.lock:
            self.records.append(Record(kind, response.status, response.elapsed, response.path))
            if response.status not in expected:
                self.problems.append(
                    f"{kind} {response.method} {response.path} -> {response.status}: {response.text[:300]!r}"
                )
        return response.status in expected

    def latency(self, kind):
        values = [r.elapsed for r in self.records if r.kind == kind]
        return {
            "count": len(values),
            "p50": percentile(values, 0.5),
            "p95": percentile(values, 0.95),
            "max": max(values, default=0.0),
        }

    @property
    def statuses(self):
        counts = {}
        for r in self.records:
            counts[r.status] = counts.get(r.status, 0) + 1
        return counts


def _set(fields, name, value):
    """Replace every value of ``name`` in a form's fields (adding it when absent)."""
    replaced = False
    out = []
    for key, old in fields:
        if key == name:
            if not replaced:
                out.append((key, value))
                replaced = True
        else:
            out.append((key, old))
    if not replaced:
        out.append((name, value))
    return out


def _value(fields, name):
    return next((value for key, value in fields if key == name), None)


class Archivist:
    """One signed-in staff member working through the admin."""

    def __init__(self, base_url, number, outcome, *, run, username, password, shared_pks=()):
        self.browser = Browser(base_url)
        self.number = number
        self.outcome = outcome
        self.run = run
        self.username, self.password = username, password
        self.shared_pks = list(shared_pks)
        self.rng = random.Random(f"{run}-{number}")
        self.mine = []
        self.counter = 0
        self.created = 0

    def word(self, *parts):
        self.counter += 1
        return marker(self.run, "w", self.number, "n", self.counter, *parts)

    def login(self):
        response = self.browser.login(self.username, self.password)
        ok = self.outcome.record("login", response, {302})
        if not ok:
            raise RuntimeError(f"archivist {self.number} could not sign in")

    def create(self):
        self.created += 1
        number = self.created
        external_id = f"cw-{self.run}-{self.number}-{number}"
        response, fields = self.browser.form(f"{ADMIN}add/", form_id="article_form")
        if not self.outcome.record("admin-get", response, {200}):
            return
        title_word, caption_word = self.word(), self.word("cap")
        fields = [(k, v) for k, v in fields if "__prefix__" not in k]
        fields = _set(fields, "title", f"{sentence(self.rng)[:-1]} {title_word}")
        fields = _set(fields, "body", f"{sentence(self.rng)}\n\n{sentence(self.rng)}")
        fields = _set(fields, "external_id", external_id)
        fields = _set(fields, "author", f"أمين الأرشيف {self.number}")
        fields = _set(fields, "published_0", "2024-03-%02d" % (1 + number % 28))
        fields = _set(fields, "published_1", "10:30:00")
        fields = _set(fields, "published_precision", "datetime")
        fields = _set(fields, "images-TOTAL_FORMS", "2")
        for i, caption in enumerate(["صورة من الأرشيف", f"لقطة {caption_word}"]):
            fields += [
                (f"images-{i}-id", ""),
                (f"images-{i}-article", ""),
                (f"images-{i}-order", str(i)),
                (f"images-{i}-caption", caption),
            ]
        fields.append(("_continue", "1"))
        response = self.browser.post(f"{ADMIN}add/", fields, files=[("images-0-image", "", b"", "application/octet-stream")])
        if not self.outcome.record("admin-create", response, {302}):
            return
        found = re.search(r"/admin/archive/article/(\d+)/change/", response.header("location") or "")
        if not found:
            self.outcome.problems.append(f"create {external_id}: no change page in {response.header('location')!r}")
            return
        article = Article(external_id, int(found.group(1)), title_word, caption_word)
        self.mine.append(article)
        with self.outcome.lock:
            self.outcome.articles[external_id] = article

    def edit(self, article):
        url = f"{ADMIN}{article.pk}/change/"
        response, fields = self.browser.form(url, form_id="article_form")
        if not self.outcome.record("admin-get", response, {200}):
            return
        title_word, caption_word = self.word(), self.word("cap")
        fields = [(k, v) for k, v in fields if "__prefix__" not in k]
        fields = _set(fields, "title", f"{sentence(self.rng)[:-1]} {title_word}")
        # Change the second caption and add a third one through the inline formset.
        fields = _set(fields, "images-1-caption", f"لقطة {caption_word}")
        total = int(_value(fields, "images-TOTAL_FORMS"))
        fields = _set(fields, "images-TOTAL_FORMS", str(total + 1))
        fields += [
            (f"images-{total}-id", ""),
            (f"images-{total}-article", str(article.pk)),
            (f"images-{total}-order", str(total + 10)),
            (f"images-{total}-caption", f"إضافة {self.word('extra')}"),
        ]
        fields.append(("_save", "1"))
        response = self.browser.post(url, fields)
        if self.outcome.record("admin-edit", response, {302}):
            with self.outcome.lock:
                article.retired += [article.marker, article.caption_marker]
                article.marker, article.caption_marker = title_word, caption_word

    def edit_shared(self):
        """Edit one of the fixture articles that every archivist edits (same rows, same index documents)."""
        pk = self.rng.choice(self.shared_pks)
        url = f"{ADMIN}{pk}/change/"
        response, fields = self.browser.form(url, form_id="article_form")
        if not self.outcome.record("admin-get", response, {200}):
            return
        fields = [(k, v) for k, v in fields if "__prefix__" not in k]
        title = re.sub(r"\s*mk\w+$", "", _value(fields, "title"))
        word = self.word("shared")
        fields = _set(fields, "title", f"{title} {word}")
        fields.append(("_save", "1"))
        response = self.browser.post(url, fields)
        with self.outcome.lock:
            # Recorded even when the save failed: the word must then find nothing.
            self.outcome.shared_words.append(word)
        if self.outcome.record("admin-edit-shared", response, {302}):
            with self.outcome.lock:
                self.outcome.shared_edits += 1

    def delete(self, article):
        url = f"{ADMIN}{article.pk}/delete/"
        response, fields = self.browser.form(url)
        if not self.outcome.record("admin-get", response, {200}):
            return
        fields = [(k, v) for k, v in fields if k in ("csrfmiddlewaretoken", "post")]
        response = self.browser.post(url, fields)
        if self.outcome.record("admin-delete", response, {302}):
            self.mine.remove(article)
            with self.outcome.lock:
                self.outcome.articles.pop(article.external_id, None)
                self.outcome.deleted[article.external_id] = [article.marker, article.caption_marker, *article.retired]

    def work(self, rounds=None, until=None):
        """Create, edit, edit a shared article and now and then delete, round after round."""
        self.login()
        done = 0
        while (rounds is None or done < rounds) and (until is None or time.monotonic() < until):
            self.create()
            if self.mine:
                self.edit(self.mine[-1])
            if self.shared_pks:
                self.edit_shared()
            if done % 3 == 2 and len(self.mine) > 1:
                self.delete(self.mine[0])
            done += 1


class Reader:
    """An anonymous researcher searching the results page and the API."""

    def __init__(self, base_url, number, outcome, stop):
        self.browser = Browser(base_url)
        self.rng = random.Random(f"reader-{number}")
        self.outcome = outcome
        self.stop = stop

    def work(self):
        while not self.stop.is_set():
            with self.outcome.lock:
                recent = [a.marker for a in list(self.outcome.articles.values())[-5:]]
            q = self.rng.choice(READER_WORDS + recent)
            if self.rng.random() < 0.5:
                response = self.browser.get("/search/", {"q": q})
                self.outcome.record("search-page", response, {200})
            else:
                response = self.browser.get("/api/search/", {"q": q})
                self.outcome.record("search-api", response, {200})


def run_workload(base_url, *, run, username, password, archivists=3, readers=3, rounds=None, duration=None, shared_pks=()):
    """Run archivists and readers together; return the :class:`Outcome`."""
    outcome = Outcome()
    stop = threading.Event()
    until = time.monotonic() + duration if duration else None
    workers = [
        Archivist(base_url, n, outcome, run=run, username=username, password=password, shared_pks=shared_pks)
        for n in range(archivists)
    ]
    errors = []

    def guarded(target, *args):
        try:
            target(*args)
        except Exception as exc:  # a client that dies is a failure of the run, not a hang
            errors.append(f"{target.__qualname__}: {exc.__class__.__name__}: {exc}")

    writer_threads = [threading.Thread(target=guarded, args=(w.work, rounds, until)) for w in workers]
    reader_threads = [
        threading.Thread(target=guarded, args=(Reader(base_url, n, outcome, stop).work,)) for n in range(readers)
    ]
    started = time.monotonic()
    for thread in reader_threads + writer_threads:
        thread.start()
    for thread in writer_threads:
        thread.join()
    stop.set()
    for thread in reader_threads:
        thread.join()
    outcome.elapsed = time.monotonic() - started
    outcome.problems.extend(errors)
    return outcome


def api_search_ids(browser, q):
    response = browser.get("/api/search/", {"q": q, "page_size": 100})
    if response.status != 200:
        return None
    return [hit["external_id"] for hit in response.json()["results"]]


def verify_findable(base_url, outcome, shared_ids=()):
    """Return a list of problems: articles not found by their words, or found by words they lost."""
    browser = Browser(base_url)
    problems = []
    for article in outcome.articles.values():
        for word in (article.marker, article.caption_marker):
            found = api_search_ids(browser, word)
            if found != [article.external_id]:
                problems.append(f"{article.external_id}: {word!r} finds {found}")
        for word in article.retired:
            found = api_search_ids(browser, word)
            if found:
                problems.append(f"{article.external_id}: replaced word {word!r} still finds {found}")
    for external_id, words in outcome.deleted.items():
        for word in words:
            found = api_search_ids(browser, word)
            if found:
                problems.append(f"deleted {external_id}: {word!r} still finds {found}")
    current = set()
    for external_id in shared_ids:
        response = browser.get(f"/api/articles/{external_id}/")
        if response.status != 200:
            problems.append(f"shared {external_id}: API answered {response.status}")
            continue
        for word in re.findall(r"mk\w+", response.json()["title"]):
            current.add(word)
            found = api_search_ids(browser, word)
            if found != [external_id]:
                problems.append(f"shared {external_id}: its current word {word!r} finds {found}")
    for word in outcome.shared_words:
        if word not in current:
            found = api_search_ids(browser, word)
            if found:
                problems.append(f"replaced shared word {word!r} still finds {found}")
    return problems
