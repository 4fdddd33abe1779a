"""Dead letters replayed: poison a record, fix the cause, replay; the record reaches the
output once, and a second replay does nothing new."""

from __future__ import annotations

import asyncio
import json
import subprocess
import uuid
from collections.abc import Sequence

from services.core.admin import TopicLayout, create_layout, create_topic
from services.core.errors import TransformError
from services.core.loop import LoopConfig, StreamLoop
from services.core.metrics import Metrics
from services.core.testing import metric_value, produce, read_topic, running, wait_until
from services.core.topics import ALL_TOPICS, REPLAYED, dead_letter_topic
from services.core.transform import Emit, Failure, Outcome, Output, Record

from .conftest import PYTHON, service_env

SERVICE = "checker"


class Fussy:
    """Rejects records that mention poison, until it is fixed."""

    def __init__(self, output: str) -> None:
        self.output = output
        self.fixed = False

    async def __call__(self, records: Sequence[Record]) -> Sequence[Outcome]:
        outcomes: list[Outcome] = []
        for r in records:
            if not self.fixed and b"poison" in (r.value or b""):
                outcomes.append(Failure.from_exception(TransformError("poisoned record")))
            else:
                outcomes.append(Emit([Output(self.output, r.key, r.value or b"", r.headers)]))
        return outcomes


def deadletters(bootstrap: str, prefix: str, *args: str) -> str:
    env = service_env(bootstrap, prefix)
    done = subprocess.run(
        [PYTHON, "-m", "services", "deadletters", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


async def test_poison_fix_replay_once(kafka_bootstrap: str) -> None:
    prefix = f"replay{uuid.uuid4().hex[:6]}"
    source, target = f"{prefix}.in", f"{prefix}.out"
    dlq = dead_letter_topic(SERVICE).full_name(prefix)
    await create_layout(kafka_bootstrap, [*ALL_TOPICS, dead_letter_topic(SERVICE)],
                        TopicLayout(prefix, 3))  # fmt: skip
    for topic in (source, target):
        await create_topic(kafka_bootstrap, topic, 3)
    records = [(b"k%d" % n, b'{"n": %d}' % n) for n in range(9)]
    records.append((b"bad", b'{"n": "poison"}'))
    await produce(kafka_bootstrap, source, records, headers=[("trace", b"t-1")])

    fussy = Fussy(target)
    config = LoopConfig(
        service=SERVICE,
        input_topics=(source,),
        dead_letter_topic=dlq,
        group_id=f"{prefix}.{SERVICE}",
        transactional_id_prefix=prefix,
    )
    metrics = Metrics()
    async with running(StreamLoop(kafka_bootstrap, config, fussy, metrics)):
        [letter] = await read_topic(kafka_bootstrap, dlq, expect=1)
        assert letter.header("newswire_original_trace") == "t-1"
        assert len(await read_topic(kafka_bootstrap, target, expect=9)) == 9

        listed = await asyncio.to_thread(
            deadletters, kafka_bootstrap, prefix, "list", "--service", SERVICE
        )
        assert "poisoned record" in listed and listed.endswith("1 dead letters (0 replayed)\n")
        unmatched = await asyncio.to_thread(
            deadletters, kafka_bootstrap, prefix, "replay", "--service", SERVICE,
            "--reason", "DecodeError",
        )  # fmt: skip
        assert (
            unmatched.startswith("replayed 0 dead letters")
            and "1 letters do not match" in unmatched
        )

        fussy.fixed = True  # the cause is fixed
        first = await asyncio.to_thread(
            deadletters, kafka_bootstrap, prefix, "replay", "--service", SERVICE,
            "--reason", "transformerror", "--since", "1h",
        )  # fmt: skip
        assert first.startswith(f"replayed 1 dead letters of the {SERVICE} (1 to {source})")
        await wait_until(
            lambda: metric_value(metrics.consumed.labels(SERVICE, source)) == 11,
            what="the replayed record consumed",
        )
        again = await asyncio.to_thread(
            deadletters, kafka_bootstrap, prefix, "replay", "--service", SERVICE
        )
        assert again.startswith("replayed 0 dead letters")
        assert "1 chosen letters were replayed before: skipped" in again

    out = await read_topic(kafka_bootstrap, target, expect=10, quiet_s=2.0)
    keys = sorted(r.key or b"" for r in out)
    assert keys == sorted(k for k, _ in records)  # the poisoned record once, all others once
    [replayed] = [r for r in out if r.key == b"bad"]
    assert replayed.value == b'{"n": "poison"}' and replayed.header("trace") == "t-1"
    assert replayed.header("newswire_replayed_from") == f"{dlq}/{letter.partition}/{letter.offset}"
    [entry] = await read_topic(kafka_bootstrap, REPLAYED.full_name(prefix))
    assert json.loads(entry.value or b"")["replayed_to"] == source
    assert entry.header("ce_type") == REPLAYED.ce_type
    listed = await asyncio.to_thread(
        deadletters, kafka_bootstrap, prefix, "list", "--service", SERVICE
    )
    assert listed.endswith("1 dead letters (1 replayed)\n")
