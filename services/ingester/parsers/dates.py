"""Dates as feeds write them, read strictly: a date is read, or it is absent.

``read_date`` knows the forms feeds use: RFC 822 / RFC 2822 (RSS: ``Tue, 22 Oct 2024
10:15:00 +0200``, with or without the day name, seconds or zone, two-digit years, zone
names), ISO 8601 / RFC 3339 (Atom, JSON Feed, Dublin Core: ``2024-10-22T10:15:00Z``, a
space for the ``T``, fractions, offsets with or without a colon), slashed dates
(``2024/1/10 14:33:00``), month-name-first dates (``October 22, 2024 10:15 AM``), and
Unix time in seconds or milliseconds. A date without a zone is read as UTC; a zone
abbreviation that is not in ``ZONES`` too (it cannot be placed, so it is read as UTC,
as most readers do).

``trusted`` decides between such a reading and feedparser's: the strict reading wins
whenever there is one; feedparser's own (it reads a few forms more, in other languages)
is kept only when the string holds the year and the day it claims. feedparser reads some
strings wrongly (``2020/1/10`` as 2020-12-01, epoch seconds as the year 1559); a date no
reader can place is None, never an invented one.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for m in names
}
ZONES = {
    "ut": 0, "utc": 0, "gmt": 0, "z": 0, "wet": 0, "west": 1, "bst": 1, "cet": 1,
    "cest": 2, "met": 1, "mest": 2, "eet": 2, "eest": 3, "msk": 3, "est": -5, "edt": -4,
    "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7, "akst": -9,
    "akdt": -8, "hst": -10, "jst": 9, "kst": 9, "hkt": 8, "sgt": 8, "awst": 8,
    "acst": 9.5, "acdt": 10.5, "aest": 10, "aedt": 11, "nzst": 12, "nzdt": 13,
}  # fmt: skip
"""Zone abbreviations with one meaning (IST, for one, has three and is not here)."""

_DAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*)?"
_TIME = (
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d+))?)?"
    r"\s*(?P<meridiem>am|pm)?"
)
_ZONE = r"(?:\s*(?:(?P<sign>[+-])(?P<zh>\d{2}):?(?P<zm>\d{2})?|(?P<name>[a-z]{1,5})))?"
_PATTERNS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # ISO 8601 / RFC 3339
        rf"(?P<year>\d{{4}})-(?P<month>\d{{2}})-(?P<day>\d{{2}})(?:(?:t|\s+){_TIME}{_ZONE})?",
        # RFC 822 / 2822
        rf"{_DAY}(?P<day>\d{{1,2}})[\s-]+(?P<month>[a-z]{{3,9}})\.?[\s-]+(?P<year>\d{{2}}|\d{{4}})"
        rf"(?:,?\s+{_TIME}{_ZONE})?(?:\s*\([^)]*\))?",
        # slashed
        rf"(?P<year>\d{{4}})/(?P<month>\d{{1,2}})/(?P<day>\d{{1,2}})(?:[\sT]+{_TIME}{_ZONE})?",
        # month first
        rf"{_DAY}(?P<month>[a-z]{{3,9}})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+"
        rf"(?P<year>\d{{4}})(?:,?\s+(?:at\s+)?{_TIME}{_ZONE})?",
    )
)
_EPOCH = re.compile(r"(\d{9,10})(\d{3})?")
EARLIEST = datetime(1980, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def _zone(sign: str | None, hours: str | None, minutes: str | None, name: str | None) -> timezone:
    if sign and hours is not None:
        offset = timedelta(hours=int(hours), minutes=int(minutes or 0))
        return timezone(-offset if sign == "-" else offset)
    if name and name.lower() in ZONES:
        return timezone(timedelta(hours=ZONES[name.lower()]))
    return UTC


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:  # RFC 2822: 00-49 is 20xx, 50-99 19xx
        year += 2000 if year < 50 else 1900
    return year


def _read(g: dict[str, str | None]) -> datetime | None:
    """The moment the groups of one of ``_PATTERNS`` name, or None when there is none."""
    month = g["month"] or ""
    number = int(month) if month.isdigit() else MONTHS.get(month.lower())
    if number is None:
        return None
    h, m, s = int(g["hour"] or 0), int(g["minute"] or 0), int(g["second"] or 0)
    s = 59 if s == 60 else s  # a leap second: the last second of its minute
    if g["meridiem"]:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if g["meridiem"].lower() == "pm" else 0)
    micro = int((g["fraction"] or "0")[:6].ljust(6, "0"))
    zone = _zone(g["sign"], g["zh"], g["zm"], g["name"])
    try:
        when = datetime(_year(g["year"] or ""), number, int(g["day"] or 0), h, m, s, micro, zone)
        return when.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def _epoch(m: re.Match[str]) -> datetime | None:
    seconds, millis = m.groups()
    try:
        return datetime.fromtimestamp(int(seconds) + int(millis or 0) / 1000, UTC)
    except (ValueError, OverflowError, OSError):
        return None


def read_date(raw: str | None) -> datetime | None:
    """``raw`` in UTC when it is in one of the forms above (and within range), else None."""
    if not raw:
        return None
    text = " ".join(raw.split())
    if len(text) > 80:
        return None
    when: datetime | None = None
    if m := _EPOCH.fullmatch(text):
        when = _epoch(m)
    else:
        for pattern in _PATTERNS:
            if m := pattern.fullmatch(text):
                when = _read(m.groupdict())
                break
    if when is None or not EARLIEST <= when < LATEST:
        return None
    return when


_DIGITS = re.compile(r"\d+")


def _claims_hold(raw: str, when: datetime) -> bool:
    """Whether ``raw`` holds the year (four digits) and the day of the month (give or
    take the day a zone moves it) that ``when`` says."""
    numbers = {int(n) for n in _DIGITS.findall(raw)}
    days = {when.day, (when - timedelta(days=1)).day, (when + timedelta(days=1)).day}
    return str(when.year) in raw and bool(days & numbers)


def trusted(raw: str | None, theirs: datetime | None) -> datetime | None:
    """The date of ``raw``: a strict reading of it, else ``theirs`` (another parser's)
    if ``raw`` holds its year and day, else None."""
    ours = read_date(raw)
    if ours is not None or theirs is None or not raw:
        return ours
    return theirs if _claims_hold(raw, theirs) else None
