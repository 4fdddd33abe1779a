import subprocess
import sys

from tests.conftest import ROOT


def test_help_lists_the_commands() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "services", "--help"], capture_output=True, text=True, cwd=ROOT
    )
    assert out.returncode == 0
    for command in ("run", "ingester", "normalizer", "enricher", "tail", "schemas", "relay"):
        assert command in out.stdout


def test_schemas_check_passes_on_the_committed_files() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "services", "schemas", "check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr
