"""Exponential backoff with full jitter, for transient broker errors."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Backoff:
    """Delay before retry n (n >= 1): uniform in [0, min(cap, base * 2^(n-1))]."""

    base_s: float = 0.2
    cap_s: float = 30.0

    def ceiling(self, attempt: int) -> float:
        return float(min(self.cap_s, self.base_s * 2 ** max(0, attempt - 1)))

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        return (rng or random).uniform(0, self.ceiling(attempt))
