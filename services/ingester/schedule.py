"""When to poll a feed next: an adaptive interval when it works, capped backoff when not."""

from __future__ import annotations

import random
from dataclasses import dataclass

from ..core.settings import DEFAULTS


@dataclass(frozen=True, slots=True)
class Bounds:
    """The shortest and longest interval between two polls of one feed."""

    min_s: float = DEFAULTS.feed_min_interval_s
    max_s: float = DEFAULTS.feed_max_interval_s

    def clamp(self, value: float) -> float:
        return max(self.min_s, min(self.max_s, value))


@dataclass(frozen=True, slots=True)
class Hints:
    """What the feed and its server say about how often to come back (seconds)."""

    ttl_s: float | None = None
    update_period_s: float | None = None
    max_age_s: float | None = None
    expires_in_s: float | None = None

    def floor(self) -> float | None:
        given = [
            h for h in (self.ttl_s, self.update_period_s, self.max_age_s, self.expires_in_s) if h
        ]
        return max(given) if given else None


FASTER = 0.5  # new items: poll twice as often
SLOWER = 1.5  # nothing new: back off gently


def next_interval(previous: float | None, new_items: int, hints: Hints, bounds: Bounds) -> float:
    """The interval after a successful poll.

    New items halve it, a poll with nothing new stretches it by half, within the bounds;
    the feed's own hints (RSS ttl, sy:updatePeriod, Cache-Control max-age, Expires) are a
    floor, as long as they stay under the upper bound.
    """
    start = previous if previous is not None else (bounds.min_s * bounds.max_s) ** 0.5
    interval = start * (FASTER if new_items else SLOWER)
    floor = hints.floor()
    if floor is not None:
        interval = max(interval, floor)
    return bounds.clamp(interval)


@dataclass(frozen=True, slots=True)
class Backoff:
    """Delay after the n-th consecutive failure: base * 2^(n-1), capped, with jitter in
    [half, full] so that it grows with n and failing feeds do not retry in step."""

    base_s: float = DEFAULTS.feed_backoff_base_s
    cap_s: float = DEFAULTS.feed_backoff_max_s

    def ceiling(self, failures: int) -> float:
        return float(min(self.cap_s, self.base_s * 2 ** max(0, failures - 1)))

    def delay(self, failures: int, rng: random.Random | None = None) -> float:
        ceiling = self.ceiling(failures)
        return (rng or random).uniform(ceiling / 2, ceiling)


FAILING_AFTER = 5


def health_after(failures: int) -> str:
    if failures == 0:
        return "healthy"
    return "failing" if failures >= FAILING_AFTER else "backing_off"
