"""Seed-format text: title, identifier, paragraphs and the caption block."""

import pytest

from archive.importing import RecordError, parse_seed_text

SEED_CAPTIONS = ["هنية و النخالة5", "هنية و النخالة4", "هنية و النخالة2", "هنية و النخالة1", "هنية و النخالة"]


def test_seed_article_parses_into_exact_fields(seed_path):
    parsed = parse_seed_text(seed_path.read_text(encoding="utf-8"))
    assert parsed["title"] == (
        "خلال لقاء جمع بينهما بالقاهرة.. الجهاد و حماس تؤكدان على العلاقة الاستراتيجية بينهما"
    )
    assert parsed["external_id"] == "0vq2f"
    paragraphs = parsed["body"].split("\n\n")
    assert len(paragraphs) == 10
    assert paragraphs[0].startswith("عقدت قيادة حركتا الجهاد الاسلامي")
    assert paragraphs[-1].endswith("في قطاع غزة.")
    assert parsed["captions"] == SEED_CAPTIONS


def test_identifier_line_is_optional():
    parsed = parse_seed_text("عنوان الخبر\n\nفقرة أولى من الخبر تكفي لتكون نصاً.\n\nفقرة ثانية.")
    assert parsed["external_id"] == ""
    assert parsed["body"] == "فقرة أولى من الخبر تكفي لتكون نصاً.\n\nفقرة ثانية."


def test_single_arabic_word_line_is_body_not_identifier():
    parsed = parse_seed_text("عنوان\n\nعاجل\n\nتفاصيل الخبر في فقرة طويلة بعض الشيء.")
    assert parsed["external_id"] == ""
    assert parsed["body"].startswith("عاجل")


def test_short_last_paragraph_alone_is_not_a_caption():
    parsed = parse_seed_text("عنوان\n\nabc12\n\nفقرة أولى طويلة من نص الخبر.\n\nانتهى.")
    assert parsed["captions"] == []
    assert parsed["body"].endswith("انتهى.")


def test_block_of_long_lines_at_the_end_stays_in_the_body():
    long_line = "كلمة " * 40
    parsed = parse_seed_text(f"عنوان\n\nفقرة.\n\n{long_line}\n{long_line}")
    assert parsed["captions"] == []


def test_windows_line_endings_and_bom_are_accepted():
    parsed = parse_seed_text("\ufeffعنوان\r\n\r\nx1\r\n\r\nفقرة.\r\n\r\nتعليق أ\r\nتعليق ب")
    assert parsed["title"] == "عنوان"
    assert parsed["external_id"] == "x1"
    assert parsed["captions"] == ["تعليق أ", "تعليق ب"]


def test_empty_text_is_an_error():
    with pytest.raises(RecordError):
        parse_seed_text("\n\n  \n")
