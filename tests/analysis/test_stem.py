import pytest

from archive.analysis import stem as stem_module
from archive.analysis.broken_plurals import BROKEN_PLURALS
from archive.analysis.normalize import normalize
from archive.analysis.stem import STEMS, stem


def stems_of(words):
    return {stem(normalize(word)) for word in words.split()}


@pytest.mark.parametrize(
    "family",
    [
        "فلسطين فلسطيني الفلسطينية الفلسطينيين فلسطينيون الفلسطينيات فلسطينيان",
        "أمريكا أمريكي أمريكيين الأمريكية الأمريكي أمريكية أمريكيون",
        "فرنسا فرنسي الفرنسية الفرنسيين",
        "بريطانيا بريطاني البريطانية البريطانيين",
        "سوريا سورية السوري السورية السوريين",
        "لبنان اللبناني اللبنانية اللبنانيين ولبنان بلبنان",
        "كتاب الكتاب بالكتاب والكتاب للكتاب وكتاب كتابه كتابها كتابهم",
        "وزير الوزير وزيرا ووزير لوزير بالوزير وزيرة",
        "وزارة الوزارة وزارتي بوزارة والوزارة",
        "حركة الحركة حركات الحركتين الحركتان حركتها",
        "قيادة القيادة قيادتا قيادتها",
        "مسؤول مسئول المسؤولين المسئولين مسؤولون",
        "شؤون شئون الشؤون",
        "معلومات المعلومات معلوماته",
        "علاقة العلاقة العلاقات علاقاتهم",
        "سياسة السياسة السياسات سياساتها السياسي السياسية",
        "حياة الحياة حياته حياتهم",
        "مستوى المستوى مستويات المستويات",
        "لغة اللغة لغات لغتين لغتها",
        "سنة السنة سنوات سنتين",
        "مرة مرات مرتين",
        "أكد أكدت أكدتا",
        "قال قالت",
        "وطن الوطن وطني الوطنية وطنهم",
        "الكويت الكويتي الكويتيين",
        "آية آيات الآيات آياته",
        "الألعاب ألعاب",
        "جديد جديدا الجديد الجديدة",
        "مكان مكانا المكان",
        "شعب الشعب شعبنا الشعبية",
        "مؤقت مؤقتا المؤقتة",
        "انتهت انتهى",
        "والد والدة الوالدين والده",
        "الله بالله والله لله",
        "بالغ البالغ البالغة بالغة البالغين",
        "لازم اللازم اللازمة لازمة",
        "آلية الآلية آليات الآليات آلياتها وآليات",
        "أزمة الأزمة أزمات الأزمات أزماتها",
    ],
)
def test_family_conflates(family):
    assert len(stems_of(family)) == 1


@pytest.mark.parametrize(
    "word, expected",
    [
        ("وزير", "وزير"),
        ("وزارة", "وزار"),
        ("وطن", "وطن"),
        ("وقت", "وقت"),
        ("ولد", "ولد"),
        ("فلسطين", "فلسط"),
        ("فرنسا", "فرنس"),
        ("فريق", "فريق"),
        ("بريطانيا", "بريطان"),
        ("بحث", "بحث"),
        ("بيت", "بيت"),
        ("بلد", "بلد"),
        ("لبنان", "لبنان"),
        ("ليبيا", "ليب"),
        ("كتاب", "كتاب"),
        ("كبير", "كبير"),
        ("بيان", "بيان"),
        ("برنامج", "برنامج"),
        ("لجنة", "لجن"),
        ("وجه", "وجه"),
        ("بلغ", "بلغ"),
    ],
)
def test_first_letters_that_only_look_like_proclitics_stay(word, expected):
    assert stem(normalize(word)) == expected


@pytest.mark.parametrize(
    "first, second",
    [
        ("وزير", "زير"),
        ("وزارة", "زارة"),
        ("بيان", "يان"),
        ("لبنان", "بنان"),
        ("فريق", "ريق"),
        ("كتاب", "تاب"),
        ("مدني", "مدينة"),
        ("تركيا", "ترك"),
        ("لغة", "بلغ"),
        ("امرأة", "أمر"),
        ("تمرين", "تمر"),
        ("تأمين", "تام"),
        ("تعزية", "تعز"),
        ("الآفة", "ألف"),
        ("المدنيين", "المدن"),
        ("بنات", "نات"),
        ("اللازمة", "الأزمة"),
        ("البدنية", "الدنيا"),
        ("الواعدة", "أعد"),
        ("البادية", "أدى"),
        ("البنتاغون", "نتاج"),
        ("الوقائية", "إلقاء"),
        ("البقاع", "قاع"),
    ],
)
def test_different_words_stay_apart(first, second):
    assert stem(normalize(first)) != stem(normalize(second))


def test_article_is_stripped():
    assert stem("الكتاب") == "كتاب"


def test_article_with_conjunction_and_preposition_is_stripped():
    assert {stem(w) for w in ("والكتاب", "بالكتاب", "كالكتاب", "فالكتاب", "للكتاب", "وبالكتاب", "وللكتاب")} == {"كتاب"}


def test_article_needs_two_letters_after_it():
    assert stem("الم") == "الم"


def test_conjunction_waw_is_stripped_before_three_letters():
    assert stem("ودعم") == "دعم"


def test_conjunction_waw_stays_when_two_letters_would_remain():
    assert stem("وطن") == "وطن"
    assert stem("ولده") == "ولد"


def test_particle_is_kept_before_an_article_initial_remainder():
    assert stem("بالغ") == "بالغ"


def test_feh_and_kaf_alone_are_never_stripped():
    assert stem("فكره") == "فكر"
    assert stem("كرسي") == "كرس"


def test_dual_an_alone_is_not_stripped():
    assert {stem(normalize(w)) for w in ("لبنان", "إيران", "مكان", "قرآن")} == {
        "لبنان", "ايران", "مكان", "قران"
    }


def test_country_ending_stan_is_not_a_feminine_dual():
    assert stem("باكستان") == "باكستان"


def test_our_is_not_stripped_after_alef_waw_or_yeh():
    assert stem("قانونا") == stem("قانون")
    assert stem("زمانا") == "زمان"


def test_broken_plural_of_a_teh_final_root_keeps_its_at():
    assert stem("اموات") == stem("امواتهم") == stem("الاموات") == "اموات"


@pytest.mark.parametrize(
    "plural, singular",
    [
        ("مدارس", "مدرسة"),
        ("والمدارس", "المدرسة"),
        ("أطفالهم", "طفل"),
        ("للأطفال", "الطفل"),
        ("الوزراء", "وزير"),
        ("رؤساء", "الرئيس"),
        ("أيام", "يوم"),
        ("الأيام", "اليوم"),
        ("مشاريعها", "مشروع"),
        ("القضايا", "قضية"),
        ("ليال", "ليلة"),
        ("الليالي", "ليلة"),
        ("الأهالي", "أهل"),
        ("آلاف", "ألف"),
        ("بنات", "بنت"),
        ("المياه", "ماء"),
        ("حقوق", "حق"),
        ("التمور", "تمر"),
        ("التمارين", "تمرين"),
        ("أوقات", "وقت"),
        ("وزراء", "وزير"),
    ],
)
def test_broken_plural_meets_its_singular(plural, singular):
    assert stem(normalize(plural)) == stem(normalize(singular))


def test_every_listed_broken_plural_meets_its_singular():
    for line in BROKEN_PLURALS.strip().splitlines():
        singular, *plurals = line.split()
        assert {stem(normalize(plural)) for plural in plurals} == {stem(normalize(singular))}, line


def test_no_broken_plural_is_listed_twice():
    plurals = [normalize(word) for line in BROKEN_PLURALS.strip().splitlines() for word in line.split()[1:]]
    assert len(plurals) == len(set(plurals))


@pytest.mark.parametrize(
    "masdar, plural",
    [("ملاحقة", "ملاحق"), ("المصالحة", "مصالح"), ("المظاهرات", "مظاهر"), ("محاكمته", "المحاكم")],
)
def test_pattern_three_verbal_noun_is_not_a_plural_with_his(masdar, plural):
    assert stem(normalize(masdar)) != stem(normalize(plural))


def test_pattern_three_verbal_noun_keeps_its_family():
    assert len(stems_of("ملاحقة الملاحقة ملاحقات ملاحقته وملاحقتهم")) == 1


def test_woman_family_meets_its_suppletive_plural():
    assert len(stems_of("امرأة المرأة امرأتين امرأته للمرأة نساء النساء للنساء")) == 1


@pytest.mark.parametrize("word", ["الأفيون", "الأفواه", "الحانات"])
def test_article_word_is_not_read_as_an_article_like_plural(word):
    assert stem(normalize(word)) not in {stem(normalize("ألف")), stem(normalize("لحن"))}


def test_article_like_plural_keeps_its_pronouns():
    assert stem(normalize("آلافهم")) == stem(normalize("ألف"))
    assert stem(normalize("ألحانه")) == stem(normalize("لحن"))


def test_both_spellings_of_hundred_meet():
    assert len(stems_of("مائة مئة المائة بالمئة مئات مائتين مئتين")) == 1
    assert stem(normalize("ثلاثمائة")) == stem(normalize("ثلاثمئة"))


def test_hundred_is_not_water():
    assert stem(normalize("المائة")) != stem(normalize("الماء"))


def test_nisba_of_a_listed_short_stem_meets_it():
    assert stem(normalize("الصحية")) == stem(normalize("الصحة"))
    assert stem(normalize("اللغوية")) == stem(normalize("اللغة"))


def test_two_letter_words_and_other_scripts_are_unchanged():
    assert [stem(w) for w in ("في", "bbc", "2015", "قد")] == ["في", "bbc", "2015", "قد"]


def test_listed_stems_are_normalized():
    assert all(normalize(form) == form and normalize(value) == value for form, value in STEMS.items())


def test_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(stem_module, "_CACHE_SIZE", 3)
    stem_module.stem_cache.clear()
    for word in ("والكتاب", "الكتب", "مكتبة", "كاتبون", "مكتوب"):
        stem(word)
    assert len(stem_module.stem_cache) <= 3
    assert stem("والكتاب") == "كتاب"


@pytest.mark.parametrize("word", ["وغزة", "بغزة", "لغزة", "الغزة"])
def test_particles_go_before_short_stem_words(word):
    assert stem(normalize(word)) == stem(normalize("غزة"))


@pytest.mark.parametrize("word", ["بقوة", "وقوة", "القوات", "وقوات"])
def test_particles_go_before_quwwa(word):
    assert stem(normalize(word)) == stem(normalize("قوة"))


def test_listed_word_still_protected_from_a_particle_guess():
    assert stem(normalize("وحدة")) != stem(normalize("حدة"))


@pytest.mark.parametrize(
    "construct, plural",
    [
        ("مسؤولو", "المسؤولون"),
        ("موظفو", "الموظفين"),
        ("معلمو", "المعلمين"),
        ("مستخدمو", "المستخدمون"),
        ("ومواطنو", "المواطنين"),
        ("لاعبو", "اللاعبين"),
        ("ولاعبو", "لاعبون"),
        ("ناخبو", "الناخبين"),
        ("باحثو", "الباحثون"),
    ],
)
def test_construct_plural_waw_meets_its_plural(construct, plural):
    assert stem(normalize(construct)) == stem(normalize(plural))


@pytest.mark.parametrize(
    "word", ["ماريو", "ميلانو", "مورينيو", "مورينو", "فابيو", "سانتو", "كاكاو", "مدعو", "مترو", "يونيو", "نحو"]
)
def test_waw_final_names_and_roots_keep_their_waw(word):
    assert stem(normalize(word)).endswith("و")
