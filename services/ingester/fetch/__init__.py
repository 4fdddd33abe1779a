"""The HTTP fetcher for feeds and article pages: polite, bounded, and SSRF-safe."""

from .addresses import check_url
from .config import FetchConfig, Limits, Timeouts
from .errors import (
    FetchError,
    FetchTimeout,
    HttpStatus,
    RedirectLoop,
    RefusedURL,
    TooLarge,
    TransportError,
)
from .fetcher import Fetcher, FetchResult, make_client
from .hosts import HostGate
from .retry_after import parse_retry_after

__all__ = [
    "FetchConfig",
    "FetchError",
    "FetchResult",
    "FetchTimeout",
    "Fetcher",
    "HostGate",
    "HttpStatus",
    "Limits",
    "RedirectLoop",
    "RefusedURL",
    "Timeouts",
    "TooLarge",
    "TransportError",
    "check_url",
    "make_client",
    "parse_retry_after",
]
