"""Hostile files in the seeds folder: each a clear error, nothing else lost."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from services.ingester import files
from services.ingester.seeds import SeedChange, SeedFolder

from .seedscan import Memory, settle


def errors(folder: Path) -> dict[str, str]:
    changes = Memory().scan(SeedFolder(folder))
    return {c.relative: str(c.error) for c in changes if c.error is not None}


def test_huge_empty_dangling_and_mis_encoded_files(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:  # sparse: 17 MB that take no disk
        handle.truncate(files.MAX_FILE_BYTES + 1024 * 1024)
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "blank.md").write_text("  \n\n\t\n")
    (tmp_path / "utf16.txt").write_bytes("caf\xe9 story".encode("utf-16"))
    (tmp_path / "random.html").write_bytes(os.urandom(4096))
    gone = tmp_path / "gone.txt"
    gone.write_text("soon gone")
    (tmp_path / "dangling.txt").symlink_to(gone)
    gone.unlink()
    (tmp_path / "fine.txt").write_text("A story.\n\nThe mayor said that it rained.")
    for p in tmp_path.iterdir():
        if p.exists():
            settle(p)
    found = errors(tmp_path)
    assert "over the" in found["huge.txt"]
    assert "is empty" in found["empty.txt"] and "is empty" in found["blank.md"]
    assert "not UTF-8" in found["utf16.txt"]
    assert "not UTF-8" in found["random.html"] or "binary" in found["random.html"]
    assert "fine.txt" not in found


def test_a_file_that_grows_while_read_is_refused_not_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "growing.txt"
    path.write_text("x" * 100)
    settle(path)
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 150)
    real_fstat = os.fstat

    def fstat_then_grow(fd: int) -> Any:
        checked = real_fstat(fd)
        with path.open("a") as handle:  # grows between the size check and the read
            handle.write("y" * 100)
        return checked

    monkeypatch.setattr(files.os, "fstat", fstat_then_grow)
    found = errors(tmp_path)
    assert "grew past the 150-byte limit" in found["growing.txt"]


def test_a_file_rewritten_while_scanned_ends_with_its_last_version(tmp_path: Path) -> None:
    path = tmp_path / "busy.txt"
    path.write_text("version 0\n\nThe mayor said that it rained.")
    settle(path)
    folder, memory = SeedFolder(tmp_path), Memory()
    stop = threading.Event()

    def writer() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            with path.open("w") as handle:  # in place: a reader may see it half written
                handle.write(f"version {n}\n\n" + "The mayor said that it rained. " * 200)
            settle(path)

    thread = threading.Thread(target=writer)
    thread.start()
    texts: list[str] = []
    try:
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            for change in memory.scan(folder):
                texts += [i.content_text or "" for i in change.items]
    finally:
        stop.set()
        thread.join()
    final = "version final\n\nThe mayor said that it rained."
    path.write_text(final)
    settle(path)
    last = [i for c in memory.scan(folder) for i in c.items]
    assert texts, "the busy file was read while rewritten"
    assert len(last) == 1, "the last version is read once it settles"
    assert "version final" in f"{last[0].title} {last[0].content_text}"
    assert last[0].revision > 1


def scan_within(folder: Path, memory: Memory, seconds: float = 20) -> list[SeedChange]:
    """One scan, in a thread: a scan that blocks (on a FIFO) fails the test, not hangs it."""
    found: list[SeedChange] = []
    thread = threading.Thread(target=lambda: found.extend(memory.scan(SeedFolder(folder))))
    thread.daemon = True
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"the scan did not end within {seconds} s"
    return found


FRONT_MATTER = {
    "title-int.md": ("title: 1984", None, "1984"),
    "title-list.md": ("title: [a, b]", "field 'title' must be text, not a list", None),
    "title-map.md": ("title: {a: b}", "field 'title' must be text, not a mapping", None),
    "url-int.md": ("url: 12345", "field 'url' '12345' is not an absolute http(s) URL", None),
    "url-js.md": ("url: javascript:alert(1)", "is not an absolute http(s) URL", None),
    "source-int.md": ("source: 7", None, "Story"),
    "bad-date.md": ("date: 2024-13-45", None, "Story"),
    "bool.md": ("title: yes", None, "yes"),
    "deep-yaml.md": ("x: " + "[" * 5000 + "]" * 5000, "nests deeper than 64 levels", None),
    "deeper-yaml.md": ("x: " + "[" * 100_000 + "]" * 100_000, "nests deeper than 64", None),
    "deep-block.md": (
        "".join("  " * i + f"k{i}:\n" for i in range(200)) + "  " * 200 + "v: 1",
        "nests deeper than 64",
        None,
    ),
}


def test_front_matter_is_typed_or_the_file_refused(tmp_path: Path) -> None:
    for name, (meta, _, _) in FRONT_MATTER.items():
        (tmp_path / name).write_text(f"---\n{meta}\n---\nStory text here.\n")
    for p in tmp_path.iterdir():
        settle(p)
    changes = {c.relative: c for c in scan_within(tmp_path, Memory())}
    assert set(changes) == set(FRONT_MATTER)
    for name, (_, error, title) in FRONT_MATTER.items():
        change = changes[name]
        if error is None:
            assert change.error is None, (name, change.error)
            [item] = change.items
            assert title in (item.title or "", "Story") and item.content_text
        else:
            assert change.error is not None and error in str(change.error), (name, change.error)
            assert change.error.stage == "read" and not change.internal
    [dated] = changes["bad-date.md"].items
    assert dated.published.raw == "2024-13-45" and dated.published.utc is None
    assert changes["source-int.md"].items[0].source.name == "7"


def test_json_articles_deep_typed_and_with_lone_surrogates(tmp_path: Path) -> None:
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (tmp_path / "deep5k.json").write_text('{"title": ' + "[" * 5000 + "]" * 5000 + "}")
    (tmp_path / "int-title.json").write_text('{"title": 5, "text": "Body."}')
    (tmp_path / "surrogate.json").write_text('{"title": "\\ud800", "text": "a\\udc00b"}')
    (tmp_path / "list-title.json").write_text('[{"title": "ok"}, {"title": ["no"]}]')
    for p in tmp_path.iterdir():
        settle(p)
    changes = {c.relative: c for c in scan_within(tmp_path, Memory())}
    assert "nested deeper than 64" in str(changes["deep.json"].error)
    assert "nested deeper than 64" in str(changes["deep5k.json"].error)
    [five] = changes["int-title.json"].items
    assert five.title == "5"
    [odd] = changes["surrogate.json"].items
    assert odd.title == "\ufffd" and odd.content_text == "a\ufffdb"
    assert odd.model_dump_json()  # encodable
    assert "article 1: field 'title' must be text" in str(changes["list-title.json"].error)


def test_names_encodings_loops_depth_and_special_files(
    tmp_path: Path, nested_folders: Callable[[Path, int], Path]
) -> None:
    root = os.fsencode(tmp_path)
    with open(os.path.join(root, b"caf\xe9.txt"), "w") as handle:  # Latin-1 name
        handle.write("A story from the caf\u00e9.")
    (tmp_path / "undefined.xml").write_text(
        '<?xml version="1.0" encoding="undefined"?><rss version="2.0"><channel><title>t'
        "</title><item><guid>1</guid><title>read anyway</title></item></channel></rss>"
    )
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    (tmp_path / "self.md").symlink_to(tmp_path / "self.md")
    (nested_folders(tmp_path, 1100) / "bottom.txt").write_text("Never read.")
    os.mkfifo(tmp_path / "pipe.txt")
    os.mkfifo(tmp_path / "pipe-target")
    (tmp_path / "to-pipe.md").symlink_to(tmp_path / "pipe-target")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(tmp_path / "sock.html"))
        (tmp_path / "fine.txt").write_text("A fine story.")
        for p in tmp_path.iterdir():
            if not p.is_symlink() and not p.is_fifo() and not p.is_socket():
                settle(p)
        changes = {c.relative: c for c in scan_within(tmp_path, Memory())}
    errors = {k: str(c.error) for k, c in changes.items() if c.error is not None}
    assert [i.content_text for i in changes["caf\\xe9.txt"].items] == [
        "A story from the caf\u00e9."
    ]
    assert [i.title for i in changes["undefined.xml"].items] == ["read anyway"]
    assert "loop of symbolic links" in errors["a.txt"] and "loop" in errors["b.txt"]
    assert "loop of symbolic links" in errors["self.md"]
    assert "a FIFO, not a regular file" in errors["pipe.txt"]
    assert "a FIFO, not a regular file" in errors["to-pipe.md"]
    assert "a socket, not a regular file" in errors["sock.html"]
    [too_deep] = [k for k in errors if k.startswith("d/")]
    assert too_deep.count("/") == 32 and "nested more than 32 deep" in errors[too_deep]
    assert changes["fine.txt"].items and "d/" + "d/" * 1099 + "bottom.txt" not in changes
    assert all(c.error is None or c.error.stage == "read" for c in changes.values())


def test_each_refusal_is_reported_once_then_again_when_it_changes(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    memory = Memory()
    [first] = scan_within(tmp_path, memory)
    assert first.error is not None
    assert scan_within(tmp_path, memory) == []  # the same FIFO: not reported again
    os.unlink(tmp_path / "pipe.txt")
    (tmp_path / "pipe.txt").write_text("Now a story.")
    settle(tmp_path / "pipe.txt")
    [second] = scan_within(tmp_path, memory)
    assert second.error is None and second.items


def test_a_bug_on_one_file_fails_that_file_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from services.ingester import seeds

    real = seeds.seed_items

    def buggy(seed: Any, *args: Any, **kwargs: Any) -> Any:
        if seed.relative == "bug.txt":
            raise KeyError("a bug of ours")
        return real(seed, *args, **kwargs)

    monkeypatch.setattr(seeds, "seed_items", buggy)
    for name in ("bug.txt", "ok.txt"):
        (tmp_path / name).write_text("A story.")
        settle(tmp_path / name)
    memory = Memory()
    changes = {c.relative: c for c in scan_within(tmp_path, memory)}
    assert changes["bug.txt"].internal and isinstance(changes["bug.txt"].error, KeyError)
    assert changes["bug.txt"].state.last_outcome == "internal"
    assert changes["ok.txt"].items
    assert scan_within(tmp_path, memory) == []  # its state is kept: not retried until it changes
