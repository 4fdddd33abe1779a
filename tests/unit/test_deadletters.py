from datetime import UTC, datetime

from services.core.cloudevents import header
from services.core.deadletters import dead_letter_output, original_value
from services.core.records import DeadLetter
from services.core.transform import Failure, Record

NOW = datetime(2024, 10, 22, tzinfo=UTC)
FAIL = Failure(stage="decode", error_class="DecodeError", message="not JSON")


def test_dead_letter_keeps_key_headers_and_value() -> None:
    record = Record("news.raw", 1, 42, b"key-1", b"{broken", (("ce_id", b"x"),))
    out = dead_letter_output(record, FAIL, service="normalizer", topic="dlq", now=NOW)
    assert out.topic == "dlq" and out.key == b"key-1"
    assert out.headers[0] == ("ce_id", b"x")
    assert header(out.headers, "newswire_error_stage") == "decode"
    assert header(out.headers, "newswire_error_class") == "DecodeError"
    assert header(out.headers, "newswire_error_message") == "not JSON"
    assert header(out.headers, "newswire_source_topic") == "news.raw"
    assert header(out.headers, "newswire_source_partition") == "1"
    assert header(out.headers, "newswire_source_offset") == "42"
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
