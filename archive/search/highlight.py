"""Normalization-aware highlighting.

Matching is decided on analyzed terms, but marks are placed in the ORIGINAL text,
with its diacritics, tatweel, hamza spellings and clitics: the analyzers report
each token's character span in the text they were given, so a mark covers
exactly the word as it was written.
"""

import re
from collections import OrderedDict
from dataclasses import dataclass, field
from html import escape
from typing import NamedTuple

from django.utils.safestring import mark_safe

from archive.analysis.normalize import normalize, normalize_with_offsets
from archive.analysis.stem import STEMS, stem
from archive.analysis.stopwords import STOP_WORDS
from archive.analysis.tokenize import ARABIC_ABBREVIATION, ARABIC_LETTERS, match_term, tokenize

FRAGMENT_CONTEXT_CHARS = 90
# Matches close together share a fragment, up to about three lines of text: an
# article that repeats the word would otherwise make one fragment of a paragraph.
MAX_FRAGMENT_CHARS = 3 * FRAGMENT_CONTEXT_CHARS
_MAX_PROBE_HITS = 200
MAX_FRAGMENTS = 3
_CACHE_SIZE = 256


class Token(NamedTuple):
    # A named tuple, not a dataclass: the highlighter builds hundreds of thousands.
    stem: str | None
    exact: str
    start: int
    end: int


class _Analysis:
    """Token lists of texts, cached because the same article is shown again and again.

    One pass of the tokenizer gives each term with its span in the original text;
    the stem comes from the stemmer's per-word cache.  This is the stemmed
    analyzer's chain (tokenizer, stop words, stemmer) without its generators.
    """

    def __init__(self):
        self.cache = OrderedDict()

    def tokens(self, text):
        cached = self.cache.get(text)
        if cached is not None:
            self.cache.move_to_end(text)
            return cached
        tokens = tuple(
            Token(None if form in STOP_WORDS else stem(form), form, start, end) for form, start, end in tokenize(text)
        )
        self.cache[text] = tokens
        if len(self.cache) > _CACHE_SIZE:
            self.cache.popitem(last=False)
        return tokens


_analysis = None

_ARABIC_WORD = re.compile("[\u0621-\u064a]+")

# A light stem is a substring of every form that stems to it, except for the
# few listed irregular forms (لله → الله); those forms are probed for as well.
_IRREGULAR_FORMS = {}
for _form, _stem in STEMS.items():
    if _stem not in _form:
        _IRREGULAR_FORMS.setdefault(_stem, []).append(_form)


def analysis():
    global _analysis
    if _analysis is None:
        _analysis = _Analysis()
    return _analysis


@dataclass
class Highlighter:
    """What to mark: stems, exact forms, prefixes of exact forms, and phrases.

    Phrases are sequences of stems (or of exact forms) that are marked only
    where they occur one after the other.
    """

    stems: set = field(default_factory=set)
    exacts: set = field(default_factory=set)
    prefixes: tuple = ()
    phrases: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.stems or self.exacts or self.prefixes or self.phrases)

    def probes(self):
        """Return substrings one of which the normalized text must hold for a match."""
        probes = set(self.stems) | set(self.exacts) | set(self.prefixes)
        for _exact, terms in self.phrases:
            probes.update(terms)
        for term in list(probes):
            probes.update(_IRREGULAR_FORMS.get(term, ()))
        return tuple(probes)

    def could_match(self, text):
        """Tell at C speed whether ``text`` may hold a match; False means it cannot.

        Terms the tokenizer builds from several pieces (numbers with thousands
        commas, dotted abbreviations like م. ت. ف) or lowercases (Latin) are not
        substrings of the text, so a query with such a term is never filtered out.
        """
        probes = self.probes()
        if any(len(probe) <= 3 or not _ARABIC_WORD.fullmatch(probe) for probe in probes):
            return True
        normalized = normalize(text)
        return any(probe in normalized for probe in probes)

    def spans(self, text):
        """Return the sorted, non-overlapping (start, end) spans of matches in ``text``."""
        if not text or not self or not self.could_match(text):
            return []
        found = self._word_spans(text)
        if found is not None:
            return found
        return self._token_spans(text)

    def _word_spans(self, text):
        """Return the spans of matching words, analyzing only the words that hold a probe.

        Every form of a query term holds one of the probes, and in normalized text
        a run of Arabic letters is exactly one term, so the words around the probes'
        occurrences are the only candidates: a few words per text instead of all.
        Dotted abbreviations, single letters in a run of their own, are looked for
        apart.  Returns None for phrases and non-Arabic terms, which take the
        token-by-token path.
        """
        if self.phrases:
            return None
        probes = self.probes()
        if not probes or any(not _ARABIC_WORD.fullmatch(probe) for probe in probes):
            return None
        normalized, offsets = normalize_with_offsets(text)
        words = {}
        for probe in probes:
            at = normalized.find(probe)
            while at >= 0:
                start, end = _word_around(normalized, at, at + len(probe))
                if end - start >= 2 and self._matches(normalized[start:end]):
                    words[start] = end
                at = normalized.find(probe, end)
        if "." in normalized:
            # A dotted abbreviation (م. ت. ف) is one term made of single letters.
            for abbreviation in ARABIC_ABBREVIATION.finditer(normalized):
                if self._matches(match_term(abbreviation.group())):
                    words[abbreviation.start()] = abbreviation.end()
        return [(offsets[start], max(offsets[end], offsets[end - 1] + 1)) for start, end in sorted(words.items())]

    def _matches(self, form):
        if form not in STOP_WORDS and stem(form) in self.stems:
            return True
        return form in self.exacts or bool(self.prefixes and form.startswith(self.prefixes))

    def _token_spans(self, text):
        tokens = analysis().tokens(text)
        marked = set()
        for i, token in enumerate(tokens):
            if (
                (token.stem is not None and token.stem in self.stems)
                or token.exact in self.exacts
                or (self.prefixes and token.exact.startswith(self.prefixes))
            ):
                marked.add(i)
        if self.phrases:
            self._mark_phrases(tokens, marked)
        return [(tokens[i].start, tokens[i].end) for i in sorted(marked)]

    def _mark_phrases(self, tokens, marked):
        stemmed = [(i, t.stem) for i, t in enumerate(tokens) if t.stem is not None]
        exact = list(enumerate(t.exact for t in tokens))
        for exact_forms, terms in self.phrases:
            sequence = exact if exact_forms else stemmed
            n = len(terms)
            if not n:
                continue
            for j in range(len(sequence) - n + 1):
                if all(sequence[j + k][1] == terms[k] for k in range(n)):
                    marked.update(sequence[j + k][0] for k in range(n))

    def mark(self, text, numbering=None):
        """Return ``text`` as safe HTML with every match wrapped in <mark>.

        ``numbering`` (a one-item list holding the last number used) makes each mark
        an anchor ``hit-N`` for next/previous navigation.
        """
        return mark_safe(_render(text, self.spans(text), 0, len(text), numbering))

    def fragments(self, text, max_fragments=MAX_FRAGMENTS, context=FRAGMENT_CONTEXT_CHARS):
        """Return up to ``max_fragments`` keyword-in-context fragments as safe HTML.

        Only the words around the query's probes are analyzed (the neighbourhoods
        of the probes, for phrases), and the fragments holding the most different
        matched words are chosen.
        """
        if not text or not self or not self.could_match(text):
            return []
        windows = []

        def add(start, end, paragraph_start):
            left = max(paragraph_start, _word_boundary(text, max(0, start - context), backwards=True))
            right = min(_paragraph_end(text, end), _word_boundary(text, min(len(text), end + context), backwards=False))
            last = windows[-1] if windows else None
            if last and end <= last[1]:
                last[2].append((start, end))
            elif last and left <= last[1] and right - last[0] <= MAX_FRAGMENT_CHARS:
                last[1] = max(last[1], right)
                last[2].append((start, end))
            else:
                # A full fragment ends where the next one begins: no text is shown twice.
                if last and left < last[1]:
                    left = min(start, last[1])
                windows.append([left, right, [(start, end)]])

        found = self._word_spans(text)
        if found is not None:
            for start, end in found:
                add(start, end, _paragraph_start(text, start))
        else:
            for offset, paragraph in self._regions(text, context):
                for start, end in self._token_spans(paragraph):
                    add(start + offset, end + offset, max(offset, _paragraph_start(text, start + offset)))
                if len(windows) >= max_fragments:
                    break
        if not windows:
            return []
        # The fragments holding the most different matched words, shown in text order.
        def variety(window):
            return len({text[s:e] for s, e in window[2]})

        chosen = sorted(sorted(windows, key=variety, reverse=True)[:max_fragments], key=lambda w: w[0])
        fragments = []
        for left, right, inner in chosen:
            html = _render(text, inner, left, right, None)
            html = html.replace("\n", " ")
            prefix = "… " if left > 0 else ""
            suffix = " …" if right < len(text) else ""
            fragments.append(mark_safe(prefix + html.strip() + suffix))
        return fragments


    def _regions(self, text, context):
        """Yield (offset, text) of the parts of ``text`` worth analyzing, in text order.

        Every form of a query term holds one of the probes as a substring, so only
        the neighbourhoods of probe occurrences can hold matches: they are found at C
        speed in the normalized text and mapped back to the original.  Queries whose
        terms are not plain Arabic words fall back to whole paragraphs.
        """
        probes = self.probes()
        if any(not _ARABIC_WORD.fullmatch(probe) for probe in probes):
            yield from _paragraphs(text)
            return
        normalized, offsets = normalize_with_offsets(text)
        found = []
        for probe in probes:
            start = normalized.find(probe)
            while start >= 0 and len(found) < _MAX_PROBE_HITS:
                found.append((offsets[start], offsets[start + len(probe)]))
                start = normalized.find(probe, start + len(probe))
        if not found and any(len(probe) <= 4 for probe in probes):
            # A short term may be a dotted abbreviation (م. ت. ف → متف), which is
            # not a substring of the text.
            yield from _paragraphs(text)
            return
        pad = context + 40
        region = None
        for start, end in sorted(found):
            left = _word_boundary(text, max(0, start - pad), backwards=True)
            right = _word_boundary(text, min(len(text), end + pad), backwards=False)
            if region and left <= region[1]:
                region[1] = max(region[1], right)
                continue
            if region:
                yield region[0], text[region[0] : region[1]]
            region = [left, right]
        if region:
            yield region[0], text[region[0] : region[1]]


def _word_around(text, start, end):
    """Widen ``text[start:end]`` to the run of Arabic letters holding it."""
    letters = ARABIC_LETTERS
    while start > 0 and text[start - 1] in letters:
        start -= 1
    length = len(text)
    while end < length and text[end] in letters:
        end += 1
    return start, end


def _paragraph_start(text, position):
    """Return where the paragraph holding ``position`` starts."""
    start = text.rfind("\n\n", 0, position)
    return 0 if start < 0 else start + 2


def _paragraph_end(text, position):
    """Return where the paragraph holding ``position`` ends (a fragment never crosses one)."""
    end = text.find("\n\n", position)
    return len(text) if end < 0 else end


def _paragraphs(text):
    """Yield (offset, paragraph) for the blank-line-separated paragraphs of ``text``."""
    offset = 0
    for part in text.split("\n\n"):
        if part.strip():
            yield offset, part
        offset += len(part) + 2


def _word_boundary(text, position, backwards):
    """Move ``position`` to the nearest space so fragments do not cut words."""
    limit = 20
    step = -1 if backwards else 1
    probe = position
    for _ in range(limit):
        if probe <= 0 or probe >= len(text) or text[probe].isspace():
            return max(0, min(len(text), probe))
        probe += step
    return position


def _render(text, spans, left, right, numbering):
    # The standard library's escape (what Django's wraps): the pieces are plain strings,
    # and the whole is marked safe once by the caller.
    parts = []
    cursor = left
    for start, end in spans:
        if start < left or end > right:
            continue
        parts.append(escape(text[cursor:start]))
        if numbering is not None:
            numbering[0] += 1
            parts.append(f'<mark class="hit" id="hit-{numbering[0]}">{escape(text[start:end])}</mark>')
        else:
            parts.append(f"<mark>{escape(text[start:end])}</mark>")
        cursor = end
    parts.append(escape(text[cursor:right]))
    return "".join(parts)
