"""The rules that find attributions on spaCy's parse: one row each.

A rule has a name (every claim carries the name of the rule that found it), a priority, a
kind of cue (``anchors.py``: which words can be the cue), one or more dependency patterns
in the format of spaCy's ``DependencyMatcher`` (``patterns.py``), and named builders in
typed code for what a pattern cannot say: the content's span (``contents.py``), the
source's (``subjects.py``), how the content is settled (trimmed, grown to whole
quotations), conditions on the match (``when``) and checks on the finding
(``checks.py``).

At each cue word, the rule of highest priority (lowest number) whose patterns match and
whose conditions hold decides: it finds the claim, or it finds that there is none there.

A fix is a row, or a pattern in a row: say what the parse looks like, and name the builder
that turns it into spans.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import checks, contents, subjects
from .anchors import ACCORDING, ADJECTIVE, INFERENCE, NOUN, VERB, CueKind
from .checks import Check
from .cues import (
    CLAUSE_SPEECH,
    INFINITIVE_CONTENT,
    NOUN_PREPOSITIONS,
    OBJECT_CONTENT,
    PASSIVE_SUBJECT,
    PERSONAL,
    PREPOSITION_CONTENT,
    RELATIVE,
    VERBS,
)
from .found import Found, Page, Range
from .patterns import CUE, Bound, Node, Pattern, child, edge, head, none_of, one_of

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

ContentBuilder = Callable[["Token", Bound], Range | None]
SourceBuilder = Callable[["Token", Bound], subjects.Source]
Settle = Callable[[Page, "Token", Range], Range]
Condition = Callable[["Token", Bound], bool]


@dataclass(frozen=True)
class Rule:
    name: str
    priority: int
    cue: CueKind
    patterns: list[Pattern]
    content: ContentBuilder
    source: SourceBuilder
    settle: Settle
    checks: tuple[Check, ...] = ()
    when: tuple[Condition, ...] = ()
    according: bool = False

    def find(self, page: Page, cue: Token, bound: Bound) -> Found | None:
        """The claim at ``cue``, or None when this rule finds there is none."""
        raw = self.content(cue, bound)
        if raw is None:
            return None
        source_token, source = self.source(cue, bound)
        found = Found(
            content=self.settle(page, cue, raw),
            rule=self.name,
            cue=self.cue.span(cue, bound),
            lemma=self.cue.lemma(cue),
            source=source,
            source_token=source_token,
            according=self.according,
            cue_token=cue.i,
        )
        doc: Doc = cue.doc
        return found if all(check(page, doc, found) for check in self.checks) else None


def per_preposition(
    kind: CueKind, table: Mapping[str, tuple[str, ...]], nodes: Callable[[str], list[Node]]
) -> list[Pattern]:
    """One pattern per preposition of ``table`` (``{cue word: its prepositions}``),
    anchored on the cue words that take it: ``nodes(preposition)`` after the anchor."""
    words: dict[str, set[str]] = defaultdict(set)
    for word, prepositions in table.items():
        for preposition in prepositions:
            words[preposition].add(word)
    return [kind.pattern(*nodes(p), LEMMA=one_of(words[p])) for p in sorted(words)]


def prepositional_object(preposition: str) -> list[Node]:
    """The preposition under the cue, and its object: "called for a ban", "support for"."""
    return [
        child("preposition", DEP="prep", LOWER=preposition),
        child("object", of="preposition", DEP=one_of(["pobj", "pcomp"])),
    ]


def active(cue: Token, bound: Bound) -> bool:
    return not subjects.passive(cue)


def colon_opens_content(cue: Token, bound: Bound) -> bool:
    """A colon closes the cue's clause, and what it introduces is in the text."""
    return contents.after_the_colon(cue, bound) is not None


def object_is_content(cue: Token, bound: Bound) -> bool:
    return contents.object_content(cue)


def gapped(cue: Token, bound: Bound) -> bool:
    """The cue leaves its content to the clause it modifies: "as X said" has no object
    or clause of its own ("as he welcomed the guests" tells when, not who said what)."""
    return not any(c.dep_ in ("dobj", "ccomp", "xcomp", "attr", "oprd") for c in cue.children)


def not_over_a_cue(cue: Token, bound: Bound) -> bool:
    """An inference over a cue verb ("he appeared to suggest that Y") is that cue's
    claim, hedged, not the writer's."""
    return not any(c.pos_ == "VERB" and c.lemma_.lower() in VERBS for c in bound["complement"])


VERB_CHECKS = (
    checks.has_words,
    checks.not_a_lone_word,
    checks.sourced_unless_passive,
    checks.source_outside_content,
)
"""For a cue verb whose content is a clause of the parse, the text after a colon, or a
noun phrase the verb takes as what it claims ("denied the report")."""
PROPOSITION_CHECKS = (*VERB_CHECKS, checks.proposition)
"""For a cue verb whose content is not a clause by construction: it must be one."""
CLAUSE_MARK = "that"


def _verb(
    name: str,
    priority: int,
    patterns: list[Pattern],
    content: ContentBuilder,
    when: tuple[Condition, ...] = (),
    checked: tuple[Check, ...] = VERB_CHECKS,
) -> Rule:
    """A rule on a cue verb: its source is the verb's subject (or agent, or the subject
    of the verb it hangs on); its content is settled with whole quotations."""
    return Rule(
        name=name,
        priority=priority,
        cue=VERB,
        patterns=patterns,
        content=content,
        source=subjects.of_verb,
        settle=contents.settle_quoting,
        checks=checked,
        when=when,
    )


RULES: tuple[Rule, ...] = (
    # "X wrote:" / "X told reporters on Monday:" and the rest of the paragraph
    _verb(
        "verb-colon",
        10,
        [VERB.pattern(edge(CUE, ".*", "colon", ORTH=":"))],
        contents.after_the_colon,
        when=(colon_opens_content,),
    ),
    # "Clinton called Trump a liar"
    _verb(
        "verb-object-predicate",
        20,
        [VERB.pattern(child("predicate", DEP=one_of(["oprd", "xcomp", "ccomp"])), LEMMA="call")],
        contents.object_and_predicate,
    ),
    # "X said (that) Y", "Y, X said" when the parser makes Y the cue's clause
    _verb(
        "verb-clause",
        30,
        [VERB.pattern(child("clause", DEP="ccomp"))],
        contents.clause,
    ),
    # "X said seeing Y was Z"
    _verb(
        "verb-gerund-clause",
        40,
        [
            VERB.pattern(
                edge(CUE, ">+", "gerund", DEP="xcomp", TAG="VBG"), LEMMA=one_of(CLAUSE_SPEECH)
            )
        ],
        contents.gerund_clause,
        when=(active,),
    ),
    # "X vowed to retaliate", "X urged Kiev to act"
    _verb(
        "verb-infinitive",
        50,
        [VERB.pattern(child("complement", DEP="xcomp"), LEMMA=one_of(INFINITIVE_CONTENT))],
        contents.infinitive,
    ),
    # "X denied the report", "a poll shows Clinton with a lead"
    _verb(
        "verb-object",
        60,
        [
            VERB.pattern(
                child("object", DEP="dobj", LOWER=none_of(PERSONAL)), LEMMA=one_of(OBJECT_CONTENT)
            )
        ],
        contents.direct_object,
        when=(active, object_is_content),
    ),
    # "X was calling for the US to act"
    _verb(
        "verb-preposition-clause",
        70,
        per_preposition(
            VERB,
            PREPOSITION_CONTENT,
            lambda p: [
                child("clause", DEP="advcl"),
                child("mark", of="clause", DEP="mark", LOWER=p),
            ],
        ),
        contents.preposition_clause,
    ),
    # "X called for a ban", "X called on Kiev to act"
    _verb(
        "verb-preposition-object",
        80,
        per_preposition(VERB, PREPOSITION_CONTENT, prepositional_object),
        contents.preposition_object,
    ),
    # "the attack was reported by X"
    _verb(
        "passive-subject",
        90,
        [
            VERB.pattern(
                child("subject", DEP="nsubjpass", LOWER=none_of(RELATIVE | {"it"})),
                LEMMA=one_of(PASSIVE_SUBJECT),
            )
        ],
        contents.passive_subject,
        checked=PROPOSITION_CHECKS,
    ),
    # "As X pointed out, Y", "Y, as police have said", "Patriot failed, as predicted"
    _verb(
        "as-clause",
        95,
        [VERB.pattern(child("as", DEP="mark", LOWER="as"), head("clause"), DEP="advcl")],
        contents.longer_side,
        when=(gapped,),
        checked=(
            checks.has_words,
            checks.not_a_lone_word,
            checks.sourced_unless_impersonal,
            checks.source_outside_content,
            checks.proposition,
        ),
    ),
    # "Y, X said" and "The point, X said, is Y" with Y the head clause
    _verb(
        "parenthetical",
        100,
        [VERB.pattern(edge(CUE, "<--", "clause"), DEP=one_of(["parataxis", "ccomp"]))],
        contents.longer_side,
        checked=PROPOSITION_CHECKS,
    ),
    # "Since May, X says, prices rose"
    _verb(
        "parenthetical-before",
        110,
        [VERB.pattern(edge(CUE, "<++", "clause"), DEP="parataxis")],
        contents.after_parenthetical,
        checked=PROPOSITION_CHECKS,
    ),
    # "Y, according to X", "According to X, Y"
    Rule(
        name="according-to",
        priority=200,
        cue=ACCORDING,
        patterns=[ACCORDING.pattern(edge(CUE, ".", "to", LOWER="to"))],
        content=contents.according_side,
        source=subjects.of_according,
        settle=contents.settle_quotes,
        checks=(checks.sourced, checks.three_characters, checks.proposition),
        according=True,
    ),
    # "X's claim that Y"
    Rule(
        name="noun-clause",
        priority=300,
        cue=NOUN,
        patterns=[
            NOUN.pattern(
                child("clause", DEP=one_of(["acl", "ccomp", "relcl"])),
                child("mark", of="clause", DEP="mark", LOWER=CLAUSE_MARK),
            )
        ],
        content=contents.first_clause,
        source=subjects.of_noun,
        settle=contents.settle_quotes,
    ),
    # "X's support for Y", "X voiced concern about Y"
    Rule(
        name="noun-preposition",
        priority=310,
        cue=NOUN,
        patterns=per_preposition(NOUN, NOUN_PREPOSITIONS, prepositional_object),
        content=contents.first_object,
        source=subjects.of_noun_or_verb,
        settle=contents.settle_trim,
        checks=(checks.sourced,),
    ),
    # "X is confident that Y"
    Rule(
        name="adjective-clause",
        priority=400,
        cue=ADJECTIVE,
        patterns=[
            ADJECTIVE.pattern(
                child("clause", DEP="ccomp"),
                head("verb"),
                child("subject", of="verb", DEP="nsubj"),
            )
        ],
        content=contents.first_clause,
        source=subjects.of_adjective,
        settle=contents.settle_quotes,
    ),
    # "the fallout appears significant" (no source: the writer's)
    Rule(
        name="inference",
        priority=500,
        cue=INFERENCE,
        patterns=[
            INFERENCE.pattern(
                child("subject", DEP="nsubj", LOWER={"NOT_IN": ["it"]}),
                edge(CUE, ">++", "complement", DEP=one_of(["xcomp", "acomp", "attr", "oprd"])),
            )
        ],
        content=contents.subject_and_complement,
        source=subjects.nobody,
        settle=contents.settle_trim,
        when=(not_over_a_cue,),
    ),
)
"""Every rule on the parse, in order of priority."""
