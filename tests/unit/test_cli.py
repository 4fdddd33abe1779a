import os
import pty
import subprocess
import sys

import pytest

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


def newswire(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "services", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "NEWSWIRE_LOG_FORMAT": "json", **env},
    )


def test_version() -> None:
    from services.core.metrics import package_version

    out = newswire("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"newswire {package_version()}"


def test_an_invalid_setting_is_one_line_naming_the_variable() -> None:
    import json

    out = newswire("schemas", "check", NEWSWIRE_KAFKA_PARTITIONS="none")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    [line] = out.stderr.splitlines()
    event = json.loads(line)["event"]
    assert event.startswith("invalid setting: NEWSWIRE_KAFKA_PARTITIONS:") and "'none'" in event
    clash = newswire(
        "schemas",
        "check",
        NEWSWIRE_KAFKA_SECURITY_PROTOCOL="sasl_ssl",
        NEWSWIRE_KAFKA_SASL_MECHANISM="scram-sha-512",
    )
    assert clash.returncode == 2
    assert "SASL SCRAM-SHA-512 needs NEWSWIRE_KAFKA_SASL_USERNAME" in clash.stderr


def test_names_and_levels_are_case_insensitive() -> None:
    from services.core.settings import Settings

    settings = Settings(
        log_level="info",  # type: ignore[arg-type]
        log_format="JSON",  # type: ignore[arg-type]
        kafka_compression="ZSTD",  # type: ignore[arg-type]
        kafka_security_protocol="sasl_ssl",  # type: ignore[arg-type]
        kafka_sasl_mechanism="oauthbearer",  # type: ignore[arg-type]
        kafka_sasl_oauth_token_file="/run/token",  # type: ignore[arg-type]
    )
    assert (settings.log_level, settings.log_format, settings.kafka_compression) == (
        "INFO", "json", "zstd",
    )  # fmt: skip
    assert (settings.kafka_security_protocol, settings.kafka_sasl_mechanism) == (
        "SASL_SSL", "OAUTHBEARER",
    )  # fmt: skip
    assert newswire("schemas", "check", NEWSWIRE_LOG_LEVEL="info").returncode == 0


def test_no_color_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    from services.core.settings import color_wanted

    script = (
        "import sys; from services.core import logs; "
        "logs.configure('console', color=sys.argv[1] == '1'); "
        "logs.get_logger('t').error('boom')"
    )
    outputs = []
    for color in ("1", "0"):
        leader, follower = pty.openpty()  # a terminal, where colours would be used
        subprocess.run([sys.executable, "-c", script, color], stderr=follower, cwd=ROOT, check=True)
        os.close(follower)
        outputs.append(os.read(leader, 4096).decode())
        os.close(leader)
    assert "\x1b[" in outputs[0] and "\x1b[" not in outputs[1] and "boom" in outputs[1]
    monkeypatch.setenv("NO_COLOR", "1")
    assert color_wanted() is False
    monkeypatch.setenv("NO_COLOR", "")
    assert color_wanted() is True
