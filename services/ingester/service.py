"""The ingester as a service: scans the seeds folder and produces raw items.

Feed polling joins this service in its own module; both produce through ``RawSink``.
"""

from __future__ import annotations

import asyncio
import contextlib

from aiokafka import AIOKafkaProducer

from ..core.cloudevents import ce_headers
from ..core.deadletters import error_headers
from ..core.logs import get_logger
from ..core.metrics import Metrics
from ..core.records import DeadLetter, RawItem, utc_now
from ..core.settings import Settings
from ..core.topics import RAW, dead_letter_topic
from ..core.transform import Failure
from .seeds import SeedFolder

log = get_logger(__name__)
NAME = "ingester"


class Ingester:
    def __init__(self, settings: Settings, bootstrap: str, metrics: Metrics) -> None:
        self.settings = settings
        self.bootstrap = bootstrap
        self.metrics = metrics
        self.raw_topic = RAW.full_name(settings.topic_prefix)
        self.dlq_topic = dead_letter_topic(NAME).full_name(settings.topic_prefix)
        self.seeds = SeedFolder(settings.seeds_dir)
        self._producer: AIOKafkaProducer | None = None
        self.scans = 0

    @property
    def name(self) -> str:
        return NAME

    @property
    def ready(self) -> bool:
        return self._producer is not None

    async def run(self, stop: asyncio.Event) -> None:
        producer = AIOKafkaProducer(
            bootstrap_servers=self.bootstrap,
            client_id=f"{self.settings.kafka_client_id}-{NAME}",
            enable_idempotence=True,
            acks="all",
            max_request_size=32 * 1024 * 1024,
        )
        await producer.start()
        self._producer = producer
        log.info("ingester started", seeds=str(self.settings.seeds_dir))
        try:
            while not stop.is_set():
                await self.scan_once(producer)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.settings.seeds_poll_s)
        finally:
            self._producer = None
            await producer.stop()

    async def scan_once(self, producer: AIOKafkaProducer) -> None:
        now = utc_now()
        for found in self.seeds.scan(now):
            if isinstance(found, RawItem):
                await self._send_item(producer, found)
            else:
                path, error = found
                await self._send_dead_letter(producer, str(path), error)
        await producer.flush()
        self.scans += 1

    async def _send_item(self, producer: AIOKafkaProducer, item: RawItem) -> None:
        headers = ce_headers(
            event_id=f"{item.item_id}/{item.revision}",
            source=f"/newswire/{NAME}",
            type_=RAW.ce_type,
            time=item.fetched_at,
        )
        await producer.send_and_wait(
            self.raw_topic,
            item.model_dump_json().encode(),
            key=item.item_id.encode(),
            headers=headers,
        )
        self.metrics.produced.labels(NAME, self.raw_topic).inc()
        log.info("seed file ingested", file=item.source.uri, revision=item.revision)

    async def _send_dead_letter(
        self, producer: AIOKafkaProducer, uri: str, error: Exception
    ) -> None:
        failure = Failure.from_exception(error)
        letter = DeadLetter(
            service=NAME,
            stage=failure.stage,
            error_class=failure.error_class,
            error_message=failure.message,
            source_uri=uri,
            failed_at=utc_now(),
        )
        await producer.send_and_wait(
            self.dlq_topic,
            letter.model_dump_json().encode(),
            key=uri.encode(),
            headers=error_headers(service=NAME, failure=failure, record=None),
        )
        self.metrics.dead_lettered.labels(NAME, "seeds", failure.stage, failure.error_class).inc()
        log.warning("seed file dead-lettered", file=uri, error=failure.message)


def build(settings: Settings, bootstrap: str, metrics: Metrics) -> Ingester:
    return Ingester(settings, bootstrap, metrics)
