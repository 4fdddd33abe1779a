"""newswire uses its dependencies through their public APIs only; one module is the
exception: ``services/core/stable_offsets.py`` sends a request aiokafka has no API for,
through the consumer's internals, and its own test fails loudly when they change.

Read from the syntax of every module of services/, tests/, bench/ and examples/: an
attribute whose name starts with one underscore (``x._name``, ``getattr(x, "_name")``,
``from module import _name``) is private. It is the project's own when ``x`` is ``self``
or ``cls``, or when the project defines that name somewhere (a method, a field, an
attribute it assigns, a module-level name); else it belongs to another package. A private
name of something imported from another package (``module._name``, ``REGISTRY._name``)
counts whatever the project defines. (A private attribute of another package's object
that the project happens to define under the same name elsewhere goes unseen: the scan
reads names, not types.)
A few names that start with an underscore are public by their package's documentation.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import ROOT

FOLDERS = ("services", "tests", "bench", "examples")
ALLOWED_MODULE = "services/core/stable_offsets.py"
DOCUMENTED_PUBLIC = {
    "_exit",  # os._exit: "the standard way to exit is sys.exit(n); _exit() should normally
    # only be used in the child process after a fork()"
    "_replace",  # namedtuple methods (underscored so as not to clash with field names)
    "_asdict",
    "_fields",
    "_make",
}
OURS = ("services", "tests", "bench", "examples")


def ours(module: str | None) -> bool:
    return (module or "").split(".")[0] in OURS


def private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and name not in DOCUMENTED_PUBLIC


def defined_names(tree: ast.AST) -> Iterator[str]:
    """Every private name a module defines: functions, classes, assigned attributes and
    names, fields, parameters."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            yield node.name
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            yield node.attr
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            yield node.id
        elif isinstance(node, ast.arg):
            yield node.arg
        elif isinstance(node, ast.alias) and node.asname:
            yield node.asname


def foreign_names(tree: ast.AST) -> set[str]:
    """Local names bound to a module or an object imported from outside the project."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if not ours(alias.name):
                    names.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and not node.level and not ours(node.module):
            names |= {alias.asname or alias.name for alias in node.names}
    return names


def uses(tree: ast.AST) -> Iterator[tuple[int, ast.expr | None, str]]:
    """(line, owner, name) of every private attribute read, ``getattr``-like call with a
    literal name, and private name imported from another module (owner None)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and private(node.attr):
            yield node.lineno, node.value, node.attr
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("getattr", "hasattr", "setattr", "delattr")
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and private(node.args[1].value)
        ):
            yield node.lineno, node.args[0], node.args[1].value
        elif isinstance(node, ast.ImportFrom) and not node.level and not ours(node.module):
            for alias in node.names:
                if private(alias.name):
                    yield node.lineno, None, alias.name


def offences(sources: dict[str, str]) -> list[str]:
    """Private attributes of other packages used in ``sources`` (path -> source)."""
    trees = {path: ast.parse(text) for path, text in sources.items()}
    defined = {name for tree in trees.values() for name in defined_names(tree) if private(name)}
    found: list[tuple[str, int, str]] = []
    for path, tree in trees.items():
        if path == ALLOWED_MODULE:
            continue
        foreign = foreign_names(tree)
        for line, owner, name in uses(tree):
            if isinstance(owner, ast.Name) and owner.id in ("self", "cls"):
                continue
            if isinstance(owner, ast.Call) and getattr(owner.func, "id", "") == "super":
                continue
            imported = isinstance(owner, ast.Name) and owner.id in foreign
            if owner is None or imported or name not in defined:
                shown = ast.unparse(owner) + "." if owner is not None else "import "
                found.append((path, line, f"{shown}{name}"))
    return [f"{path}:{line} {what}" for path, line, what in sorted(found)]


def project_sources() -> dict[str, str]:
    return {
        path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8")
        for folder in FOLDERS
        for path in sorted((ROOT / folder).rglob("*.py"))
    }


def test_no_private_attribute_of_another_package_is_used() -> None:
    found = offences(project_sources())
    assert not found, (
        "private attributes of other packages (use their public API; "
        f"only {ALLOWED_MODULE} may, and documents why):\n" + "\n".join(found)
    )


def test_the_scan_finds_each_way_of_reaching_a_private_attribute() -> None:
    sources = {
        "bench/a.py": (
            "import os\n"
            "from prometheus_client import REGISTRY\n"
            "from concurrent.futures.process import _ExecutorManagerThread\n"
            "class Pool:\n"
            "    def __init__(self):\n"
            "        self._pool = make()\n"
            "        self._ours = 1\n"
            "    def pids(self):\n"
            "        return self._pool._processes, getattr(self._pool, '_processes', None)\n"
            "def value(counter, pool):\n"
            "    os._exit(0)\n"
            "    pool._ours\n"
            "    os._wrap_close\n"
            "    return counter._value.get(), REGISTRY._collector_to_names\n"
        ),
        ALLOWED_MODULE: "def f(consumer):\n    return consumer._coordinator\n",
    }
    assert offences(sources) == [
        "bench/a.py:3 import _ExecutorManagerThread",
        "bench/a.py:9 self._pool._processes",
        "bench/a.py:9 self._pool._processes",
        "bench/a.py:13 os._wrap_close",
        "bench/a.py:14 REGISTRY._collector_to_names",
        "bench/a.py:14 counter._value",
    ]


def test_the_allowed_module_still_exists() -> None:
    assert Path(ROOT / ALLOWED_MODULE).is_file()
