"""Every attribution of one parsed article, as ``Claim`` records.

The rules of ``rules.py`` over spaCy's parse (cue verbs, "according to", cue nouns and
adjectives, inferences), the text-level finders: headline colons (``colon.py``),
quotations signed with a dash (``dashes.py``), then quotations no rule reached
(``quotes.py``). Their findings are merged (one claim per
content and cue), and each gets its source resolved to an entity (``sources.py``), a kind,
its hedges (``hedges.py``), the claim it is nested in (``parent``: the smallest other claim
whose content holds its cue), and a check-worthiness score (``worthiness.py``). Embedded
posts become claims of kind ``embed`` whose source is the post's author.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ...core.ids import stable_id
from ...core.records import Claim, ClaimSource, Cue, Embed, Entity, Span
from ..pipeline import nlp
from . import quotes
from .checks import CLASS_CHECKS
from .colon import RULE as COLON_RULE
from .colon import colon
from .cues import RELATIVE
from .dashes import RULE as DASH_RULE
from .dashes import dashed
from .found import Found, Page
from .hedges import hedges
from .matching import find
from .quotes import quotations
from .rules import RULES
from .sources import Mention, mentions, resolve
from .spans import has_quote, is_quoted, quotes_of, text_of, token_span, trim
from .worthiness import check_worthiness

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

NAME_PARTS = ("compound", "poss", "appos")
"""Children of a source's head that name it: "the WSJ report", "spokesman ... John Kirby"."""

NEST_WINDOW = 64
"""Claims starting before a cue that may hold it (nesting is local)."""

TEXT_FINDERS = (colon, dashed)
TEXT_RULES = (COLON_RULE, DASH_RULE, quotes.IN_SENTENCE, quotes.SIGNED_AFTER, quotes.CONTINUED)
EMBED_RULE = "embed"
RULE_NAMES = (*(rule.name for rule in RULES), *TEXT_RULES, EMBED_RULE)
"""Every name a claim's ``rule`` can have: the rule table's, then the text-level finders'."""


def extract_claims(
    doc: Doc,
    entities: Sequence[Entity],
    embeds: Sequence[Embed] = (),
    posts: Sequence[Doc] = (),
) -> list[Claim]:
    """The claims of ``doc`` (its entities link sources), then one per embedded post
    (``posts``: the posts' parsed texts, in order; the author's entity, when ``entities``
    has it, is the claim's source)."""
    text = text_of(doc)
    page = Page(text, quotes_of(doc))
    found = find(doc, page) + [f for finder in TEXT_FINDERS for f in finder(doc, page)]
    found = _merged(_kept(page, doc, found))
    found = _untangled(_merged(found + _kept(page, doc, quotations(doc, page, found))))
    found.sort(key=lambda f: (f.content[0], f.cue or (0, 0)))
    known = mentions([e for e in entities if e.embed is None])
    drafts = [_claim(doc, f, page.quotes, known) for f in found]
    claims = _nest(drafts, found)
    parsed = list(posts) if posts else [nlp()(e.text) for e in embeds]
    pairs = enumerate(zip(embeds, parsed, strict=True))
    claims += [_embed_claim(i, e, post, entities) for i, (e, post) in pairs]
    return claims


def _kept(page: Page, doc: Doc, found: list[Found]) -> list[Found]:
    """The findings that pass the checks every finding must pass (``checks.py``)."""
    return [f for f in found if all(check(page, doc, f) for check in CLASS_CHECKS)]


def _merged(found: list[Found]) -> list[Found]:
    """One finding per attribution: later twins (same cue token, or same cue and mostly
    the same content) are dropped. Indexed by cue, so linear in the findings."""
    kept: list[Found] = []
    by_token: dict[int, list[Found]] = defaultdict(list)
    by_cue: dict[tuple[int, int] | None, list[Found]] = defaultdict(list)
    for f in found:
        candidates = (by_token[f.cue_token] if f.cue_token is not None else []) + by_cue[f.cue]
        if any(_same(k, f) for k in candidates):
            continue
        kept.append(f)
        if f.cue_token is not None:
            by_token[f.cue_token].append(f)
        by_cue[f.cue].append(f)
    return kept


def _untangled(found: list[Found]) -> list[Found]:
    """Without the later of two findings whose contents hold each other's cues: the
    parser took "X said parents want Y" for "parents want (X said)". Looks at most at
    ``NEST_WINDOW`` cues inside each content (bounded work)."""
    cued = sorted((f.cue[0], i) for i, f in enumerate(found) if f.cue is not None)
    starts = [start for start, _ in cued]
    dropped: set[int] = set()
    for i, f in enumerate(found):
        if f.cue is None:
            continue
        first = bisect_left(starts, f.content[0])
        for cue_start, j in cued[first : first + NEST_WINDOW]:
            if cue_start >= f.content[1]:
                break
            other = found[j]
            inside = other.content[0] <= f.cue[0] < other.content[1]
            if j != i and inside and cue_start < f.cue[0]:
                dropped.add(i)
                break
    return [f for i, f in enumerate(found) if i not in dropped]


def _same(a: Found, b: Found) -> bool:
    overlap = min(a.content[1], b.content[1]) - max(a.content[0], b.content[0])
    shorter = min(a.content[1] - a.content[0], b.content[1] - b.content[0])
    if a.cue_token is not None and a.cue_token == b.cue_token:
        return overlap > 0
    return a.cue == b.cue and overlap > 0.8 * shorter


def _claim(doc: Doc, f: Found, quotes: list[tuple[int, int]], known: list[Mention]) -> Claim:
    text = text_of(doc)
    start, end = f.content
    source = None
    if f.source is not None:
        heads: list[tuple[int, int]] = []
        antecedent = None
        if f.source_token is not None:
            tok = doc[f.source_token]
            names = [c for c in tok.children if c.dep_ in NAME_PARTS]
            heads = [(t.idx, t.idx + len(t.text)) for t in [tok, *names]]
            antecedent = _antecedent(tok)
        source = resolve(text, f.source, heads, known, antecedent)
    cue = None
    if f.cue is not None:
        cue = Cue(start=f.cue[0], end=f.cue[1], text=text[f.cue[0] : f.cue[1]], lemma=f.lemma or "")
    if f.according:
        kind = "according_to"
    elif is_quoted(text, start, end):
        kind = "direct"
    elif has_quote(text, start, end, quotes):
        kind = "mixed"
    else:
        kind = "indirect"
    hedged = hedges(doc, f.cue_token, f.content)
    named = source is not None and source.entity_id is not None
    return Claim(
        claim_id=stable_id("claim", str(start), str(end), str(f.cue[0] if f.cue else -1)),
        source=source,
        cue=cue,
        content=Span(start=start, end=end, text=text[start:end]),
        kind=kind,
        rule=f.rule,
        hedges=hedged,
        check_worthiness=check_worthiness(doc, f.content, named, bool(hedged)),
    )


def _antecedent(pronoun: Token) -> tuple[int, int] | None:
    """What a relative pronoun subject stands for: "a blogger who says" -> "a blogger"."""
    clause = pronoun.head
    if pronoun.lower_ not in RELATIVE or clause.dep_ != "relcl":
        return None
    own = {t.i for t in clause.subtree}
    tokens = [t for t in clause.head.subtree if t.i not in own and t.i < clause.left_edge.i]
    return trim(text_of(pronoun.doc), *token_span(tokens)) if tokens else None


def _nest(claims: list[Claim], found: list[Found]) -> list[Claim]:
    """Each claim's parent: the smallest other claim whose content holds its cue. Claims
    are sorted by content start; a holder starts at or before the cue, and only the
    ``NEST_WINDOW`` claims starting just before it are looked at (bounded work)."""
    starts = [c.content.start for c in claims]
    out = []
    for claim, f in zip(claims, found, strict=True):
        anchor = f.cue or f.content
        own = f.content[1] - f.content[0]
        last = bisect_right(starts, anchor[0])
        best: tuple[int, str] | None = None
        for other in claims[max(0, last - NEST_WINDOW) : last]:
            size = other.content.end - other.content.start
            if other is not claim and anchor[1] <= other.content.end and size > own:
                best = min(best, (size, other.claim_id)) if best else (size, other.claim_id)
        out.append(claim.model_copy(update={"parent": best[1]}) if best else claim)
    return out


def _embed_claim(index: int, embed: Embed, post: Doc, entities: Sequence[Entity]) -> Claim:
    who = " ".join(p for p in (embed.author, f"({embed.handle})" if embed.handle else None) if p)
    author = next(
        (e for e in entities if e.embed == index and e.name == (embed.author or "").strip()),
        None,
    )
    return Claim(
        claim_id=stable_id("embed", str(index), embed.text),
        source=ClaimSource(
            text=who or embed.platform,
            name=embed.author or embed.handle,
            entity_id=author.entity_id if author is not None else None,
        ),
        cue=None,
        content=Span(start=0, end=len(embed.text), text=embed.text),
        kind="embed",
        rule=EMBED_RULE,
        hedges=[],
        check_worthiness=check_worthiness(post, (0, len(post.text)), True, False),
        embed=index,
    )
