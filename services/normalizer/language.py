"""Language detection with lingua (its models ship inside the package)."""

from __future__ import annotations

from functools import lru_cache

from lingua import LanguageDetector, LanguageDetectorBuilder

SAMPLE_CHARS = 2000


@lru_cache(maxsize=1)
def detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when unsure."""
    sample = text[:SAMPLE_CHARS]
    if len(sample.split()) < 3:
        return None
    language = detector().detect_language_of(sample)
    return None if language is None else language.iso_code_639_1.name.lower()
