"""Chicago text, BibTeX and RIS of an article."""

import datetime as dt

from archive import citations
from archive.models import Article, Source

URL = "https://archive.example/articles/x/"


def article(**fields):
    defaults = {"external_id": "x", "title": "عنوان", "body": "نص", "language": "ar"}
    defaults.update(fields)
    return Article(**defaults)


def test_chicago_for_an_undated_article_without_author_or_source():
    assert citations.chicago(article(), url=URL) == f"“عنوان.” n.d. {URL}."


def test_chicago_for_a_full_record():
    record = article(
        author="سلمى الحداد",
        source=Source(name="صحيفة الوادي", slug="w"),
        published=dt.datetime(2024, 5, 14, 9, 0, tzinfo=dt.timezone.utc),
    )
    assert citations.chicago(record, url=URL) == f"سلمى الحداد. “عنوان.” صحيفة الوادي, May 14, 2024. {URL}."


def test_bibtex_escapes_special_characters():
    assert citations.bibtex_escape(r"50% & $5 #1 a_b {x} ^ ~ \ ") == (
        r"50\% \& \$5 \#1 a\_b \{x\} \textasciicircum{} \textasciitilde{} \textbackslash{}"
    )


def test_bibtex_keeps_each_field_on_one_line_and_braces_balanced():
    record = article(title="سطر\nثانٍ {مفتوح", author="أ}ب")
    text = citations.bibtex(record, url=URL)
    assert "title = {{سطر ثانٍ \\{مفتوح}}," in text
    body = text.replace("\\{", "").replace("\\}", "")
    assert body.count("{") == body.count("}")


def test_bibtex_key_is_ascii():
    assert citations.bibtex_key(article(external_id="مقال-1")) == "archive:1"
    assert citations.bibtex_key(article(external_id="مقال", pk=7)) == "archive:7"


def test_ris_has_no_date_for_an_undated_article_and_ends_with_er():
    text = citations.ris(article(url="https://example.org/a"), url=URL)
    assert text.startswith("TY  - NEWS\r\nTI  - عنوان\r\n")
    assert "PY  -" not in text and "DA  -" not in text
    assert "N1  - Original: https://example.org/a\r\n" in text
    assert text.endswith("ER  - \r\n")
