"""The compatibility policy: released schemas, what may change within a version, and what
a validating consumer of a released schema accepts (checked with the jsonschema package)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from services.core.compat import breaking_changes, released_path
from services.core.records import AttributedClaim, Claim, ClaimSource, Cue, Extractor, Span
from services.core.schemas import incompatible, render_schemas
from services.core.topics import ALL_TOPICS
from services.reference import export, release
from tests.conftest import ROOT

SCHEMAS = ROOT / "schemas"


def released(name: str) -> dict[str, Any]:
    topic = next(t for t in ALL_TOPICS if f"{t.full_name('news')}.json" == name)
    return dict(json.loads(released_path(SCHEMAS, name, topic.schema_version).read_text()))


def current(name: str) -> dict[str, Any]:
    return dict(json.loads(render_schemas()[name]))


def test_every_topic_is_released_and_compatible_with_its_release() -> None:
    assert incompatible(SCHEMAS) == []


def test_added_optional_fields_keep_the_version() -> None:
    """A rule name on claims and an embed marker on entities, as later releases add."""
    claims = current("news.claims.json")
    claims["$defs"]["Claim"]["properties"]["rule"] = {
        "anyOf": [{"type": "string"}, {"type": "null"}],
        "default": None,
        "description": "Which rule found the claim.",
    }
    entities = current("news.entities.json")
    entities["$defs"]["Entity"]["properties"]["from_embed"] = {"type": "boolean", "default": False}
    entities["description"] = "reworded"
    assert breaking_changes(released("news.claims.json"), claims) == []
    assert breaking_changes(released("news.entities.json"), entities) == []


def change(name: str, edit: Any) -> list[str]:
    schema = copy.deepcopy(current(name))
    edit(schema)
    return breaking_changes(released(name), schema)


def test_breaking_changes_are_named() -> None:
    claim = lambda s: s["$defs"]["Claim"]  # noqa: E731
    assert change("news.claims.json", lambda s: claim(s)["properties"].pop("hedges")) == [
        "claim.hedges: removed"
    ]
    [retyped] = change(
        "news.claims.json", lambda s: claim(s)["properties"].update(claim_id={"type": "integer"})
    )
    assert retyped.startswith("claim.claim_id/type: changed")
    assert change("news.claims.json", lambda s: claim(s)["required"].append("parent")) == [
        "claim.parent: now required (older records lack it)"
    ]
    assert change(
        "news.claims.json",
        lambda s: (claim(s)["properties"].update(origin={"type": "string"}),
                   claim(s)["required"].append("origin")),
    ) == ["claim.origin: added as required (older records lack it)"]  # fmt: skip
    assert change("news.claims.json", lambda s: s["required"].remove("revision")) == [
        "revision: no longer required (older consumers expect it)"
    ]
    kinds = lambda s: claim(s)["properties"]["kind"]["enum"]  # noqa: E731
    assert change("news.claims.json", lambda s: kinds(s).append("rumour"))  # widened
    assert change("news.claims.json", lambda s: kinds(s).remove("embed"))  # narrowed
    assert change("news.raw.json", lambda s: s["properties"]["revision"].update(minimum=2)), (
        "a tighter bound breaks older records"
    )


def test_a_breaking_change_without_a_version_bump_fails_the_check(tmp_path: Path) -> None:
    schemas = tmp_path / "schemas"
    export(schemas, tmp_path / "docs")
    assert incompatible(schemas) != []  # nothing released yet
    release(schemas)
    assert incompatible(schemas) == []
    kept = schemas / "released" / "news.raw.v1.json"
    old = json.loads(kept.read_text())
    old["properties"]["legacy"] = {"type": "string"}  # the released version had a field...
    kept.write_text(json.dumps(old))
    [problem] = incompatible(schemas)  # ...that the current one lost
    assert problem.startswith("news.raw.json: legacy: removed") and "bump" in problem


def claim_record(**extra: object) -> dict[str, Any]:
    record = AttributedClaim(
        article_id="a1",
        revision=1,
        claim=Claim(
            claim_id="c1",
            source=ClaimSource(start=0, end=4, text="John", name="John Kirby"),
            cue=Cue(start=5, end=9, text="said", lemma="say"),
            content=Span(start=10, end=20, text="it is true"),
            kind="indirect",
            check_worthiness=0.5,
        ),
        extractor=Extractor(name="newswire", version="0"),
    )
    document: dict[str, Any] = json.loads(record.model_dump_json())
    document["claim"].update(extra)
    return document


@pytest.mark.parametrize("name", ["news.claims.json"])
def test_a_validating_consumer_of_the_release_accepts_added_fields(name: str) -> None:
    validator = Draft202012Validator(released(name))
    assert list(validator.iter_errors(claim_record())) == []
    assert list(validator.iter_errors(claim_record(rule="said-that", future={"x": 1}))) == []
    broken = claim_record()
    del broken["claim"]["content"]
    assert [e.message for e in validator.iter_errors(broken)] == [
        "'content' is a required property"
    ]
