from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from services.core.records import Article, RawItem, Source


def raw(**over: object) -> dict[str, object]:
    now = datetime(2024, 10, 22, 12, tzinfo=UTC)
    doc: dict[str, object] = {
        "item_id": "abc",
        "revision": 1,
        "content_hash": "h",
        "source": {"kind": "file", "uri": "a.txt"},
        "format": "text",
        "content_text": "Hello.",
        "fetched_at": now.isoformat(),
        "first_seen_at": now.isoformat(),
    }
    doc.update(over)
    return doc


def test_raw_item_round_trips_through_json() -> None:
    item = RawItem.model_validate(raw())
    assert RawItem.model_validate_json(item.model_dump_json()) == item
    assert item.schema_version == 1


def test_timestamps_are_converted_to_utc() -> None:
    cet = timezone(timedelta(hours=2))
    item = RawItem.model_validate(raw(fetched_at=datetime(2024, 10, 22, 14, tzinfo=cet)))
    assert item.fetched_at == datetime(2024, 10, 22, 12, tzinfo=UTC)
    assert item.fetched_at.utcoffset() == timedelta(0)


def test_naive_timestamps_are_rejected() -> None:
    with pytest.raises(ValidationError, match="time zone"):
        RawItem.model_validate(raw(fetched_at="2024-10-22T12:00:00"))


def test_other_schema_versions_are_rejected() -> None:
    with pytest.raises(ValidationError, match="schema_version"):
        RawItem.model_validate(raw(schema_version=2))


def test_unknown_fields_are_rejected() -> None:
    with pytest.raises(ValidationError, match="surprise"):
        RawItem.model_validate(raw(surprise=True))


def test_article_requires_its_identity_and_text() -> None:
    with pytest.raises(ValidationError) as err:
        Article.model_validate({"source": Source(kind="file", uri="x").model_dump()})
    missing = {e["loc"][0] for e in err.value.errors()}
    assert {"article_id", "revision", "title", "text", "content_hash"} <= missing
