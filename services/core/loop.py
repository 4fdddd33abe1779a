"""The one consume-transform-produce loop that every consuming service runs, exactly once.

For each polled batch, per input partition:

1. the service's transform turns the records into outcomes (outputs, or failures);
2. in one Kafka transaction of that partition's producer (see ``producers``): the outputs,
   a dead-letter record for each failure, and the consumed offsets are sent and committed.

Consumers read with ``isolation_level=read_committed``, so downstream sees a batch entirely
or not at all. A crash at any point leaves either a committed transaction (its offsets
included) or an aborted one, which the next owner of the partition replays.

Transient broker errors abort the transaction, rewind the partition to the batch's first
offset and retry after a backoff; they never produce dead letters. SIGTERM/SIGINT (the
``stop`` event) let the batch in progress commit, then the loop closes.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError, ProducerFenced

from .clients import Kafka, as_clients
from .deadletters import dead_letter_output
from .errors import TopicMissing
from .logs import get_logger
from .metrics import Metrics
from .probe import BrokerProbe
from .producers import ProducerPool
from .rebalance import Rebalance
from .records import utc_now
from .retry import Backoff
from .settings import DEFAULTS
from .stable_offsets import stable_committed
from .transform import Emit, Failure, Output, Record, Transform, encoded_size

log = get_logger(__name__)

WAITING_BATCHES = 4
"""Records waiting for their partition's transaction: at most this many polls' worth."""


@dataclass(frozen=True, slots=True)
class LoopConfig:
    """What one consuming service reads, where its failures go, and how it batches."""

    service: str
    input_topics: tuple[str, ...]
    dead_letter_topic: str
    group_id: str
    transactional_id_prefix: str
    client_id: str = DEFAULTS.kafka_client_id
    batch_max_records: int = DEFAULTS.batch_max_records
    batch_timeout_ms: int = DEFAULTS.batch_timeout_ms
    transaction_timeout_ms: int = DEFAULTS.transaction_timeout_ms
    backoff: Backoff = field(default_factory=Backoff)
    max_record_bytes: int = DEFAULTS.max_record_bytes
    """Largest output record (key, value and headers); a record whose outputs are larger
    is dead-lettered, not retried forever (the producer and broker refuse ~1 MiB)."""
    ready_probe_interval_s: float = DEFAULTS.ready_probe_interval_s
    ready_probe_timeout_s: float = DEFAULTS.ready_probe_timeout_s


async def _never_asked() -> None:
    """The probe's question before the consumer exists."""


class StreamLoop:
    """Runs one service's transform over its input topics until ``stop`` is set."""

    def __init__(
        self,
        kafka: Kafka,
        config: LoopConfig,
        transform: Transform,
        metrics: Metrics,
    ) -> None:
        self.kafka = as_clients(kafka)
        self.config = config
        self.transform = transform
        self.metrics = metrics
        self.consumer: AIOKafkaConsumer | None = None
        self.pool = ProducerPool(
            kafka=self.kafka,
            prefix=config.transactional_id_prefix,
            service=config.service,
            client_id=config.client_id,
            transaction_timeout_ms=config.transaction_timeout_ms,
        )
        self._lock = asyncio.Lock()
        self._next: dict[TopicPartition, int] = {}
        self._inflight: dict[TopicPartition, asyncio.Task[None]] = {}
        self._waiting: dict[TopicPartition, list[Any]] = {}
        self._position: dict[TopicPartition, int] = {}
        self._transient_error: KafkaError | None = None
        self._worker_error: BaseException | None = None
        self._unverified: dict[TopicPartition, int | None] = {}
        self._owned: set[TopicPartition] = set()
        self._fenced: set[TopicPartition] = set()
        self._failures = 0
        self._broker_ok = False
        self.probe = self._probe(_never_asked)
        self.quiet_since: float | None = None

    # -- readiness -------------------------------------------------------------------

    def _probe(self, ask: Callable[[], Awaitable[Any]]) -> BrokerProbe:
        cfg = self.config
        return BrokerProbe(ask, cfg.ready_probe_interval_s, cfg.ready_probe_timeout_s)

    @property
    def name(self) -> str:
        return self.config.service

    @property
    def ready(self) -> bool:
        """Connected to the broker and owning at least one input partition."""
        return self._broker_ok and self.probe.reachable and bool(self._owned)

    # -- rebalances ------------------------------------------------------------------

    async def _revoked(self, revoked: set[TopicPartition]) -> None:
        # Batches in progress commit before the partitions go.
        async with self._lock:
            await self._drain()
            log.info("partitions revoked", service=self.config.service, count=len(revoked))

    async def _assigned(self, assigned: set[TopicPartition]) -> None:
        async with self._lock:
            assert self.consumer is not None
            await self._drain()
            for tp in self.pool.partitions() - assigned:
                await self.pool.close(tp)
            self._position = {}
            # Start (and so fence) every producer before reading the committed offsets:
            # InitProducerId settles the previous owner's pending transaction first.
            for tp in sorted(assigned):
                await self.pool.ensure(tp)
            stable = await stable_committed(
                self.consumer,
                self.config.group_id,
                assigned,
                timeout_s=self.config.transaction_timeout_ms / 1000,
            )
            missing = [tp for tp in assigned if stable.get(tp) is None]
            starts = await self.consumer.beginning_offsets(missing) if missing else {}
            self._next = {}
            for tp in sorted(assigned):
                committed = stable.get(tp)
                self._next[tp] = starts[tp] if committed is None else committed
                # The consumer positioned itself from an offset read that may predate the
                # fencing above (and so include an aborted commit): correct it.
                position = await self.consumer.position(tp)
                if position != self._next[tp]:
                    log.debug(
                        "repositioning to the stable committed offset",
                        partition=f"{tp.topic}[{tp.partition}]",
                        position=position,
                        committed=self._next[tp],
                    )
                    self.consumer.seek(tp, self._next[tp])
            self._unverified = dict.fromkeys(assigned)
            self._owned = set(assigned)
            self._fenced -= assigned
            self._broker_ok = True
            self.metrics.assigned.labels(self.config.service).set(len(assigned))
            log.info(
                "partitions assigned",
                service=self.config.service,
                partitions=sorted(f"{tp.topic}[{tp.partition}]" for tp in assigned),
            )

    def _admit(self, tp: TopicPartition, msgs: Sequence[Any]) -> Sequence[Any]:
        """The records of a fetched batch that this process must process now.

        ``_next[tp]`` is the first offset not yet committed for ``tp``. Records below it
        were committed already (a fetch that raced a seek can deliver them again): dropped.
        A batch that starts above it right after an assignment or a rewind may have skipped
        records: the partition is rewound once, and the gap is accepted only if the same
        first offset comes back (transaction markers and aborted records leave such gaps).
        """
        assert self.consumer is not None
        nxt = self._next[tp]
        msgs = [m for m in msgs if m.offset >= nxt]
        if not msgs or tp not in self._unverified:
            return msgs
        first = msgs[0].offset
        if first > nxt and self._unverified[tp] != first:
            self._unverified[tp] = first
            self.consumer.seek(tp, nxt)
            return []
        del self._unverified[tp]
        return msgs

    # -- the loop --------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        cfg = self.config
        self.consumer = self.kafka.group_consumer(
            cfg.group_id,
            client_id=f"{cfg.client_id}-{cfg.service}",
            auto_offset_reset="earliest",
            max_partition_fetch_bytes=4 * 1024 * 1024,
        )
        self.consumer.subscribe(
            list(cfg.input_topics),
            listener=Rebalance(assigned=self._assigned, revoked=self._revoked),
        )
        await self.kafka.start(self.consumer)
        missing = sorted(set(cfg.input_topics) - set(await self.consumer.topics()))
        if missing:
            await self.consumer.stop()
            raise TopicMissing(
                f"the {cfg.service} reads {', '.join(missing)}, which does not exist: create "
                "it with `newswire topics` (or leave NEWSWIRE_KAFKA_CREATE_TOPICS true)"
            )
        self.probe = self._probe(self.consumer.topics)
        probing = asyncio.create_task(self.probe.run(stop))
        self.metrics.lag.sources.append(self.lag_samples)
        log.info("loop started", service=cfg.service, topics=list(cfg.input_topics))
        try:
            while not stop.is_set():
                await self._step(stop)
                if self._worker_error is not None:
                    raise self._worker_error
        finally:
            probing.cancel()
            self.metrics.lag.sources.remove(self.lag_samples)
            async with self._lock:
                await self._drain()
                await self.pool.close_all()
                await self.consumer.stop()
                self._broker_ok = False
                self.metrics.assigned.labels(cfg.service).set(0)
            close = getattr(self.transform, "close", None)
            if callable(close):  # a transform's own resources (the enricher's workers)
                await asyncio.to_thread(close)
            log.info("loop stopped", service=cfg.service)

    async def _step(self, stop: asyncio.Event) -> None:
        assert self.consumer is not None
        # Bound what waits in memory: poll again only once the workers have taken it.
        limit = self.config.batch_max_records * WAITING_BATCHES
        while self._inflight and self._waiting_records() >= limit:
            await asyncio.wait(list(self._inflight.values()), return_when=asyncio.FIRST_COMPLETED)
        poll = asyncio.ensure_future(
            self.consumer.getmany(
                timeout_ms=self.config.batch_timeout_ms,
                max_records=self.config.batch_max_records,
            )
        )
        stopping = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({poll, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
        if not poll.done():
            poll.cancel()  # stopping: what this poll took is not committed, so it is replayed
            return
        try:
            batches = poll.result()
        except KafkaError as exc:
            await self._transient(exc)
            return
        async with self._lock:
            for tp, msgs in batches.items():
                if msgs:
                    self._dispatch(tp, msgs)
        if batches:
            self.quiet_since = None
        elif self.quiet_since is None and not self._inflight:
            self.quiet_since = time.monotonic()
        for tp in list(self._owned - set(self._inflight)):
            self._position[tp] = await self.consumer.position(tp)
        if self._transient_error is not None:
            error, self._transient_error = self._transient_error, None
            await self._transient(error)

    def _dispatch(self, tp: TopicPartition, msgs: Sequence[Any]) -> None:
        """Hand a partition's records to its worker, starting one if none runs.

        Partitions are processed independently, so one partition's commit overlaps the
        next poll and the other partitions' work. Records that arrive while their
        partition's transaction is in progress wait, and go together in its next one:
        the slower the commits, the larger the batches.
        """
        if tp in self._inflight:
            self._waiting.setdefault(tp, []).extend(msgs)
        else:
            self._inflight[tp] = asyncio.create_task(self._work(tp, msgs))

    def _waiting_records(self) -> int:
        return sum(len(m) for m in self._waiting.values())

    async def _work(self, tp: TopicPartition, msgs: Sequence[Any]) -> None:
        try:
            while msgs:
                await self._process(tp, msgs)
                self._failures = 0
                self._broker_ok = True
                waiting = self._waiting.pop(tp, [])
                cap = self.config.batch_max_records * WAITING_BATCHES
                msgs, rest = waiting[:cap], waiting[cap:]
                if rest:
                    self._waiting[tp] = rest
        except KafkaError as exc:
            self._waiting.pop(tp, None)  # the partition was rewound: these come again
            self._transient_error = exc
        except Exception as exc:  # a bug in a transform: stop the service, loudly
            self._worker_error = exc
        finally:
            del self._inflight[tp]

    async def _drain(self) -> None:
        """Wait for every batch in progress to commit (or fail)."""
        while self._inflight:
            await asyncio.wait(list(self._inflight.values()))

    async def _transient(self, exc: KafkaError) -> None:
        self._failures += 1
        self._broker_ok = False
        delay = self.config.backoff.delay(self._failures)
        self.metrics.broker_errors.labels(self.config.service, type(exc).__name__).inc()
        log.warning(
            "broker error, retrying",
            service=self.config.service,
            error=f"{type(exc).__name__}: {exc}",
            attempt=self._failures,
            retry_in_s=round(delay, 2),
        )
        await asyncio.sleep(delay)

    def _size_checked(self, outcome: Emit | Failure) -> Emit | Failure:
        if isinstance(outcome, Failure):
            return outcome
        limit = self.config.max_record_bytes
        for out in outcome.outputs:
            size = encoded_size(out)
            if size > limit:
                return Failure(
                    stage="produce",
                    error_class="RecordTooLarge",
                    message=f"an output record for {out.topic} has {size} bytes, over the "
                    f"{limit}-byte limit",
                )
        return outcome

    def _outputs(
        self, records: Sequence[Record], outcomes: Sequence[Emit | Failure]
    ) -> list[Output]:
        cfg = self.config
        if len(outcomes) != len(records):
            raise RuntimeError(
                f"the {cfg.service} transform returned {len(outcomes)} outcomes "
                f"for {len(records)} records"
            )
        outputs: list[Output] = []
        now = utc_now()
        for record, outcome in zip(records, outcomes, strict=True):
            if isinstance(outcome, Emit):
                outputs.extend(outcome.outputs)
            else:
                outputs.append(
                    dead_letter_output(
                        record, outcome, service=cfg.service, topic=cfg.dead_letter_topic, now=now
                    )
                )
        return outputs

    async def _process(self, tp: TopicPartition, msgs: Sequence[Any]) -> None:
        cfg = self.config
        assert self.consumer is not None
        if tp not in self._owned or tp in self._fenced:
            return
        msgs = self._admit(tp, msgs)
        if not msgs:
            return
        producer = await self.pool.ensure(tp)
        records = [
            Record(
                topic=m.topic,
                partition=m.partition,
                offset=m.offset,
                key=m.key,
                value=m.value,
                headers=tuple(m.headers or ()),
                timestamp_ms=m.timestamp,
            )
            for m in msgs
        ]
        started = time.perf_counter()
        outcomes = [self._size_checked(o) for o in await self.transform(records)]
        self.metrics.transform_seconds.labels(cfg.service).observe(time.perf_counter() - started)
        outputs = self._outputs(records, outcomes)
        try:
            await producer.begin_transaction()
            for out in outputs:
                await producer.send(out.topic, out.value, key=out.key, headers=list(out.headers))
            await producer.send_offsets_to_transaction({tp: records[-1].offset + 1}, cfg.group_id)
            await producer.commit_transaction()
        except ProducerFenced:
            # Another process owns this partition now; it replays what we did not commit.
            self.metrics.transactions.labels(cfg.service, "fenced").inc()
            self._fenced.add(tp)
            await self.pool.close(tp)
            log.warning(
                "producer fenced", service=cfg.service, partition=f"{tp.topic}[{tp.partition}]"
            )
            return
        except KafkaError:
            self.metrics.transactions.labels(cfg.service, "aborted").inc()
            await self._reset(tp, records[0].offset)
            raise
        self._next[tp] = records[-1].offset + 1
        self.metrics.transactions.labels(cfg.service, "committed").inc()
        log.debug(
            "batch committed",
            partition=f"{tp.topic}[{tp.partition}]",
            first=records[0].offset,
            last=records[-1].offset,
            outputs=len(outputs),
        )
        self.metrics.batch_records.labels(cfg.service).observe(len(records))
        self.metrics.consumed.labels(cfg.service, tp.topic).inc(len(records))
        for topic, count in Counter(out.topic for out in outputs).items():
            self.metrics.produced.labels(cfg.service, topic).inc(count)
        for record, outcome in zip(records, outcomes, strict=True):
            if isinstance(outcome, Failure):
                self.metrics.dead_lettered.labels(
                    cfg.service, record.topic, outcome.stage, outcome.error_class
                ).inc()
        self.metrics.last_processed.labels(cfg.service).set(time.time())

    async def _reset(self, tp: TopicPartition, first_offset: int) -> None:
        """After a failed transaction: abort it (or rebuild the producer) and rewind."""
        assert self.consumer is not None
        producer = self.pool.get(tp)
        try:
            if producer is not None:
                await producer.abort_transaction()
        except Exception as exc:
            log.warning(
                "abort failed, restarting producer", service=self.config.service, error=repr(exc)
            )
            await self.pool.close(tp)
        self.consumer.seek(tp, first_offset)
        self._unverified[tp] = None

    def lag_samples(self) -> list[tuple[str, str, str, float]]:
        """Per owned partition: the high-water mark minus the next offset to process.

        Where no batch is in progress, the consumer's position counts too, so that the
        transaction markers that end a transactional input are not counted as records.
        """
        assert self.consumer is not None
        samples = []
        for tp in sorted(self._owned):
            high = self.consumer.highwater(tp)
            if high is None or tp not in self._next:
                continue
            done = self._next[tp]
            if tp not in self._inflight:
                done = max(done, self._position.get(tp, done))
            samples.append(
                (self.config.service, tp.topic, str(tp.partition), float(max(0, high - done)))
            )
        return samples
