"""Every Kafka client newswire creates, made in one place from the settings.

``KafkaClients`` holds the bootstrap address, the security (TLS, SASL) and the producer
options. Every consumer, producer and admin client of newswire comes from it, so that a
setting applies to all of them alike::

    kafka = kafka_clients(settings, bootstrap)
    consumer = kafka.consumer(group_id=None, isolation_level="read_committed")
    await kafka.start(consumer)

``start`` connects within ``NEWSWIRE_KAFKA_START_TIMEOUT_S`` and turns a failure into one
``BrokerError`` that says what failed and what to do (unreachable, TLS, authentication);
the client is closed again, so nothing is left open.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.abc import AbstractTokenProvider
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.conn import create_conn
from aiokafka.errors import (
    KafkaConnectionError,
    KafkaError,
    SaslAuthenticationFailed,
    UnsupportedSaslMechanismError,
)

from .errors import (
    AuthenticationError,
    BrokerError,
    BrokerUnreachable,
    ConfigurationError,
    TlsError,
)
from .settings import DEFAULTS, Compression, SaslMechanism, SecurityProtocol, Settings


class _Client(Protocol):
    async def start(self) -> None: ...


class TokenFile(AbstractTokenProvider):  # type: ignore[misc]
    """An OAUTHBEARER token read from a file on every connection (renewed in place)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    async def token(self) -> str:
        try:
            text = await asyncio.to_thread(self.path.read_text, encoding="utf-8")
        except OSError as exc:
            raise AuthenticationError(
                f"cannot read the OAUTHBEARER token file {self.path}: {exc.strerror}; "
                "check NEWSWIRE_KAFKA_SASL_OAUTH_TOKEN_FILE"
            ) from None
        return text.strip()


def _read_secret(path: Path, setting: str) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigurationError(f"{setting}: cannot read {path}: {exc.strerror}") from None


@dataclass(frozen=True, slots=True)
class Security:
    """How newswire's clients authenticate to the brokers and encrypt the connection."""

    protocol: SecurityProtocol
    ca_file: Path | None = None
    cert_file: Path | None = None
    key_file: Path | None = None
    key_password: str | None = field(default=None, repr=False)
    check_hostname: bool = True
    sasl_mechanism: SaslMechanism | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    password_file: Path | None = None
    oauth_token_file: Path | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Security:
        key_password = settings.kafka_ssl_key_password
        password = settings.kafka_sasl_password
        return cls(
            protocol=settings.kafka_security_protocol,
            ca_file=settings.kafka_ssl_ca_file,
            cert_file=settings.kafka_ssl_cert_file,
            key_file=settings.kafka_ssl_key_file,
            key_password=key_password.get_secret_value() if key_password else None,
            check_hostname=settings.kafka_ssl_check_hostname,
            sasl_mechanism=settings.kafka_sasl_mechanism,
            username=settings.kafka_sasl_username,
            password=password.get_secret_value() if password else None,
            password_file=settings.kafka_sasl_password_file,
            oauth_token_file=settings.kafka_sasl_oauth_token_file,
        )

    @property
    def tls(self) -> bool:
        return self.protocol in ("SSL", "SASL_SSL")

    def ssl_context(self) -> ssl.SSLContext:
        """The TLS context: the CA (or the system's), the client certificate if any."""
        try:
            context = ssl.create_default_context(cafile=str(self.ca_file) if self.ca_file else None)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigurationError(
                f"NEWSWIRE_KAFKA_SSL_CA_FILE: cannot load {self.ca_file} as PEM certificates "
                f"({exc})"
            ) from None
        context.check_hostname = self.check_hostname
        if self.cert_file is not None:
            try:
                context.load_cert_chain(
                    str(self.cert_file),
                    str(self.key_file) if self.key_file else None,
                    password=self.key_password,
                )
            except (OSError, ssl.SSLError) as exc:
                raise ConfigurationError(
                    f"NEWSWIRE_KAFKA_SSL_CERT_FILE / NEWSWIRE_KAFKA_SSL_KEY_FILE: cannot load "
                    f"the client certificate {self.cert_file} with its key {self.key_file} "
                    f"({exc})"
                ) from None
        return context

    def options(self) -> dict[str, Any]:
        """aiokafka's keyword arguments for this security (files are read now)."""
        options: dict[str, Any] = {"security_protocol": self.protocol}
        if self.tls:
            options["ssl_context"] = self.ssl_context()
        if self.sasl_mechanism is not None:
            options["sasl_mechanism"] = self.sasl_mechanism
            if self.sasl_mechanism == "OAUTHBEARER":
                assert self.oauth_token_file is not None
                options["sasl_oauth_token_provider"] = TokenFile(self.oauth_token_file)
            else:
                password = self.password
                if self.password_file is not None:
                    password = _read_secret(self.password_file, "NEWSWIRE_KAFKA_SASL_PASSWORD_FILE")
                options["sasl_plain_username"] = self.username
                options["sasl_plain_password"] = password
        return options


@dataclass(frozen=True, slots=True)
class KafkaClients:
    """Makes newswire's Kafka clients, all with the same address, security and options."""

    bootstrap: str
    security: Security
    client_id: str
    compression: Compression
    start_timeout_s: float
    request_timeout_ms: int = DEFAULTS.kafka_request_timeout_ms

    def _common(self, options: dict[str, Any]) -> dict[str, Any]:
        return {
            "bootstrap_servers": self.bootstrap,
            "client_id": self.client_id,
            "request_timeout_ms": self.request_timeout_ms,
            **self.security.options(),
            **options,
        }

    def consumer(self, *topics: str, **options: Any) -> AIOKafkaConsumer:
        """A consumer (``group_id``, ``isolation_level``... as aiokafka takes them)."""
        options = self._common(options)
        # A consumer's requests wait for fetches (up to fetch_max_wait_ms); aiokafka wants
        # its own, longer default request timeout there.
        options.pop("request_timeout_ms")
        return AIOKafkaConsumer(*topics, **options)

    def group_consumer(self, group_id: str, **options: Any) -> AIOKafkaConsumer:
        """A member of ``group_id`` that reads committed records only and commits its
        offsets itself (newswire does, inside its transactions)."""
        return self.consumer(
            group_id=group_id,
            enable_auto_commit=False,
            isolation_level="read_committed",
            **options,
        )

    def reader(self, **options: Any) -> AIOKafkaConsumer:
        """A consumer outside any group that reads committed records only."""
        return self.consumer(
            group_id=None, enable_auto_commit=False, isolation_level="read_committed", **options
        )

    def producer(self, **options: Any) -> AIOKafkaProducer:
        """A producer with newswire's compression (``transactional_id``... as aiokafka's)."""
        codec = None if self.compression == "none" else self.compression
        try:
            return AIOKafkaProducer(**self._common({"compression_type": codec, **options}))
        except RuntimeError as exc:  # aiokafka: the codec's library is missing
            raise ConfigurationError(
                f"NEWSWIRE_KAFKA_COMPRESSION={self.compression}: {exc}; install newswire's "
                "dependencies again (pip install newswire), or choose another codec"
            ) from None

    def admin(self, **options: Any) -> AIOKafkaAdminClient:
        return AIOKafkaAdminClient(**self._common(options))

    async def start(self, client: _Client) -> None:
        """Start ``client`` within the start timeout; on failure close it and raise one
        ``BrokerError`` that names the cause and what to do."""
        try:
            await asyncio.wait_for(client.start(), self.start_timeout_s)
        except (KafkaError, OSError, TimeoutError) as exc:
            await _close(client)
            raise await self.diagnose(exc) from exc
        except BaseException:
            await asyncio.shield(_close(client))
            raise

    async def diagnose(self, exc: BaseException) -> BrokerError:
        """Why a client could not start: connects to the first bootstrap server once more,
        alone, to see which step fails (TCP, TLS, SASL)."""
        if isinstance(exc, BrokerError):
            return exc
        address = self.bootstrap.split(",")[0].strip()
        host, _, port = address.rpartition(":")
        host = host.strip("[]")
        sec = self.security
        timeout_s = self.start_timeout_s
        if isinstance(exc, TimeoutError):  # it took its time already: a shorter second look
            timeout_s = min(timeout_s, 5.0)
        try:
            conn = await asyncio.wait_for(
                create_conn(
                    host,
                    int(port),
                    client_id=self.client_id,
                    request_timeout_ms=int(timeout_s * 1000),
                    **sec.options(),
                ),
                timeout_s,
            )
        except ssl.SSLCertVerificationError as err:
            return TlsError(
                f"TLS with the broker at {address} failed: {err.verify_message}. Set "
                "NEWSWIRE_KAFKA_SSL_CA_FILE to the CA that signed the broker's certificate"
                + (
                    " (and check that the certificate names the host you connect to)"
                    if sec.check_hostname
                    else ""
                )
            )
        except (ssl.SSLError, KafkaConnectionError) as err:
            return self._handshake_failure(address, err)
        except SaslAuthenticationFailed:
            who = f"user {sec.username!r}" if sec.username else "the token"
            return AuthenticationError(
                f"the broker at {address} refused the {sec.sasl_mechanism} credentials of "
                f"{who}: check NEWSWIRE_KAFKA_SASL_USERNAME and the password "
                "(NEWSWIRE_KAFKA_SASL_PASSWORD or NEWSWIRE_KAFKA_SASL_PASSWORD_FILE)"
            )
        except UnsupportedSaslMechanismError as err:
            return AuthenticationError(
                f"the broker at {address} does not offer SASL {sec.sasl_mechanism}: {err}. "
                "Set NEWSWIRE_KAFKA_SASL_MECHANISM to one it offers"
            )
        except (ConnectionError, socket.gaierror, TimeoutError, OSError) as err:
            reason = (
                "no answer"
                if isinstance(err, TimeoutError)
                else (err.strerror or str(err) or type(err).__name__)
            )
            return BrokerUnreachable(
                f"no Kafka broker answers at {self.bootstrap} ({reason}): check "
                "NEWSWIRE_KAFKA_BOOTSTRAP and that the broker runs and is reachable from here"
            )
        except KafkaError as err:
            return BrokerError(f"the Kafka broker at {address} refused newswire: {err}")
        conn.close()
        if isinstance(exc, TimeoutError):
            return BrokerUnreachable(
                f"the Kafka cluster at {self.bootstrap} did not answer within "
                f"{self.start_timeout_s:g} s (NEWSWIRE_KAFKA_START_TIMEOUT_S): is it healthy, "
                "and are its advertised listeners reachable from here?"
            )
        return BrokerError(
            f"a Kafka client could not start against {self.bootstrap}: {exc}. The broker "
            "answers at that address: are its advertised listeners reachable from here?"
        )

    def _handshake_failure(self, address: str, err: BaseException) -> BrokerError:
        text = f"{err} {err.__cause__ or ''}".upper()
        refused = ("CERTIFICATE_REQUIRED", "UNKNOWN_CA", "BAD_CERTIFICATE")
        if (
            self.security.tls
            and self.security.cert_file is None
            and any(word in text for word in refused)
        ):
            return TlsError(
                f"the broker at {address} requires a client certificate (mutual TLS): set "
                "NEWSWIRE_KAFKA_SSL_CERT_FILE and NEWSWIRE_KAFKA_SSL_KEY_FILE"
            )
        if "UNKNOWN_CA" in text or "BAD_CERTIFICATE" in text:
            return TlsError(
                f"the broker at {address} does not trust newswire's client certificate "
                f"({self.security.cert_file}): use one signed by a CA the broker trusts"
            )
        if isinstance(err, ssl.SSLError):
            return TlsError(
                f"TLS with the broker at {address} failed ({err.reason or err}): does that "
                "listener speak TLS? Check NEWSWIRE_KAFKA_SECURITY_PROTOCOL "
                f"({self.security.protocol}) and the NEWSWIRE_KAFKA_SSL_* settings"
            )
        return BrokerError(
            f"the broker at {address} closed the connection during the handshake: does "
            f"NEWSWIRE_KAFKA_SECURITY_PROTOCOL ({self.security.protocol}) match that listener "
            "(PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL)?"
        )


async def _close(client: _Client) -> None:
    """Stop a client whose start failed (consumers and producers stop, admins close)."""
    stop = getattr(client, "stop", None) or getattr(client, "close", None)
    if stop is not None:
        with contextlib.suppress(Exception):
            await stop()


def kafka_clients(settings: Settings, bootstrap: str | None = None) -> KafkaClients:
    """The clients of ``settings``; ``bootstrap`` overrides ``NEWSWIRE_KAFKA_BOOTSTRAP``
    (the local broker's address, found at run time)."""
    address = bootstrap or settings.kafka_bootstrap
    if not address:
        raise ConfigurationError("no Kafka broker: set NEWSWIRE_KAFKA_BOOTSTRAP")
    return KafkaClients(
        bootstrap=address,
        security=Security.from_settings(settings),
        client_id=settings.kafka_client_id,
        compression=settings.kafka_compression,
        start_timeout_s=settings.kafka_start_timeout_s,
        request_timeout_ms=settings.kafka_request_timeout_ms,
    )


Kafka = str | KafkaClients
"""Where helpers connect: a ``KafkaClients``, or a plain bootstrap address (PLAINTEXT)."""


def as_clients(kafka: Kafka) -> KafkaClients:
    """``kafka`` itself, or the default clients of a bootstrap address."""
    if isinstance(kafka, KafkaClients):
        return kafka
    return kafka_clients(DEFAULTS, kafka)
