"""newswire's exception tree, documented in one place.

    NewswireError                 base of every error newswire raises on purpose
    ├── ConfigurationError        a setting or input file is wrong; fix it and restart
    ├── BrokerError               the Kafka broker could not be reached or used
    │   └── LocalBrokerError      the local development broker failed to start or stop
    └── RecordError               one record cannot be processed; it goes to a dead-letter topic
        ├── DecodeError           the record's bytes are not the JSON its topic expects
        └── TransformError        a service's transform rejected the record

A ``RecordError`` never stops a service: the loop routes the record to the service's
dead-letter topic with the error and carries on. Every other error stops the service with
a message that names what failed and what to do.
"""

from __future__ import annotations


class NewswireError(Exception):
    """Base of every error newswire raises on purpose."""


class ConfigurationError(NewswireError):
    """A setting or an input file is wrong."""


class BrokerError(NewswireError):
    """The Kafka broker could not be reached or used."""


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
