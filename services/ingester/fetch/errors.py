"""The fetcher's exception tree, each with the ``outcome`` label metrics count it under.

FetchError                 base; ``url`` and ``outcome``
├── RefusedURL             "refused": not http(s), or a private/loopback/... address
├── TooLarge               "too_large": the body passed the size cap
├── FetchTimeout           "timeout": connect, read or total time ran out
├── HttpStatus             "4xx" / "5xx": ``status``, and ``retry_after_s`` (429, 503)
├── RedirectLoop           "redirect_loop": a URL came back, or too many redirects
├── BadResponse            "bad_response": a Location that is no http(s) URL, an unknown
│                          or corrupt Content-Encoding
└── TransportError         "transport": connection refused or reset, TLS, malformed HTTP

Nothing else leaves ``Fetcher.fetch``: a poll's failure path (count, backoff, health,
metric) runs for every way a fetch can fail.
"""

from __future__ import annotations


class FetchError(Exception):
    outcome = "error"

    def __init__(self, url: str, message: str) -> None:
        super().__init__(f"{url}: {message}")
        self.url = url


class RefusedURL(FetchError):
    outcome = "refused"


class TooLarge(FetchError):
    outcome = "too_large"


class FetchTimeout(FetchError):
    outcome = "timeout"


class HttpStatus(FetchError):
    def __init__(self, url: str, status: int, retry_after_s: float | None = None) -> None:
        wait = f", retry after {retry_after_s:.0f} s" if retry_after_s is not None else ""
        super().__init__(url, f"HTTP {status}{wait}")
        self.status = status
        self.retry_after_s = retry_after_s
        self.outcome = "4xx" if status < 500 else "5xx"


class RedirectLoop(FetchError):
    outcome = "redirect_loop"


class BadResponse(FetchError):
    outcome = "bad_response"


class TransportError(FetchError):
    outcome = "transport"
