"""Canonical URLs: one spelling per article, whatever the feed or the share button added."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..core.urls import http_url

TRACKING_PREFIXES = ("utm_", "mtm_", "pk_", "__hs", "hsa_")
TRACKING = {
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid",
    "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id",
    "cmpid", "ncid", "sr_share", "ref_src", "ref_url", "spm", "at_medium", "at_campaign",
}  # fmt: skip


def is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING or lowered.startswith(TRACKING_PREFIXES)


def canonical_url(url: str, base: str | None = None) -> str | None:
    """One spelling per article: the http(s) URL of ``core.urls.http_url`` (relative URLs
    resolved against ``base``), without its fragment, tracking parameters or user name,
    its query sorted. None if not http(s)."""
    safe = http_url(url, base)
    if safe is None:
        return None
    parts = urlsplit(safe)
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking(k)
    )
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query, doseq=True), ""))
