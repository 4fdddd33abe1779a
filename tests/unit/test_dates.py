"""Dates read strictly: every form feeds write, generated; what cannot be read is absent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.ingester.parsers.dates import read_date, trusted

moments = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2150, 12, 31)).map(
    lambda d: d.replace(microsecond=0)
)
offsets = st.integers(min_value=-12 * 4, max_value=14 * 4).map(
    lambda q: timezone(timedelta(minutes=15 * q))
)


def rfc822(d: datetime) -> str:
    return d.strftime("%a, %d %b %Y %H:%M:%S %z")


FORMS = {
    "RFC 822": rfc822,
    "RFC 822, no day name": lambda d: d.strftime("%d %b %Y %H:%M:%S %z"),
    "RFC 822, zone with a colon": lambda d: rfc822(d)[:-2] + ":" + rfc822(d)[-2:],
    "RFC 3339": lambda d: d.isoformat(),
    "RFC 3339 with a fraction": lambda d: d.isoformat(timespec="milliseconds"),
    "ISO 8601, a space for the T": lambda d: d.isoformat(sep=" "),
    "slashed": lambda d: d.strftime("%Y/%-m/%-d %H:%M:%S ") + d.strftime("%z"),
    "month first": lambda d: d.strftime("%B %-d, %Y %I:%M:%S %p ") + d.strftime("%z"),
}


@pytest.mark.parametrize("form", FORMS)
@settings(max_examples=60, deadline=None)
@given(moment=moments, zone=offsets)
def test_every_form_reads_back_the_moment_it_was_written_from(
    form: str, moment: datetime, zone: timezone
) -> None:
    written = moment.replace(tzinfo=zone)
    assert read_date(FORMS[form](written)) == written.astimezone(UTC)


@settings(max_examples=100, deadline=None)
@given(moment=moments)
def test_unix_time_in_seconds_and_milliseconds(moment: datetime) -> None:
    at = moment.replace(tzinfo=UTC)
    seconds = int(at.timestamp())
    assert read_date(str(seconds)) == at
    assert read_date(str(seconds * 1000 + 250)) == at + timedelta(milliseconds=250)


@settings(max_examples=100, deadline=None)
@given(moment=moments)
def test_a_date_without_a_zone_is_read_as_utc(moment: datetime) -> None:
    assert read_date(moment.strftime("%Y-%m-%d %H:%M:%S")) == moment.replace(tzinfo=UTC)
    assert read_date(moment.strftime("%a, %d %b %Y %H:%M")) == moment.replace(second=0, tzinfo=UTC)


@pytest.mark.parametrize(
    "raw",
    [
        "", "soon", "yesterday at noon", "2024-13-01", "2024-02-30T10:00:00Z",
        "32 Oct 2024 10:00:00 GMT", "Tue, 22 Foo 2024 10:00:00 GMT", "25:00", "12345",
        "2024/10/22 25:61:00", "99999999999999", "0", "Tue, 22 Oct 10:00:00",
    ],
)  # fmt: skip
def test_what_is_no_date_is_absent(raw: str) -> None:
    assert read_date(raw) is None


@settings(max_examples=300, deadline=None)
@given(raw=st.text(max_size=60), theirs=moments)
def test_another_parser_is_trusted_only_with_a_year_and_a_day_the_string_holds(
    raw: str, theirs: datetime
) -> None:
    """Whatever the string, the result is a strict reading of it, or the other parser's
    when the string holds its year, or nothing: never a date from elsewhere."""
    claimed = theirs.replace(tzinfo=UTC)
    got = trusted(raw, claimed)
    assert got is None or got == read_date(raw) or (got == claimed and str(claimed.year) in raw)


def test_feedparsers_misreadings_are_not_kept() -> None:
    wrong = datetime(2020, 12, 1, tzinfo=UTC)  # feedparser's reading of 2020/1/10 14:33:00
    assert trusted("2020/1/10 14:33:00", wrong) == datetime(2020, 1, 10, 14, 33, tzinfo=UTC)
    assert trusted("1559104147", datetime(1559, 4, 14, tzinfo=UTC)) == datetime(
        2019, 5, 29, 4, 29, 7, tzinfo=UTC
    )
    assert trusted("le 3 mars 2021", datetime(2021, 3, 3, tzinfo=UTC)) == datetime(
        2021, 3, 3, tzinfo=UTC
    )  # a form only the other parser reads: its year and day are in the string
    assert trusted("week 12", datetime(2021, 3, 3, tzinfo=UTC)) is None
