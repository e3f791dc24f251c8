"""Arabic character normalization, after Lucene's ``ArabicNormalizer``.

Every rule maps single characters, so one ``str.translate`` table does the work
(built once at import).  The rules, in the order a reader meets them:

1. Harakat are removed: fathatan, dammatan, kasratan, fatha, damma, kasra,
   shadda, sukun (U+064B-U+0652), the other combining marks U+0653-U+065F
   (madda above, hamza above/below, subscript alef, ...) and the superscript
   (dagger) alef U+0670.
2. Qur'anic annotation marks are removed: U+0610-U+061A, U+06D6-U+06DC,
   U+06DF-U+06E8, U+06EA-U+06ED and the combining marks of Arabic Extended-A
   (U+08D3-U+08FF).  The end-of-ayah and rub-el-hizb signs stay: they are
   symbols, so they separate words like punctuation.
3. Tatweel (kashida, U+0640) is removed.
4. Alef with madda, hamza above, hamza below, wasla and the rarer hamza alefs
   (U+0672, U+0673, U+0675) become bare alef.
5. Alef maksura becomes yeh; Farsi yeh and yeh with small v become yeh;
   keheh becomes kaf (Persian keyboards type them in Arabic text).  The
   letters that Persian, Urdu and Maghrebi writing add for sounds Arabic
   lacks, which Arabic news uses in some loanwords and names, become the
   letter they are written on: veh feh (ڤيتنام/فيتنام), peh beh, tcheh
   jeem, jeh zain, gaf and swash kaf kaf, qaf with three dots qaf.
6. Teh marbuta becomes heh; heh with yeh above and heh goal become heh.
7. Waw with hamza and yeh with hamza become the bare hamza (U+0621).  A
   decomposed waw or yeh followed by the combining hamza above does too.
   Why not waw and yeh: the real spelling variation in news is between the
   two seats (مسؤول/مسئول, شؤون/شئون) and between seats chosen by grammatical
   case (أبناؤه/أبنائه/أبناءه); folding both seats to the bare hamza merges
   all of them.  Folding to waw/yeh would keep مسؤول and مسئول apart and
   would merge unrelated words (فئة/فيه, يؤسف/يوسف, هادئ/هادي).
8. Arabic-Indic (U+0660-U+0669) and Extended Arabic-Indic (U+06F0-U+06F9)
   digits become ASCII digits; the Arabic decimal separator becomes "." and
   the Arabic thousands separator becomes ",".
9. Arabic presentation forms A and B (U+FB50-U+FDFF, U+FE70-U+FEFF),
   including the lam-alef ligatures, become their base letters (NFKC, then
   the rules above).  Isolated harakat forms disappear.
10. Invisible format characters are removed: zero-width non-joiner and
    joiner, left-to-right and right-to-left marks, the Arabic letter mark,
    the byte order mark, bidi embeddings, overrides and isolates, the word
    joiner and the soft hyphen.  The zero-width space becomes a space, since
    it marks a word boundary.

Nothing is lowercased here, and nothing outside these rules changes.
"""

import re
import unicodedata
from collections.abc import Sequence

from pyarabic import araby

ALEF = "\u0627"
ALEF_MADDA = "\u0622"
ALEF_HAMZA_ABOVE = "\u0623"
ALEF_HAMZA_BELOW = "\u0625"
ALEF_WASLA = "\u0671"
ALEF_WAVY_HAMZA_ABOVE = "\u0672"
ALEF_WAVY_HAMZA_BELOW = "\u0673"
HIGH_HAMZA_ALEF = "\u0675"
HAMZA = "\u0621"
WAW = "\u0648"
WAW_HAMZA_ABOVE = "\u0624"
YEH = "\u064A"
YEH_HAMZA_ABOVE = "\u0626"
ALEF_MAKSURA = "\u0649"
FARSI_YEH = "\u06CC"
YEH_SMALL_V = "\u06CE"
KAF = "\u0643"
KEHEH = "\u06A9"
FEH = "\u0641"
VEH = "\u06A4"
BEH = "\u0628"
PEH = "\u067E"
JEEM = "\u062C"
TCHEH = "\u0686"
ZAIN = "\u0632"
JEH = "\u0698"
GAF = "\u06AF"
SWASH_KAF = "\u06AA"
QAF = "\u0642"
QAF_THREE_DOTS_ABOVE = "\u06A8"
HEH = "\u0647"
TEH_MARBUTA = "\u0629"
HEH_YEH_ABOVE = "\u06C0"
HEH_GOAL = "\u06C1"
TATWEEL = "\u0640"

FATHATAN = "\u064B"
SUKUN = "\u0652"
HAMZA_ABOVE = "\u0654"
LAST_COMBINING_MARK = "\u065F"
SUPERSCRIPT_ALEF = "\u0670"

SMALL_WAW = "\u06E5"
SMALL_YEH = "\u06E6"

DECIMAL_SEPARATOR = "\u066B"
THOUSANDS_SEPARATOR = "\u066C"

ZERO_WIDTH_SPACE = "\u200B"
ZERO_WIDTH_NON_JOINER = "\u200C"
ZERO_WIDTH_JOINER = "\u200D"
LEFT_TO_RIGHT_MARK = "\u200E"
RIGHT_TO_LEFT_MARK = "\u200F"
ARABIC_LETTER_MARK = "\u061C"
BYTE_ORDER_MARK = "\uFEFF"
WORD_JOINER = "\u2060"
SOFT_HYPHEN = "\u00AD"

_BIDI_CONTROL_RANGES = ((0x202A, 0x202E), (0x2066, 0x2069))
_PRESENTATION_FORM_RANGES = ((0xFB50, 0xFDFF), (0xFE70, 0xFEFF))

_FOLDS = {
    ALEF_MADDA: ALEF,
    ALEF_HAMZA_ABOVE: ALEF,
    ALEF_HAMZA_BELOW: ALEF,
    ALEF_WASLA: ALEF,
    ALEF_WAVY_HAMZA_ABOVE: ALEF,
    ALEF_WAVY_HAMZA_BELOW: ALEF,
    HIGH_HAMZA_ALEF: ALEF,
    ALEF_MAKSURA: YEH,
    FARSI_YEH: YEH,
    YEH_SMALL_V: YEH,
    KEHEH: KAF,
    VEH: FEH,
    PEH: BEH,
    TCHEH: JEEM,
    JEH: ZAIN,
    GAF: KAF,
    SWASH_KAF: KAF,
    QAF_THREE_DOTS_ABOVE: QAF,
    TEH_MARBUTA: HEH,
    HEH_YEH_ABOVE: HEH,
    HEH_GOAL: HEH,
    WAW_HAMZA_ABOVE: HAMZA,
    YEH_HAMZA_ABOVE: HAMZA,
    DECIMAL_SEPARATOR: ".",
    THOUSANDS_SEPARATOR: ",",
    ZERO_WIDTH_SPACE: " ",
}

# pyarabic's DIACRITICS are rules 1 and 2 except for the two small letters of
# Qur'anic spelling, which it classes as letters.
_REMOVED = (
    *araby.DIACRITICS,
    SMALL_WAW,
    SMALL_YEH,
    TATWEEL,
    ZERO_WIDTH_NON_JOINER,
    ZERO_WIDTH_JOINER,
    LEFT_TO_RIGHT_MARK,
    RIGHT_TO_LEFT_MARK,
    ARABIC_LETTER_MARK,
    BYTE_ORDER_MARK,
    WORD_JOINER,
    SOFT_HYPHEN,
)


def _build_table():
    table = {ord(source): target for source, target in _FOLDS.items()}
    removed = {ord(char) for char in _REMOVED}
    for first, last in _BIDI_CONTROL_RANGES:
        removed.update(range(first, last + 1))
    removed.update(
        code for code in range(0x08D3, 0x0900) if unicodedata.category(chr(code)) == "Mn"
    )
    table.update(dict.fromkeys(removed))
    for digits in (araby.NUMBERS_EAST, araby.NUMBERS_PERS):
        table.update({ord(digit): str(value) for value, digit in enumerate(digits)})
    # Presentation forms are folded through the table built so far, so a
    # ligature ends in exactly the letters its base spelling would.
    for first, last in _PRESENTATION_FORM_RANGES:
        for code in range(first, last + 1):
            char = chr(code)
            base = unicodedata.normalize("NFKC", char)
            if base == char:
                continue
            base = base.translate(table)
            table[code] = base if base.strip() else None
    return table


TABLE = _build_table()

# A hamza written as a combining mark after waw or yeh (decomposed text) must
# meet the precomposed seat letters, which fold to the bare hamza (rule 7).
_SEATS = WAW + YEH + ALEF_MAKSURA + FARSI_YEH
_SEAT_WITH_COMBINING_HAMZA = re.compile(f"[{_SEATS}][{FATHATAN}-{SUKUN}]*{HAMZA_ABOVE}")


# str.translate looks every character up in the table, which is slow for
# Arabic text; most news text only needs the frequent folds below, which
# str.replace and one regex do at C speed.  Text with any other character
# of the table takes the full translation.
_FREQUENT_FOLDS = tuple(
    (source, _FOLDS[source])
    for source in (
        ALEF_HAMZA_ABOVE, ALEF_HAMZA_BELOW, ALEF_MADDA, ALEF_WASLA,
        ALEF_MAKSURA, TEH_MARBUTA, WAW_HAMZA_ABOVE, YEH_HAMZA_ABOVE,
    )
)
_FREQUENT_REMOVALS = re.compile(f"[{FATHATAN}-{LAST_COMBINING_MARK}{SUPERSCRIPT_ALEF}{TATWEEL}]+")
_RARE = re.compile(
    "[%s]"
    % "".join(
        re.escape(chr(code))
        for code in sorted(TABLE)
        if chr(code) not in dict(_FREQUENT_FOLDS) and not _FREQUENT_REMOVALS.match(chr(code))
    )
)


def normalize(text: str) -> str:
    """Return text with every normalization rule of this module applied."""
    if HAMZA_ABOVE in text:
        text = _SEAT_WITH_COMBINING_HAMZA.sub(HAMZA, text)
    if _RARE.search(text):
        return text.translate(TABLE)
    for source, target in _FREQUENT_FOLDS:
        if source in text:
            text = text.replace(source, target)
    return _FREQUENT_REMOVALS.sub("", text)


# Characters the table deletes, and characters it expands into several.
_DELETED_RUNS = re.compile(
    "[%s]+" % "".join(re.escape(chr(code)) for code, target in sorted(TABLE.items()) if target is None)
)
_EXPANDING = re.compile(
    "[%s]"
    % "".join(
        re.escape(chr(code)) for code, target in sorted(TABLE.items()) if target is not None and len(target) > 1
    )
)


def normalize_with_offsets(text: str) -> tuple[str, Sequence[int]]:
    """Return the normalized text and the original index of each of its characters.

    The offsets sequence has one entry per normalized character plus a final
    sentinel equal to ``len(text)``, so ``offsets[end]`` bounds a span.
    """
    if HAMZA_ABOVE in text or _EXPANDING.search(text):
        return _normalize_with_offsets_by_character(text)
    if not _DELETED_RUNS.search(text):
        # Nothing deleted or expanded (most news text): each character stays in its place.
        return normalize(text), range(len(text) + 1)
    # Every other rule maps one character to one or to none: the offsets are the
    # original indices minus the deleted runs, found at C speed.
    offsets = []
    kept_from = 0
    for run in _DELETED_RUNS.finditer(text):
        offsets.extend(range(kept_from, run.start()))
        kept_from = run.end()
    offsets.extend(range(kept_from, len(text) + 1))
    # normalize() equals text.translate(TABLE) here, at C speed for common text.
    return normalize(text), offsets


def _normalize_with_offsets_by_character(text):
    table = TABLE
    chars = []
    offsets = []
    for index, char in enumerate(text):
        if char == HAMZA_ABOVE and _follows_seat(text, offsets, index):
            chars[-1] = HAMZA
            continue
        target = table.get(ord(char), char)
        if target is None:
            continue
        if len(target) == 1:
            chars.append(target)
            offsets.append(index)
        else:
            chars.extend(target)
            offsets.extend([index] * len(target))
    offsets.append(len(text))
    return "".join(chars), offsets


def _follows_seat(text, offsets, index):
    if not offsets:
        return False
    seat = offsets[-1]
    return text[seat] in _SEATS and all(
        FATHATAN <= char <= SUKUN for char in text[seat + 1 : index]
    )
