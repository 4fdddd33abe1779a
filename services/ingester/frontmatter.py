"""What a seed article says about itself: Markdown front matter and JSON article objects.

Front matter is YAML between ``---`` lines at the top. It is read with YAML's base loader,
which resolves no types (``1984``, ``yes`` and ``2024-13-45`` stay the text they are:
no ``ValueError`` from an impossible date, no booleans), after its nesting depth is
checked on YAML's event stream (the composer recurses once per level). Text that is not
YAML, or YAML that is not a mapping, is no front matter: the whole file is the body.

``ArticleFields`` then gives each field its type: a number or a boolean becomes its text;
a list or a mapping where text is expected, or a ``url`` that is not an http(s) URL,
refuses the file with the field's name; lone surrogates become U+FFFD.
"""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from ..core.strings import well_formed
from ..core.urls import http_url
from .parsers.jsonscan import MAX_DEPTH

_STARTS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_ENDS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


class FieldError(ValueError):
    """A field of a seed article cannot be given its type."""


def _yaml_depth_ok(text: str) -> bool:
    depth = 0
    for event in yaml.parse(text, Loader=yaml.BaseLoader):
        if isinstance(event, _STARTS):
            depth += 1
            if depth > MAX_DEPTH:
                return False
        elif isinstance(event, _ENDS):
            depth -= 1
    return True


def front_matter(text: str) -> tuple[dict[str, Any], str]:
    """YAML front matter between ``---`` lines at the top (title, url, date, source).

    Raises ``FieldError`` when it nests deeper than ``MAX_DEPTH``."""
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---", 4)
    if end < 0:
        return {}, text
    block = text[4:end]
    try:
        if not _yaml_depth_ok(block):
            raise FieldError(f"the front matter nests deeper than {MAX_DEPTH} levels: refused")
        meta = yaml.load(block, Loader=yaml.BaseLoader) or {}
    except yaml.YAMLError:
        return {}, text
    if not isinstance(meta, dict):
        return {}, text
    rest = text[end + 4 :].lstrip("-").lstrip("\n")
    return {str(k): v for k, v in meta.items()}, rest


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return well_formed(str(value))
    kind = "a list" if isinstance(value, list) else "a mapping" if isinstance(value, dict) else ""
    raise ValueError(f"must be text, not {kind or type(value).__name__}")


class ArticleFields(BaseModel):
    """The fields a seed article may give, each with its type."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    title: str | None = None
    url: str | None = None
    date: str | None = None
    source: str | None = None
    id: str | None = None
    text: str | None = None
    html: str | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> str | None:
        return _text(value)

    @field_validator("url")
    @classmethod
    def _http(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if http_url(value) is None:
            raise ValueError(f"{value[:80]!r} is not an absolute http(s) URL")
        return value

    @property
    def link(self) -> str | None:
        return http_url(self.url)


def article_fields(values: dict[str, Any]) -> ArticleFields:
    """``values`` typed, or ``FieldError`` naming the first field that cannot be."""
    try:
        return ArticleFields.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(root)"
        message = str(first.get("ctx", {}).get("error") or first["msg"])
        raise FieldError(f"field {where!r} {message}") from None
