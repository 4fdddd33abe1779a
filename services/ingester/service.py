"""The ingester as a service: polls feeds and the seeds folder, emits to ``news.raw``.

Which sources this replica handles, and what it remembers of them, comes from the
partitions it owns of the state topic (see ``statestore``). Every poll's items and the
source's new state are written in one transaction, batched per partition.

No input stops it: a seed file, a feed's poll, an item and a page each end as a value
(items, or a failure with its reason); a failed file or item is a dead letter on
``news.deadletter.ingester``, a failed poll the feed's error count and backoff. A bug of
ours at one of these boundaries is the stage ``internal``, counted and logged with its
traceback once (``core.internal``). The seeds folder is walked and read in a worker
thread; every raw item's record is checked against the record limit (``sizing``).
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import time
from collections.abc import Sequence
from datetime import UTC, datetime

from ..core.clients import kafka_clients
from ..core.deadletters import intake_dead_letter
from ..core.errors import RecordError
from ..core.internal import InternalErrors
from ..core.logs import get_logger
from ..core.metrics import Metrics
from ..core.probe import BrokerProbe
from ..core.records import RawItem, SourceState, utc_now
from ..core.settings import Settings
from ..core.topics import INGESTER_STATE, RAW, dead_letter_topic
from ..core.transform import Failure, Output, Produce, encode
from .feedlist import FeedListFile, FeedSpec
from .fetch import FetchConfig, Fetcher
from .metrics import IngesterMetrics
from .parsers import RejectedItem
from .poller import PollOutcome, PollPolicy, initial_state, poll_feed
from .seeds import SeedChange, SeedFolder
from .sizing import fitted
from .statestore import StateStore

log = get_logger(__name__)
NAME = "ingester"
SOURCE = f"/newswire/{NAME}"
TICK_S = 0.05
FLUSH_S = 0.1
RELOAD_S = 2.0
STOP_GRACE_S = 5.0


class Ingester:
    def __init__(
        self,
        settings: Settings,
        bootstrap: str,
        metrics: Metrics,
        extra_feeds: Sequence[FeedSpec] = (),
    ) -> None:
        self.settings = settings
        self.bootstrap = bootstrap
        self.metrics = metrics
        self.m = IngesterMetrics(metrics.registry)
        self.internal = InternalErrors(NAME, metrics)
        prefix = settings.topic_prefix
        self.raw_topic = RAW.full_name(prefix)
        self.dlq_topic = dead_letter_topic(NAME).full_name(prefix)
        self.state_topic = INGESTER_STATE.full_name(prefix)
        self.feed_file = FeedListFile(settings.feeds_file)
        self.extra_feeds = list(extra_feeds)
        self.feeds: dict[str, FeedSpec] = {f.source_id: f for f in self.extra_feeds}
        self.seeds = SeedFolder(
            settings.seeds_dir,
            seen_limit=settings.feed_seen_items,
            max_items=settings.feed_max_items,
        )
        self.policy = PollPolicy.from_settings(settings)
        self.fetch_config = FetchConfig.from_settings(settings)
        self.store = StateStore(
            kafka=kafka_clients(settings, bootstrap),
            topic=self.state_topic,
            group_id=f"{settings.group_prefix}.{NAME}",
            transactional_prefix=settings.group_prefix,
            client_id=settings.kafka_client_id,
            transaction_timeout_ms=settings.transaction_timeout_ms,
            on_assigned=self._assigned,
            on_revoked=self._revoked,
        )
        self._due: list[tuple[float, str]] = []
        self._busy: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._fetch_slots = asyncio.Semaphore(settings.fetch_concurrency)
        self._feed_series: set[str] = set()  # feeds with per-feed series exported
        self._ready = False
        self._health: dict[str, int] = {}
        self.probe = BrokerProbe(
            self.store.topics, settings.ready_probe_interval_s, settings.ready_probe_timeout_s
        )
        self.scans = 0

    @property
    def name(self) -> str:
        return NAME

    @property
    def ready(self) -> bool:
        return self._ready and self.probe.reachable and bool(self.store.owned)

    @property
    def settled(self) -> bool:
        """Every owned source was visited once and all of it is committed (``run --once``)."""
        return (
            self.ready
            and self.scans > 0
            and not self.seeds.unsettled
            and not self._busy
            and not self.store.outbox.pending
            and all(sid in self.store.states for sid in self.feeds if self.store.owns(sid))
        )

    # -- ownership -----------------------------------------------------------------------

    async def _assigned(self, partitions: set[int]) -> None:
        self._reschedule()

    async def _revoked(self, partitions: set[int]) -> None:
        """Finish what is in flight and commit it before the partitions go."""
        if self._tasks:
            await asyncio.wait(list(self._tasks))
        await self._flush()
        self._due = []

    def _reschedule(self) -> None:
        now_wall, now = time.time(), time.monotonic()
        self._due = []
        for sid, spec in self.feeds.items():
            if not self.store.owns(sid):
                continue
            state = self.store.states.get(sid)
            when = now
            if state is not None and state.uri == spec.url and state.next_poll_at is not None:
                when = now + max(0.0, state.next_poll_at.timestamp() - now_wall)
            heapq.heappush(self._due, (when, sid))
        self._export_health()

    # -- main loop -----------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        self.fetcher = Fetcher(self.fetch_config)
        self._reload(force=True)
        await self.store.start()
        self._ready = True
        flusher = asyncio.create_task(self._flush_forever())
        probing = asyncio.create_task(self.probe.run(stop))
        log.info("ingester started", seeds=str(self.settings.seeds_dir), feeds=len(self.feeds))
        next_reload = next_scan = 0.0
        scanning: asyncio.Task[None] | None = None
        try:
            while not stop.is_set():
                now = time.monotonic()
                if now >= next_reload:
                    try:
                        self._reload()
                    except Exception as exc:  # a bug of ours: the previous list stays
                        self.internal.record("feed_list", exc, file=str(self.feed_file.path))
                    next_reload = now + RELOAD_S
                if now >= next_scan and self.store.owned and (not scanning or scanning.done()):
                    # A task of its own: feeds are polled on while a large folder is read.
                    scanning = asyncio.create_task(self._scan_seeds())
                    next_scan = now + self.settings.seeds_poll_s
                self._start_due(now)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), TICK_S)
        finally:
            self._ready = False
            if self._tasks:  # polls in flight: a short grace, then they are abandoned
                await asyncio.wait(list(self._tasks), timeout=STOP_GRACE_S)
                for task in list(self._tasks):
                    task.cancel()
                await asyncio.gather(*self._tasks, return_exceptions=True)
            if scanning is not None:
                scanning.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await scanning
            flusher.cancel()
            probing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await flusher
            await self._flush()
            await self.store.stop()
            await self.fetcher.aclose()

    def _reload(self, force: bool = False) -> None:
        feeds, changed, error = self.feed_file.current()
        if error is not None:
            log.error("feed list not reloaded, the previous one stays", error=str(error))
        if changed or force:
            self.feeds = {f.source_id: f for f in [*self.extra_feeds, *feeds]}
            log.info("feed list loaded", feeds=len(self.feeds), file=str(self.feed_file.path))
            if self.store.owned:
                self._reschedule()

    def _start_due(self, now: float) -> None:
        while self._due and self._due[0][0] <= now:
            when, sid = heapq.heappop(self._due)
            spec = self.feeds.get(sid)
            if spec is None or not self.store.owns(sid) or sid in self._busy:
                continue
            self.m.lateness.observe(max(0.0, now - when))
            self._busy.add(sid)
            task = asyncio.create_task(self._poll(spec))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _poll(self, spec: FeedSpec) -> None:
        sid = spec.source_id
        state = self.store.states.get(sid)
        try:
            if state is None or state.uri != spec.url:
                state = initial_state(spec)
            async with self._fetch_slots:
                outcome = await poll_feed(spec, state, self.fetcher, self.policy)
            for error in outcome.errors:
                self.internal.record("feed", error, feed=spec.url)
            self._count(spec, outcome)
            dead = [self._rejected_letter(spec.url, r, "feeds") for r in outcome.rejected]
            committed = await self._emit(sid, outcome.items, dead, outcome.state)
            if committed and outcome.state.next_poll_at is not None:
                delay = max(0.0, outcome.state.next_poll_at.timestamp() - time.time())
                heapq.heappush(self._due, (time.monotonic() + delay, sid))
        except Exception as exc:  # a bug of ours past the poll: the other feeds go on
            self.internal.record("feed_emit", exc, feed=spec.url)
            failures = (state.error_count if state else 0) + 1
            delay = self.policy.backoff.delay(failures)
            heapq.heappush(self._due, (time.monotonic() + delay, sid))
        finally:
            self._busy.discard(sid)

    def _count(self, spec: FeedSpec, outcome: PollOutcome) -> None:
        m = self.m
        m.fetches.labels(outcome.outcome).inc()
        m.fetch_bytes.inc(outcome.bytes_read)
        m.fetch_seconds.observe(outcome.duration_s)
        m.items.labels("new").inc(outcome.counts.new)
        m.items.labels("revised").inc(outcome.counts.revised)
        m.items.labels("unchanged").inc(outcome.counts.unchanged)
        m.items.labels("repeated").inc(outcome.counts.repeated)
        m.parse_problems.inc(len(outcome.problems))
        if spec.full_text:
            m.pages.labels("ok").inc(outcome.pages)
            m.pages.labels("failed").inc(outcome.page_failures)
        if spec.source_id in self.feeds and self.store.owns(spec.source_id):
            self._feed_series.add(spec.url)
            m.feed_errors.labels(spec.url).set(outcome.state.error_count)
            if outcome.state.last_success_at is not None:
                m.feed_last_success.labels(spec.url).set(outcome.state.last_success_at.timestamp())
        if outcome.state.error_count:
            log.warning(
                "feed poll failed",
                feed=spec.url,
                outcome=outcome.outcome,
                errors=outcome.state.error_count,
                error=outcome.state.last_error,
            )

    async def _scan_seeds(self) -> None:
        """One scan of the folder, walked and read in a worker thread, file by file."""
        now = utc_now()
        changes = self.seeds.scan(now, lambda sid: self.store.states.get(sid), self.store.owns)
        try:
            while (change := await asyncio.to_thread(next, changes, None)) is not None:
                await self._emit_seed(change)
        except Exception as exc:  # a bug of ours in the walk itself: the next scan retries
            self.internal.record("seeds_scan", exc, folder=str(self.settings.seeds_dir))
        if self.seeds.truncated:
            log.error(
                "the seeds folder has too many entries: the rest is not read; split it",
                folder=str(self.settings.seeds_dir),
            )
        self.scans += 1

    async def _emit_seed(self, change: SeedChange) -> None:
        dead: list[Output] = []
        if change.error is not None:
            if change.internal:
                self.internal.record("seed_file", change.error, file=change.relative)
            failure = _failure(change.error)
            version = change.state.file_signature or "unread"
            dead.append(self._dead_letter(change.relative, failure, version))
            self.m.seed_files.labels("failed").inc()
            self.metrics.dead_lettered.labels(
                NAME, "seeds", failure.stage, failure.error_class
            ).inc()
            log.warning("seed file dead-lettered", file=change.relative, error=failure.message)
        else:
            self.m.seed_files.labels("processed").inc()
            self.m.parse_problems.inc(len(change.problems))
            if change.problems:
                log.info(
                    "seed file read with problems",
                    file=change.relative,
                    problems=change.problems[:5],
                )
            for item in change.items:
                log.info("seed file ingested", file=change.relative, revision=item.revision)
        dead += [self._rejected_letter(change.relative, r, "seeds") for r in change.rejected]
        await self._emit(change.state.source_id, change.items, dead, change.state)

    # -- emission ------------------------------------------------------------------------

    def _item_output(self, item: RawItem) -> Output:
        produce = Produce(self.raw_topic, item.item_id, item, RAW.ce_type)
        return encode(
            produce, source=SOURCE, event_id=f"{item.item_id}/{item.revision}", time=item.fetched_at
        )

    def _state_output(self, state: SourceState) -> Output:
        produce = Produce(self.state_topic, state.source_id, state, INGESTER_STATE.ce_type)
        event_id = f"{state.source_id}/{state.last_polled_at}"
        return encode(produce, source=SOURCE, event_id=event_id, time=datetime.now(UTC))

    def _dead_letter(
        self, uri: str, failure: Failure, version: str, key: str | None = None
    ) -> Output:
        """``version`` names what failed as it was, for an id that a retry repeats."""
        return intake_dead_letter(
            uri,
            failure,
            service=NAME,
            topic=self.dlq_topic,
            now=utc_now(),
            version=version,
            key=key,
        )

    def _rejected_letter(self, uri: str, refused: RejectedItem, where: str) -> Output:
        """The dead letter of one entry of a feed or file that could not be taken in."""
        if refused.error is not None:
            self.internal.record(where, refused.error, source=uri, item=refused.key)
        failure = Failure(refused.stage, refused.error_class, f"{refused.key}: {refused.message}")
        self.metrics.dead_lettered.labels(NAME, where, failure.stage, failure.error_class).inc()
        return self._dead_letter(uri, failure, refused.digest, key=refused.key)

    def _item_outputs(self, items: list[RawItem]) -> list[Output]:
        """Each item's record, cut to the record limit, or its dead letter."""
        outputs = []
        for item in items:
            fit = fitted(item, self._item_output, self.settings.max_record_bytes)
            if fit.output is not None:
                outputs.append(fit.output)
                if fit.note:
                    self.m.oversize.labels("trimmed").inc()
                    log.warning("raw item trimmed", item_id=item.item_id, note=fit.note)
                continue
            self.m.oversize.labels("dead_lettered").inc()
            failure = Failure("produce", "RecordTooLarge", f"{item.item_id}: {fit.note}")
            where = "feeds" if item.source.kind == "feed" else "seeds"
            self.metrics.dead_lettered.labels(NAME, where, "produce", "RecordTooLarge").inc()
            version = f"{item.revision}:{item.content_hash}"
            outputs.append(self._dead_letter(item.source.uri, failure, version, item.item_id))
        return outputs

    async def _emit(
        self, sid: str, items: list[RawItem], extra: list[Output], state: SourceState
    ) -> bool:
        """Queue the outputs of one source for its partition's next transaction."""
        outputs = [*self._item_outputs(items), *extra, self._state_output(state)]

        def remember() -> None:
            self._health_moved(state)
            self.store.states[state.source_id] = state

        return await self.store.outbox.put(self.store.topic_partition(sid), outputs, remember)

    async def _flush_forever(self) -> None:
        while True:
            await asyncio.sleep(FLUSH_S)
            await self._flush()

    async def _flush(self) -> None:
        committed = await self.store.outbox.flush()
        if committed:
            produced = sum(1 for o in committed if o.topic == self.raw_topic)
            self.metrics.produced.labels(NAME, self.raw_topic).inc(produced)

    def _health_moved(self, state: SourceState) -> None:
        """Move one feed between the health counts (a pass over all feeds is too dear)."""
        sid = state.source_id
        if sid not in self.feeds or not self.store.owns(sid):
            return
        old = self.store.states.get(sid)
        before = old.health if old else "new"
        if before != state.health:
            for health, step in ((before, -1), (state.health, 1)):
                self._health[health] = self._health.get(health, 0) + step
                self.m.feeds.labels(health).set(self._health[health])

    def _export_health(self) -> None:
        counts = dict.fromkeys(("healthy", "backing_off", "failing", "new"), 0)
        owned: set[str] = set()
        for sid, spec in self.feeds.items():
            if self.store.owns(sid):
                owned.add(spec.url)
                state = self.store.states.get(sid)
                counts[state.health if state else "new"] += 1
        self._health = counts
        for health, n in counts.items():
            self.m.feeds.labels(health).set(n)
        # A feed that left the list, or whose partition went to another replica, has no
        # series here any more (the replica that polls it now exports them).
        for url in self._feed_series - owned:
            self.m.forget_feed(url)
        self._feed_series &= owned


def _failure(error: Exception) -> Failure:
    """A failed file's reason; a bug of ours is the stage ``internal``."""
    if isinstance(error, RecordError):
        return Failure.from_exception(error)
    return Failure("internal", type(error).__name__, str(error) or repr(error))


def build(settings: Settings, bootstrap: str, metrics: Metrics) -> Ingester:
    return Ingester(settings, bootstrap, metrics)
