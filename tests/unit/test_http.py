"""The health server, over real HTTP on 127.0.0.1."""

import httpx
from prometheus_client import CollectorRegistry, Counter

from services.core.http import HealthServer


async def test_routes() -> None:
    registry = CollectorRegistry()
    Counter("demo_events_total", "Demo.", registry=registry).inc(3)
    server = HealthServer(registry, "127.0.0.1", 0)
    ready = {"value": False}
    server.add_check("loop", lambda: ready["value"])
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=server.url()) as client:
            health = await client.get("/healthz")
            assert health.status_code == 200 and health.headers["connection"] == "close"
            r = await client.get("/readyz")
            assert r.status_code == 503 and r.json() == {"ready": False, "checks": {"loop": False}}
            ready["value"] = True
            r = await client.get("/readyz")
            assert r.status_code == 200 and r.json()["ready"] is True
            metrics = await client.get("/metrics")
            assert "demo_events_total 3.0" in metrics.text
            assert (await client.get("/nope")).status_code == 404
            assert (await client.post("/metrics")).status_code == 405
    finally:
        await server.stop()


async def test_not_ready_without_checks_or_when_a_check_raises() -> None:
    server = HealthServer(CollectorRegistry(), "127.0.0.1", 0)
    assert server.readiness() == (False, {})
    server.add_check("broken", lambda: 1 / 0 > 0)
    assert server.readiness() == (False, {"broken": False})
