"""newswire against a secured cluster: SASL_SSL with SCRAM, PLAIN and OAUTHBEARER, mutual
TLS, and the one-line errors of a misconfigured client. One secured broker per session."""

from __future__ import annotations

import asyncio
import base64
import json
import shutil
import subprocess
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest

from services.core.admin import create_topic
from services.core.clients import KafkaClients, kafka_clients
from services.core.loop import StreamLoop
from services.core.metrics import Metrics
from services.core.records import Article, AttributedClaim, Enrichment, RawItem
from services.core.settings import Settings
from services.core.testing import (
    loop_config,
    loop_topics,
    metric_value,
    produce,
    read_topic,
    running,
    wait_until,
)
from services.relay.transform import Relay
from tests.conftest import SEED, SecuredBroker

from .conftest import PYTHON, free_port, run_once, service_env

ERROR_BOUND_S = 20.0
"""A misconfigured client gives up within this (NEWSWIRE_KAFKA_START_TIMEOUT_S is 10)."""


def clients(env: dict[str, str]) -> KafkaClients:
    """The clients a process with these NEWSWIRE_* variables makes."""
    fields = {key.removeprefix("NEWSWIRE_").lower(): value for key, value in env.items()}
    return kafka_clients(Settings(**fields))


def unsigned_token(subject: str) -> str:
    """An unsigned JWT, as the development broker's OAUTHBEARER validator accepts."""

    def part(document: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(document).encode()).rstrip(b"=").decode()

    now = int(time.time())
    return f"{part({'alg': 'none'})}.{part({'sub': subject, 'iat': now, 'exp': now + 600})}."


async def test_the_seed_through_all_three_services_over_sasl_ssl_scram_512(
    secured_kafka: SecuredBroker, tmp_path: Path
) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEED, seeds / SEED.name)
    secured = secured_kafka.scram_env("SCRAM-SHA-512")
    prefix, done = await run_once(secured["NEWSWIRE_KAFKA_BOOTSTRAP"], seeds, **secured)
    assert done.returncode == 0, done.stderr[-3000:]

    kafka = clients(secured)  # read back over SASL_SSL too
    [raw] = await read_topic(kafka, f"{prefix}.raw")
    assert RawItem.model_validate_json(raw.value or b"").source.uri == SEED.name
    [art] = await read_topic(kafka, f"{prefix}.articles")
    article = Article.model_validate_json(art.value or b"")
    [enr] = await read_topic(kafka, f"{prefix}.enriched")
    enrichment = Enrichment.model_validate_json(enr.value or b"")
    assert enrichment.article_id == article.article_id
    claims = await read_topic(kafka, f"{prefix}.claims")
    entities = await read_topic(kafka, f"{prefix}.entities")
    # Exactly once: every record once, no event id twice.
    assert len(claims) == len(enrichment.claims) > 0
    assert len(entities) == len(enrichment.entities) > 0
    for record in [raw, art, enr, *claims, *entities]:
        assert record.header("ce_dataschema") is not None
    ids = Counter(r.header("ce_id") for r in [raw, art, enr, *claims, *entities])
    assert max(ids.values()) == 1
    parsed = [AttributedClaim.model_validate_json(r.value or b"").claim for r in claims]
    assert parsed == enrichment.claims


async def test_a_mutual_tls_client_relays_exactly_once(secured_kafka: SecuredBroker) -> None:
    kafka = clients(secured_kafka.mtls_env())
    source, target = await loop_topics(kafka, "mtls")
    sent = await produce(kafka, source, [(str(n).encode(), b"v%d" % n) for n in range(500)])
    config = loop_config("relay", source, target)
    metrics = Metrics()
    async with running(StreamLoop(kafka, config, Relay(target), metrics)):
        await wait_until(
            lambda: metric_value(metrics.consumed.labels("relay", source)) == sent,
            what="every record relayed",
        )
    out = await read_topic(kafka, target, expect=sent)
    assert sorted(int(r.key or b"") for r in out) == list(range(500))


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-256", "PLAIN", "OAUTHBEARER"])
async def test_every_sasl_mechanism(
    secured_kafka: SecuredBroker, mechanism: str, tmp_path: Path
) -> None:
    env = secured_kafka.scram_env(mechanism)
    if mechanism == "OAUTHBEARER":
        token = tmp_path / "token"
        token.write_text(unsigned_token("newswire"))
        for key in ("USERNAME", "PASSWORD_FILE"):
            env.pop(f"NEWSWIRE_KAFKA_SASL_{key}")
        env["NEWSWIRE_KAFKA_SASL_OAUTH_TOKEN_FILE"] = str(token)
    kafka = clients(env)
    topic = f"sasl.{mechanism.lower()}.{uuid.uuid4().hex[:6]}"
    await create_topic(kafka, topic, 1)
    await produce(kafka, topic, [(b"k", mechanism.encode())])
    [record] = await read_topic(kafka, topic)
    assert record.value == mechanism.encode()


def other_ca(where: Path) -> Path:
    """A CA that did not sign the broker's certificate."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(where / "other.key"), "-out", str(where / "other.pem"),
         "-subj", "/CN=some other CA"],
        check=True, capture_output=True,
    )  # fmt: skip
    return where / "other.pem"


def misconfigured(case: str, broker: SecuredBroker, tmp_path: Path) -> tuple[dict[str, str], str]:
    """The settings of one misconfiguration, and what its error line must say."""
    scram = broker.scram_env()
    if case == "wrong password":
        scram.pop("NEWSWIRE_KAFKA_SASL_PASSWORD_FILE")
        return {**scram, "NEWSWIRE_KAFKA_SASL_PASSWORD": "not-the-password"}, (
            "refused the SCRAM-SHA-512 credentials of user 'newswire'"
        )
    if case == "untrusted CA":
        return {**scram, "NEWSWIRE_KAFKA_SSL_CA_FILE": str(other_ca(tmp_path))}, (
            "Set NEWSWIRE_KAFKA_SSL_CA_FILE to the CA that signed the broker's certificate"
        )
    if case == "no client certificate":
        mtls = broker.mtls_env()
        for key in ("CERT", "KEY"):
            mtls.pop(f"NEWSWIRE_KAFKA_SSL_{key}_FILE")
        return mtls, "requires a client certificate (mutual TLS)"
    if case == "plaintext to a TLS listener":
        return {"NEWSWIRE_KAFKA_BOOTSTRAP": broker.ssl}, "does NEWSWIRE_KAFKA_SECURITY_PROTOCOL"
    assert case == "unreachable broker"
    address = f"127.0.0.1:{free_port()}"
    return {"NEWSWIRE_KAFKA_BOOTSTRAP": address}, f"no Kafka broker answers at {address}"


def newswire(*args: str, env: dict[str, str]) -> tuple[subprocess.CompletedProcess[str], float]:
    began = time.monotonic()
    done = subprocess.run(
        [PYTHON, "-m", "services", *args],
        env=service_env(env["NEWSWIRE_KAFKA_BOOTSTRAP"], **env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done, time.monotonic() - began


@pytest.mark.parametrize(
    ("case", "command"),
    [
        ("wrong password", ["topics"]),
        ("untrusted CA", ["topics"]),
        ("no client certificate", ["topics"]),
        ("plaintext to a TLS listener", ["topics"]),
        ("unreachable broker", ["topics"]),
        ("wrong password", ["tail", "news.raw"]),
        ("untrusted CA", ["feeds", "status"]),
        ("unreachable broker", ["normalizer"]),
        ("no client certificate", ["relay", "--from", "a", "--to", "b"]),
    ],
)
async def test_a_misconfigured_client_gets_one_line_and_a_nonzero_exit(
    secured_kafka: SecuredBroker, tmp_path: Path, case: str, command: list[str]
) -> None:
    settings, says = misconfigured(case, secured_kafka, tmp_path)
    env = {**settings, "NEWSWIRE_KAFKA_START_TIMEOUT_S": "10", "NEWSWIRE_HTTP_PORT": "0"}
    done, took = await asyncio.to_thread(newswire, *command, env=env)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and "Unclosed" not in done.stderr
    [line] = done.stderr.splitlines()  # one line, nothing else
    error = json.loads(line)
    assert error["level"] == "error" and says in error["event"], error
    assert took < ERROR_BOUND_S


async def test_a_missing_topic_is_named(secured_kafka: SecuredBroker) -> None:
    done, _ = await asyncio.to_thread(
        newswire, "tail", "news.nothing-here", env=secured_kafka.scram_env()
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    [line] = done.stderr.splitlines()
    assert "topic news.nothing-here does not exist" in json.loads(line)["event"]


async def test_the_traceback_shows_only_at_debug_level(
    secured_kafka: SecuredBroker, tmp_path: Path
) -> None:
    settings, says = misconfigured("wrong password", secured_kafka, tmp_path)
    done, _ = await asyncio.to_thread(
        newswire, "topics", env={**settings, "NEWSWIRE_LOG_LEVEL": "debug"}
    )
    assert done.returncode == 1
    assert says in done.stderr and "Traceback" in done.stderr
