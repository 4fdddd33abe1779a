"""The feed list: a YAML file of feeds, reloaded when it changes."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..core.errors import ConfigurationError
from ..core.ids import stable_id


class FeedSpec(BaseModel):
    """One feed of the list."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str
    name: str | None = None
    tags: tuple[str, ...] = ()
    min_interval_s: float | None = Field(default=None, gt=0)
    max_interval_s: float | None = Field(default=None, gt=0)
    full_text: bool = Field(default=False, description="Fetch the article page of each item.")

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip()
        if not value.lower().startswith(("http://", "https://")):
            raise ValueError(f"{value!r}: only http and https feeds are supported")
        return value

    @property
    def source_id(self) -> str:
        return stable_id("feed", self.url)


class FeedFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    feeds: list[FeedSpec] = Field(default_factory=list)


def parse_feed_list(text: str, where: str = "feed list") -> list[FeedSpec]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"{where} is not valid YAML: {exc}") from None
    except (ValueError, RecursionError) as exc:  # `2024-13-45` as a date, deep nesting
        raise ConfigurationError(f"{where} cannot be read: {type(exc).__name__}: {exc}") from None
    if data is None:
        return []
    if isinstance(data, list):
        data = {"feeds": data}
    try:
        feeds = FeedFile.model_validate(data).feeds
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise ConfigurationError(f"{where}: {loc}: {first['msg']}") from None
    unique: dict[str, FeedSpec] = {}
    for feed in feeds:
        unique.setdefault(feed.url, feed)
    return list(unique.values())


def dump_feed_list(feeds: list[FeedSpec]) -> str:
    docs = [f.model_dump(exclude_defaults=True, mode="json") for f in feeds]
    return yaml.safe_dump({"feeds": docs}, sort_keys=False, allow_unicode=True)


class FeedListFile:
    """The feed list on disk; ``current()`` re-reads it when its mtime or size changed.

    A file that becomes invalid keeps the previous list in force (the error is returned
    once, for logging), so a typo never stops ingestion.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._signature: tuple[int, int] | None = None
        self._feeds: list[FeedSpec] = []

    def current(self) -> tuple[list[FeedSpec], bool, ConfigurationError | None]:
        """(feeds, changed, error)."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            changed = self._signature is not None
            self._signature, self._feeds = None, []
            return self._feeds, changed, None
        signature = (stat.st_mtime_ns, stat.st_size)
        if signature == self._signature:
            return self._feeds, False, None
        self._signature = signature
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return self._feeds, False, ConfigurationError(f"{self.path} cannot be read: {exc}")
        try:
            feeds = parse_feed_list(text, str(self.path))
        except ConfigurationError as exc:
            return self._feeds, False, exc
        self._feeds = feeds
        return feeds, True, None
