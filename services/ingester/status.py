"""``newswire feeds status``: every source's health, read from the state topic."""

from __future__ import annotations

import sys
from typing import TextIO

from ..core.records import SourceState
from ..core.testing import read_topic


async def latest_states(bootstrap: str, topic: str) -> dict[str, SourceState]:
    states: dict[str, SourceState] = {}
    for record in await read_topic(bootstrap, topic):
        if record.key is None:
            continue
        if record.value is None:
            states.pop(record.key.decode(), None)
        else:
            states[record.key.decode()] = SourceState.model_validate_json(record.value)
    return states


async def print_status(bootstrap: str, topic: str, out: TextIO = sys.stdout) -> None:
    states = sorted((await latest_states(bootstrap, topic)).values(), key=lambda s: s.uri)
    print(
        f"{'health':<12} {'errors':>6}  {'last outcome':<12} {'next poll (UTC)':<20} source",
        file=out,
    )
    for s in states:
        when = s.next_poll_at.strftime("%Y-%m-%d %H:%M:%S") if s.next_poll_at else "-"
        print(
            f"{s.health:<12} {s.error_count:>6}  {s.last_outcome or '-':<12} {when:<20} {s.uri}",
            file=out,
        )
        if s.last_error:
            print(f"{'':<12} {'':>6}  last error: {s.last_error}", file=out)
