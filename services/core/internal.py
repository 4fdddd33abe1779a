"""Bugs of newswire's own, caught at a boundary: counted, logged with their traceback once.

Where a service takes in one unit of work (a seed file, a feed's poll, one item, one
page), an exception that is not one of newswire's own errors is a bug: the unit fails
with the stage ``internal`` (a dead letter, or the feed's failure path) and the service
goes on. ``InternalErrors.record`` counts it in ``newswire_internal_errors_total`` and
logs it: with its traceback the first time that bug (the same boundary, class and
innermost line) is seen, in one line after that.
"""

from __future__ import annotations

import traceback

from .logs import get_logger
from .metrics import Metrics

log = get_logger(__name__)
MAX_KNOWN = 1000


def origin(exc: BaseException) -> str:
    """``file:line`` of the innermost frame that raised ``exc``."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "?"
    last = frames[-1]
    return f"{last.filename}:{last.lineno}"


class InternalErrors:
    def __init__(self, service: str, metrics: Metrics) -> None:
        self.service = service
        self.metrics = metrics
        self._known: set[tuple[str, str, str]] = set()

    def record(self, boundary: str, exc: BaseException, **context: object) -> None:
        self.metrics.internal_errors.labels(self.service, boundary).inc()
        where = origin(exc)
        bug = (boundary, type(exc).__name__, where)
        fields = {"boundary": boundary, "error": repr(exc)[:500], "origin": where, **context}
        if bug in self._known:
            log.error("internal error, the same as logged before", **fields)
            return
        if len(self._known) < MAX_KNOWN:
            self._known.add(bug)
        log.error("internal error: a bug in newswire, please report it", exc_info=exc, **fields)
