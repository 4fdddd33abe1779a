"""Which module may import which, read from the syntax of every module of the project.

* services depend on the core, never on each other, and never on ``services.core.testing``
  (which is for tests);
* a test takes its helpers from fixtures (``conftest.py``), from a helpers module of its
  folder, or from ``services.core.testing``: never from another test module.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import ROOT

SERVICES = ("ingester", "normalizer", "enricher", "relay")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path, source: str | None = None) -> Iterator[tuple[int, str]]:
    """(line, module) of every import of a file, relative ones resolved; ``from a import b``
    counts as ``a`` and as ``a.b`` (``b`` may be a module)."""
    tree = ast.parse(source if source is not None else path.read_text(encoding="utf-8"))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join([*base, *([node.module] if node.module else [])])
            else:
                name = node.module or ""
            yield node.lineno, name
            for alias in node.names:
                yield node.lineno, f"{name}.{alias.name}"


def python_files(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def service_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "services" and parts[1] in SERVICES else None


def test_no_service_module_imports_the_test_helpers() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in python_files("services")
        if path.name != "testing.py"
        for line, name in imported(path)
        if name == "services.core.testing" or name.startswith("services.core.testing.")
    ]
    assert not found, "services.core.testing is for tests only:\n" + "\n".join(found)


def test_services_depend_on_the_core_never_on_each_other() -> None:
    found = []
    for path in python_files("services"):
        own = service_of(module_name(path))
        if own is None:
            continue  # the core, and the commands above the services
        for line, name in imported(path):
            other = service_of(name)
            if other is not None and other != own:
                found.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    assert not found, "\n".join(found)


def test_modules_import_no_test_module() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in python_files("tests", "bench", "examples", "services")
        for line, name in imported(path)
        if name.startswith("tests.") and name.split(".")[-1].startswith("test_")
    ]
    assert not found, (
        "a test's helpers go in a fixture (conftest.py), a helpers module of its folder or "
        "services.core.testing, not in another test module:\n" + "\n".join(found)
    )


def test_the_checks_see_relative_and_absolute_imports() -> None:
    source = (
        "from .test_poller import NOW\n"
        "from tests.unit import test_seeds\n"
        "from ..core.testing import produce\n"
        "from ..normalizer import dedup\n"
        "import services.core.testing\n"
    )
    path = ROOT / "tests" / "integration" / "test_x.py"
    assert [name for _, name in imported(path, source)] == [
        "tests.integration.test_poller",
        "tests.integration.test_poller.NOW",
        "tests.unit",
        "tests.unit.test_seeds",
        "tests.core.testing",
        "tests.core.testing.produce",
        "tests.normalizer",
        "tests.normalizer.dedup",
        "services.core.testing",
    ]
    in_service = ROOT / "services" / "ingester" / "x.py"
    names = [name for _, name in imported(in_service, source)]
    assert "services.core.testing.produce" in names and "services.normalizer.dedup" in names
