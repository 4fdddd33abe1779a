"""Hostile files in the seeds folder: each a clear error, nothing else lost."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from services.ingester import files
from services.ingester.seeds import SeedFolder

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
    real_read = files.Path.open

    def open_then_grow(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.name == "growing.txt":  # grows between the size check and the read
            with real_read(self, "a") as handle:
                handle.write("y" * 100)
        return real_read(self, *args, **kwargs)

    monkeypatch.setattr(files.Path, "open", open_then_grow)
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
