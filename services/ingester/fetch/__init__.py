"""The HTTP fetcher for feeds and article pages: polite, bounded, and SSRF-safe."""

from .addresses import refusal
from .charsets import charset, media_type
from .config import FetchConfig, Limits, Timeouts
from .errors import (
    BadResponse,
    FetchError,
    FetchTimeout,
    HttpStatus,
    RedirectLoop,
    RefusedURL,
    TooLarge,
    TransportError,
)
from .fetcher import Fetcher, FetchResult
from .guard import Guard, Lookup, system_lookup
from .hosts import HostGate
from .pagecharset import decode_page, page_encoding
from .retry_after import parse_retry_after

__all__ = [
    "BadResponse",
    "FetchConfig",
    "FetchError",
    "FetchResult",
    "FetchTimeout",
    "Fetcher",
    "Guard",
    "HostGate",
    "HttpStatus",
    "Limits",
    "Lookup",
    "RedirectLoop",
    "RefusedURL",
    "Timeouts",
    "TooLarge",
    "TransportError",
    "charset",
    "decode_page",
    "media_type",
    "page_encoding",
    "parse_retry_after",
    "refusal",
    "system_lookup",
]
