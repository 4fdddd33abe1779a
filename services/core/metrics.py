"""The metrics every service exports. Names follow Prometheus conventions.

One ``Metrics`` object owns a registry; a process that runs several services (``newswire
run``) shares one, and the ``service`` label tells them apart. Every newswire metric is
made by ``counter``, ``gauge`` or ``histogram`` here, which also note its label names on
the registry (``label_names``: the generated metrics reference reads them; prometheus_client
has no public way to list them). The registry also carries the
process's own metrics (``process_*``: CPU, memory, open files; ``python_*``: interpreter and
garbage collector). Counters and histograms export no ``_created`` series: Prometheus
reads resets from the counters themselves, and each would double the series count.
"""

from __future__ import annotations

import platform
from collections.abc import Callable, Iterable, Iterator, Sequence
from importlib.metadata import PackageNotFoundError, version
from weakref import WeakKeyDictionary

from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

disable_created_metrics()  # type: ignore[no-untyped-call]

DURATION_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


def package_version() -> str:
    try:
        return version("newswire")
    except PackageNotFoundError:
        return "0+unknown"


_LABELS: WeakKeyDictionary[CollectorRegistry, dict[str, tuple[str, ...]]] = WeakKeyDictionary()


def note_labels(registry: CollectorRegistry, family: str, labelnames: Sequence[str]) -> None:
    """Note the label names of the metric family ``family`` (its name without ``_total``)."""
    _LABELS.setdefault(registry, {})[family] = tuple(labelnames)


def label_names(registry: CollectorRegistry) -> dict[str, tuple[str, ...]]:
    """Family name -> label names, of every metric made on ``registry`` by this module."""
    return dict(_LABELS.get(registry, {}))


def counter(
    name: str, documentation: str, labelnames: Sequence[str] = (), *, registry: CollectorRegistry
) -> Counter:
    note_labels(registry, name.removesuffix("_total"), labelnames)
    return Counter(name, documentation, labelnames, registry=registry)


def gauge(
    name: str, documentation: str, labelnames: Sequence[str] = (), *, registry: CollectorRegistry
) -> Gauge:
    note_labels(registry, name, labelnames)
    return Gauge(name, documentation, labelnames, registry=registry)


def histogram(
    name: str,
    documentation: str,
    labelnames: Sequence[str] = (),
    *,
    registry: CollectorRegistry,
    buckets: Sequence[float],
) -> Histogram:
    note_labels(registry, name, labelnames)
    return Histogram(name, documentation, labelnames, registry=registry, buckets=buckets)


LagSample = tuple[str, str, str, float]  # service, topic, partition, records


class LagCollector(Collector):
    """``newswire_consumer_lag_records``, computed when scraped from the loops' state."""

    labelnames = ("service", "topic", "partition")

    def __init__(self) -> None:
        self.sources: list[Callable[[], Iterable[LagSample]]] = []

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "newswire_consumer_lag_records",
            "High-water mark minus the next offset to process, per input partition.",
            labels=list(self.labelnames),
        )
        for source in self.sources:
            for service, topic, partition, value in source():
                family.add_metric([service, topic, partition], value)
        yield family


class Metrics:
    """The loop's metrics; service-specific metrics register on ``registry`` too."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
            r.register(collector)
        self.build_info = gauge(
            "newswire_build_info",
            "Always 1; labels name the running build.",
            ["version", "python"],
            registry=r,
        )
        self.build_info.labels(package_version(), platform.python_version()).set(1)
        self.consumed = counter(
            "newswire_records_consumed_total",
            "Records consumed and committed, by input topic.",
            ["service", "topic"],
            registry=r,
        )
        self.produced = counter(
            "newswire_records_produced_total",
            "Records produced and committed, by output topic (dead-letter topics included).",
            ["service", "topic"],
            registry=r,
        )
        self.dead_lettered = counter(
            "newswire_records_dead_lettered_total",
            "Records sent to a dead-letter topic, by input topic, stage and error class.",
            ["service", "topic", "stage", "error"],
            registry=r,
        )
        self.transform_seconds = histogram(
            "newswire_transform_duration_seconds",
            "Time the transform took for one batch.",
            ["service"],
            buckets=DURATION_BUCKETS,
            registry=r,
        )
        self.batch_records = histogram(
            "newswire_batch_records",
            "Records per committed batch.",
            ["service"],
            buckets=(1, 10, 50, 100, 250, 500, 1000, 2500, 5000),
            registry=r,
        )
        self.transactions = counter(
            "newswire_transactions_total",
            "Kafka transactions, by outcome (committed, aborted, fenced).",
            ["service", "outcome"],
            registry=r,
        )
        self.lag = LagCollector()
        r.register(self.lag)
        note_labels(r, "newswire_consumer_lag_records", self.lag.labelnames)
        self.last_processed = gauge(
            "newswire_last_processed_timestamp_seconds",
            "Unix time at which the service last committed a batch.",
            ["service"],
            registry=r,
        )
        self.assigned = gauge(
            "newswire_assigned_partitions",
            "Input partitions currently assigned to this process.",
            ["service"],
            registry=r,
        )
        self.internal_errors = counter(
            "newswire_internal_errors_total",
            "Exceptions from newswire's own code caught where one unit of work is taken in "
            "(a bug to report), by boundary; the unit failed, the service went on.",
            ["service", "boundary"],
            registry=r,
        )
        self.broker_errors = counter(
            "newswire_broker_errors_total",
            "Transient broker errors that were retried, by error class.",
            ["service", "error"],
            registry=r,
        )

    def lag_values(self) -> dict[tuple[str, str, str], float]:
        """The current lag samples, keyed by (service, topic, partition)."""
        return {(s, t, p): v for source in self.lag.sources for s, t, p, v in source()}
