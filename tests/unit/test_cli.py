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


def test_analyze_prints_the_article_as_the_pipeline_would() -> None:
    import json

    from tests.conftest import SEED

    out = subprocess.run(
        [sys.executable, "-m", "services", "analyze", str(SEED), "--format", "json"],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )  # fmt: skip
    [line] = out.stdout.splitlines()
    result = json.loads(line)
    assert set(result) >= {"article", "entities", "claims"}
    article = result["article"]
    assert article["language"] == "en" and "pic.twitter.com" not in article["text"]
    assert article["embeds"][0]["handle"] == "@d_boeselager"
    by_cue = {c["cue"]["text"]: c for c in result["claims"] if c["cue"]}
    assert by_cue["warned"]["source"]["name"] == "John Kirby"
    assert any(c["kind"] == "embed" for c in result["claims"])
    assert any(e["name"] == "John Kirby" for e in result["entities"])
    text = subprocess.run(
        [sys.executable, "-m", "services", "analyze", "-"],
        input="A short note. It has a second sentence, and that is all.",
        capture_output=True, text=True, cwd=ROOT, check=True,
    ).stdout  # fmt: skip
    assert text.startswith("A short note.")
    missing = subprocess.run(
        [sys.executable, "-m", "services", "analyze", "no-such-file.txt"],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert missing.returncode == 1 and "no such file" in missing.stderr
