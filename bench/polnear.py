"""Reading the PolNeAR corpus: article texts and their attributions in BRAT standoff.

Layout: ``data/<split>/text/<name>.txt`` and ``data/<split>/attributions/<name>_<annotator>
.ann``. Lines ``T<n>\\t<Role> <start> <end>[;<start> <end>...]\\t<text>`` give spans
(roles Source, Cue, Content; ``Attribution`` and ``Discard`` are not roles), lines
``E<n>\\tAttribution:T<a> Content:T<b> Cue:T<c> Source:T<d>`` join them. Where an article
has several annotators' files, the first by name is used.
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


def documents(root: Path, split: str, limit: int | None = None) -> Iterator[Document]:
    folder = root / "data" / split
    texts = sorted((folder / "text").glob("*.txt"))
    if not texts:
        raise SystemExit(
            f"no PolNeAR texts in {folder / 'text'}: give the path of a PolNeAR checkout "
            "(the folder that holds data/)"
        )
    for path in texts[:limit]:
        annotations = sorted((folder / "attributions").glob(f"{path.stem}_*.ann"))
        if not annotations:
            continue
        yield Document(
            name=path.stem,
            text=path.read_text(encoding="utf-8"),
            attributions=parse_ann(annotations[0].read_text(encoding="utf-8")),
        )
