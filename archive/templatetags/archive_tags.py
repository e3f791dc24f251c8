"""Dates in both calendars, search links that keep the search, and the hits-over-time chart."""

import datetime as dt
import functools
import math
from urllib.parse import urlencode, urlsplit

from django import template
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.dates import MONTHS
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from archive.dates import gregorian_to_hijri

register = template.Library()

HIJRI_MONTHS = {
    1: pgettext_lazy("Hijri month", "Muharram"),
    2: pgettext_lazy("Hijri month", "Safar"),
    3: pgettext_lazy("Hijri month", "Rabi al-Awwal"),
    4: pgettext_lazy("Hijri month", "Rabi al-Thani"),
    5: pgettext_lazy("Hijri month", "Jumada al-Ula"),
    6: pgettext_lazy("Hijri month", "Jumada al-Akhirah"),
    7: pgettext_lazy("Hijri month", "Rajab"),
    8: pgettext_lazy("Hijri month", "Shaban"),
    9: pgettext_lazy("Hijri month", "Ramadan"),
    10: pgettext_lazy("Hijri month", "Shawwal"),
    11: pgettext_lazy("Hijri month", "Dhu al-Qadah"),
    12: pgettext_lazy("Hijri month", "Dhu al-Hijjah"),
}

# The parameters a search page understands; anything else in a URL is dropped
# from the links the page builds, so that permalinks stay clean.
SEARCH_KEYS = (
    "q", "source", "date_from", "date_to", "hijri_from", "hijri_to", "year", "month",
    "exact", "sort", "page", "page_size", "interval", "norm",
)
# Changing what is searched starts again at the first page.
RESETS_PAGE = {"q", "source", "date_from", "date_to", "hijri_from", "hijri_to", "year", "month", "exact", "sort",
               "page_size"}


def _as_date(value):
    """Return the calendar date of a date or an aware datetime in the site's time zone."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


@register.filter
def month_name(number):
    """Return the Gregorian month's name in the active language."""
    try:
        return MONTHS[int(number)]
    except (KeyError, TypeError, ValueError):
        return ""


@register.filter
def hijri_month_name(number):
    try:
        return HIJRI_MONTHS[int(number)]
    except (KeyError, TypeError, ValueError):
        return ""


@register.filter
def gregorian_date(value):
    """Return a date as '26 November 2019' in the active language."""
    if not value:
        return ""
    day = _as_date(value)
    return _("%(day)s %(month)s %(year)s") % {"day": day.day, "month": MONTHS[day.month], "year": day.year}


@register.filter
def hijri_date(value):
    """Return the Hijri (Umm al-Qura) date of a date, or "" outside the convertible range."""
    if not value:
        return ""
    hijri = gregorian_to_hijri(_as_date(value))
    if hijri is None:
        return ""
    year, month, day = hijri
    return _("%(day)s %(month)s %(year)s AH") % {"day": day, "month": HIJRI_MONTHS[month], "year": year}


@register.filter
def published_time(article):
    """Return the time of day of a publication, or "" when the source gave only a date."""
    if not article.published or article.published_precision != "datetime":
        return ""
    return timezone.localtime(article.published).strftime("%H:%M")


@register.simple_tag
def article_dates(article, with_time=False):
    """Show an article's date in both calendars (and its time if asked and known), or say it is undated.

    Built here rather than in an included template: a results page shows twenty of them.
    """
    if not article.published:
        return format_html('<span class="date date--undated">{}</span>', _("undated"))
    time = published_time(article) if with_time else ""
    day = _as_date(article.published)
    if not time:
        return _day_html(day, translation.get_language())
    shown = format_html("{}{}", gregorian_date(day), _(", %(time)s UTC") % {"time": time})
    return _dates_html(timezone.localtime(article.published).isoformat(), shown, day)


@functools.lru_cache(maxsize=4096)
def _day_html(day, language):
    # Kept per day and language: the two calendars' names cost more than the rest of a hit.
    return _dates_html(day.isoformat(), gregorian_date(day), day)


def _dates_html(machine, shown, day):
    hijri = hijri_date(day)
    return format_html(
        '<span class="date"><time datetime="{}">{}</time>{}</span>', machine, shown,
        format_html(' <span class="date__hijri">({})</span>', hijri) if hijri else "",
    )


@register.filter
def http_url(value):
    """Return the URL if it is an absolute http(s) URL, otherwise "" (never a javascript: link)."""
    value = (value or "").strip()
    try:
        parts = urlsplit(value)
    except ValueError:
        return ""
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return value
    return ""


def search_query(get):
    """Return a QueryDict of the search parameters in ``get`` that carry a value."""
    query = QueryDict(mutable=True)
    for key in SEARCH_KEYS:
        values = [v for v in get.getlist(key) if v.strip()]
        if key == "exact":
            values = ["1"] if values and values[-1].lower() in ("1", "on", "true", "yes") else []
        if values:
            query.setlist(key, values)
    return query


def _params(query):
    # A plain dict of lists: QueryDict.copy() deep-copies, and a page builds some thirty links.
    return {key: list(values) for key, values in query.lists()}


def _encode(params):
    encoded = urlencode([(key, value) for key, values in params.items() for value in values])
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def query_with(query, **changes):
    """Return ``?…`` for ``query`` with parameters set (or removed with None), keeping the others.

    Changing anything but the page, the interval or the chart's scale goes back to page 1.
    """
    params = _params(query)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = [str(value)]
    if RESETS_PAGE.intersection(changes):
        params.pop("page", None)
    return _encode(params)


@register.simple_tag
def facet_toggle(query, name, value):
    """Return ``?…`` that adds the facet value to the search, or removes it when it is chosen."""
    params = _params(query)
    value = str(value)
    params.pop("page", None)
    if name == "source":
        chosen = params.get("source", [])
        params["source"] = [v for v in chosen if v != value] if value in chosen else [*chosen, value]
    elif params.get(name, [None])[-1] == value:
        params.pop(name, None)
        if name == "year":
            params.pop("month", None)
    else:
        params[name] = [value]
        if name == "year":
            params.pop("month", None)
    return _encode(params)


@register.simple_tag
def query_without(query, *names):
    """Return ``?…`` without the named parameters (back to page 1)."""
    params = _params(query)
    for name in (*names, "page"):
        params.pop(name, None)
    return _encode(params)


def _nice_ceiling(value, *, whole=False):
    """Return a round number at or above ``value`` for the top of the chart's scale.

    With ``whole`` (counts of hits) half the top is a whole number too, since the
    scale marks the middle.
    """
    if whole and value <= 10:
        return max(2, math.ceil(value / 2) * 2)
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 4, 5, 10) if whole else (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            ceiling = step * magnitude
            return int(ceiling) if ceiling >= 1 else ceiling
    return 10 * magnitude


CHART_HEIGHT = 180
CHART_TOP = 12
CHART_AXIS = 56  # room for the scale's numbers
CHART_FOOT = 34  # room for the period labels


@register.inclusion_tag("archive/includes/timeline_chart.html")
def timeline_chart(buckets, norm=False, interval="year"):
    """Draw the hits per period as bars in an SVG (raw counts, or per 1,000 articles with ``norm``)."""
    slot = 56 if interval == "year" else 14
    values = [b.per_thousand if norm else b.hits for b in buckets]
    top = _nice_ceiling(max(values, default=0), whole=not norm)
    width = max(640, CHART_AXIS + slot * len(buckets) + 16)
    # Label every period when they fit, otherwise only years (January of each year for months).
    every = max(1, math.ceil(len(buckets) / 20)) if interval == "year" else 0
    bars = []
    for index, (bucket, value) in enumerate(zip(buckets, values)):
        height = round(CHART_HEIGHT * value / top, 1) if top else 0
        if interval == "year":
            label = bucket.period if index % every == 0 else ""
        else:
            # Years at each January, and at the start unless a January follows too closely.
            starts_early = index == 0 and bucket.period[5:7] <= "09"
            label = bucket.period[:4] if bucket.period.endswith("-01") or starts_early else ""
        bars.append({
            "bucket": bucket,
            "value": value,
            "x": CHART_AXIS + index * slot + 2,
            "width": slot - 4,
            "y": round(CHART_TOP + CHART_HEIGHT - height, 1),
            "height": height,
            "label": label,
            "label_x": CHART_AXIS + index * slot + slot / 2,
        })
    baseline = CHART_TOP + CHART_HEIGHT
    ticks = [
        {"value": top * fraction, "y": round(baseline - CHART_HEIGHT * fraction, 1)}
        for fraction in (0, 0.5, 1)
    ]
    return {
        "bars": bars,
        "ticks": ticks,
        "norm": norm,
        "width": width,
        "height": baseline + CHART_FOOT,
        "baseline": baseline,
        "axis_x": CHART_AXIS,
        "label_y": baseline + 20,
        "tick_x": CHART_AXIS - 6,
    }


@register.filter
def tick_label(value):
    """Return a scale number without needless decimals."""
    return f"{value:g}" if isinstance(value, float) else str(value)


@register.filter
def getlist(query, key):
    """Return every value of a parameter of a QueryDict."""
    return query.getlist(key)


@register.simple_tag
def page_window(current, last, around=2):
    """Return the page numbers to offer around ``current``, with None where pages are left out."""
    shown = {1, last, *range(current - around, current + around + 1)}
    pages = []
    for number in sorted(n for n in shown if 1 <= n <= last):
        if pages and number - pages[-1] > 1:
            pages.append(None)
        pages.append(number)
    return pages


@register.simple_tag
def hidden_inputs(query, *names):
    """Return hidden inputs that carry the named parameters through a form."""
    return format_html_join(
        "", '<input type="hidden" name="{}" value="{}">',
        ((name, value) for name in names for value in query.getlist(name)),
    )


@register.filter
def end_index(results):
    """Return the number of the last hit on a page of results."""
    return results.start_index + len(results.hits) - 1 if results.hits else 0


MAX_HIT_LINKS = 200


@register.filter
def hit_numbers(count):
    """Return 1…count (at most MAX_HIT_LINKS) for links to the marked matches #hit-1, #hit-2…"""
    return range(1, min(int(count or 0), MAX_HIT_LINKS) + 1)
