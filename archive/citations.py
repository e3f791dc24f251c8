"""Citations of an article: Chicago-style text, BibTeX and RIS.

A citation never invents what the archive does not know: an undated article is
cited "n.d." (Chicago) or without a year (BibTeX, RIS), and a missing author or
source is left out.  The permanent link is the article's page in this archive.
"""

import re

from django.utils import timezone

MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
BIBTEX_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

# Characters that make no sense inside a one-line field: line breaks and other
# control characters (a record is one line per field in RIS).
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")

# BibTeX's special characters and their escaped forms.  The braces go first so
# that the braces the other replacements introduce are not escaped again.
_BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
_BIBTEX_RE = re.compile("|".join(re.escape(ch) for ch in _BIBTEX_SPECIALS))


def one_line(value):
    """Return ``value`` with line breaks and control characters turned into single spaces."""
    return _CONTROL_RE.sub(" ", value or "").strip()


def bibtex_escape(value):
    """Return ``value`` with BibTeX's special characters escaped."""
    return _BIBTEX_RE.sub(lambda match: _BIBTEX_SPECIALS[match.group(0)], one_line(value))


def _published_date(article):
    if not article.published:
        return None
    return timezone.localtime(article.published).date()


def chicago_segments(article, *, url):
    """Return a Chicago-style (notes and bibliography) citation as [(text, is_data)] pieces.

    The pieces taken from the record (author, title, source) are marked, so that a
    page can isolate their direction: an Arabic title inside the English pattern
    of the citation otherwise reorders the punctuation around it.
    """
    segments = []
    if article.author:
        segments += [(one_line(article.author), True), (". ", False)]
    segments += [("“", False), (one_line(article.title), True), (".” ", False)]
    if article.source:
        segments += [(one_line(article.source.name), True), (", ", False)]
    day = _published_date(article)
    segments.append((f"{MONTHS_EN[day.month - 1]} {day.day}, {day.year}. " if day else "n.d. ", False))
    segments.append((f"{url}.", False))
    return segments


def chicago(article, *, url):
    """Return a Chicago-style citation of a news article as plain text."""
    return "".join(text for text, _ in chicago_segments(article, url=url))


def bibtex_key(article):
    """Return a citation key of ASCII letters, digits and - _ : built from the identifier."""
    key = re.sub(r"[^A-Za-z0-9_:-]+", "-", article.external_id).strip("-")
    return f"archive:{key or article.pk}"


def bibtex(article, *, url):
    """Return a BibTeX record of the article (an @article in its source, or @misc without one)."""
    fields = [("title", article.title)]
    if article.author:
        fields.append(("author", article.author))
    if article.source:
        fields.append(("journal", article.source.name))
    day = _published_date(article)
    if day:
        fields += [("year", str(day.year)), ("month", BIBTEX_MONTHS[day.month - 1]), ("date", day.isoformat())]
    fields += [("url", url), ("language", article.language)]
    if article.url:
        fields.append(("note", f"Original: {article.url}"))
    kind = "article" if article.source else "misc"
    lines = [f"@{kind}{{{bibtex_key(article)},"]
    for name, value in fields:
        # Month macros stay bare so that styles can print the month name.
        if name == "month":
            lines.append(f"  {name} = {value},")
        else:
            # Double braces keep capitalisation as written (proper names in Latin script).
            lines.append(f"  {name} = {{{{{bibtex_escape(value)}}}}},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def ris(article, *, url):
    """Return an RIS record (type NEWS) of the article, with CRLF line ends as the format asks."""
    lines = [("TY", "NEWS"), ("TI", article.title)]
    if article.author:
        lines.append(("AU", article.author))
    if article.source:
        lines.append(("T2", article.source.name))
    day = _published_date(article)
    if day:
        lines += [("PY", str(day.year)), ("DA", day.strftime("%Y/%m/%d/"))]
    lines += [("UR", url), ("LA", article.language), ("ID", article.external_id)]
    if article.url:
        lines.append(("N1", f"Original: {article.url}"))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {one_line(value)}\r\n" for tag, value in lines)
