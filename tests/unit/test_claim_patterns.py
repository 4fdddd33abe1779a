"""The rule table's patterns: valid for spaCy's ``DependencyMatcher``, and matched by the
anchored matcher exactly as spaCy's matcher matches them, on the claim cases, the seed
article and re3d documents."""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.matcher import DependencyMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from bench.re3d import documents
from services.enricher.claims.anchored import AnchoredMatcher, compile_pattern
from services.enricher.claims.matching import matcher
from services.enricher.claims.patterns import anchor, child
from services.enricher.claims.rules import RULES
from services.enricher.pipeline import nlp

ROOT = Path(__file__).resolve().parents[2]
CASES = Path(__file__).with_name("claim_cases.tsv")
RE3D = ROOT.parent / "shared" / "corpus" / "re3d"
SEED = ROOT / "seeds" / "000_0476a4ae6c8b30a8.txt"


@lru_cache(maxsize=1)
def reference(vocab: Vocab) -> DependencyMatcher:
    """spaCy's own matcher with every rule's patterns (it validates them too)."""
    built = DependencyMatcher(vocab, validate=True)
    for rule in RULES:
        built.add(rule.name, rule.patterns)
    return built


def spacy_matches(doc: Doc) -> Counter[tuple[str, tuple[int, ...]]]:
    strings = doc.vocab.strings
    return Counter((strings[key], tuple(ids)) for key, ids in reference(doc.vocab)(doc))


def anchored_matches(doc: Doc) -> Counter[tuple[str, tuple[int, ...]]]:
    return Counter((key, tuple(ids)) for key, ids in matcher()(doc))


RE3D_DOCUMENTS = 30
"""re3d documents compared (of 88: enough for every rule's matches, in a few seconds)."""


def cases() -> list[str]:
    """The texts of the claim cases (their escapes do not matter here)."""
    lines = CASES.read_text(encoding="utf-8").splitlines()[1:]
    return list(dict.fromkeys(line.split("\t")[0] for line in lines))


def texts() -> list[str]:
    corpus = [d.text for d in documents(RE3D)][:RE3D_DOCUMENTS]
    return [*cases(), SEED.read_text(), *corpus]


def test_the_anchored_matcher_matches_as_spacy_does() -> None:
    compared = 0
    for doc in nlp().pipe(texts()):
        expected = spacy_matches(doc)
        assert anchored_matches(doc) == expected, doc.text[:80]
        compared += sum(expected.values())
    assert compared > 150  # the comparison saw many matches, not none


WORDS = [
    "said", "as", "he", "pointed", "out", ",", ".", ":", "\n\n", "according", "to",
    "the", "claim", "that", "called", "for", "a", "ban", "is", "confident", "appears",
    "vowed", "denied", "report", "was", "reported", "by", "officials", "\u201c", "\u201d",
    "support", "concern", "about", "seemed", "think", "Kirby", "who", "says", "it",
]  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), max_size=30).map(" ".join))
def test_the_anchored_matcher_matches_as_spacy_does_on_any_text(text: str) -> None:
    doc = nlp()(text)
    assert anchored_matches(doc) == spacy_matches(doc)


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ([anchor({"LEMMA": "say"}), {**child("x"), "REL_OP": "$++"}], "operator"),
        ([anchor({"LEMMA": "say", "SHAPE": "xxx"})], "attribute"),
        ([anchor({"LEMMA": {"REGEX": "s.*"}})], "value"),
    ],
)
def test_what_the_anchored_matcher_does_not_do_is_refused(
    pattern: list[dict[str, object]], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        compile_pattern("bad", pattern)


def test_a_pattern_must_name_its_anchor_words() -> None:
    with pytest.raises(ValueError, match="names no words"):
        AnchoredMatcher().add("vague", [[anchor({"POS": "VERB"})]])
