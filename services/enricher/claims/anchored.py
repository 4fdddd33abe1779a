"""An anchored matcher for patterns in spaCy's ``DependencyMatcher`` format.

spaCy's ``DependencyMatcher`` first matches every node of every pattern against every
token of the document, then joins them: the broad nodes ("any clausal complement", "any
object of a preposition") match all over the text, and that costs more than the rules
themselves. Attribution patterns are anchored on a cue word, which is rare; this matcher
looks the anchor up by its lemma or its lower-case form, and follows each pattern's
relations from there, so its work grows with the cues, not with the text. It gives the
same matches as spaCy's matcher (a test compares them) for the attributes and operators
the patterns use; a pattern with another is refused when it is compiled.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .patterns import Pattern

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

Test = Callable[["Token"], bool]
Relation = Callable[["Token"], Sequence["Token"]]

ATTRIBUTES: dict[str, Callable[[Token], str]] = {
    "ORTH": lambda t: t.text,
    "LOWER": lambda t: t.lower_,
    "LEMMA": lambda t: t.lemma_,
    "POS": lambda t: t.pos_,
    "TAG": lambda t: t.tag_,
    "DEP": lambda t: t.dep_,
}


def _tree_end(tok: Token) -> int:
    """The last index of the dependency tree ``tok`` is in (its sentence)."""
    root = tok
    while root.head.i != root.i:
        root = root.head
    return root.right_edge.i


def _precedes_next(tok: Token) -> Sequence[Token]:
    return [tok.doc[tok.i + 1]] if tok.i < _tree_end(tok) else []


def _precedes(tok: Token) -> Sequence[Token]:
    return [tok.doc[j] for j in range(tok.i + 1, _tree_end(tok) + 1)]


RELATIONS: dict[str, Relation] = {
    ">": lambda t: list(t.children),
    "<": lambda t: [t.head] if t.head.i != t.i else [],
    ">+": lambda t: [c for c in t.rights if c.i == t.i + 1],
    ">++": lambda t: list(t.rights),
    ">-": lambda t: [c for c in t.lefts if c.i == t.i - 1],
    ">--": lambda t: list(t.lefts),
    "<++": lambda t: [t.head] if t.head.i > t.i else [],
    "<--": lambda t: [t.head] if t.head.i < t.i else [],
    ".": _precedes_next,
    ".*": _precedes,
}
"""spaCy's operators (Semgrex's), as spaCy's ``DependencyMatcher`` defines them."""


def test_of(attrs: Mapping[str, object]) -> Test:
    """A token test for a node's attributes: each a value, or ``{"IN"|"NOT_IN": [...]}``."""
    parts: list[tuple[Callable[[Token], str], frozenset[str], bool]] = []
    for name, value in attrs.items():
        if name not in ATTRIBUTES:
            raise ValueError(f"attribute {name} is not supported (use {sorted(ATTRIBUTES)})")
        if isinstance(value, str):
            parts.append((ATTRIBUTES[name], frozenset([value]), True))
        elif isinstance(value, dict) and len(value) == 1 and set(value) <= {"IN", "NOT_IN"}:
            ((op, words),) = value.items()
            parts.append((ATTRIBUTES[name], frozenset(words), op == "IN"))
        else:
            raise ValueError(f"value {value!r} of {name} is not supported")

    def test(tok: Token) -> bool:
        return all((get(tok) in words) == inside for get, words, inside in parts)

    return test


@dataclass(frozen=True)
class Step:
    left: int
    """The index of the node it relates to."""
    relation: Relation
    test: Test


@dataclass(frozen=True)
class Compiled:
    key: str
    anchor: Test
    steps: tuple[Step, ...]

    def matches(self, cue: Token) -> Iterator[list[int]]:
        """Each binding of the pattern's nodes with ``cue`` as anchor, as token indices."""
        if not self.anchor(cue):
            return
        bound = [cue]

        def expand(k: int) -> Iterator[list[int]]:
            if k == len(self.steps):
                yield [t.i for t in bound]
                return
            step = self.steps[k]
            for tok in step.relation(bound[step.left]):
                if step.test(tok):
                    bound.append(tok)
                    yield from expand(k + 1)
                    bound.pop()

        yield from expand(0)


def compile_pattern(key: str, pattern: Pattern) -> Compiled:
    names = [str(node["RIGHT_ID"]) for node in pattern]
    steps = []
    for node in pattern[1:]:
        op = str(node["REL_OP"])
        if op not in RELATIONS:
            raise ValueError(f"operator {op} is not supported (use {sorted(RELATIONS)})")
        left = names.index(str(node["LEFT_ID"]))
        steps.append(Step(left, RELATIONS[op], test_of(_attrs(node))))
    return Compiled(key, test_of(_attrs(pattern[0])), tuple(steps))


def _attrs(node: Mapping[str, object]) -> Mapping[str, object]:
    attrs = node.get("RIGHT_ATTRS", {})
    if not isinstance(attrs, Mapping):
        raise ValueError(f"RIGHT_ATTRS of {node.get('RIGHT_ID')} must be a mapping")
    return attrs


class AnchoredMatcher:
    """``matcher(doc)`` gives ``(key, token indices)`` like spaCy's ``DependencyMatcher``,
    for patterns whose anchor names its words (``LEMMA`` or ``LOWER``)."""

    def __init__(self) -> None:
        self._by: dict[str, dict[str, list[Compiled]]] = {
            "LEMMA": defaultdict(list),
            "LOWER": defaultdict(list),
        }

    def add(self, key: str, patterns: Sequence[Pattern]) -> None:
        for pattern in patterns:
            compiled = compile_pattern(key, pattern)
            attrs = _attrs(pattern[0])
            name = next((n for n in ("LEMMA", "LOWER") if n in attrs), None)
            if name is None:
                raise ValueError(f"the anchor of {key} names no words (LEMMA or LOWER)")
            value = attrs[name]
            words = [value] if isinstance(value, str) else _listed(value)
            for word in words:
                self._by[name][word].append(compiled)

    def __call__(self, doc: Doc) -> list[tuple[str, list[int]]]:
        lemmas, lowers = self._by["LEMMA"], self._by["LOWER"]
        out: list[tuple[str, list[int]]] = []
        for tok in doc:
            for compiled in lemmas.get(tok.lemma_, []) + lowers.get(tok.lower_, []):
                out.extend((compiled.key, ids) for ids in compiled.matches(tok))
        return out


def _listed(value: object) -> list[str]:
    if isinstance(value, dict) and set(value) == {"IN"}:
        return [str(w) for w in value["IN"]]
    raise ValueError(f"an anchor's words must be a word or {{'IN': [...]}}, not {value!r}")
