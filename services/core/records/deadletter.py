"""The dead-letter record: what could not be processed, why, and the original, intact."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .common import Contract, UtcDatetime


class DeadLetter(Contract):
    """A record a service could not process. Key: the original record's key.

    The original value is kept whole: as text when it is valid UTF-8, else base64.
    The original headers stay on the Kafka record, renamed ``newswire_original_<name>``,
    next to the ``newswire_error_*`` and ``__connect.errors.*`` headers.
    """

    schema_version: Literal[1] = 1
    service: str
    stage: str = Field(
        description="decode, transform, produce (an output over the record limit), read (a "
        "seed file), parse (a feed file or one entry of a feed), or internal (a bug of "
        "newswire's own, caught where the record was taken in)."
    )
    error_class: str
    error_message: str
    source_topic: str | None = None
    source_partition: int | None = None
    source_offset: int | None = None
    source_uri: str | None = Field(default=None, description="Feed URL or file, for ingestion.")
    original_key: str | None = None
    original_value: str | None = None
    original_value_encoding: Literal["utf-8", "base64"] = "utf-8"
    failed_at: UtcDatetime


class ReplayedLetter(Contract):
    """One dead letter that ``newswire deadletters replay`` re-published. Key: the dead
    letter's ``<topic>/<partition>/<offset>``; written in the replay's transaction."""

    schema_version: Literal[1] = 1
    dead_letter_topic: str
    dead_letter_partition: int = Field(ge=0)
    dead_letter_offset: int = Field(ge=0)
    service: str
    replayed_to: str = Field(description="The input topic the original value went back to.")
    replayed_at: UtcDatetime
