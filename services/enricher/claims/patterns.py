"""Dependency patterns in the format of spaCy's ``DependencyMatcher``, written briefly.

A pattern is a list of nodes. The first is the anchor, always named ``cue``: the word that
attributes. Each other node names a token by its relation to a node named before it, with
spaCy's (Semgrex) operators: ``>`` is the head of, ``<`` is a dependent of, ``>+`` has as
its child the very next token, ``<--`` is a dependent whose head lies to its left, ``<++``
to its right, ``.`` immediately precedes. Token attributes are those of spaCy's
``Matcher`` (``DEP``, ``LEMMA``, ``LOWER``, ``POS``, ``TAG``, with ``IN``/``NOT_IN``).

``Bound`` is what a rule's span builders receive: for each node name, the tokens it was
bound to across every match of the rule at one cue, in text order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Token


Node = dict[str, object]
Pattern = list[Node]
Bound = Mapping[str, Sequence["Token"]]

CUE = "cue"


def one_of(words: Iterable[str]) -> dict[str, list[str]]:
    """An attribute value that is any of ``words``."""
    return {"IN": sorted(words)}


def none_of(words: Iterable[str]) -> dict[str, list[str]]:
    """An attribute value that is none of ``words``."""
    return {"NOT_IN": sorted(words)}


def anchor(attrs: Mapping[str, object]) -> Node:
    return {"RIGHT_ID": CUE, "RIGHT_ATTRS": dict(attrs)}


def edge(left: str, op: str, right: str, **attrs: object) -> Node:
    """``right`` stands in relation ``op`` to ``left``, and has ``attrs``."""
    return {"LEFT_ID": left, "REL_OP": op, "RIGHT_ID": right, "RIGHT_ATTRS": attrs}


def child(right: str, of: str = CUE, **attrs: object) -> Node:
    """``right`` is a dependent of ``of``."""
    return edge(of, ">", right, **attrs)


def head(right: str, of: str = CUE, **attrs: object) -> Node:
    """``right`` is the head of ``of``."""
    return edge(of, "<", right, **attrs)
