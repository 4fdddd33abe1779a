"""Listing the seeds folder within bounds, without opening anything.

The walk goes down at most ``MAX_DEPTH`` folders and looks at most at ``MAX_ENTRIES``
entries (a scan that reaches it says so; the rest waits for a folder that is split). It
never follows a symbolic link to a folder (as before: links to files only), so it cannot
loop. Each file with a seed suffix is an ``Entry``: a regular file (or a link to one inside
the folder) to read, or a refusal with its reason: a FIFO, socket or device (which
``open`` could block on), a loop of links, a dangling link, a link out of the folder. A
folder nested too deep is an entry of its own, refused. A name that is not UTF-8 is kept
as its bytes, and shown with ``\\xNN`` escapes.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

MAX_DEPTH = 32
MAX_ENTRIES = 100_000
KINDS = {
    stat.S_IFIFO: "a FIFO",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFDIR: "a folder",
}


@dataclass(frozen=True, slots=True)
class Entry:
    path: Path
    relative: str
    """The path under the root, POSIX style, bytes that are not UTF-8 as ``\\xNN``."""
    signature: str
    """What changes when the file does (modification time and size)."""
    mtime: float
    refusal: str | None = None
    """Why it is not read; None for a file to read."""


@dataclass
class Listing:
    entries: list[Entry] = field(default_factory=list)
    truncated: bool = False
    """``MAX_ENTRIES`` was reached: the entries after it were not looked at."""


def shown(relative: str) -> str:
    """A relative path as text: a name that is not UTF-8 keeps its bytes as ``\\xNN``."""
    return os.fsencode(relative).decode("utf-8", "backslashreplace")


def _signature(st: os.stat_result, refusal: str | None = None) -> str:
    base = f"{st.st_mtime_ns}:{st.st_size}"
    return base if refusal is None else f"{base}:refused"


def _kind(mode: int) -> str:
    return KINDS.get(stat.S_IFMT(mode), "not a regular file")


def _file(path: Path, relative: str, lst: os.stat_result, root: str) -> Entry:
    """The entry of a file, or of a link to one, with a seed suffix."""
    st = lst
    refusal = None
    if stat.S_ISLNK(lst.st_mode):
        try:
            st = os.stat(path)
        except OSError as exc:
            refusal = (
                "a loop of symbolic links"
                if exc.errno == errno.ELOOP
                else f"a symbolic link to nothing ({exc.strerror})"
            )
        else:
            if not os.path.realpath(path).startswith(root + os.sep):
                refusal = "links outside the seeds folder: refused"
    if refusal is None and not stat.S_ISREG(st.st_mode):
        refusal = f"is {_kind(st.st_mode)}, not a regular file: not read"
    return Entry(path, relative, _signature(lst, refusal), lst.st_mtime, refusal)


def walk(root: Path, suffixes: frozenset[str] | set[str]) -> Listing:
    """Every file with one of ``suffixes`` under ``root``, in the order of their paths."""
    listing = Listing()
    if not root.is_dir():
        return listing
    real_root = os.path.realpath(root)
    pending: list[tuple[Path, str, int]] = [(root, "", 0)]
    looked = 0
    while pending and not listing.truncated:
        folder, prefix, depth = pending.pop()
        try:
            with os.scandir(folder) as found:
                children = list(found)
        except OSError:
            continue  # gone, or not readable: nothing to read there
        for child in children:
            looked += 1
            if looked > MAX_ENTRIES:
                listing.truncated = True
                break
            relative = shown(prefix + child.name)
            path = Path(child.path)
            try:
                lst = child.stat(follow_symlinks=False)
            except OSError:
                continue  # gone since listed
            if stat.S_ISDIR(lst.st_mode):
                if depth + 1 > MAX_DEPTH:
                    refusal = f"a folder nested more than {MAX_DEPTH} deep: not read"
                    entry = Entry(path, relative, _signature(lst, refusal), lst.st_mtime, refusal)
                    listing.entries.append(entry)
                else:
                    pending.append((path, prefix + child.name + "/", depth + 1))
                continue
            if path.suffix.lower() in suffixes:
                listing.entries.append(_file(path, relative, lst, real_root))
    listing.entries.sort(key=lambda e: e.relative)
    return listing
