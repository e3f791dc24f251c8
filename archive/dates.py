"""Calendar helpers: Hijri conversion and honest display of partial dates."""

import datetime as dt
import re

from hijridate import Gregorian, Hijri

_HIJRI_RE = re.compile(r"^(\d{3,4})-(\d{1,2})-(\d{1,2})$")


def hijri_to_gregorian(value):
    """Convert 'YYYY-MM-DD' in the Hijri (Umm al-Qura) calendar to a Gregorian date."""
    match = _HIJRI_RE.match(value.strip())
    if not match:
        raise ValueError(value)
    year, month, day = (int(part) for part in match.groups())
    try:
        return Hijri(year, month, day, validate=True).to_gregorian()
    except (ValueError, OverflowError) as exc:
        raise ValueError(value) from exc


def gregorian_to_hijri(value):
    """Return (year, month, day) in the Hijri calendar, or None outside the supported range."""
    if isinstance(value, dt.datetime):
        value = value.date()
    try:
        hijri = Gregorian(value.year, value.month, value.day).to_hijri()
    except (ValueError, OverflowError):
        return None
    return hijri.year, hijri.month, hijri.day
