"""Reading the re3d corpus: documents and their gold entity mentions.

Each sub-folder holds ``documents.json`` and ``entities.json`` (one JSON object per line,
exported from MongoDB); mentions are character offsets into the document's text.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    type: str
    text: str


@dataclass(frozen=True)
class Document:
    id: str
    text: str
    mentions: list[Mention]


def _lines(path: Path) -> Iterator[dict[str, object]]:
    with path.open(encoding="utf-8-sig") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def documents(root: Path) -> Iterator[Document]:
    folders = sorted(p for p in root.iterdir() if (p / "documents.json").exists())
    if not folders:
        raise SystemExit(f"no re3d data under {root}: give the re3d folder of the corpus")
    for folder in folders:
        mentions: dict[str, list[Mention]] = defaultdict(list)
        texts = {str(d["_id"]): str(d["text"]) for d in _lines(folder / "documents.json")}
        for e in _lines(folder / "entities.json"):
            doc_id, start, end = str(e["documentId"]), int(str(e["begin"])), int(str(e["end"]))
            text = texts.get(doc_id)
            if text is not None and text[start:end] == e["value"]:
                mentions[doc_id].append(Mention(start, end, str(e["type"]), str(e["value"])))
        for doc_id, text in texts.items():
            yield Document(doc_id, text, mentions[doc_id])
