import time
from datetime import UTC, datetime, timedelta

from services.core.cloudevents import header
from services.core.deadletters import (
    dead_letter_output,
    intake_dead_letter,
    original_value,
    restored_headers,
)
from services.core.metrics import Metrics
from services.core.records import DeadLetter, RawItem, Source
from services.core.settings import Settings
from services.core.topics import dead_letter_topic
from services.core.transform import Failure, Record
from services.ingester.parsers import FeedParseError, rejected
from services.ingester.service import Ingester

NOW = datetime(2024, 10, 22, tzinfo=UTC)
FEED = "https://news.example/feed"
FAIL = Failure(stage="decode", error_class="DecodeError", message="not JSON")


def test_dead_letter_keeps_key_headers_and_value() -> None:
    original = (("ce_id", b"x"), ("ce_type", b"io.newswire.raw-item.v1"), ("trace", b"t1"))
    record = Record("news.raw", 1, 42, b"key-1", b"{broken", original)
    out = dead_letter_output(record, FAIL, service="normalizer", topic="dlq", now=NOW)
    assert out.topic == "dlq" and out.key == b"key-1"
    # The dead letter is a CloudEvent of its own; the original's headers follow, renamed.
    assert header(out.headers, "ce_type") == "io.newswire.dead-letter.v1"
    assert header(out.headers, "ce_id") == "news.raw/1/42"
    assert header(out.headers, "ce_source") == "/newswire/normalizer"
    assert header(out.headers, "ce_dataschema") == dead_letter_topic("normalizer").dataschema
    assert header(out.headers, "newswire_original_ce_id") == "x"
    assert header(out.headers, "newswire_original_trace") == "t1"
    assert restored_headers(out.headers) == list(original)
    assert [k for k, _ in out.headers].count("ce_id") == 1
    assert header(out.headers, "newswire_error_stage") == "decode"
    assert header(out.headers, "newswire_error_class") == "DecodeError"
    assert header(out.headers, "newswire_error_message") == "not JSON"
    assert header(out.headers, "newswire_source_topic") == "news.raw"
    assert header(out.headers, "newswire_source_partition") == "1"
    assert header(out.headers, "newswire_source_offset") == "42"
    # Kafka Connect's names for the same facts
    assert header(out.headers, "__connect.errors.topic") == "news.raw"
    assert header(out.headers, "__connect.errors.partition") == "1"
    assert header(out.headers, "__connect.errors.offset") == "42"
    assert header(out.headers, "__connect.errors.exception.class.name") == "DecodeError"
    assert header(out.headers, "__connect.errors.exception.message") == "not JSON"
    letter = DeadLetter.model_validate_json(out.value)
    assert letter.service == "normalizer" and letter.source_offset == 42
    assert original_value(letter) == b"{broken"


def test_binary_values_survive_as_base64() -> None:
    blob = bytes(range(256))
    record = Record("t", 0, 0, None, blob)
    out = dead_letter_output(record, FAIL, service="s", topic="dlq", now=NOW)
    letter = DeadLetter.model_validate_json(out.value)
    assert letter.original_value_encoding == "base64"
    assert original_value(letter) == blob
    assert out.key is None and letter.original_key is None


def test_long_messages_are_cut() -> None:
    long = Failure(stage="transform", error_class="E", message="x" * 10_000)
    out = dead_letter_output(Record("t", 0, 0, None, b"v"), long, service="s", topic="d", now=NOW)
    assert len(header(out.headers, "newswire_error_message") or "") == 2000


def test_intake_dead_letters_are_cloudevents_too() -> None:
    """What the ingester could not take in (a file, a feed) has no consumed record."""
    fail = Failure(stage="read", error_class="SeedError", message="not UTF-8")
    out = intake_dead_letter(
        "seeds/broken.txt", fail, service="ingester", topic="d", now=NOW, version="1700:42"
    )
    assert out.key == b"seeds/broken.txt"
    assert header(out.headers, "ce_type") == "io.newswire.dead-letter.v1"
    assert header(out.headers, "ce_source") == "/newswire/ingester"
    assert header(out.headers, "ce_id") == "seeds/broken.txt@1700:42"
    assert header(out.headers, "ce_specversion") == "1.0"
    assert header(out.headers, "__connect.errors.exception.message") == "not UTF-8"
    assert header(out.headers, "__connect.errors.topic") is None
    letter = DeadLetter.model_validate_json(out.value)
    assert letter.source_uri == "seeds/broken.txt" and letter.source_topic is None


def test_an_intake_dead_letter_has_the_same_id_when_written_again() -> None:
    """A retried transaction writes the same dead letter: its id names the input, its
    identity and its version, not the moment it was written."""
    fail = Failure(stage="parse", error_class="FeedParseError", message="not an item")

    def ce_id(now: datetime, version: str, key: str | None = "guid-7") -> str | None:
        out = intake_dead_letter(
            "https://news.example/feed", fail, service="ingester", topic="d", now=now,
            version=version, key=key,
        )  # fmt: skip
        return header(out.headers, "ce_id")

    later = NOW + timedelta(minutes=5)
    assert ce_id(NOW, "ab12") == ce_id(later, "ab12") == "https://news.example/feed#guid-7@ab12"
    assert ce_id(NOW, "ab12") != ce_id(NOW, "cd34")  # the entry changed: a new letter
    assert ce_id(NOW, "ab12") != ce_id(NOW, "ab12", key="guid-8")
    assert ce_id(NOW, "ab12", key=None) == "https://news.example/feed@ab12"


def test_the_ingesters_dead_letters_are_named_by_what_failed_not_when() -> None:
    """An entry rejected again on a retried poll, or an item too large for a record,
    writes a dead letter with the same id as before; a changed entry a new one."""
    ingester = Ingester(Settings(), "127.0.0.1:9", Metrics())

    def entry_letter(content: str) -> str | None:
        refused = rejected("guid-1", content, FeedParseError("not an item"))
        return header(ingester._rejected_letter(FEED, refused, "feeds").headers, "ce_id")

    first = entry_letter("<item>one</item>")
    time.sleep(0.002)
    assert entry_letter("<item>one</item>") == first and first is not None
    assert first.startswith(f"{FEED}#guid-1@") and NOW.isoformat() not in first
    assert entry_letter("<item>one, edited</item>") != first

    huge = RawItem(
        item_id="item-9", revision=3, content_hash="c0ffee", format="rss", title="x" * 1_100_000,
        source=Source(kind="feed", uri=FEED), fetched_at=NOW, first_seen_at=NOW,
    )  # fmt: skip
    ids = []
    for _ in range(2):
        [letter] = ingester._item_outputs([huge])
        assert letter.topic.endswith("deadletter.ingester")
        ids.append(header(letter.headers, "ce_id"))
        time.sleep(0.002)
    assert ids[0] == ids[1] == f"{FEED}#item-9@3:c0ffee"


def test_a_message_with_a_lone_surrogate_is_carried_well_formed() -> None:
    odd = Failure(stage="transform", error_class="E", message="bad \ud800 text")
    out = dead_letter_output(Record("t", 0, 0, None, b"v"), odd, service="s", topic="d", now=NOW)
    letter = DeadLetter.model_validate_json(out.value)
    assert letter.error_message == "bad \ufffd text"
    assert header(out.headers, "newswire_error_message") == "bad \ufffd text"
