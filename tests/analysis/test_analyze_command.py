import io
import sys

from django.core.management import call_command


def run(*args, stdin=None, monkeypatch=None):
    out = io.StringIO()
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    call_command("analyze", *args, stdout=out)
    return out.getvalue()


def test_prints_stemmed_terms_of_each_argument():
    assert run("والكتاب الفلسطينيين", "في القاهرة") == "كتاب فلسط\nقاهر\n"


def test_exact_prints_exact_form_terms():
    assert run("--exact", "وَالكتابُ في القاهرة") == "والكتاب القاهره\n"


def test_reads_standard_input_line_by_line(monkeypatch):
    output = run(stdin="الكتاب\n\nم. ت. ف\n", monkeypatch=monkeypatch)
    assert output == "كتاب\n\nمتف\n"


def test_empty_argument_prints_an_empty_line():
    assert run("") == "\n"
