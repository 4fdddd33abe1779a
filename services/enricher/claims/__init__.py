"""Claims: who claims what in an article (source, cue, content), found on spaCy's parse."""

from __future__ import annotations

from .extract import RULE_NAMES, extract_claims

__all__ = ["RULE_NAMES", "extract_claims"]
