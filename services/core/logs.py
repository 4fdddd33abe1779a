"""Structured logging: JSON lines in containers, readable key=value lines on a terminal.

``configure()`` chains plain processor functions (structlog style); ``get_logger(name)``
returns a logger whose calls take an event and key-value pairs::

    log.info("batch committed", service="normalizer", records=500)
"""

from __future__ import annotations

import logging
import sys
from typing import Any, Literal

import structlog

from .settings import DEFAULTS


def _renderer(fmt: Literal["auto", "json", "console"], color: bool) -> Any:
    if fmt == "auto":
        fmt = "console" if sys.stderr.isatty() else "json"
    if fmt == "json":
        return structlog.processors.JSONRenderer()
    return structlog.dev.ConsoleRenderer(colors=color and sys.stderr.isatty())


CONNECTION_NOISE = ("Unable connect to", "Unable to request metadata", "Unable to update metadata")
"""aiokafka's own lines about failed connections: newswire reports those itself (an error
at start that names the cause, "broker error, retrying", "broker unreachable")."""


def _not_connection_noise(record: logging.LogRecord) -> bool:
    return not str(record.msg).startswith(CONNECTION_NOISE)


def configure(
    fmt: Literal["auto", "json", "console"] = DEFAULTS.log_format,
    level: str = DEFAULTS.log_level,
    *,
    color: bool = True,
) -> None:
    """Set up newswire's logging once per process. Library loggers go through it too.

    ``color`` False (``NO_COLOR``) keeps the terminal format plain."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                _renderer(fmt, color),
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # These log every rebalance, reconnect and request at INFO.
    for chatty in ("aiokafka", "httpx", "httpcore"):
        logging.getLogger(chatty).setLevel(max(logging.WARNING, root.level))
    kafka = logging.getLogger("aiokafka")
    kafka.removeFilter(_not_connection_noise)
    if root.level > logging.DEBUG:
        kafka.addFilter(_not_connection_noise)


def get_logger(name: str) -> Any:
    return structlog.stdlib.get_logger(name)
