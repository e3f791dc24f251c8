"""A light Arabic stemmer for news search, in the tradition of Light10.

It works on a normalized word (``normalize.py``) and removes affixes only,
never reaching for the root, so a stem is the key of one family of forms.
``docs/search-quality.md`` explains each choice with examples.

1. Proclitics.  The article with what may precede it (ال وال بال كال فال
   لل وبال ولل ...) goes when two letters remain; a remainder that starts
   with ال again loses it too (hamza folding makes ألعاب and آلاف look like
   article words).  Without the article, و ب ل (alone or as وب ول) go when
   the final stem keeps three letters and the remainder does not start with
   ال (والد, بالغ).  The same و ب ل guess is made after the article, so a
   word always meets its definite form.  ف and ك go only with the article:
   alone they are far more often the word's own first letter (فريق, كتاب).
2. Suffixes, stripped repeatedly while their guard holds, so that every
   form of a nisba adjective meets its noun (فلسطين, الفلسطينية,
   الفلسطينيين): pronouns هما كما ها هم هن كم, and نا unless after ا و ي
   (three letters must remain); the duals تان تين يان; ات (two letters
   remain, not from أوقات-like broken plurals; right after a pronoun only
   its teh goes: حياتهم); ون ين وا (three remain); the final و of a plural
   before its noun, on participles and the faa'il pattern (مسؤولو, لاعبو;
   four remain); ه (two remain; not right
   after a nisba yeh); ي and the accusative ا (three remain); and ت, which
   may leave two letters in front of a stripped suffix (حكومتها, لغتين) but
   must leave three when final (قالت), and then ends the stripping.  The
   dual ان alone is never stripped (لبنان, إيران, مكان, بيان).
3. ``STEMS`` lists words whose first or last letters only look like
   affixes (وزير, بيان, لبنان; وجه, بيت), a few irregular families (سنة,
   سنوات, سنتين; امرأة, نساء; مائة, مئة), the مفاعلة verbal nouns that
   would read as a plural with "his" (ملاحقة), and the broken plurals of
   ``broken_plurals.py``, which get their singular's stem (مدارس meets
   مدرسة).  Every proclitic split is tried, least stripped first, and
   stemming stops at the first form on the way that is listed, so a listed
   plural keeps its clitics' stripping (والمدارس, مدارسها).
"""

from archive.analysis.broken_plurals import BROKEN_PLURALS
from archive.analysis.normalize import ALEF, WAW, YEH, normalize

_ARTICLE_PREFIXES = (
    "وبال", "وكال", "فبال", "فكال", "ولل", "فلل", "وال", "فال", "بال", "كال", "لل", "ال",
)
_ARTICLE = "ال"
_PARTICLE_PREFIXES = ("وب", "ول", "و", "ب", "ل")
_MIN_AFTER_ARTICLE = 2
_MIN_AFTER_PARTICLE = 3

_PRONOUNS = ("هما", "كما", "ها", "هم", "هن", "كم")
_OUR = "نا"
_NOT_BEFORE_OUR = "اوي"
_DUAL = "ان"
_DUAL_SEATS = "تي"
_COUNTRY_ENDING = "ستان"
_FEMININE_PLURAL = "ات"
_PLURALS = ("ون", "ين")
_VERB_PLURAL = "وا"
_HEH = "ه"
_YEH = YEH
_MEEM = "\u0645"
_TEH = "ت"
_NOT_BEFORE_CONSTRUCT_WAW = (ALEF, _YEH, _HEH, _TEH)
_PRONOUN_ENDINGS = frozenset(_PRONOUNS + (_OUR, _HEH))
# What may follow a listed word in one of its own forms: a pronoun, "my", the accusative alef.
_OWN_ENDINGS = _PRONOUN_ENDINGS | {"", _YEH, ALEF}
_BEFORE_TEH = _PRONOUN_ENDINGS | {_DUAL, *_PLURALS, _YEH, ALEF}
_ARTICLE_PARTICLES = ("و", "ب", "ل")

_MAX_SUFFIX_STEPS = 6
_CACHE_SIZE = 300_000

# Words whose first letters only look like proclitics, in ordinary spelling
# (normalized at import).  Their suffixes still go: every form on the way
# from a listed word to its stem stems to that stem.
_PROCLITIC_LOOKALIKES = """
وزير وزراء وزارة وزاري وجود وجد وجه وجهة وجوه وجهاء واحد واحدة وحدة وحيد وحشي
وسيلة وسائل وسائط وسط وسيط وسطاء وفق وفاق وفد وفود وافد وكالة وكالات وكيل وكلاء
وصول وصل واصل وصف ولاية ولايات ولاء والد والدة والدين وليد وراء وظيفة وظائف واسع
واضح وضوح وطن وطني وثيقة وثائق واثق وقت وقع وقوع واقع واقعة وقائع وقف واقف وقود
وقوف وقاية وجبة وجبات واجب واجبات وجوب واجهة واجه واحة وعد وعود وعاء وعي واعي
وفاة وفيات وفاء وفرة وفر وفير وافق واكب وادي ورد وارد واردات ورقة ورشة وريث
وراثة وسام وصفة وصية وضع ودي ودائع وديعة ودية وداع وهم وهمي وباء وتيرة وزن وزع
وئام ولادة وليمة ولي وسع وسعة وجدان واشنطن وائل وليام ويلز ويكيبيديا ويكيليكس
ويندوز واتساب وارسو
واعد وساطة وقائي ورود وهاب
بيان بيانات بناء بنى بنية برنامج برامج بلاد بلد بلدان بلدة بلدية بلغ بطولة بطل
بطالة بطاقة بداية بدء بدل بديل بدائل بريد بحر بحار بحيرة بحث بحوث باحث بشر بشري
بعثة بعيد بقية باقي بقاء بقايا بلوغ بلاغ بليغ بند بنود بوابة بوادر بواخر بيت بيوت
بيع بائع بئر برلمان برميل براميل بطن بطيء بسيط بساطة بصمة بصري بضائع بضاعة
بيئة بيئي بورصة بنك بنوك بارز باشر بارع باطل باطن براءة بريء بيضاء بذور بذل بهاء
بترول بنزين بركان بندقية برونزي بديع بلاستيك بروتوكول برمجيات بكالوريوس
بريطانيا بغداد باريس باكستان بلجيكا بكين برلين بروكسل بيروت بوتين بشار باراك
بايدن بايرن برشلونة بوينغ بوينج بنيامين بنغازي بنغلاديش بنجلاديش بولندا بوليفيا
بوسطن بيتر براون بخاري بطرس بعلبك بلقيس بريكس
بالغ بدني بدين بادية بارد بارحة بطارية بنين بقاع بابا بنتاغون بنتاجون بوسنة
لبنان ليبيا ليبيريا لجنة لجان لندن لاعب لاعبة لقاء لقاءات لحظة لحظات لعبة لعب
لوحة لوائح لائحة لائق ليلة ليالي لواء لغة لغات لقب لجوء لاجئ لاجئين لحم لحوم
لسان لون ليمون لاتيني لوبي لياقة لهجة لطيف لمس لبن لبنة لقاح لافت لافتة لاحق
لاحظ لحق ليبرالي لاسلكي ليون لويس لافروف ليفربول لوزان لشبونة ليستر لطفي
لازم لحاق
"""

# Words whose last letters only look like suffixes: they stem to themselves.
_SUFFIX_LOOKALIKES = """
وجه شبه فقه إله الله كورونا بيروت كويت ثبات نبات سبات
بيت وقت صوت موت ميت زيت سبت بنت أخت قوت نبت
"""

# Common words of three letters whose stem keeps only two: the particles و ب ل
# may still go in front of them (وغزة, بقوة, لمدة), which the three-letter guard
# would otherwise forbid.
_SHORT_STEM_WORDS = """
غزة جدة قوة قوات مدة عدة شدة حدة مرة ثقة دقة صحة خطة قصة قمة أمة لغة
"""

# Irregular families, and a nisba that would meet an unrelated frequent
# word (تركي would become ترك, "he left").  امرأة would lose its teh marbuta
# and alef and meet أمر ("order"); المرأة, which drops the alef of wasl,
# would not meet it at all.
_IRREGULAR = {
    "امرأة": "امرأة",
    "امرأت": "امرأة",
    "مرأة": "امرأة",
    # تعزية ("condolence") would become تعز, the Yemeni city.
    "تعزية": "تعزية",
    "تعزيت": "تعزية",
    "تعاز": "تعزية",
    "تعازي": "تعزية",
    # مدني ("civil") would meet مدن ("cities") and, through it, مدينة.
    "مدني": "مدني",
    # Nisbas of listed short stems: الصحية meets الصحة, and اللغوية, whose
    # lam would otherwise be taken for a particle after the article, meets اللغة.
    "صحي": "صح",
    "لغوي": "لغ",
    # تمرين ("exercise") and تأمين ("insurance") would lose ين and meet تمر
    # ("dates") and تام ("complete").
    "تمرين": "تمرين",
    "تأمين": "تأمين",
    # آلية ("mechanism") reads as the article and يه, and آليات as the article and
    # يات, also after و and ل (وآليات); بآلية stays ambiguous with باليه ("ballet").
    "آلية": "آلية",
    "آليات": "آلية",
    "وآليات": "آلية",
    "لآليات": "آلية",
    "بآليات": "آلية",
    # آفة ("pest") would meet آلاف ("thousands") and, through it, ألف.
    "آفة": "آفة",
    "آفات": "آفة",
    "الآفة": "آفة",
    "الآفات": "آفة",
    "سنة": "سن",
    "سنو": "سن",
    "سنت": "سن",
    "سنين": "سن",
    "بدأت": "بدا",
    "آيات": "آي",
    "نشأت": "نشا",
    "تركيا": "تركي",
    "تركي": "تركي",
    "لله": "الله",
    "بالله": "الله",
    "والله": "الله",
    "فالله": "الله",
    "تالله": "الله",
    "اللهم": "الله",
}


# مائة and مئة ("hundred") are one word in its older and newer spelling, also in
# the hundreds from 300 to 900; مائة would otherwise lose its teh marbuta and meet
# ماء ("water").  مائتان/مئتين ("two hundred") and مئات ("hundreds") join them.
_HUNDRED = "مئة"
_HUNDRED_SPELLINGS = ("مائة", "مئة")
_HUNDRED_UNITS = ("", "ثلاث", "أربع", "خمس", "ست", "سبع", "ثمان", "تسع")
_HUNDRED_FORMS = ("مائت", "مئت", "مئات")

# Verbal nouns of the مفاعلة pattern.  Once teh marbuta is folded they read as
# a مفاعل broken plural with "his" (ملاحقة as ملاحق + ه) and would meet that
# plural's singular (ملحق "annex"); they keep a stem of their own, as do their
# plural and their form before a pronoun (ملاحقات, ملاحقته).
_PATTERN_III_NOUNS = """
مبالغة متاجرة محاكمة محاورة مداخلة مساءلة مصادرة مصالحة مظاهرة معاهدة ملاحقة
مناظرة مواكبة
"""


def _proclitic_splits(word):
    """Return (remainder, shortest allowed stem) for each allowed proclitic, least stripped first."""
    splits = [(word, 1)]
    for prefix in _ARTICLE_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= _MIN_AFTER_ARTICLE:
            rest = word[len(prefix):]
            splits.append((rest, _MIN_AFTER_ARTICLE))
            if rest.startswith(_ARTICLE) and len(rest) - len(_ARTICLE) >= _MIN_AFTER_ARTICLE:
                splits.append((rest[len(_ARTICLE):], _MIN_AFTER_ARTICLE))
            # The particle guess is made with and without the article alike, so
            # that البيتكوين meets بيتكوين even where the guess is wrong.
            if rest[:1] in _ARTICLE_PARTICLES:
                splits.append((rest[1:], _MIN_AFTER_PARTICLE))
            break
    for prefix in _PARTICLE_PREFIXES:
        rest = word[len(prefix):]
        if word.startswith(prefix) and not rest.startswith(_ARTICLE):
            splits.append((rest, _MIN_AFTER_PARTICLE))
    splits.sort(key=lambda split: -len(split[0]))
    return splits


def _strip_suffix(word, last):
    """Return word without its last suffix, given the suffix stripped before (last), or None."""
    size = len(word)
    for pronoun in _PRONOUNS:
        if word.endswith(pronoun) and size - len(pronoun) >= 3:
            return word[: -len(pronoun)]
    if word.endswith(_OUR) and size >= 5 and word[-3] not in _NOT_BEFORE_OUR:
        return word[:-2]
    if (
        word.endswith(_DUAL)
        and size >= 5
        and word[-3] in _DUAL_SEATS
        and not word.endswith(_COUNTRY_ENDING)
    ):
        return word[:-2]
    # A broken plural of a teh-final root (أوقات, أصوات) keeps its -at.
    broken_plural = size == 5 and word[0] == ALEF and word.endswith(_FEMININE_PLURAL)
    if word.endswith(_FEMININE_PLURAL) and size >= 4 and not broken_plural:
        # After a pronoun, -at is the teh marbuta of -a (حياتهم, قناتها).
        return word[:-1] if last in _PRONOUN_ENDINGS else word[:-2]
    if word.endswith(_PLURALS) and size >= 5:
        return word[:-2]
    if word.endswith(_VERB_PLURAL) and size >= 5:
        return word[:-2]
    if not last and word.endswith(WAW) and _is_construct_plural(word):
        return word[:-1]
    # Heh stands before a nisba yeh (ية), never after it (انتهي, فقهي).
    if word.endswith(_HEH) and size >= 3 and last != _YEH:
        return word[:-1]
    if word.endswith(_YEH) and size >= 4:
        return word[:-1]
    if word.endswith(ALEF) and size >= 4:
        return word[:-1]
    # A feminine teh in front of a suffix (حكومتها, قيادتا, لغتين) may leave
    # two letters; a final one (قالت, مؤقت) must leave three.
    if word.endswith(_TEH) and size >= (3 if last in _BEFORE_TEH else 4) and not broken_plural:
        return word[:-1]
    return None


def _is_construct_plural(word):
    """Return whether a waw-final word reads as a sound plural before its noun (ون without nun)."""
    # Participles (مسؤولو, موظفو, مقاتلو) and the faa'il pattern (لاعبو,
    # ناخبو) carry most of these plurals in news.  Alef or yeh after the meem,
    # or yeh before a faa'il's last letter, marks a foreign name instead
    # (ماريو, ميلانو, فابيو); a remainder that would lose a suffix again is a
    # name too (مورينيو, مورينو, سانتو, كاكاو); three letters are a root
    # ending in waw (مدعو, نحو).
    rest = word[:-1]
    if len(word) < 5 or rest[-1] in _NOT_BEFORE_CONSTRUCT_WAW or rest.endswith(_PLURALS):
        return False
    if word[0] == _MEEM:
        return word[1] not in (ALEF, _YEH)
    return len(word) == 5 and word[1] == ALEF and word[3] != YEH


def _suffix_forms(word):
    """Return word and each form left by successive suffix stripping."""
    forms = [word]
    last = ""
    for _ in range(_MAX_SUFFIX_STEPS):
        stripped = _strip_suffix(word, last)
        if stripped is None:
            break
        last = word[len(stripped):]
        word = stripped
        forms.append(word)
        # A final teh is a verb ending or part of the word: nothing is
        # stripped after it (انتهت must not go on to lose its heh).
        if last == _TEH and len(forms) == 2:
            break
    return forms


def _stem(word, stems=None):
    if stems is None:
        stems = STEMS
    chains = [(_suffix_forms(rest), minimum) for rest, minimum in _proclitic_splits(word)]
    for forms, minimum in chains:
        for form in forms:
            # A listed form is a known word: the particle before it may go even
            # when the word's own stem is shorter than the guard.
            if form in stems and len(form) >= minimum:
                # A listed word that begins like the article (آلاف, ألحان) is that
                # word only before a pronoun: الافيون is the article and افيون.
                if form.startswith(_ARTICLE) and forms[0][len(form):] not in _OWN_ENDINGS:
                    continue
                return stems[form]
    # No listed form: the most stripped split whose stem stays long enough.
    for forms, minimum in reversed(chains):
        if len(forms[-1]) >= minimum:
            return forms[-1]
    return chains[0][0][-1]


def _build_stems():
    stems = {}
    for word in _PROCLITIC_LOOKALIKES.split():
        forms = _suffix_forms(normalize(word))
        stems.update(dict.fromkeys(forms, forms[-1]))
    for word in _SUFFIX_LOOKALIKES.split():
        word = normalize(word)
        stems[word] = word
    for word in _SHORT_STEM_WORDS.split():
        forms = _suffix_forms(normalize(word))
        stems.update(dict.fromkeys(forms, forms[-1]))
    stems.update({normalize(form): normalize(stem) for form, stem in _IRREGULAR.items()})
    for unit in _HUNDRED_UNITS:
        for spelling in _HUNDRED_SPELLINGS:
            stems[normalize(unit + spelling)] = normalize(unit + _HUNDRED)
    stems.update(dict.fromkeys(map(normalize, _HUNDRED_FORMS), normalize(_HUNDRED)))
    for word in _PATTERN_III_NOUNS.split():
        word = normalize(word)
        base = word[:-1]
        stems.update(dict.fromkeys((word, base + _TEH, base + _FEMININE_PLURAL), word))
    # A plural takes its singular's stem as the lists above make it (وزراء
    # meets وزير, which is listed), and replaces a listed form of its own.
    plurals = {}
    for line in BROKEN_PLURALS.strip().splitlines():
        singular, *forms = (normalize(word) for word in line.split())
        singular_stem = _stem(singular, stems)
        plurals.update(dict.fromkeys(forms, singular_stem))
    stems.update(plurals)
    return stems


STEMS = _build_stems()

# Bounded by clearing: a news corpus has a few hundred thousand distinct words.
stem_cache = {}


def stem(word: str) -> str:
    """Return the light stem of a normalized Arabic word (other words unchanged)."""
    result = stem_cache.get(word)
    if result is None:
        if len(stem_cache) >= _CACHE_SIZE:
            stem_cache.clear()
        result = stem_cache[word] = _stem(word) if len(word) > 2 and _is_arabic(word) else word
    return result


def _is_arabic(word):
    return "\u0621" <= word[0] <= "\u064a"
