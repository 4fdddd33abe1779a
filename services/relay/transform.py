"""The relay's transform: every record to the output topic, key, value and headers intact."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..core.errors import TransformError
from ..core.transform import Emit, Failure, Outcome, Output, Record


@dataclass(frozen=True, slots=True)
class Relay:
    """Passthrough to ``output``. Tombstones (no value) cannot be relayed: dead letters."""

    output: str

    async def __call__(self, records: Sequence[Record]) -> Sequence[Outcome]:
        outcomes: list[Outcome] = []
        for r in records:
            if r.value is None:
                outcomes.append(Failure.from_exception(TransformError("tombstone: no value")))
            else:
                outcomes.append(Emit([Output(self.output, r.key, r.value, r.headers)]))
        return outcomes
