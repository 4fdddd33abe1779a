"""Helpers of the seeds-folder tests: a scan's memory of states, and settled files."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path

from services.core.records import SourceState
from services.ingester.seeds import SeedChange, SeedFolder

NOW = datetime(2024, 10, 22, tzinfo=UTC)


class Memory:
    """The state a folder scan reads and the service would commit."""

    def __init__(self) -> None:
        self.states: dict[str, SourceState] = {}

    def scan(self, folder: SeedFolder) -> list[SeedChange]:
        changes = list(folder.scan(NOW, self.states.get))
        for change in changes:
            self.states[change.state.source_id] = change.state
        return changes


def settle(path: Path, seconds_ago: float = 10) -> None:
    """Mark the file as written a while ago (files still being written are skipped)."""
    then = time.time() - seconds_ago
    os.utime(path, (then, then))
