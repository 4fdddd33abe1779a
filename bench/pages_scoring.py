"""Scoring extracted page text against "with"/"without" snippets, and reading the pages.

The corpus is trafilatura's evaluation set (github.com/adbar/trafilatura, ``tests/``):
``evaldata.json`` names, for each page, its file (under ``tests/cache/`` or
``tests/eval/``), snippets of text that must come out ("with") and snippets of page
furniture that must not ("without").

Scoring, as trafilatura's own evaluation does it: texts are compared with whitespace
collapsed; a "with" snippet found in the output is a true positive, one missing a false
negative; a "without" snippet found is a false positive, one absent a true negative.
Counts are summed over all pages (a page with more snippets weighs more); precision,
recall and F1 come from the sums. An extractor that fails on a page scores it as empty.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from trafilatura.utils import decode_file

_SPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class Case:
    """One page of the corpus and its snippets."""

    key: str  # the page's URL (a few keys of the corpus are labels, not URLs)
    path: Path
    with_: tuple[str, ...]
    without: tuple[str, ...]

    @property
    def url(self) -> str | None:
        return self.key if self.key.startswith(("http://", "https://")) else None


def corpus_folder(path: Path) -> Path:
    """The folder holding ``evaldata.json``: ``path`` itself or its ``tests/``."""
    for folder in (path, path / "tests"):
        if (folder / "evaldata.json").is_file():
            return folder
    raise FileNotFoundError(
        f"no evaldata.json in {path} or {path / 'tests'}: give a checkout of "
        "github.com/adbar/trafilatura (or its tests/ folder)"
    )


def cases(path: Path) -> list[Case]:
    """Every page of the corpus whose file is present, in the file's order."""
    folder = corpus_folder(path)
    gold = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
    found = []
    for key, entry in gold.items():
        for sub in ("cache", "eval"):
            page = folder / sub / entry["file"]
            if page.is_file():
                found.append(Case(key, page, tuple(entry["with"]), tuple(entry["without"])))
                break
    return found


def read_page(case: Case) -> str:
    """The page as text, decoded the way trafilatura decodes bytes (declared charset,
    else detection), so that every extractor gets the same string."""
    return decode_file(case.path.read_bytes())


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    pages: int = 0
    empty: int = 0

    def add(self, case: Case, text: str) -> tuple[list[str], list[str]]:
        """Count one page; return the "with" snippets missed and the "without" found."""
        have = squash(text)
        missed = [s for s in case.with_ if squash(s) not in have]
        leaked = [s for s in case.without if squash(s) in have]
        self.tp += len(case.with_) - len(missed)
        self.fn += len(missed)
        self.fp += len(leaked)
        self.tn += len(case.without) - len(leaked)
        self.pages += 1
        self.empty += not have
        return missed, leaked

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        total = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / total if total else 0.0
