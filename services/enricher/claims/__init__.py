"""Claims: who claims what in an article (source, cue, content), found on spaCy's parse."""

from __future__ import annotations

from .extract import extract_claims

__all__ = ["extract_claims"]
