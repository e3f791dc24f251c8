import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive.analysis.normalize import TABLE, normalize, normalize_with_offsets
from tests.analysis.shared_data import lucene_cases


def test_harakat_are_removed():
    assert normalize("كَتَبَ الْكِتَابُ مُعَلِّمٌ كِتَابًا") == "كتب الكتاب معلم كتابا"


def test_tanween_and_shadda_and_sukun_are_removed():
    assert normalize("\u064b\u064c\u064d\u0651\u0652") == ""


def test_superscript_alef_is_removed():
    assert normalize("هٰذا الرحمٰن") == "هذا الرحمن"


def test_quranic_annotation_marks_are_removed():
    assert normalize("ذَٰلِكَ\u06d6 الْكِتَابُ\u0615") == "ذلك الكتاب"


def test_end_of_ayah_sign_stays_as_a_separator():
    assert normalize("العالمين\u06dd") == "العالمين\u06dd"


def test_tatweel_is_removed():
    assert normalize("الكتـــاب") == "الكتاب"


def test_alef_madda_becomes_alef():
    assert normalize("آخر") == "اخر"


def test_alef_hamza_above_becomes_alef():
    assert normalize("أحمد") == "احمد"


def test_alef_hamza_below_becomes_alef():
    assert normalize("إسلام") == "اسلام"


def test_alef_wasla_becomes_alef():
    assert normalize("ٱلرحمن") == "الرحمن"


def test_alef_maksura_becomes_yeh():
    assert normalize("على مستوى") == "علي مستوي"


def test_farsi_yeh_becomes_yeh():
    assert normalize("علی") == "علي"


def test_keheh_becomes_kaf():
    assert normalize("کتاب") == "كتاب"


def test_veh_becomes_feh():
    assert normalize("ڤيتنام") == normalize("فيتنام")


def test_peh_becomes_beh():
    assert normalize("پاكستان") == "باكستان"


def test_tcheh_becomes_jeem():
    assert normalize("چاي") == "جاي"


def test_jeh_becomes_zain():
    assert normalize("ژان") == "زان"


def test_gaf_and_swash_kaf_become_kaf():
    assert normalize("گوگل") == normalize("ڪوكل") == "كوكل"


def test_qaf_with_three_dots_becomes_qaf():
    assert normalize("ڨالمة") == normalize("قالمة")


def test_teh_marbuta_becomes_heh():
    assert normalize("مدرسة") == "مدرسه"


def test_waw_hamza_becomes_hamza():
    assert normalize("مسؤول") == "مسءول"


def test_yeh_hamza_becomes_hamza():
    assert normalize("مسئول") == "مسءول"


def test_hamza_seats_of_one_word_meet():
    assert normalize("أبناؤه") == normalize("أبنائه") == normalize("أبناءه")


def test_decomposed_hamza_meets_precomposed_seat():
    assert normalize("مسو\u0654ول") == normalize("مسؤول")
    assert normalize("مسي\u064e\u0654ول") == normalize("مسئول")


def test_decomposed_alef_hamza_becomes_alef():
    assert normalize("ا\u0654حمد") == "احمد"


def test_arabic_indic_digits_become_ascii():
    assert normalize("٠١٢٣٤٥٦٧٨٩") == "0123456789"


def test_extended_arabic_indic_digits_become_ascii():
    assert normalize("۰۱۲۳۴۵۶۷۸۹") == "0123456789"


def test_arabic_decimal_and_thousands_separators_become_ascii():
    assert normalize("١٬٠٠٠ و ٣٫٥") == "1,000 و 3.5"


def test_presentation_forms_become_base_letters():
    assert normalize("ﺍﻟﻌﺮﺑﻴﺔ") == "العربيه"


def test_lam_alef_ligature_becomes_lam_and_alef():
    assert normalize("ﻻ ﻷ ﻹ ﻵ") == "لا لا لا لا"


def test_word_ligatures_become_words():
    assert normalize("ﷲ") == "الله"


def test_isolated_harakat_forms_are_removed():
    assert normalize("ﹰﹲﹴﹶﹸﹺﹼﹾ") == ""


def test_zero_width_non_joiner_and_joiner_are_removed():
    assert normalize("ال\u200cكتاب\u200d") == "الكتاب"


def test_direction_marks_are_removed():
    assert normalize("\u200fالكتاب\u200e\u061c\u202b\u202c\u2067\u2069") == "الكتاب"


def test_byte_order_mark_is_removed():
    assert normalize("\ufeffالكتاب") == "الكتاب"


def test_zero_width_space_becomes_space():
    assert normalize("الكتاب\u200bالجديد") == "الكتاب الجديد"


def test_latin_is_not_lowercased():
    assert normalize("Hamas BBC") == "Hamas BBC"


def test_hamza_on_the_line_stays():
    assert normalize("سماء") == "سماء"


def test_empty_term():
    assert normalize("") == ""
    normalized, offsets = normalize_with_offsets("")
    assert (normalized, list(offsets)) == ("", [0])


@given(st.text(alphabet=st.sampled_from([chr(code) for code in TABLE] + list("ابتمن "))))
def test_fast_path_equals_the_full_table(text):
    assert normalize(text) == text.translate(TABLE) or "\u0654" in text


@given(st.text(alphabet=st.sampled_from([chr(code) for code in TABLE] + list("ابتمنوي \u0654"))))
def test_offsets_path_equals_fast_path(text):
    assert normalize_with_offsets(text)[0] == normalize(text)


def test_offsets_have_one_entry_per_character_and_a_sentinel():
    text = "الكِتـــابُ"
    normalized, offsets = normalize_with_offsets(text)
    assert len(offsets) == len(normalized) + 1
    assert offsets[-1] == len(text)


def test_offsets_point_to_the_original_characters():
    text = "قالَ رئيسُ الكتـــاب"
    normalized, offsets = normalize_with_offsets(text)
    for index, char in enumerate(normalized):
        assert char in normalize(text[offsets[index]])


@given(st.text(alphabet=st.sampled_from([chr(code) for code in TABLE] + list("ابتمنوي \u0654"))))
def test_offsets_follow_the_text_in_order(text):
    normalized, offsets = normalize_with_offsets(text)
    assert len(offsets) == len(normalized) + 1 and offsets[-1] == len(text)
    assert all(offsets[index] <= offsets[index + 1] for index in range(len(normalized)))


def test_offsets_of_a_ligature_repeat_its_index():
    normalized, offsets = normalize_with_offsets("xﻻy")
    assert normalized == "xلاy"
    assert offsets == [0, 1, 1, 2, 3]


def test_presentation_form_table_is_built_from_nfkc():
    assert TABLE[ord("\ufe8d")] == unicodedata.normalize("NFKC", "\ufe8d")


@pytest.mark.parametrize(
    "name, text, expected",
    lucene_cases("TestArabicNormalizationFilter", "TestArabicAnalyzer.testDigits"),
)
def test_lucene_normalization_cases(name, text, expected):
    assert normalize(text) == expected


def test_pyarabic_diacritics_and_small_quranic_letters_are_removed():
    from pyarabic import araby

    assert normalize("".join(araby.DIACRITICS) + "\u06e5\u06e6") == ""
