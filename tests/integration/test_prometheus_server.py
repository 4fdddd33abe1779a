"""A real Prometheus server scrapes a running pipeline with the shipped configuration."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import uuid
from pathlib import Path

import httpx
import yaml

from tests.conftest import ROOT, SEED

from .conftest import PYTHON, free_port, service_env

SHIPPED = ROOT / "deploy" / "prometheus"


async def test_prometheus_scrapes_the_pipeline(kafka_bootstrap: str, tmp_path: Path) -> None:
    prometheus = shutil.which("prometheus")
    assert prometheus, "the prometheus server is missing: `make test` installs it"
    metrics_port, prom_port = free_port(), free_port()
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEED, seeds / SEED.name)
    # The shipped configuration, its targets pointed at the local process.
    config = yaml.safe_load((SHIPPED / "prometheus.yml").read_text())
    config["global"]["scrape_interval"] = "1s"
    [job] = config["scrape_configs"]
    del job["dns_sd_configs"]  # the compose stack's discovery (tests/containers runs it)
    job["static_configs"] = [
        {"targets": [f"127.0.0.1:{metrics_port}"], "labels": {"component": "run"}}
    ]
    config["rule_files"] = [str(SHIPPED / "rules" / "*.yml")]
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    prefix = f"prom{uuid.uuid4().hex[:6]}"
    env = service_env(
        kafka_bootstrap,
        prefix=prefix,
        NEWSWIRE_HTTP_PORT=str(metrics_port),
        NEWSWIRE_SEEDS_DIR=str(seeds),
        NEWSWIRE_EXAMPLE_FEEDS="false",
    )
    pipeline = subprocess.Popen(  # noqa: ASYNC220 - returns at once
        [PYTHON, "-m", "services", "run"], env=env, stderr=subprocess.DEVNULL
    )
    server = subprocess.Popen(  # noqa: ASYNC220 - returns at once
        [prometheus, f"--config.file={tmp_path / 'prometheus.yml'}",
         f"--storage.tsdb.path={tmp_path / 'data'}", f"--web.listen-address=127.0.0.1:{prom_port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{prom_port}") as api:
            series: list[dict[str, object]] = []
            for _ in range(120):
                await asyncio.sleep(0.5)
                try:
                    r = await api.get(
                        "/api/v1/query", params={"query": "newswire_records_consumed_total"}
                    )
                except httpx.TransportError:
                    continue
                series = r.json()["data"]["result"]
                services = {s["metric"]["service"] for s in series}  # type: ignore[index]
                if {"normalizer", "enricher"} <= services:
                    break
            assert {s["metric"]["service"] for s in series} >= {"normalizer", "enricher"}  # type: ignore[index]
            up = (await api.get("/api/v1/query", params={"query": 'up{job="newswire"}'})).json()
            assert [float(s["value"][1]) for s in up["data"]["result"]] == [1.0]
            assert up["data"]["result"][0]["metric"]["component"] == "run"
            # The process's own metrics, and no _created series.
            for query, present in (
                ("process_cpu_seconds_total", True),
                ('{__name__=~".+_created"}', False),
            ):
                found = (await api.get("/api/v1/query", params={"query": query})).json()
                assert bool(found["data"]["result"]) == present, query
            rules = (await api.get("/api/v1/rules")).json()["data"]["groups"]
            assert {g["name"] for g in rules} == {"newswire-recording", "newswire-alerts"}
            recorded = (
                await api.get(
                    "/api/v1/query",
                    params={"query": "service_topic:newswire_consumer_lag_records:sum"},
                )
            ).json()
            assert recorded["status"] == "success"
    finally:
        server.terminate()
        pipeline.terminate()
        assert await asyncio.to_thread(pipeline.wait, 60) == 0
        await asyncio.to_thread(server.wait, 30)
