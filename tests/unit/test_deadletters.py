from datetime import UTC, datetime

from services.core.cloudevents import header
from services.core.deadletters import (
    dead_letter_output,
    intake_dead_letter,
    original_value,
    restored_headers,
)
from services.core.records import DeadLetter
from services.core.topics import dead_letter_topic
from services.core.transform import Failure, Record

NOW = datetime(2024, 10, 22, tzinfo=UTC)
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
    out = intake_dead_letter("seeds/broken.txt", fail, service="ingester", topic="d", now=NOW)
    assert out.key == b"seeds/broken.txt"
    assert header(out.headers, "ce_type") == "io.newswire.dead-letter.v1"
    assert header(out.headers, "ce_source") == "/newswire/ingester"
    assert header(out.headers, "ce_id") == f"seeds/broken.txt@{NOW.isoformat()}"
    assert header(out.headers, "ce_specversion") == "1.0"
    assert header(out.headers, "__connect.errors.exception.message") == "not UTF-8"
    assert header(out.headers, "__connect.errors.topic") is None
    letter = DeadLetter.model_validate_json(out.value)
    assert letter.source_uri == "seeds/broken.txt" and letter.source_topic is None
