"""Scoring attributions as PARC 3.0 evaluations do (BBC Citron's definitions).

An attribution has a cue, sources and contents; each is a set of tokens (a role may be
discontinuous, and may be missing).

- Exact match. A predicted attribution is a true positive for a role when some gold
  attribution's cue overlaps its cue and that role's tokens are the same in both;
  predictions with no such gold are false positives, gold with no such prediction false
  negatives. For the cue itself, the cues must be the same. Punctuation tokens at the
  edges of a span do not count (a closing quote mark or full stop in or out of a content
  is a convention, not a difference).
- Overlap. Precision is the number of predicted tokens that are gold tokens of the same
  role, summed over every pair of predicted and gold attributions, divided by the
  number of predicted tokens of that role; recall divides the same sum by the number of
  gold tokens. It gives partial credit for a content that is a little too long or short.
  It does not ask that the two attributions be the same one: a source's tokens count as
  often as gold attributions share that source (several cues of one speaker), so it can
  pass 1.0.
- Paired overlap (newswire's addition, bounded by 1.0). Each predicted attribution is
  paired with one gold attribution, the one whose cue it overlaps most (by content when
  no cue overlaps), and each gold attribution likewise with one predicted; precision
  counts a predicted token when it is in its pair's role, recall a gold token likewise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

ROLES = ("content", "cue", "source")

Tokens = frozenset[int]


@dataclass(frozen=True)
class Attribution:
    """Token indices of each role (an empty set when the role is missing)."""

    content: Tokens
    cue: Tokens = frozenset()
    source: Tokens = frozenset()
    rule: str = ""
    """What found it (a system's own label; gold has none)."""

    def role(self, name: str) -> Tokens:
        value: Tokens = getattr(self, name)
        return value


@dataclass
class Tally:
    """Counts for one role, summed over documents."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    overlap: int = 0
    predicted: int = 0
    gold: int = 0
    paired_predicted: int = 0
    paired_gold: int = 0

    def exact(self) -> tuple[float, float, float]:
        return prf(self.tp, self.tp + self.fp, self.tp + self.fn)

    def overlapping(self) -> tuple[float, float, float]:
        return prf(self.overlap, self.predicted, self.gold)

    def paired(self) -> tuple[float, float, float]:
        precision = self.paired_predicted / self.predicted if self.predicted else 0.0
        recall = self.paired_gold / self.gold if self.gold else 0.0
        return precision, recall, f1_of(precision, recall)


@dataclass
class Score:
    roles: dict[str, Tally] = field(default_factory=lambda: {r: Tally() for r in ROLES})
    predicted: int = 0
    gold: int = 0

    def add(
        self,
        predicted: Sequence[Attribution],
        gold: Sequence[Attribution],
        punctuation: frozenset[int] = frozenset(),
    ) -> None:
        """One document's attributions; ``punctuation`` holds its punctuation tokens."""
        self.predicted += len(predicted)
        self.gold += len(gold)
        for name in ROLES:
            tally = self.roles[name]
            same = _matcher(name, punctuation)
            tally.tp += sum(1 for p in predicted if any(same(p, g) for g in gold))
            tally.fp += sum(1 for p in predicted if not any(same(p, g) for g in gold))
            tally.fn += sum(1 for g in gold if not any(same(p, g) for p in predicted))
            tally.overlap += sum(len(p.role(name) & g.role(name)) for p in predicted for g in gold)
            tally.predicted += sum(len(p.role(name)) for p in predicted)
            tally.gold += sum(len(g.role(name)) for g in gold)
            tally.paired_predicted += sum(_shared(p, pair(p, gold), name) for p in predicted)
            tally.paired_gold += sum(_shared(g, pair(g, predicted), name) for g in gold)


def pair(one: Attribution, others: Sequence[Attribution]) -> Attribution | None:
    """The attribution of ``others`` that ``one`` overlaps most: by cue, else by content."""
    best = max(
        others, key=lambda o: (len(one.cue & o.cue), len(one.content & o.content)), default=None
    )
    if best is None or not (one.cue & best.cue or one.content & best.content):
        return None
    return best


def _shared(one: Attribution, other: Attribution | None, name: str) -> int:
    return len(one.role(name) & other.role(name)) if other is not None else 0


def _matcher(name: str, punctuation: frozenset[int]) -> Callable[[Attribution, Attribution], bool]:
    def same(p: Attribution, g: Attribution) -> bool:
        if name == "cue":
            return bool(p.cue) and core(p.cue, punctuation) == core(g.cue, punctuation)
        if not (p.cue & g.cue):
            return False
        return core(p.role(name), punctuation) == core(g.role(name), punctuation)

    return same


def core(tokens: Tokens, punctuation: frozenset[int]) -> Tokens:
    """``tokens`` without punctuation at either edge."""
    ordered = sorted(tokens)
    while ordered and ordered[0] in punctuation:
        ordered.pop(0)
    while ordered and ordered[-1] in punctuation:
        ordered.pop()
    return frozenset(ordered)


def prf(hits: int, predicted: int, gold: int) -> tuple[float, float, float]:
    """Precision, recall and F1 (0 where undefined)."""
    precision = hits / predicted if predicted else 0.0
    recall = hits / gold if gold else 0.0
    return precision, recall, f1_of(precision, recall)


def f1_of(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0
