"""Polling one feed: fetch, parse, find new and changed items, decide the next poll.

``poll_feed`` always returns a ``PollOutcome``: a failed fetch, a document that is no
feed, and a bug of ours anywhere in the poll (outcome ``internal``, the exception in
``errors`` for its traceback) all take the feed's failure path: error count, backoff,
health, the outcome counted. Fetching one article page is a boundary of its own: a page
that fails leaves its item without the page, and the other items go on.
"""

from __future__ import annotations

import asyncio
import functools
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from ..core.records import HttpMeta, RawItem, Source, SourceState
from ..core.settings import DEFAULTS, Settings
from .feedlist import FeedSpec
from .fetch import Fetcher, FetchError, FetchResult, HttpStatus, decode_page, media_type
from .items import Adapted, Counts, FetchContext, raw_items
from .parsers import FeedParseError, ParsedFeed, RejectedItem, parse_feed
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
    pages: int = 0
    """Article pages fetched and attached."""
    page_failures: int = 0
    rejected: list[RejectedItem] = field(default_factory=list)
    """Entries that could not be taken in, each to be dead-lettered once."""
    errors: list[BaseException] = field(default_factory=list)
    """Bugs of ours caught in this poll (the poll's own, or one page's; an entry's is in
    its rejection)."""


PARSE_THREADS = 2
"""Feeds are parsed (and their items adapted) in a pool of their own, this small: parsing
holds the interpreter lock most of the time, so more threads only add switching between
them, and each thread's allocations (a malloc arena per thread) add to the resident memory
of the process."""
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
    try:
        return await _poll(spec, state, fetcher, policy, now, started)
    except Exception as exc:  # a bug of ours: the feed's failure path all the same
        error = f"internal error: {type(exc).__name__}: {exc}"
        new = _failure(state, "internal", error, now, policy, None)
        duration = time.perf_counter() - started
        return PollOutcome(new, [], "internal", duration_s=duration, errors=[exc])


async def _poll(
    spec: FeedSpec,
    state: SourceState,
    fetcher: Fetcher,
    policy: PollPolicy,
    now: datetime,
    started: float,
) -> PollOutcome:
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
        read = functools.partial(_read, result, spec, state, policy, now)
        feed, adapted = await asyncio.get_running_loop().run_in_executor(_parsers, read)
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
    items, errors = adapted.items, list[BaseException]()
    pages = page_failures = 0
    if spec.full_text:
        items, pages, page_failures = await _attach_pages(items, fetcher, errors)
    hints = Hints(
        ttl_s=feed.ttl_s,
        update_period_s=feed.update_period_s,
        max_age_s=hints.max_age_s,
        expires_in_s=hints.expires_in_s,
    )
    counts = adapted.counts
    interval = next_interval(state.interval_s, counts.new, hints, bounds)
    new = _success(state, now, interval, "200", {**moved, **validators, "seen": adapted.seen})
    return PollOutcome(
        new,
        items,
        "200",
        counts=counts,
        bytes_read=result.bytes_read,
        duration_s=time.perf_counter() - started,
        problems=adapted.problems,
        pages=pages,
        page_failures=page_failures,
        rejected=adapted.rejected,
        errors=errors,
    )


def _read(
    result: FetchResult, spec: FeedSpec, state: SourceState, policy: PollPolicy, now: datetime
) -> tuple[ParsedFeed, Adapted]:
    """The feed of a response, and its new and changed items (in a worker thread)."""
    feed = parse_feed(
        result.body,
        content_type=media_type(result.content_type),
        max_items=policy.max_items,
    )
    context = FetchContext(
        source=Source(
            kind="feed", uri=spec.url, name=spec.name or feed.title, tags=list(spec.tags)
        ),
        fetched_at=now,
        http=_http_meta(result),
        base=result.url,
    )
    return feed, raw_items(feed, state, context, seen_limit=policy.seen_limit)


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


async def _attach_pages(
    items: list[RawItem], fetcher: Fetcher, errors: list[BaseException]
) -> tuple[list[RawItem], int, int]:
    """For items with only a summary, fetch the article page (same politeness and limits);
    the items, and how many pages were attached and how many failed.

    Each page is a boundary: one that fails (a bug of ours included, kept in ``errors``)
    leaves its item as it was. A page is decoded as a browser would (``decode_page``:
    byte-order mark, header, ``<meta>``), in a worker thread."""
    out: list[RawItem] = []
    attached = failures = 0
    for item in items:
        if item.content_html or not item.link:
            out.append(item)
            continue
        try:
            page = await fetcher.fetch(item.link, accept="text/html,application/xhtml+xml")
            # Off the event loop: decoding megabytes must not stall the other feeds.
            html = await asyncio.to_thread(decode_page, page.body, page.content_type)
        except FetchError:
            failures += 1
            out.append(item)
            continue
        except Exception as exc:
            failures += 1
            errors.append(exc)
            out.append(item)
            continue
        out.append(item.model_copy(update={"page_html": html}))
        attached += 1
    return out, attached, failures
