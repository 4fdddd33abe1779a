"""Finding the Kafka broker: the configured one, or the local broker started on demand."""

from __future__ import annotations

import subprocess
from pathlib import Path

from .errors import LocalBrokerError
from .logs import get_logger
from .settings import Settings

log = get_logger(__name__)


def kafka_script(settings: Settings) -> Path:
    if settings.kafka_script is not None:
        return settings.kafka_script
    # services/core/localkafka.py -> the source tree's deploy/kafka/kafka.sh
    return Path(__file__).resolve().parents[2] / "deploy" / "kafka" / "kafka.sh"


def start_local_broker(settings: Settings) -> str:
    """Start (or find running) the local broker and return its bootstrap address."""
    script = kafka_script(settings)
    if not script.exists():
        raise LocalBrokerError(
            f"no Kafka broker configured and {script} is missing: set NEWSWIRE_KAFKA_BOOTSTRAP "
            "to your broker, or run from a newswire source checkout"
        )
    log.info(
        "starting the local Kafka broker (first run downloads it with Maven)", script=str(script)
    )
    result = subprocess.run(
        ["bash", str(script), "start"], stdout=subprocess.PIPE, text=True, check=False
    )
    address = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    if result.returncode != 0 or not address:
        raise LocalBrokerError(
            f"the local Kafka broker did not start ({script} start exited {result.returncode}); "
            "its log is printed above. Fix the cause, or set NEWSWIRE_KAFKA_BOOTSTRAP"
        )
    return address


def resolve_bootstrap(settings: Settings) -> str:
    return settings.kafka_bootstrap or start_local_broker(settings)
