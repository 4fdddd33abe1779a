"""Reading the PolNeAR corpus: article texts and their attributions in BRAT standoff.

Layout: ``data/<split>/text/<name>.txt`` and ``data/<split>/attributions/<name>_<annotator>
.ann``. Lines ``T<n>\\t<Role> <start> <end>[;<start> <end>...]\\t<text>`` give spans
(roles Source, Cue, Content; ``Attribution`` and ``Discard`` are not roles), lines
``E<n>\\tAttribution:T<a> Content:T<b> Cue:T<c> Source:T<d>`` join them. Where an article
has several annotators' files, the first by name is used; ``panels`` gives those
articles with every annotator's attributions (PolNeAR's weekly quality checks, annotated by
all of its annotators), to measure how far annotators agree with each other.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

Spans = list[tuple[int, int]]


@dataclass(frozen=True)
class GoldAttribution:
    content: Spans
    cue: Spans
    source: Spans


@dataclass(frozen=True)
class Document:
    name: str
    text: str
    attributions: list[GoldAttribution]


def parse_ann(text: str) -> list[GoldAttribution]:
    spans: dict[str, tuple[str, Spans]] = {}
    events: list[dict[str, str]] = []
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) < 2:
            continue
        if fields[0].startswith("T"):
            role, _, offsets = fields[1].partition(" ")
            pairs = [part.split() for part in offsets.split(";")]
            spans[fields[0]] = (role, [(int(a), int(b)) for a, b in pairs])
        elif fields[0].startswith("E"):
            events.append(dict(arg.split(":", 1) for arg in fields[1].split() if ":" in arg))
    out = []
    for event in events:
        roles = {
            name: spans[ref][1]
            for name, ref in event.items()
            if ref in spans and name != "Attribution"
        }
        if "Content" in roles:
            out.append(
                GoldAttribution(roles["Content"], roles.get("Cue", []), roles.get("Source", []))
            )
    return out


@dataclass(frozen=True)
class Panel:
    """An article and each of its annotators' attributions, by annotator id."""

    name: str
    text: str
    annotators: dict[str, list[GoldAttribution]]


def documents(root: Path, split: str, limit: int | None = None) -> Iterator[Document]:
    for panel in _articles(root, split, limit):
        first = min(panel.annotators)
        yield Document(panel.name, panel.text, panel.annotators[first])


def panels(root: Path, split: str) -> Iterator[Panel]:
    """The articles of ``split`` that more than one annotator annotated."""
    return (p for p in _articles(root, split, None) if len(p.annotators) > 1)


def _articles(root: Path, split: str, limit: int | None) -> Iterator[Panel]:
    folder = root / "data" / split
    texts = sorted((folder / "text").glob("*.txt"))
    if not texts:
        raise SystemExit(
            f"no PolNeAR texts in {folder / 'text'}: give the path of a PolNeAR checkout "
            "(the folder that holds data/)"
        )
    for path in texts[:limit]:
        files = sorted((folder / "attributions").glob(f"{path.stem}_*.ann"))
        if not files:
            continue
        yield Panel(
            name=path.stem,
            text=path.read_text(encoding="utf-8"),
            annotators={
                f.stem.rsplit("_", 1)[1]: parse_ann(f.read_text(encoding="utf-8")) for f in files
            },
        )
