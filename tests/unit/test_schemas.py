"""The committed schemas/*.json and docs/topics.md must match the models."""

import json
from pathlib import Path

from services.core.schemas import render_schemas
from services.core.topics import ALL_TOPICS
from services.reference import drift, export, release

ROOT = Path(__file__).resolve().parents[2]


def test_committed_schemas_match_the_models() -> None:
    problems = drift(ROOT / "schemas", ROOT / "docs")
    assert problems == [], "run `newswire schemas export`: " + "; ".join(problems)


def test_every_topic_has_a_schema_with_schema_version() -> None:
    rendered = render_schemas()
    assert len(rendered) == len(ALL_TOPICS)
    for text in rendered.values():
        schema = json.loads(text)
        assert schema["$schema"].endswith("2020-12/schema")
        assert "schema_version" in schema["properties"]


def test_drift_is_detected(tmp_path: Path) -> None:
    export(tmp_path / "schemas", tmp_path / "docs")
    release(tmp_path / "schemas")
    assert drift(tmp_path / "schemas", tmp_path / "docs") == []
    target = tmp_path / "schemas" / "news.raw.json"
    schema = json.loads(target.read_text())
    schema["properties"].pop("title")
    target.write_text(json.dumps(schema, indent=2) + "\n")
    (tmp_path / "schemas" / "news.stale.json").write_text("{}")
    problems = drift(tmp_path / "schemas", tmp_path / "docs")
    assert any("news.raw.json differs" in p for p in problems)
    assert any("news.stale.json belongs to no topic" in p for p in problems)
