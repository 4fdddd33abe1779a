"""Running the rule table over a parse: one matcher with every rule's patterns (spaCy's
``DependencyMatcher`` format, matched from their anchors: ``anchored.py``), then at each
cue word the rule of highest priority that applies."""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from typing import TYPE_CHECKING

from .anchored import AnchoredMatcher
from .found import Found, Page
from .patterns import Bound
from .rules import RULES, Rule

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

BY_NAME = {rule.name: rule for rule in RULES}
KINDS = {kind: rank for rank, kind in enumerate(dict.fromkeys(rule.cue.name for rule in RULES))}
"""The kinds of cue in the order the table first names them."""


def node_names(rule: Rule) -> list[str]:
    """The names of a rule's pattern nodes, in order (the same in each of its patterns)."""
    names = {tuple(str(node["RIGHT_ID"]) for node in pattern) for pattern in rule.patterns}
    if len(names) != 1:
        raise ValueError(f"the patterns of rule {rule.name} name different nodes: {names}")
    return list(names.pop())


NODE_NAMES = {rule.name: node_names(rule) for rule in RULES}


@lru_cache(maxsize=1)
def matcher() -> AnchoredMatcher:
    """Every rule's patterns, under the rule's name (built once)."""
    built = AnchoredMatcher()
    for rule in RULES:
        built.add(rule.name, rule.patterns)
    return built


def find(doc: Doc, page: Page) -> list[Found]:
    """The findings of the rule table: by kind of cue (verbs first), then in text order."""
    names = NODE_NAMES
    at: dict[int, dict[str, dict[str, set[int]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(set))
    )
    for name, token_ids in matcher()(doc):
        nodes = at[token_ids[0]][name]
        for node, i in zip(names[name], token_ids, strict=True):
            nodes[node].add(i)
    out = []
    for i in sorted(at):
        found = _decide(page, doc[i], at[i])
        if found is not None:
            out.append(found)
    return sorted(out, key=lambda f: KINDS[BY_NAME[f.rule].cue.name])


def _decide(page: Page, cue: Token, matched: dict[str, dict[str, set[int]]]) -> Found | None:
    """The finding of the first rule (by priority) that applies at ``cue``."""
    doc = cue.doc
    for rule in sorted((BY_NAME[name] for name in matched), key=lambda r: r.priority):
        if rule.cue.excluded(cue):
            return None
        bound: Bound = {
            node: [doc[i] for i in sorted(ids)] for node, ids in matched[rule.name].items()
        }
        if all(condition(cue, bound) for condition in rule.when):
            return rule.find(page, cue, bound)
    return None
