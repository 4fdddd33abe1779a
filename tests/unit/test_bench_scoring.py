"""The evaluation's scoring and corpus readers (bench/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.attribution_scoring import Attribution, Score, core, prf
from bench.polnear import parse_ann

ANN = (
    "T1\tSource 0 3\tBob\n"
    "T2\tCue 4 8\tsaid\n"
    "T3\tContent 9 20;25 30\tit rained a lot\n"
    "T4\tAttribution 4 8\tsaid\n"
    "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
    "T5\tDiscard 40 45\tjunk\n"
    "T6\tContent 50 60\tno cue\n"
    "E2\tContent:T6\n"
)


def test_brat_attributions_with_discontinuous_content() -> None:
    first, second = parse_ann(ANN)
    assert first.content == [(9, 20), (25, 30)]
    assert first.cue == [(4, 8)] and first.source == [(0, 3)]
    assert second.content == [(50, 60)] and second.cue == [] and second.source == []


def a(content: range, cue: range = range(0), source: range = range(0)) -> Attribution:
    return Attribution(frozenset(content), frozenset(cue), frozenset(source))


def test_exact_match_needs_the_cue_to_overlap_and_the_role_to_be_equal() -> None:
    gold = [a(range(5, 10), range(3, 4), range(0, 2))]
    score = Score()
    score.add([a(range(5, 10), range(3, 4), range(0, 1))], gold)
    content, source = score.roles["content"], score.roles["source"]
    assert (content.tp, content.fp, content.fn) == (1, 0, 0)
    assert (source.tp, source.fp, source.fn) == (0, 1, 1)  # "Bob" is not "Bob Smith"


def test_overlap_gives_partial_credit() -> None:
    score = Score()
    score.add([a(range(5, 15), range(3, 4))], [a(range(5, 10), range(3, 4))])
    precision, recall, f1 = score.roles["content"].overlapping()
    assert (precision, recall) == (0.5, 1.0) and f1 == pytest.approx(2 / 3)
    assert score.roles["content"].exact() == (0.0, 0.0, 0.0)


def test_punctuation_at_the_edges_does_not_break_an_exact_match() -> None:
    punctuation = frozenset({4, 10})
    assert core(frozenset(range(4, 11)), punctuation) == frozenset(range(5, 10))
    score = Score()
    score.add([a(range(4, 11), range(2, 3))], [a(range(5, 10), range(2, 3))], punctuation)
    assert score.roles["content"].tp == 1


def test_no_predictions_score_zero_not_an_error() -> None:
    score = Score()
    score.add([], [a(range(1, 4), range(0, 1))])
    assert score.roles["content"].exact() == (0.0, 0.0, 0.0)
    assert score.roles["content"].fn == 1
    assert prf(0, 0, 0) == (0.0, 0.0, 0.0)


def test_re3d_documents_and_their_gold_mentions() -> None:
    from bench.re3d import documents

    root = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "re3d"
    docs = list(documents(root))
    assert len(docs) > 50
    mentions = [m for d in docs for m in d.mentions]
    assert len(mentions) > 1000
    for doc in docs:
        for m in doc.mentions:
            assert doc.text[m.start : m.end] == m.text
