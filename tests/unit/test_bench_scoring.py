"""The evaluation's scoring and corpus readers (bench/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.attribution_scoring import Attribution, Score, core, pair, prf
from bench.pages_scoring import Tally, cases, corpus_folder, read_page
from bench.polnear import documents, panels, parse_ann

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


def test_a_source_shared_by_several_cues_passes_one_in_citrons_overlap_not_paired() -> None:
    # "Bob said A and warned B, and added C": one source, three attributions
    gold = [
        a(range(10, 15), range(2, 3), range(0, 2)),
        a(range(20, 25), range(17, 18), range(0, 2)),
    ]
    gold.append(a(range(30, 35), range(27, 28), range(0, 2)))
    predicted = [a(range(10, 15), range(2, 3), range(0, 2))]  # only the first found
    score = Score()
    score.add(predicted, gold)
    source = score.roles["source"]
    assert source.overlapping()[0] == 3.0  # each gold attribution counts "Bob" again
    precision, recall, _ = source.paired()
    assert precision == 1.0 and recall == pytest.approx(1 / 3)


def test_pairing_prefers_the_cue_then_the_content() -> None:
    by_cue = a(range(50, 60), range(3, 4))
    by_content = a(range(5, 10), range(40, 41))
    one = a(range(5, 10), range(3, 4))
    assert pair(one, [by_content, by_cue]) is by_cue
    assert pair(a(range(5, 10), range(8, 9)), [by_content, by_cue]) is by_content
    assert pair(a(range(70, 80), range(65, 66)), [by_content, by_cue]) is None


def test_each_rule_is_scored_on_its_own_claims_against_all_of_the_gold() -> None:
    from bench.attribution import by_rule

    gold = [a(range(10, 15), range(2, 3)), a(range(20, 25), range(17, 18))]
    right = Attribution(frozenset(range(10, 15)), frozenset({2}), rule="verb-clause")
    wrong = Attribution(frozenset(range(40, 45)), frozenset({38}), rule="according-to")
    scores = by_rule([([right, wrong], gold, frozenset())])
    assert list(scores) == ["verb-clause", "according-to"]  # in the rule table's order
    clause, according = scores["verb-clause"], scores["according-to"]
    assert clause.predicted == 1 and clause.gold == 2
    assert clause.roles["content"].exact()[:2] == (1.0, 0.5)  # its precision; half the gold
    assert according.roles["content"].exact()[:2] == (0.0, 0.0)


def test_polnear_panels_keep_every_annotator_and_documents_the_first(tmp_path: Path) -> None:
    (tmp_path / "data" / "dev" / "text").mkdir(parents=True)
    (tmp_path / "data" / "dev" / "attributions").mkdir()
    for name, annotators in (("one", ["b2"]), ("shared", ["f1", "a9", "c3"])):
        (tmp_path / "data" / "dev" / "text" / f"{name}.txt").write_text("Bob said it rained.")
        for i, annotator in enumerate(annotators):
            ann = ANN if i == 1 else ANN.split("T5")[0]
            (tmp_path / "data" / "dev" / "attributions" / f"{name}_{annotator}.ann").write_text(ann)
    (shared,) = panels(tmp_path, "dev")
    assert shared.name == "shared" and sorted(shared.annotators) == ["a9", "c3", "f1"]
    assert len(shared.annotators["f1"]) == 1 and len(shared.annotators["a9"]) == 2
    by_name = {d.name: d for d in documents(tmp_path, "dev")}
    assert len(by_name["shared"].attributions) == 2  # annotator a9's, the first by name


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


def test_page_snippets_count_as_trafilaturas_evaluation_counts_them(tmp_path: Path) -> None:
    (tmp_path / "cache").mkdir()
    (tmp_path / "eval").mkdir()
    (tmp_path / "cache" / "a.html").write_bytes(
        b'<html><head><meta charset="windows-1252"></head><body>caf\xe9</body></html>'
    )
    (tmp_path / "eval" / "b.html").write_text("<html><body>b</body></html>")
    gold = {
        "https://a.example/": {"file": "a.html", "with": ["one  two", "three"], "without": ["x"]},
        "label::b": {"file": "b.html", "with": ["b"], "without": ["y", "z"]},
        "https://missing.example/": {"file": "gone.html", "with": ["q"], "without": ["r"]},
    }
    (tmp_path / "evaldata.json").write_text(json.dumps(gold))
    first, second = cases(tmp_path)  # the page whose file is missing is left out
    assert first.url == "https://a.example/" and second.url is None
    assert "café" in read_page(first)  # decoded by its declared charset
    tally = Tally()
    missed, leaked = tally.add(first, "one\ntwo and x")  # whitespace does not count
    assert (missed, leaked) == (["three"], ["x"])
    tally.add(second, "")
    assert (tally.tp, tally.fn, tally.fp, tally.tn, tally.pages, tally.empty) == (1, 2, 1, 2, 2, 1)
    assert tally.precision == 0.5 and tally.recall == 1 / 3
    assert tally.f1 == 2 * 1 / (2 * 1 + 1 + 2)


def test_the_page_corpus_is_found_in_a_checkout_or_its_corpus_folder(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "evaldata.json").write_text("{}")
    assert corpus_folder(tmp_path) == tmp_path / "tests"
    with pytest.raises(FileNotFoundError, match="adbar/trafilatura"):
        corpus_folder(tmp_path / "tests" / "nothing")
