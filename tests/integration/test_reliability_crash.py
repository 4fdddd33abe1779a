"""Each service killed with SIGKILL at random moments while it works through a corpus,
and restarted: its committed output has nothing lost, nothing duplicated, and each key's
revisions in order. CI runs 2 kills per service; the full suite ``NEWSWIRE_CRASH_KILLS``
(20) per service. The random seed is printed, and ``NEWSWIRE_CRASH_SEED`` replays it."""

from __future__ import annotations

import json
import os
import random
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from services.core.admin import ensure_topics
from services.core.records import Article, Enrichment, RawItem
from services.core.testing import Consumed, produce
from services.core.topics import ALL_TOPICS
from services.normalizer.transform import normalize
from tests.conftest import seed_article

from .reliability import KILLS, Trial, finish_and_check, kill_and_restart, raw

SEED = int(os.environ.get("NEWSWIRE_CRASH_SEED", str(int(time.time()))))


def rng_for(service: str) -> random.Random:
    print(f"crash seed {SEED} ({service})")
    return random.Random(f"{SEED}-{service}")


async def topics(bootstrap: str, stem: str) -> str:
    prefix = f"{stem}{uuid.uuid4().hex[:6]}"
    await ensure_topics(bootstrap, ALL_TOPICS, prefix=prefix, partitions=3)
    return prefix


def article(i: int, revision: int) -> Article:
    base = normalize(seed_article())
    text = f"Officials in Berlin said that {i} trains were late (version {revision})."
    return base.model_copy(
        update={"article_id": f"art{i:04d}", "revision": revision, "text": text, "embeds": []}
    )


def kills_param() -> list[Any]:
    return [2, pytest.param(KILLS, marks=[pytest.mark.full, pytest.mark.timeout(3600)])]


@pytest.mark.parametrize("kills", kills_param(), ids=["ci", "full"])
async def test_normalizer_crashes(kafka_bootstrap: str, tmp_path: Path, kills: int) -> None:
    n = 300 if kills <= 2 else 2000
    prefix = await topics(kafka_bootstrap, "crashnorm")
    records = [raw(i, r) for r in (1, 2) for i in range(n)]
    await produce(
        kafka_bootstrap,
        f"{prefix}.raw",
        [(x.item_id.encode(), x.model_dump_json().encode()) for x in records],
    )

    def identity(r: Consumed) -> tuple[str, int]:
        a = json.loads(r.value or b"{}")
        return a["item_id"], a["revision"]

    trial = Trial(
        "normalizer", kafka_bootstrap, prefix, f"{prefix}.articles", len(records), identity,
        env={"NEWSWIRE_BATCH_MAX_RECORDS": "10"}, log=tmp_path / "normalizer.log",
    )  # fmt: skip
    await kill_and_restart(trial, kills, rng_for("normalizer"))
    await finish_and_check(trial)


@pytest.mark.parametrize("kills", kills_param(), ids=["ci", "full"])
async def test_enricher_crashes(kafka_bootstrap: str, tmp_path: Path, kills: int) -> None:
    n = 60 if kills <= 2 else 1000
    prefix = await topics(kafka_bootstrap, "crashenr")
    records = [article(i, r) for r in (1, 2) for i in range(n)]
    await produce(
        kafka_bootstrap,
        f"{prefix}.articles",
        [(x.article_id.encode(), x.model_dump_json().encode()) for x in records],
    )

    def identity(r: Consumed) -> tuple[str, int]:
        e = Enrichment.model_validate_json(r.value or b"")
        return e.article_id, e.revision

    trial = Trial(
        "enricher", kafka_bootstrap, prefix, f"{prefix}.enriched", len(records), identity,
        env={"NEWSWIRE_ENRICHER_MAX_RECORDS": "4", "NEWSWIRE_ENRICHER_BATCH_SIZE": "2"},
        log=tmp_path / "enricher.log",
    )  # fmt: skip
    await kill_and_restart(trial, kills, rng_for("enricher"))
    await finish_and_check(trial)


@pytest.mark.parametrize("kills", kills_param(), ids=["ci", "full"])
async def test_ingester_crashes(kafka_bootstrap: str, tmp_path: Path, kills: int) -> None:
    n = 300 if kills <= 2 else 2000
    prefix = await topics(kafka_bootstrap, "crashing")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    then = time.time() - 60
    for i in range(n):
        path = seeds / f"story-{i:04d}.txt"
        path.write_text(f"Story {i}\n\nThe mayor said that road {i} is shut.\n")
        os.utime(path, (then, then))

    def identity(r: Consumed) -> tuple[str, int]:
        item = RawItem.model_validate_json(r.value or b"")
        return item.item_id, item.revision

    trial = Trial(
        "ingester", kafka_bootstrap, prefix, f"{prefix}.raw", n, identity,
        env={
            "NEWSWIRE_SEEDS_DIR": str(seeds),
            "NEWSWIRE_SEEDS_POLL_S": "0.2",
            "NEWSWIRE_FEEDS_FILE": str(tmp_path / "no-feeds.yaml"),
        },
        log=tmp_path / "ingester.log",
    )  # fmt: skip
    await kill_and_restart(trial, kills, rng_for("ingester"))
    await finish_and_check(trial)
