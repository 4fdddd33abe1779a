"""Claims: the case table (one row per expected claim), then what claims carry besides
their spans: kinds, names, hedges, nesting, check-worthiness.

``claim_cases.tsv`` has one row per claim a text must yield: text, source, cue, content
and the rule that finds it (``-`` for no source; a text whose only row is all ``-`` yields
no claim). A text's rows are all of its claims: a claim the table does not list fails the
case. ``\\n`` in a cell is a line break, ``\\uXXXX`` a character by its code point.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import pytest

from services.core.records import Claim
from services.enricher.analysis import analyse
from services.enricher.claims import RULE_NAMES

CASES = Path(__file__).with_name("claim_cases.tsv")
NONE = "-"

COLUMNS = ("source", "cue", "content", "rule")
Row = tuple[str, str, str, str]
"""Source, cue, content, rule."""


def unescape(cell: str) -> str:
    cell = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), cell)
    return cell.replace("\\n", "\n")


def cases() -> dict[str, set[Row]]:
    table: dict[str, set[Row]] = defaultdict(set)
    with CASES.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            expected = table[unescape(row["text"])]  # a text with no claim: an empty set
            source, cue, content, rule = (unescape(row[k]) for k in COLUMNS)
            if (source, cue, content, rule) != (NONE, NONE, NONE, NONE):
                expected.add((source, cue, content, rule))
    return dict(table)


CASE_TABLE = cases()


def claims(text: str) -> list[Claim]:
    found = analyse(text).claims
    for c in found:  # every span is a slice of the text
        assert text[c.content.start : c.content.end] == c.content.text
        if c.cue is not None:
            assert text[c.cue.start : c.cue.end] == c.cue.text
        if c.source is not None and c.source.start is not None:
            assert text[c.source.start : c.source.end] == c.source.text
    return found


def row(claim: Claim) -> Row:
    source = claim.source.text if claim.source is not None else NONE
    cue = claim.cue.text if claim.cue is not None else NONE
    return source, cue, claim.content.text, claim.rule


@pytest.mark.parametrize("text", list(CASE_TABLE), ids=lambda t: t[:48])
def test_claim_case(text: str) -> None:
    assert {row(c) for c in claims(text)} == CASE_TABLE[text]


def test_every_rule_has_a_case() -> None:
    found = {rule for rows in CASE_TABLE.values() for (*_, rule) in rows}
    assert set(RULE_NAMES) - {"embed"} <= found, set(RULE_NAMES) - found


def test_every_rule_is_documented() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "enricher.md").read_text()
    assert [r for r in RULE_NAMES if f"`{r}`" not in docs] == []


def only(text: str) -> Claim:
    found = claims(text)
    assert len(found) == 1, [(c.cue and c.cue.text, c.content.text) for c in found]
    return found[0]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("The minister said that the bridge would reopen in March.", "indirect"),
        ("\u201cWe will not give up,\u201d the mayor said.", "direct"),
        ("''Our jobs are leaving,'' Mr. Hale said.", "direct"),
        (
            "John Kirby warned that the troops are \u201cfair game and fair targets.\u201d",
            "mixed",
        ),
        ("According to the health ministry, 42 people were injured.", "according_to"),
    ],
)
def test_kinds(text: str, kind: str) -> None:
    assert only(text).kind == kind


def test_a_pronoun_source_resolves_to_the_person_before_it() -> None:
    c = only("Angela Merkel visited the plant on Monday. She said that jobs were safe.")
    assert c.source is not None and c.source.text == "She"
    assert c.source.name == "Angela Merkel" and c.source.entity_id is not None


def test_a_source_with_an_age_is_named_without_it() -> None:
    c = only("\u201cWe were wrong from the start,\u201d Ramos, 58, told me.")
    assert c.source is not None and (c.source.text, c.source.name) == ("Ramos, 58", "Ramos")


def test_hedges() -> None:
    assert only("Police said the suspect had reportedly fled to Spain.").hedges == ["reportedly"]
    assert only("Officials alleged that the vote was rigged.").hedges == ["alleged"]
    assert only("He appeared to say that veterans were weak.").hedges == ["appeared"]


def test_nested_claim_has_a_parent() -> None:
    found = claims("The newspaper reported that a senator said that the vote was rigged.")
    outer = next(c for c in found if c.cue and c.cue.lemma == "report")
    inner = next(c for c in found if c.cue and c.cue.lemma == "say")
    assert inner.parent == outer.claim_id and outer.parent is None


def test_a_cue_inside_a_relative_clause_is_nested_in_the_claim_it_qualifies() -> None:
    found = claims("Trump cited Obama-Clinton policies, which he said had harmed the economy.")
    cited, said = sorted(found, key=lambda c: c.cue.start if c.cue else 0)
    assert said.parent == cited.claim_id


def test_check_worthiness_prefers_facts_to_questions() -> None:
    fact = only("Officials said that 1,200 troops crossed the border in Kursk on Tuesday.")
    question = only("He asked whether anyone cared?")
    assert fact.check_worthiness > 0.6 > question.check_worthiness


def test_a_relative_clause_cue_with_its_whole_clause_before_it() -> None:
    # the parser makes "said" a relative clause of "culture", its clause all before it
    text = (
        "\u201cThis is a culture in which, if one person is really boring and the other "
        "person is really amusing, the amusing person gains ground,\u201d he said. GOP "
        "nominees Sen. John McCain,\xa0\xa0R-Ariz., and former Massachusetts Gov. Mitt Romney "
        "\u201cwere stiff. They weren\u2019t fun. There was no joy\u201d in comparison to "
        "Obama, Gingrich said."
    )
    first = min(claims(text), key=lambda c: c.content.start)
    assert first.source is not None and first.source.text == "he"
    assert first.content.text.startswith("\u201cThis is a culture in which")
