"""Poison records of every kind on each consuming service's input topic: each lands in the
service's dead-letter topic with its reason, and the valid records around them go on."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from services.core.admin import ensure_topics
from services.core.metrics import Metrics
from services.core.records import DeadLetter
from services.core.settings import Settings
from services.core.testing import metric_value, produce, read_topic, running, wait_until
from services.core.topics import ALL_TOPICS
from services.enricher.service import build as build_enricher
from services.normalizer.service import build as build_normalizer
from services.normalizer.transform import normalize
from tests.conftest import seed_article

GOOD = 12
Pairs = list[tuple[bytes | None, bytes | None]]


def raw_items() -> list[dict[str, Any]]:
    base = seed_article().model_dump(mode="json")
    out = []
    for i in range(GOOD):
        item = {**base, "item_id": f"item{i}", "title": f"Item {i}"}
        item["content_text"] = f"Story number {i}. The mayor said that bridge {i} would reopen."
        item["page_html"] = None
        out.append(item)
    out.append({**out[0], "item_id": "big", "content_text": "Word and more words. " * 30_000})
    return out


def articles() -> list[dict[str, Any]]:
    base = normalize(seed_article()).model_dump(mode="json")
    out = []
    for i in range(GOOD):
        text = f"Officials in Berlin said that {i} trains were late. It rained."
        out.append({**base, "article_id": f"art{i}", "text": text, "embeds": []})
    long = "Officials said that it rained. " + "Word and more words. " * 7_000
    out.append({**out[0], "article_id": "big", "text": long})  # past the analysed part
    return out


def poison(valid: dict[str, Any], key: str, empty: dict[str, Any]) -> dict[bytes, bytes | None]:
    """key -> value of each kind of poison record."""
    return {
        b"not-json": b"this is not JSON {",
        b"wrong-shape": b'{"hello": "world"}',
        b"wrong-version": json.dumps({**valid, "schema_version": 2}).encode(),
        b"wrong-types": json.dumps({**valid, "revision": "first", key: 42}).encode(),
        b"huge": b"x" * 900_000,
        b"empty-text": json.dumps({**valid, **empty}).encode(),
        b"tombstone": None,
        b"invalid-utf8": b'\xff\xfe{"item_id": "\xc3\x28"}',
    }


EXPECTED = {
    b"not-json": ("decode", "not JSON"),
    b"wrong-shape": ("decode", "not a valid"),
    b"wrong-version": ("decode", "schema_version"),
    b"wrong-types": ("decode", "not a valid"),
    b"huge": ("decode", "not JSON"),
    b"empty-text": ("transform", "no text"),
    b"tombstone": ("decode", "tombstone"),
    b"invalid-utf8": ("decode", "not JSON"),
}

Builder = Callable[[Settings, str, Metrics], Any]
SERVICES = {
    "normalizer": ("raw", "articles", build_normalizer, raw_items, "item_id", "content_text"),
    "enricher": ("articles", "enriched", build_enricher, articles, "article_id", "text"),
}


@pytest.mark.parametrize("service", list(SERVICES))
async def test_every_kind_of_poison_is_dead_lettered_and_the_stream_goes_on(
    kafka_bootstrap: str, service: str
) -> None:
    source, target, build, make, key, text_field = SERVICES[service]
    prefix = f"poison{uuid.uuid4().hex[:6]}"
    await ensure_topics(kafka_bootstrap, ALL_TOPICS, prefix=prefix, partitions=3)
    valid = make()
    empty: dict[str, Any] = {text_field: ""}
    if service == "normalizer":
        empty |= {"content_html": None, "summary_html": None, "page_html": None}
    bad = poison(valid[0], key, empty)
    if service == "enricher":  # outputs over the record size limit: dead-lettered, not stuck
        crowded = {**valid[1], "article_id": "crowded", "text": "Officials said it rained. " * 5000}
        bad[b"crowded"] = json.dumps(crowded).encode()
    records: Pairs = []
    for i, item in enumerate(valid):  # poison between valid records
        records.append((str(item[key]).encode(), json.dumps(item).encode()))
        if i < len(bad):
            k, v = list(bad.items())[i]
            records.append((k, v))
    await produce(kafka_bootstrap, f"{prefix}.{source}", records)

    settings = Settings(kafka_bootstrap=kafka_bootstrap, topic_prefix=prefix, group_prefix=prefix)
    metrics = Metrics()
    loop = build(settings, kafka_bootstrap, metrics)
    consumed = metrics.consumed.labels(service, f"{prefix}.{source}")
    async with running(loop):
        await wait_until(
            lambda: metric_value(consumed) >= len(records), timeout_s=120, what="all consumed"
        )
    out = await read_topic(kafka_bootstrap, f"{prefix}.{target}", expect=len(valid))
    produced = sorted(json.loads(r.value or b"{}")[key] for r in out)
    assert produced == sorted(str(v[key]) for v in valid)  # every valid record, once

    letters = await read_topic(kafka_bootstrap, f"{prefix}.deadletter.{service}", expect=len(bad))
    by_key = {r.key: DeadLetter.model_validate_json(r.value or b"") for r in letters}
    assert len(letters) == len(by_key) == len(bad)
    for k, (stage, words) in EXPECTED.items():
        letter = by_key[k]
        assert letter.stage == stage and words in letter.error_message, (k, letter)
        assert letter.service == service and letter.source_topic == f"{prefix}.{source}"
    if service == "enricher":
        crowded_letter = by_key[b"crowded"]
        assert crowded_letter.stage == "produce" and "byte limit" in crowded_letter.error_message
    assert by_key[b"invalid-utf8"].original_value_encoding == "base64"
    huge = by_key[b"huge"].original_value or ""
    assert len(huge) == 900_000  # the original is kept whole
