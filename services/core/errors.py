"""newswire's exception tree, documented in one place.

    NewswireError                 base of every error newswire raises on purpose
    ├── ConfigurationError        a setting or input file is wrong; fix it and restart
    ├── BrokerError               the Kafka broker could not be reached or used
    │   ├── BrokerUnreachable     no answer at the bootstrap address (down, wrong address)
    │   ├── TlsError              the TLS handshake failed (untrusted CA, name, client cert)
    │   ├── AuthenticationError   the broker refused the SASL credentials
    │   ├── TopicMissing          a topic newswire reads does not exist
    │   └── LocalBrokerError      the local development broker failed to start or stop
    └── RecordError               one record cannot be processed; it goes to a dead-letter topic
        ├── DecodeError           the record's bytes are not the JSON its topic expects
        └── TransformError        a service's transform rejected the record

A ``RecordError`` never stops a service: the loop routes the record to the service's
dead-letter topic with the error and carries on. Every other error stops the service with
a message that names what failed and what to do.
"""

from __future__ import annotations

from collections.abc import Iterable


class NewswireError(Exception):
    """Base of every error newswire raises on purpose."""


class ConfigurationError(NewswireError):
    """A setting or an input file is wrong."""


class BrokerError(NewswireError):
    """The Kafka broker could not be reached or used."""


class BrokerUnreachable(BrokerError):
    """Nothing answered at the bootstrap address within the start timeout."""


class TlsError(BrokerError):
    """The TLS handshake with the broker failed."""


class AuthenticationError(BrokerError):
    """The broker refused newswire's SASL credentials."""


class TopicMissing(BrokerError):
    """A topic newswire reads from does not exist."""

    @classmethod
    def of(cls, topic: str, existing: Iterable[str], *, what: str = "") -> TopicMissing:
        """The error for ``topic``, naming the existing topics that look like it."""
        stem = topic.rsplit(".", 1)[-1]
        near = sorted(t for t in existing if t.endswith(f".{stem}") or t.startswith(topic))
        hint = f"; topics of that name: {', '.join(near[:5])}" if near else ""
        return cls(
            f"topic {topic} does not exist{what}{hint}. Check the name and "
            "NEWSWIRE_TOPIC_PREFIX, or create newswire's topics with `newswire topics`"
        )


class LocalBrokerError(BrokerError):
    """The local development broker (deploy/kafka/kafka.sh) failed."""


class RecordError(NewswireError):
    """One record cannot be processed: routed to a dead-letter topic, never out of the loop."""

    stage = "transform"


class DecodeError(RecordError):
    """The record's bytes are not the JSON document its topic's schema describes."""

    stage = "decode"


class TransformError(RecordError):
    """A service's transform rejected the record, with a reason."""

    stage = "transform"
