"""The ``newswire`` command line."""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from aiokafka.errors import KafkaError

from .core import logs
from .core.admin import (
    TopicLayout,
    alter_topic_configs,
    create_layout,
    create_topic,
    topic_differences,
)
from .core.clients import KafkaClients, kafka_clients
from .core.errors import ConfigurationError, NewswireError
from .core.localkafka import kafka_script, resolve_bootstrap
from .core.loop import StreamLoop
from .core.metrics import Metrics, package_version
from .core.runtime import Service, run_services
from .core.settings import Settings, color_wanted, get_settings
from .core.topics import ALL_TOPICS, INGESTER_STATE, SERVICES, dead_letter_topic

log = logs.get_logger("newswire")

Builder = Callable[[Settings, str, Metrics], Service]


def _builders() -> dict[str, Builder]:
    from .enricher.service import build as enricher
    from .ingester.service import build as ingester
    from .normalizer.service import build as normalizer

    return {"ingester": ingester, "normalizer": normalizer, "enricher": enricher}


async def _clients(settings: Settings) -> KafkaClients:
    return kafka_clients(settings, await asyncio.to_thread(resolve_bootstrap, settings))


async def _prepare(settings: Settings) -> KafkaClients:
    kafka = await _clients(settings)
    if settings.kafka_create_topics:
        await create_layout(kafka, ALL_TOPICS, TopicLayout.from_settings(settings))
    return kafka


ONCE_LIMIT_S = 600.0


class NotDrained(NewswireError):
    """``run --once`` gave up waiting for the pipeline to drain."""


async def _watch_idle(services: Sequence[Service], stop: asyncio.Event, quiet_s: float) -> None:
    """For ``run --once``: stop when every source was visited and every loop is drained."""
    deadline = time.monotonic() + ONCE_LIMIT_S
    while not stop.is_set():
        if time.monotonic() > deadline:
            stop.set()
            raise NotDrained(
                f"the pipeline did not drain within {ONCE_LIMIT_S:g} s: the log above says "
                "what is stuck (is the broker reachable?)"
            )
        await asyncio.sleep(0.5)
        loops = [s for s in services if isinstance(s, StreamLoop)]
        scanned = all(getattr(s, "settled", True) for s in services)
        now = time.monotonic()
        drained = all(
            s.ready and s.quiet_since is not None and now - s.quiet_since >= quiet_s for s in loops
        )
        if scanned and drained:
            log.info("pipeline drained, stopping (--once)")
            stop.set()


EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "feeds"


async def _serve(names: Sequence[str], settings: Settings, *, once: bool = False) -> None:
    from .ingester.examples import ExampleFeedServer
    from .ingester.service import Ingester

    kafka = await _prepare(settings)
    bootstrap = kafka.bootstrap
    metrics = Metrics()
    builders = _builders()
    examples = None
    local_run = once or len(names) > 1  # `newswire run`: the local, all-in-one pipeline
    if local_run and settings.example_feeds and EXAMPLES.is_dir():
        examples = ExampleFeedServer(EXAMPLES)
        await examples.start(settings.example_feeds_port)
        allow = [*settings.fetch_allow_networks, "127.0.0.1/32"]
        settings = settings.model_copy(update={"fetch_allow_networks": allow})
    services: list[Service] = []
    for name in names:
        if name == "ingester" and examples is not None:
            services.append(Ingester(settings, bootstrap, metrics, examples.feeds()))
        else:
            services.append(builders[name](settings, bootstrap, metrics))
    stop = asyncio.Event()
    where = f"http://{settings.http_host}:{settings.http_port}"
    log.info(
        "newswire running",
        services=list(names),
        kafka=bootstrap,
        metrics=f"{where}/metrics",
        ready=f"{where}/readyz",
        watch=f"NEWSWIRE_KAFKA_BOOTSTRAP={bootstrap} newswire tail "
        f"{settings.topic_prefix}.articles",
        stop="Ctrl-C",
    )
    watcher = asyncio.create_task(_watch_idle(services, stop, 3.0)) if once else None
    try:
        await run_services(
            services, metrics, host=settings.http_host, port=settings.http_port, stop=stop
        )
    finally:
        if examples is not None:
            await examples.stop()
    if watcher is not None:
        if watcher.done() and watcher.exception() is not None:
            raise watcher.exception()  # type: ignore[misc]
        watcher.cancel()
    if once:
        _print_summary(metrics, bootstrap, settings)


def _print_summary(metrics: Metrics, bootstrap: str, settings: Settings) -> None:
    produced: dict[str, float] = {}
    for family in metrics.produced.collect():
        for s in family.samples:
            if s.name.endswith("_total"):
                topic = s.labels["topic"]
                produced[topic] = produced.get(topic, 0) + s.value
    dead = sum(v for t, v in produced.items() if ".deadletter." in t)
    dead += sum(
        s.value
        for family in metrics.dead_lettered.collect()
        for s in family.samples
        if s.name.endswith("_total") and s.labels["service"] == "ingester"
    )
    if not any(produced.values()) and not dead:
        print("\nnothing new this run: every source was already ingested (state is kept in Kafka)")
    print("\nrecords written this run:")
    for topic in sorted(produced):
        if ".deadletter." not in topic:
            print(f"  {topic:<32} {int(produced[topic]):>8}")
    print(f"  {'dead letters (all services)':<32} {int(dead):>8}")
    print(
        f"\nread them: NEWSWIRE_KAFKA_BOOTSTRAP={bootstrap} newswire tail "
        f"{settings.topic_prefix}.articles --idle-exit 2"
    )


async def _relay(settings: Settings, source: str, target: str, partitions: int) -> None:
    from .relay.service import build

    kafka = await _prepare(settings)
    await create_topic(kafka, target, partitions)
    await create_topic(kafka, dead_letter_topic("relay").full_name(settings.topic_prefix), 1)
    metrics = Metrics()
    service = build(settings, kafka.bootstrap, metrics, source=source, target=target)
    await run_services([service], metrics, host=settings.http_host, port=settings.http_port)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newswire",
        description="Streaming news ingestion: feeds and files in, clean, de-duplicated, "
        "enriched articles out on Kafka. Settings come from NEWSWIRE_* environment variables.",
    )
    parser.add_argument("--version", action="version", version=f"newswire {package_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = sub.add_parser("run", help="run every service in one process (local use)")
    run.add_argument("--seeds", type=Path, help="seeds folder (default: NEWSWIRE_SEEDS_DIR)")
    run.add_argument(
        "--once", action="store_true", help="stop when the seeds are through the pipeline"
    )
    for name, what in (
        ("ingester", "poll feeds and the seeds folder into news.raw"),
        ("normalizer", "news.raw -> news.articles"),
        ("enricher", "news.articles -> news.enriched, news.entities, news.claims"),
    ):
        sub.add_parser(name, help=f"run the {name}: {what}")
    relay = sub.add_parser("relay", help="copy one topic onto another, exactly once")
    relay.add_argument("--from", dest="source", required=True, help="input topic")
    relay.add_argument("--to", dest="target", required=True, help="output topic")
    relay.add_argument("--partitions", type=int, default=3, help="partitions if --to is created")
    schemas = sub.add_parser("schemas", help="export or check the JSON Schemas of the topics")
    schemas.add_argument(
        "action",
        choices=["export", "check", "release"],
        help="export: write them; check: compare with the models and the released "
        "versions; release: keep the current ones as released (schemas/released/)",
    )
    schemas.add_argument("--dir", type=Path, default=Path("schemas"))
    schemas.add_argument("--docs", type=Path, default=Path("docs"))
    tail = sub.add_parser("tail", help="print a topic's records as they arrive")
    tail.add_argument("topic")
    tail.add_argument("--from-latest", action="store_true", help="skip existing records")
    tail.add_argument("--max", type=int, help="stop after this many records")
    tail.add_argument("--idle-exit", type=float, help="stop after this many quiet seconds")
    tail.add_argument("--json", action="store_true", help="one JSON object per line")
    analyze = sub.add_parser(
        "analyze", help="one article through normalize and enrich, without Kafka"
    )
    analyze.add_argument("path", help="a file (text, Markdown, HTML, JSON, feed), or - for stdin")
    analyze.add_argument("--format", choices=["text", "json"], default="text")
    feeds = sub.add_parser("feeds", help="manage the feed list, or show the feeds' health")
    feeds_sub = feeds.add_subparsers(dest="feeds_action", required=True, metavar="ACTION")
    opml = feeds_sub.add_parser("import", help="add the feeds of an OPML file to the feed list")
    opml.add_argument("opml", type=Path)
    opml.add_argument("--list", type=Path, help="feed list to update (NEWSWIRE_FEEDS_FILE)")
    feeds_sub.add_parser("status", help="every source's health, from the ingester's state")
    topics = sub.add_parser(
        "topics",
        help="create the topics that do not exist yet, report those configured otherwise",
    )
    topics.add_argument(
        "--alter",
        action="store_true",
        help="also set newswire's cleanup, retention and min.insync.replicas on existing topics",
    )
    topics.add_argument(
        "--check", action="store_true", help="exit 1 when an existing topic is configured otherwise"
    )
    dead = sub.add_parser("deadletters", help="list dead letters, or replay them")
    dead_sub = dead.add_subparsers(dest="dead_action", required=True, metavar="ACTION")
    for action, what in (
        ("list", "list a service's dead letters"),
        ("replay", "re-publish dead letters to their input topic, exactly once"),
    ):
        one = dead_sub.add_parser(action, help=what)
        one.add_argument(
            "--service",
            required=action == "replay",
            help="whose dead letters: ingester, normalizer, enricher, relay"
            + (" (default: every service)" if action == "list" else ""),
        )
        one.add_argument(
            "--reason", help="only these: an error class, a stage, or a part of the message"
        )
        one.add_argument(
            "--since", help="only those that failed since: 2024-10-22T08:00, or an age: 6h, 2d"
        )
    kafka = sub.add_parser("kafka", help="start, stop or show the local Kafka broker")
    kafka.add_argument("action", choices=["start", "stop", "status"])
    return parser


def _run_command(args: argparse.Namespace, settings: Settings) -> int:
    from . import reference as schema_files
    from .core.tail import tail

    if args.command == "run":
        if args.seeds is not None:
            settings = settings.model_copy(update={"seeds_dir": args.seeds})
        asyncio.run(_serve(list(_builders()), settings, once=args.once))
    elif args.command in ("ingester", "normalizer", "enricher"):
        asyncio.run(_serve([args.command], settings))
    elif args.command == "relay":
        asyncio.run(_relay(settings, args.source, args.target, args.partitions))
    elif args.command == "schemas":
        if args.action == "export":
            for path in schema_files.export(args.dir, args.docs):
                print(path)
        elif args.action == "release":
            for path in schema_files.release(args.dir):
                print(path)
        else:
            problems = schema_files.drift(args.dir, args.docs)
            for problem in problems:
                print(problem, file=sys.stderr)
            if problems:
                print("run `newswire schemas export` and commit the result", file=sys.stderr)
                return 1
    elif args.command == "tail":
        kafka = kafka_clients(settings, resolve_bootstrap(settings))
        asyncio.run(
            tail(
                kafka,
                args.topic,
                from_beginning=not args.from_latest,
                limit=args.max,
                idle_exit_s=args.idle_exit,
                as_json=args.json,
            )
        )
    elif args.command == "feeds":
        return _feeds(args, settings)
    elif args.command == "analyze":
        from .analyze import main as analyze_main

        return analyze_main(args.path, args.format)
    elif args.command == "topics":
        return asyncio.run(_topics(settings, alter=args.alter, check=args.check))
    elif args.command == "deadletters":
        return asyncio.run(_deadletters(args, settings))
    elif args.command == "kafka":
        return subprocess.run(["bash", str(kafka_script(settings)), args.action]).returncode
    return 0


def _feeds(args: argparse.Namespace, settings: Settings) -> int:
    from .ingester.opml import import_opml
    from .ingester.status import print_status

    if args.feeds_action == "import":
        target = args.list or settings.feeds_file
        added, known = import_opml(args.opml, target)
        print(f"{target}: {added} feeds added, {known} already listed")
        return 0
    kafka = kafka_clients(settings, resolve_bootstrap(settings))
    asyncio.run(print_status(kafka, INGESTER_STATE.full_name(settings.topic_prefix)))
    return 0


async def _topics(settings: Settings, *, alter: bool, check: bool) -> int:
    kafka = await _clients(settings)
    layout = TopicLayout.from_settings(settings)
    created = await create_layout(kafka, ALL_TOPICS, layout)
    print(f"{len(created)} topics created, {len(ALL_TOPICS) - len(created)} already there")
    differences = await topic_differences(kafka, ALL_TOPICS, layout)
    if differences and alter:
        await alter_topic_configs(kafka, ALL_TOPICS, layout)
        print(f"configuration set on {len(ALL_TOPICS)} topics")
        differences = await topic_differences(kafka, ALL_TOPICS, layout)
    for line in differences:
        print(f"differs: {line}")
    if differences:
        print(
            f"{len(differences)} settings differ from newswire's: `newswire topics --alter` sets "
            "cleanup, retention and min.insync.replicas; partitions and replication factor "
            "need Kafka's own tools (kafka-topics.sh, kafka-reassign-partitions.sh)"
        )
    return 1 if differences and check else 0


async def _deadletters(args: argparse.Namespace, settings: Settings) -> int:
    from .core.replay import Selection, list_letters, parse_since, replay

    kafka = await _clients(settings)
    since = parse_since(args.since) if args.since else None
    prefix = settings.topic_prefix
    if args.dead_action == "replay":
        selection = Selection(args.service, args.reason, since)
        report = await replay(
            kafka, prefix=prefix, group_prefix=settings.group_prefix, selection=selection
        )
        print(report.summary(args.service))
        return 0
    services = [args.service] if args.service else list(SERVICES)
    total = replayed = 0
    for service in services:
        chosen, done = await list_letters(kafka, prefix, Selection(service, args.reason, since))
        for item in chosen:
            letter = item.letter
            where = (
                f"{letter.source_topic}[{letter.source_partition}]@{letter.source_offset}"
                if letter.source_topic
                else letter.source_uri or "-"
            )
            mark = "replayed" if item.ref in done else "-"
            message = letter.error_message.replace("\n", " ")[:120]
            print(
                f"{letter.failed_at:%Y-%m-%d %H:%M:%S}  {service:<10} {letter.stage:<9} "
                f"{letter.error_class:<20} {mark:<8}  {where}  {message}"
            )
            total += 1
            replayed += item.ref in done
    print(f"{total} dead letters ({replayed} replayed)")
    return 0


def _fail(exc: BaseException, *, traceback: bool) -> int:
    """One line that names what failed and what to do; the traceback only when asked."""
    if isinstance(exc, NewswireError):
        message = str(exc)
    else:
        message = (
            f"Kafka error {type(exc).__name__}: {exc}. The lines above say what newswire was "
            "doing; NEWSWIRE_LOG_LEVEL=DEBUG shows more"
        )
    log.error(message, error=type(exc).__name__, exc_info=exc if traceback else None)
    return 2 if isinstance(exc, ConfigurationError) else 1


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = get_settings()
    except ConfigurationError as exc:
        logs.configure(color=color_wanted())
        return _fail(exc, traceback=False)
    logs.configure(settings.log_format, settings.log_level, color=color_wanted())
    try:
        return _run_command(args, settings)
    except KeyboardInterrupt:
        return 130
    except (NewswireError, KafkaError) as exc:
        return _fail(exc, traceback=settings.log_level == "DEBUG")


if __name__ == "__main__":
    sys.exit(main())
