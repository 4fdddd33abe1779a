"""Language detection with lingua (its models ship inside the package)."""

from __future__ import annotations

from functools import lru_cache

from lingua import LanguageDetector, LanguageDetectorBuilder

SAMPLE_CHARS = 300
"""Enough text for the language, at a fraction of the time (detection costs time with
the length of the text). On the texts the normalizer extracts from the 990 pages of
``bench.pages``, the first 300 characters gave the language the first 2,000 gave on all
but four, which open with boilerplate in another language or mix two."""


@lru_cache(maxsize=1)
def detector() -> LanguageDetector:
    """Every language's model is loaded when the detector is built (under a second, and
    about 28 MB more than a process that only ever sees English loads on demand), so
    that no article waits for a model's first load (up to 70 ms each)."""
    builder = LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode()
    return builder.with_preloaded_language_models().build()


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when unsure."""
    sample = text[:SAMPLE_CHARS]
    if len(sample.split()) < 3:
        return None
    language = detector().detect_language_of(sample)
    return None if language is None else language.iso_code_639_1.name.lower()
