"""Exponential backoff with full jitter, for transient broker errors."""

from __future__ import annotations

import random
from dataclasses import dataclass

from .settings import DEFAULTS, Settings


@dataclass(frozen=True, slots=True)
class Backoff:
    """Delay before retry n (n >= 1): uniform in [0, min(cap, base * 2^(n-1))]."""

    base_s: float = DEFAULTS.retry_backoff_base_s
    cap_s: float = DEFAULTS.retry_backoff_max_s

    @classmethod
    def from_settings(cls, settings: Settings) -> Backoff:
        return cls(settings.retry_backoff_base_s, settings.retry_backoff_max_s)

    def ceiling(self, attempt: int) -> float:
        return float(min(self.cap_s, self.base_s * 2 ** max(0, attempt - 1)))

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        return (rng or random).uniform(0, self.ceiling(attempt))
