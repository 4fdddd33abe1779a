"""Integration tests: everything here talks to the session's real Kafka broker."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from services.core.testing import WebServer
from tests.conftest import ROOT

from .fetching import close_fetchers

pytestmark = pytest.mark.integration


def service_env(bootstrap: str, prefix: str | None = None, **extra: str) -> dict[str, str]:
    """The environment of a newswire process under test: the session's broker, JSON logs;
    with ``prefix``, its own topic and group names and a metrics port of its own (``extra``
    overrides any of it)."""
    env = {**os.environ, "NEWSWIRE_KAFKA_BOOTSTRAP": bootstrap, "NEWSWIRE_LOG_FORMAT": "json"}
    if prefix is not None:
        env |= {
            "NEWSWIRE_TOPIC_PREFIX": prefix,
            "NEWSWIRE_GROUP_PREFIX": prefix,
            "NEWSWIRE_HTTP_PORT": "0",
        }
    env.update(extra)
    env["PYTHONPATH"] = str(ROOT)
    return env


PYTHON = sys.executable


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def run_once(
    bootstrap: str, seeds: Path, prefix: str | None = None, **extra: str
) -> tuple[str, subprocess.CompletedProcess[str]]:
    """``newswire run --once`` over ``seeds`` under fresh topic and group names (or those
    of ``prefix``, to run again); returns the topic prefix and the finished process."""
    prefix = prefix or f"pipe{uuid.uuid4().hex[:6]}"
    env = service_env(
        bootstrap,
        prefix=prefix,
        NEWSWIRE_SEEDS_DIR=str(seeds),
        NEWSWIRE_EXAMPLE_FEEDS="false",
        **extra,
    )
    done = await asyncio.to_thread(
        subprocess.run,
        [PYTHON, "-m", "services", "run", "--once"],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    return prefix, done


@pytest.fixture(scope="session")
async def web() -> AsyncIterator[WebServer]:
    """One real HTTP server on 127.0.0.1 for the whole session; tests add routes."""
    server = WebServer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture(autouse=True)
async def _close_fetchers() -> AsyncIterator[None]:
    """Every fetcher a test made (``fetching.fetcher``) is closed after it."""
    yield
    await close_fetchers()
