"""Fuzzing the enricher's analysis: whatever the text, no exception, every span inside the
text and equal to its slice, every parent an existing claim."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.enricher.analysis import analyse

PIECES = [
    "said", "claimed", "according to", "told reporters", "warned that", "wrote:",
    "\u201c", "\u201d", '"', "'", "\u2018", "\u2019", ":", ",", ".", "?", "\n", "\n\n",
    "John Kirby", "he", "she", "they", "who says", "The Wall Street Journal", "WSJ",
    "Kursk", "Storm Shadows", "officials", "reportedly", "alleged", "It was reported that",
    "continued", "\u2014", "(", ")", "Kerry", "the minister", "42", "\u00e9", "\u0000",
    "\ufffd", "\U0001f600", "  ", "\t", "citing", "denied the report", "is confident that",
]  # fmt: skip

texts = st.one_of(
    st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=40).map(" ".join),
    st.lists(st.sampled_from(PIECES), max_size=60).map("".join),
    st.text(max_size=200),
)


def check(text: str) -> None:
    result = analyse(text)
    ids = {c.claim_id for c in result.claims}
    assert len(ids) == len(result.claims)
    for c in result.claims:
        assert c.embed is None
        assert 0 <= c.content.start <= c.content.end <= len(text)
        assert text[c.content.start : c.content.end] == c.content.text
        if c.cue is not None:
            assert text[c.cue.start : c.cue.end] == c.cue.text
        if c.source is not None and c.source.start is not None:
            assert c.source.end is not None
            assert text[c.source.start : c.source.end] == c.source.text
        assert c.parent is None or c.parent in ids
        assert 0.0 <= c.check_worthiness <= 1.0
    for e in result.entities:
        for m in e.mentions:
            assert text[m.start : m.end] == m.text


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_analysis_spans_are_slices_of_any_text(text: str) -> None:
    check(text)


@pytest.mark.full
@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_analysis_spans_are_slices_of_any_text_long_run(text: str) -> None:
    check(text)
