"""Every default is written once, in ``services/core/settings.py``.

A default written a second time drifts: the duplicate window was once 20,000 in the
settings and 100,000 in its class, and the seen-items limit 500 in the settings and 1,000
where seed files are read. The value classes take their defaults from ``DEFAULTS`` and are
built from a ``Settings``. Three checks hold that, the first two over the syntax trees of
every module under ``services/`` (the settings module aside, and ``services.core.testing``,
whose waits are the tests' and configure nothing):

* no default (of a parameter or a class field) is a number other than 0 and 1, written as
  a literal, a constant expression or a named constant: a tunable belongs in the settings.
  The few numbers that belong to a format, an algorithm or a protocol are listed below,
  with why (as are constants that equal a setting's default by coincidence);
* no default and no module or class constant is a string equal to a setting's default;
* a value class with ``from_settings`` built from the default settings equals the class
  built with its own defaults.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import operator
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from services.core.settings import DEFAULTS, Settings
from tests.conftest import ROOT

SERVICES = ROOT / "services"
SKIPPED = {"services/core/settings.py", "services/core/testing.py"}

NOT_CONFIGURATION = {
    ("services/core/topics.py", "retention_ms"): "a topic's retention is the catalogue's, "
    "topic by topic (docs/topics.md); NEWSWIRE_KAFKA_RETENTION_DAYS overrides it per topic",
    ("services/core/ids.py", "length"): "the length of an identifier is part of its format",
    ("services/core/httpserver.py", "status"): "a reply is 200 OK unless it says otherwise: "
    "the protocol's, not a setting",
    ("services/ingester/examples.py", "LOOPBACK"): "the example feeds are served on this "
    "machine only, whatever NEWSWIRE_HTTP_HOST is",
    ("services/normalizer/dedup.py", "shingle"): "the SimHash's shingle size is part of the "
    "signatures stored on news.articles: another one makes them incomparable",
    ("services/normalizer/text.py", "limit"): "the length of a summary line is a "
    "presentation rule of the record (its schema documents it)",
}

_OPERATORS: dict[type[ast.AST], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.LShift: operator.lshift,
}


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


class Constants:
    """The module-level constants of every module under services/, and what names a
    module imports from another one, so that a default written as a name is resolved."""

    def __init__(self, trees: dict[str, ast.Module]) -> None:
        self.trees = trees
        self.values: dict[str, dict[str, object]] = {}
        self.imported: dict[str, dict[str, tuple[str, str]]] = {}
        for name, tree in trees.items():
            self.imported[name] = self._imports(name, tree)
        for name in trees:
            self._module(name)

    def _imports(self, module: str, tree: ast.Module) -> dict[str, tuple[str, str]]:
        out = {}
        package = module.split(".")[:-1]  # a package's __init__ is in the package too
        for node in tree.body:
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package[: len(package) - node.level + 1]
                    source = ".".join([*base, *(node.module.split(".") if node.module else [])])
                else:
                    source = node.module or ""
                for alias in node.names:
                    out[alias.asname or alias.name] = (source, alias.name)
        return out

    def _module(self, module: str) -> dict[str, object]:
        if module in self.values:
            return self.values[module]
        self.values[module] = found = {}
        for node in self.trees[module].body:
            targets: list[ast.expr] = []
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                targets, value = [node.target], node.value
            for target in targets:
                if isinstance(target, ast.Name):
                    evaluated = self.evaluate(module, value)
                    if evaluated is not None:
                        found[target.id] = evaluated
        return found

    def lookup(self, module: str, name: str) -> object:
        if name in self.values.get(module, {}):
            return self.values[module][name]
        source = self.imported.get(module, {}).get(name)
        if source is not None:
            for candidate in (source[0], f"{source[0]}.__init__"):
                if candidate in self.trees:
                    return self._module(candidate).get(source[1])
        return None

    def evaluate(self, module: str, node: ast.expr) -> object:
        """The value of a literal, a constant expression or a constant's name; else None."""
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            return self.lookup(module, node.id)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            value = self.evaluate(module, node.operand)
            return -value if isinstance(value, int | float) else None
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            left, right = self.evaluate(module, node.left), self.evaluate(module, node.right)
            if isinstance(left, int | float) and isinstance(right, int | float):
                return _OPERATORS[type(node.op)](left, right)
        return None


def _field_default(value: ast.expr) -> ast.expr | None:
    """``x = 5``, or the ``default=`` of ``field(...)`` / ``Field(...)``."""
    if isinstance(value, ast.Call):
        called = value.func
        name = called.id if isinstance(called, ast.Name) else getattr(called, "attr", "")
        if name in ("field", "Field"):
            given = [k.value for k in value.keywords if k.arg == "default"]
            return given[0] if given else None
        return None
    return value


def defaults(tree: ast.Module) -> Iterator[tuple[str, ast.expr]]:
    """(name, default) of every parameter and class field with a default."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            args = node.args
            positional = args.posonlyargs + args.args
            pairs = list(
                zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True)
            )
            pairs += [
                (a, d)
                for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)
                if d is not None
            ]
            for arg, default in pairs:
                yield arg.arg, default
        elif isinstance(node, ast.ClassDef):
            for statement in node.body:
                if (
                    isinstance(statement, ast.AnnAssign)
                    and statement.value is not None
                    and isinstance(statement.target, ast.Name)
                ):
                    value = _field_default(statement.value)
                    if value is not None:
                        yield statement.target.id, value


def constants(tree: ast.Module) -> Iterator[tuple[str, ast.expr]]:
    """(name, value) of every module-level and class-level assignment."""
    bodies = [tree.body] + [n.body for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    for body in bodies:
        for node in body:
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        yield target.id, node.value


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def setting_strings() -> dict[str, str]:
    """Each string default of the settings -> the setting's name."""
    out = {}
    for name in Settings.model_fields:
        value = getattr(DEFAULTS, name)
        if isinstance(value, Path):
            value = str(value)
        if isinstance(value, str) and value:
            out[value] = name
    return out


def scan(sources: dict[str, str]) -> list[str]:
    """What the two syntax rules find in ``sources`` (module name -> source)."""
    trees = {name: ast.parse(text) for name, text in sources.items()}
    known = Constants(trees)
    strings = setting_strings()
    listed = NOT_CONFIGURATION.keys()
    found = []
    for module, tree in trees.items():
        path = module.replace(".", "/") + ".py"
        for name, node in defaults(tree):
            value = known.evaluate(module, node)
            where = f"{path}:{node.lineno} {name}"
            if is_number(value) and value not in (0, 1) and (path, name) not in listed:
                found.append(f"{where} = {value!r}: a number of its own, not from the settings")
        for name, node in [*defaults(tree), *constants(tree)]:
            value = known.evaluate(module, node)
            if isinstance(value, str) and value in strings and (path, name) not in listed:
                found.append(
                    f"{path}:{node.lineno} {name} = {value!r}: the default of "
                    f"NEWSWIRE_{strings[value].upper()}, written again"
                )
    return found


def project_sources() -> dict[str, str]:
    return {
        module_name(path): path.read_text(encoding="utf-8")
        for path in sorted(SERVICES.rglob("*.py"))
        if relative(path) not in SKIPPED
    }


def test_no_default_is_written_twice() -> None:
    found = scan(project_sources())
    assert not found, (
        "defaults written outside services/core/settings.py: take them from the settings "
        "(DEFAULTS.<name> as a default, and build the value from a Settings), or add a "
        "setting:\n" + "\n".join(found)
    )


def test_the_scan_finds_each_kind_of_second_default() -> None:
    sources = {
        "services.fake.window": (
            "from dataclasses import dataclass, field\n"
            "CAPACITY = 100_000\n"
            "@dataclass\n"
            "class Window:\n"
            "    capacity: int = CAPACITY\n"
            "    distance: int = field(default=6)\n"
            "    name: str = 'news'\n"
            "    fine: int = 0\n"
        ),
        "services.fake.reader": (
            "from .window import CAPACITY\n"
            "HOST = '127.0.0.1'\n"
            "def read(limit: int = CAPACITY, *, seen: int = 2 * 500, wait_s: float = 1.5): ...\n"
            "def plain(flag: bool = True, count: int = 1): ...\n"
        ),
    }
    found = scan(sources)
    assert [line.split(":")[0] + " " + line.split(" ")[1] for line in found] == [
        "services/fake/window.py capacity",
        "services/fake/window.py distance",
        "services/fake/window.py name",
        "services/fake/reader.py limit",
        "services/fake/reader.py seen",
        "services/fake/reader.py wait_s",
        "services/fake/reader.py HOST",
    ], found


def value_classes() -> Iterator[type]:
    """Every class under services/ that has a ``from_settings`` classmethod."""
    for module, text in project_sources().items():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ClassDef) and any(
                isinstance(f, ast.FunctionDef) and f.name == "from_settings" for f in node.body
            ):
                yield getattr(importlib.import_module(module), node.name)


def _constructible(cls: type) -> bool:
    if not dataclasses.is_dataclass(cls):
        return False
    return all(
        f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
        for f in dataclasses.fields(cls)
        if f.init
    )


@pytest.mark.parametrize(
    "cls", [c for c in value_classes() if _constructible(c)], ids=lambda c: c.__name__
)
def test_a_value_class_from_the_default_settings_is_its_default(cls: Any) -> None:
    assert cls.from_settings(DEFAULTS) == cls(), (
        f"{cls.__name__}'s defaults differ from what the default settings give"
    )


def test_every_value_class_with_defaults_is_checked() -> None:
    names = {c.__name__ for c in value_classes() if _constructible(c)}
    assert {"FetchConfig", "PollPolicy", "DuplicateWindow", "Backoff"} <= names, names
