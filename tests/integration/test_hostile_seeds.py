"""A seeds folder with one of every hostile file, through ``newswire run --once``: the
process ends well, the good files are on ``news.raw``, each refused one is a dead letter
with its reason, and a second run emits nothing new."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from services.core.records import DeadLetter, RawItem
from services.core.testing import read_topic
from tests.conftest import SEED

from .conftest import run_once

ENTITY = '<!ENTITY a "' + "x" * 5000 + '">'
BOMB = (
    '<?xml version="1.0" encoding="UTF-32"?><!DOCTYPE rss [' + ENTITY + "]>"
    "<rss version='2.0'><channel><title>t</title><item><guid>g</guid>"
    "<description>" + "&a;" * 10_000 + "</description></item></channel></rss>"
)
STORY = "\n\nThe mayor said on Tuesday that the harbour would reopen next week.\n"

# file -> what its dead letter says (refused), or None (read: on news.raw)
FILES: dict[str, str | None] = {
    SEED.name: None,
    "title-int.md": None,
    "source-int.md": None,
    "bad-date.md": None,
    "int-title.json": None,
    "surrogate.json": None,
    "undefined.xml": None,
    "caf\\xe9.txt": None,
    "title-list.md": "field 'title' must be text, not a list",
    "url-int.md": "field 'url' '12345' is not an absolute http(s) URL",
    "deep5k.md": "the front matter nests deeper than 64 levels",
    "deep100k.md": "the front matter nests deeper than 64 levels",
    "deep.json": "nested deeper than 64 levels",
    "loop-a.txt": "a loop of symbolic links",
    "loop-b.txt": "a loop of symbolic links",
    "to-fifo.md": "is a FIFO, not a regular file",
    "entities.xml": "declares entities",
    "d/" * 32 + "d": "a folder nested more than 32 deep",
}


def hostile_folder(seeds: Path, nested: Callable[[Path, int], Path]) -> None:
    shutil.copy(SEED, seeds / SEED.name)
    front = {
        "title-int.md": "title: 1984",
        "source-int.md": "source: 7",
        "bad-date.md": "date: 2024-13-45",
        "title-list.md": "title: [a, b]",
        "url-int.md": "url: 12345",
        "deep5k.md": "x: " + "[" * 5000 + "]" * 5000,
        "deep100k.md": "x: " + "[" * 100_000 + "]" * 100_000,
    }
    for name, meta in front.items():
        (seeds / name).write_text(f"---\n{meta}\n---\n# {name}{STORY}")
    (seeds / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (seeds / "int-title.json").write_text('{"title": 5, "text": "' + STORY.strip() + '"}')
    (seeds / "surrogate.json").write_text(
        '{"title": "odd \\ud800 title", "text": "' + STORY.strip() + '"}'
    )
    (seeds / "undefined.xml").write_text(
        '<?xml version="1.0" encoding="undefined"?><rss version="2.0"><channel><title>t'
        "</title><item><guid>u1</guid><title>Read anyway</title><description>"
        + STORY.strip()
        + "</description></item></channel></rss>"
    )
    with open(os.path.join(os.fsencode(seeds), b"caf\xe9.txt"), "w") as handle:
        handle.write("A story from the cafe." + STORY)
    (seeds / "loop-a.txt").symlink_to(seeds / "loop-b.txt")
    (seeds / "loop-b.txt").symlink_to(seeds / "loop-a.txt")
    os.mkfifo(seeds / "fifo")
    (seeds / "to-fifo.md").symlink_to(seeds / "fifo")
    (seeds / "entities.xml").write_bytes(BOMB.encode("utf-32"))
    with open(nested(seeds, 1100) / "bottom.txt", "w") as handle:
        handle.write("Too deep to be read.")
    then = time.time() - 60
    for entry in seeds.iterdir():
        os.utime(entry, (then, then), follow_symlinks=False)


async def test_every_hostile_file_is_a_dead_letter_and_the_rest_goes_through(
    kafka_bootstrap: str, tmp_path: Path, nested_folders: Callable[[Path, int], Path]
) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    hostile_folder(seeds, nested_folders)
    prefix, done = await run_once(kafka_bootstrap, seeds)
    assert done.returncode == 0, done.stderr[-3000:]

    raw = [
        RawItem.model_validate_json(r.value or b"")
        for r in await read_topic(kafka_bootstrap, f"{prefix}.raw")
    ]
    by_file = {i.source.uri: i for i in raw}
    assert set(by_file) == {name for name, reason in FILES.items() if reason is None}
    assert by_file["title-int.md"].title == "1984"
    assert by_file["source-int.md"].source.name == "7"
    assert by_file["bad-date.md"].published.raw == "2024-13-45"
    assert by_file["int-title.json"].title == "5"
    assert by_file["surrogate.json"].title == "odd \ufffd title"
    assert by_file["undefined.xml"].title == "Read anyway"

    letters = [
        DeadLetter.model_validate_json(r.value or b"")
        for r in await read_topic(kafka_bootstrap, f"{prefix}.deadletter.ingester")
    ]
    reasons = {letter.source_uri: letter.error_message for letter in letters}
    refused = {name: reason for name, reason in FILES.items() if reason is not None}
    assert set(reasons) == set(refused), sorted(reasons)
    for name, reason in refused.items():
        assert reason in reasons[name], (name, reasons[name])
    assert all(letter.stage == "read" for letter in letters)
    assert len(letters) == len(refused)

    _, done = await run_once(kafka_bootstrap, seeds, prefix)
    assert done.returncode == 0, done.stderr[-3000:]
    assert len(await read_topic(kafka_bootstrap, f"{prefix}.raw")) == len(raw)
    assert len(await read_topic(kafka_bootstrap, f"{prefix}.deadletter.ingester")) == len(letters)
