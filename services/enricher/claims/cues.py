"""The words that introduce an attribution (cues), by how they take their content.

Verbs take their content as a clause ("said that ...", "..., sources said"); some also as
an object ("cited the infusion of troops", "denied the report") or an infinitive ("vowed
to retaliate", "urged Kiev to ..."). Nouns take it as a clause ("the claim that ...").
The lists are newswire's own, from the reporting and cognition verbs of English grammars.
"""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    """A word list written as text."""
    return frozenset(text.split())


SPEECH = words(
    """
    say tell claim allege warn write report state announce add continue note argue insist
    deny confirm acknowledge admit explain suggest assert contend maintain declare
    promise vow pledge threaten urge ask describe cite tweet post testify indicate reveal
    disclose complain conclude concede emphasize emphasise stress observe remark reply
    respond answer counter charge caution predict propose recommend signal hint imply
    speculate question agree disagree recall accuse blame boast brag joke quip lament
    mention repeat reiterate retort shout yell scream whisper mutter announce proclaim
    affirm assure contradict dispute estimate forecast guarantee hail praise criticize
    criticise slam blast decry condemn dismiss reject rebut refute notice point show
    find learn hear read demand order advise plead beg request inform notify remind
    convince persuade pronounce rule testify characterize characterise label brand
    support back endorse oppose favor favour prefer thank congratulate mock tout discuss
    express call applaud welcome attack refer vote hint
    """
)
"""Verbs of saying and reporting."""

COGNITION = words(
    """
    think believe know expect hope fear worry feel doubt suspect suppose guess assume
    reckon imagine wonder understand realize realise recognize recognise consider
    presume figure bet trust want wish see remember
    """
)
"""Verbs of thinking: an internal state attributed to someone is an attribution too."""


OBJECT_CONTENT = words(
    """
    cite deny confirm announce predict propose recommend reject dispute dismiss rebut
    refute denounce condemn criticize criticise praise hail acknowledge admit reveal
    disclose report describe demand urge question blame estimate forecast promise
    pledge vow support back endorse oppose favor favour prefer thank congratulate mock tout
    mention discuss express tweet list name call applaud welcome attack show regard say
    write post repeat defend echo challenge highlight note reference
    """
)
"""Verbs whose direct object is what is claimed ("denied the report")."""

INFINITIVE_CONTENT = words(
    """
    promise vow pledge threaten refuse want plan decline urge ask hope expect intend
    claim vote tell encourage
    """
)
"""Verbs whose infinitive complement is what is claimed ("vowed to retaliate")."""

PREPOSITION_CONTENT = {
    "call": ("for", "on"),
    "vote": ("for", "against"),
    "refer": ("to",),
    "warn": ("of", "about", "against"),
    "ask": ("about",),
    "hint": ("at",),
    "talk": ("about",),
    "write": ("about",),
    "speak": ("about", "of"),
    "complain": ("about", "of"),
    "argue": ("for", "against"),
    "comment": ("on",),
    "boast": ("about", "of"),
    "worry": ("about",),
    "apologize": ("for",),
    "apologise": ("for",),
    "focus": ("on",),
    "respond": ("to",),
    "reply": ("to",),
    "point": ("to",),
    "push": ("for",),
    "campaign": ("for", "against"),
}
"""Verbs whose content is a prepositional object ("called for a ban")."""

VERBS = SPEECH | COGNITION | OBJECT_CONTENT | INFINITIVE_CONTENT | frozenset(PREPOSITION_CONTENT)
"""Every cue verb."""

ADJECTIVES = words(
    """
    optimistic pessimistic confident sure certain convinced worried concerned hopeful
    aware afraid skeptical sceptical adamant clear insistent doubtful positive
    """
)
"""Adjectives of belief with a clause ("X is confident that Y")."""

NOUN_PREPOSITIONS = {
    "support": ("for",),
    "criticism": ("of",),
    "call": ("for",),
    "attack": ("on", "against"),
    "question": ("about",),
    "concern": ("about", "over"),
    "comment": ("on", "about"),
    "statement": ("on", "about"),
    "remark": ("on", "about"),
    "warning": ("about", "of", "against"),
    "praise": ("for", "of"),
    "endorsement": ("of",),
    "opposition": ("to",),
    "view": ("on", "of"),
    "position": ("on",),
    "stance": ("on",),
    "plea": ("for",),
    "demand": ("for",),
}
"""Cue nouns whose content is a prepositional object ("her support for Sanders")."""

SHORT_CONTENT = frozenset({"so", "yes", "no", "otherwise", "this", "that", "nothing", "same"})
"""One-word contents that stand for a clause ("55 percent said so")."""

PASSIVE_SUBJECT = frozenset({"describe", "report", "allege", "claim", "rumor", "rumour"})
"""Verbs whose passive subject is what is claimed ("the incident was described to X")."""

NOUNS = words(
    """
    claim statement report allegation assertion warning announcement belief view
    argument suggestion accusation contention insistence admission denial prediction
    promise pledge assurance comment remark testimony conclusion finding estimate
    fear hope rumor rumour speculation suspicion charge
    """
)
"""Nouns that carry a claim in a "that" clause ("the claim that ...")."""

SOURCE_NOUNS = words(
    """
    poll survey study report analysis source official expert spokesman spokeswoman
    """
)
"""Common nouns that stand for a source before a headline's colon ("Poll: ...")."""

NOT_SOURCES = words(
    "correction update editor note related read watch photo video credit disclosure listen see"
)
"""Labels before a colon that name no one ("Correction: ...", "Related: ...")."""

EVIDENTIAL = words("seem appear")
"""Verbs that mark a statement as inference ("the fallout appears significant")."""

TITLE_LOWER = words("a an the of on in and for to with at or")
"""Words a title in quotation marks leaves uncapitalised ("“Keeping Up with the Joneses”")."""

SOURCE_PREPOSITIONS = {"according": "to"}
"""Prepositional cues: "according to X"."""

PRONOUNS = {
    "he": ("PERSON",),
    "she": ("PERSON",),
    "him": ("PERSON",),
    "her": ("PERSON",),
    "they": ("ORG", "NORP", "PERSON", "GPE"),
    "it": ("ORG", "GPE"),
    "we": ("ORG", "NORP", "GPE"),
}
"""Pronouns a source may be, and the entity types each can refer to (nearest first)."""

RELATIVE = frozenset({"who", "which", "that", "whom"})

PERSONAL = frozenset({"me", "you", "him", "her", "us", "them", "it", "i"})
"""Objects that are an addressee or a pronoun, not a content."""

CLAUSE_SPEECH = words("say tell claim write argue insist add note")
"""Verbs whose content is a clause, not an action they do ("said legalizing it ...")."""

BY_DOING = words("by after before while when upon in besides")
"""Prepositions whose gerund's subject is the clause's: "X began by saying Y" (not "for":
"X was criticised for saying Y")."""

RESPONDING = words("respond reply answer comment return")
"""Cues that, negated, say someone did not respond ("didn't respond to a request for
comment", "had no comment on")."""

REFUSING = words("decline refuse")
"""Cues of refusing: with a verb of speaking after them ("declined to comment"), a
refusal to comment."""

WITHHELD = words(
    """
    comment elaborate say discuss answer respond reply speculate confirm deny disclose
    specify detail explain talk speak reveal identify address
    """
)
"""What someone who refuses to comment does not do."""

FORWARD = words("following this these")
"""Objects that point to what follows a colon ("wrote the following:")."""

ADDRESSING = words("tell ask inform remind assure notify warn")
"""Cue verbs whose object is the addressee ("told reporters:")."""
