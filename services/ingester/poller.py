"""Polling one feed: fetch, parse, find new and changed items, decide the next poll."""

from __future__ import annotations

import asyncio
import functools
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from ..core.records import HttpMeta, RawItem, Source, SourceState
from ..core.settings import DEFAULTS, Settings
from .feedlist import FeedSpec
from .fetch import Fetcher, FetchError, FetchResult, HttpStatus, decode_text, media_type
from .items import Counts, FetchContext, raw_items
from .parsers import FeedParseError, parse_feed
from .schedule import Backoff, Bounds, Hints, health_after, next_interval


@dataclass(frozen=True, slots=True)
class PollPolicy:
    bounds: Bounds = field(default_factory=Bounds)
    backoff: Backoff = field(default_factory=Backoff)
    seen_limit: int = DEFAULTS.feed_seen_items
    max_items: int = DEFAULTS.feed_max_items
    """Entries of one poll kept, at most (feeds list the newest first); the rest is a
    problem on the poll, not a flood of old items."""

    @classmethod
    def from_settings(cls, settings: Settings) -> PollPolicy:
        return cls(
            bounds=Bounds(settings.feed_min_interval_s, settings.feed_max_interval_s),
            backoff=Backoff(settings.feed_backoff_base_s, settings.feed_backoff_max_s),
            seen_limit=settings.feed_seen_items,
            max_items=settings.feed_max_items,
        )


@dataclass
class PollOutcome:
    """What one poll produced: items to emit and the source's next state."""

    state: SourceState
    items: list[RawItem]
    outcome: str
    counts: Counts = field(default_factory=Counts)
    bytes_read: int = 0
    duration_s: float = 0.0
    problems: list[str] = field(default_factory=list)
    page_failures: int = 0


PARSE_THREADS = 2
"""Feeds are parsed in a pool of their own, this small: parsing holds the interpreter lock
most of the time, so more threads only add switching between them, and each thread's
allocations (a malloc arena per thread) add to the resident memory of the process."""
_parsers = ThreadPoolExecutor(PARSE_THREADS, thread_name_prefix="feed-parse")


def initial_state(spec: FeedSpec) -> SourceState:
    return SourceState(source_id=spec.source_id, kind="feed", uri=spec.url)


def _seconds_until(when: datetime | None, now: datetime) -> float | None:
    return None if when is None else max(0.0, (when - now).total_seconds())


def _failure(
    state: SourceState,
    outcome: str,
    error: str,
    now: datetime,
    policy: PollPolicy,
    retry_after_s: float | None,
) -> SourceState:
    failures = state.error_count + 1
    delay = policy.backoff.delay(failures)
    if retry_after_s is not None:
        delay = max(delay, retry_after_s)
    return state.model_copy(
        update={
            "error_count": failures,
            "health": health_after(failures),
            "last_error": error,
            "last_outcome": outcome,
            "last_polled_at": now,
            "next_poll_at": now + timedelta(seconds=delay),
        }
    )


async def poll_feed(
    spec: FeedSpec,
    state: SourceState,
    fetcher: Fetcher,
    policy: PollPolicy,
    now: datetime | None = None,
) -> PollOutcome:
    now = now or datetime.now(UTC)
    started = time.perf_counter()
    url = state.fetch_url or spec.url
    bounds = Bounds(
        spec.min_interval_s or policy.bounds.min_s, spec.max_interval_s or policy.bounds.max_s
    )
    try:
        result = await fetcher.fetch(url, etag=state.etag, last_modified=state.last_modified)
    except FetchError as exc:
        retry = exc.retry_after_s if isinstance(exc, HttpStatus) else None
        new = _failure(state, exc.outcome, str(exc), now, policy, retry)
        return PollOutcome(new, [], exc.outcome, duration_s=time.perf_counter() - started)

    moved = {"fetch_url": result.permanent_url} if result.permanent_url else {}
    validators = {
        "etag": result.etag or state.etag,
        "last_modified": result.last_modified or state.last_modified,
    }
    hints = Hints(
        max_age_s=result.cache_control_max_age_s,
        expires_in_s=_seconds_until(result.expires, now),
    )
    if result.not_modified:
        interval = next_interval(state.interval_s, 0, hints, bounds)
        new = _success(state, now, interval, "304", {**moved, **validators})
        return PollOutcome(new, [], "304", duration_s=time.perf_counter() - started)

    try:
        # In a worker thread: a huge feed must not stall the other feeds' fetches and timeouts.
        parse = functools.partial(
            parse_feed, result.body, content_type=media_type(result.content_type), url=result.url
        )
        feed = await asyncio.get_running_loop().run_in_executor(_parsers, parse)
    except FeedParseError as exc:
        new = _failure(state, "parse_error", str(exc), now, policy, None)
        new = new.model_copy(update=moved)
        return PollOutcome(
            new,
            [],
            "parse_error",
            bytes_read=result.bytes_read,
            duration_s=time.perf_counter() - started,
        )
    if len(feed.items) > policy.max_items:
        kept = f"the feed has {len(feed.items)} entries; the first {policy.max_items} are kept"
        feed = replace(feed, items=feed.items[: policy.max_items], problems=[*feed.problems, kept])
    context = FetchContext(
        source=Source(
            kind="feed", uri=spec.url, name=spec.name or feed.title, tags=list(spec.tags)
        ),
        fetched_at=now,
        http=_http_meta(result),
    )
    items, seen, counts = raw_items(feed, state, context, seen_limit=policy.seen_limit)
    page_failures = 0
    if spec.full_text:
        items, page_failures = await _attach_pages(items, fetcher)
    hints = Hints(
        ttl_s=feed.ttl_s,
        update_period_s=feed.update_period_s,
        max_age_s=hints.max_age_s,
        expires_in_s=hints.expires_in_s,
    )
    interval = next_interval(state.interval_s, counts.new, hints, bounds)
    new = _success(state, now, interval, "200", {**moved, **validators, "seen": seen})
    return PollOutcome(
        new,
        items,
        "200",
        counts=counts,
        bytes_read=result.bytes_read,
        duration_s=time.perf_counter() - started,
        problems=feed.problems,
        page_failures=page_failures,
    )


def _success(
    state: SourceState, now: datetime, interval: float, outcome: str, update: dict[str, object]
) -> SourceState:
    return state.model_copy(
        update={
            **update,
            "error_count": 0,
            "health": "healthy",
            "last_error": None,
            "last_outcome": outcome,
            "interval_s": interval,
            "last_polled_at": now,
            "last_success_at": now,
            "next_poll_at": now + timedelta(seconds=interval),
        }
    )


def _http_meta(result: FetchResult) -> HttpMeta:
    return HttpMeta(
        status=result.status,
        final_url=result.url,
        content_type=result.content_type,
        etag=result.etag,
        last_modified=result.last_modified,
    )


async def _attach_pages(items: list[RawItem], fetcher: Fetcher) -> tuple[list[RawItem], int]:
    """For items with only a summary, fetch the article page (same politeness and limits)."""
    out: list[RawItem] = []
    failures = 0
    for item in items:
        if item.content_html or not item.link:
            out.append(item)
            continue
        try:
            page = await fetcher.fetch(item.link, accept="text/html,application/xhtml+xml")
        except FetchError:
            failures += 1
            out.append(item)
            continue
        # Off the event loop: decoding megabytes must not stall the other feeds.
        html = await asyncio.to_thread(decode_text, page.body, page.content_type)
        out.append(item.model_copy(update={"page_html": html}))
    return out, failures
