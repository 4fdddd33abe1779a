"""newswire against another parser's conformance suite (``bench.conformance``): the
agreement of each field, as docs/ingester.md gives it, may not fall."""

from __future__ import annotations

import pytest

from bench.conformance import Report, run
from bench.conformance_suite import FIELDS, GOFEED, verdict

AGREEING = {
    "format": 551, "feed title": 58, "feed link": 20, "items": 265, "title": 54, "link": 26,
    "id": 31, "published": 12, "updated": 11, "authors": 36, "categories": 17,
    "enclosures": 11, "content": 27, "summary": 45,
}  # fmt: skip
"""Per field: values that agree, or differ by one of newswire's documented rules."""


@pytest.fixture(scope="module")
def report() -> Report:
    assert GOFEED.is_dir(), f"the conformance suite is missing: {GOFEED}"
    return run(GOFEED)


def test_the_whole_suite_is_read(report: Report) -> None:
    assert report.cases == 552


@pytest.mark.parametrize("field", FIELDS)
def test_the_agreement_of_each_field_does_not_fall(report: Report, field: str) -> None:
    counts = report.counts(field)
    assert counts["agree"] + counts["deviation"] >= AGREEING[field], [
        (f.case, f.ours, f.theirs) for f in report.differences() if f.field == field
    ]


def test_a_deviation_is_granted_only_when_its_rule_explains_the_very_value() -> None:
    assert verdict("title", "Slack", "<b>Slack</b>") == (
        "deviation",
        "plain text: markup removed, entities decoded",
    )
    assert verdict("title", "Slack!", "<b>Slack</b>")[0] == "differ"
    assert verdict("link", None, "/relative")[0] == "deviation"
    assert verdict("link", None, "https://example.org/")[0] == "differ"
    assert verdict("summary", "<p>x</p>", "<p>x</p><script>y()</script>")[0] == "deviation"
    assert verdict("summary", "<p>x</p>", "<p>x</p><p>y</p>")[0] == "differ"
    assert verdict("id", "http://e.org/1", None, {"rdf:about": "http://e.org/1"})[0] == "deviation"
    assert verdict("id", "http://e.org/2", None, {"rdf:about": "http://e.org/1"})[0] == "differ"
