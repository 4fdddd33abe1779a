"""Claims: the patterns of attribution, one case each."""

from __future__ import annotations

import pytest

from services.core.records import Claim
from services.enricher.analysis import analyse


def claims(text: str) -> list[Claim]:
    found = analyse(text).claims
    for c in found:  # every span is a slice of the text
        assert text[c.content.start : c.content.end] == c.content.text
        if c.cue is not None:
            assert text[c.cue.start : c.cue.end] == c.cue.text
        if c.source is not None and c.source.start is not None:
            assert text[c.source.start : c.source.end] == c.source.text
    return found


def only(text: str) -> Claim:
    found = claims(text)
    assert len(found) == 1, [(c.cue and c.cue.text, c.content.text) for c in found]
    return found[0]


def test_said_that() -> None:
    c = only("The minister said that the bridge would reopen in March.")
    assert c.source is not None and c.source.text == "The minister"
    assert c.cue is not None and (c.cue.text, c.cue.lemma) == ("said", "say")
    assert c.content.text == "that the bridge would reopen in March"
    assert c.kind == "indirect" and c.parent is None


def test_content_before_the_cue() -> None:
    c = only("The convoy was hit near the border, two officials said.")
    assert c.source is not None and c.source.text == "two officials"
    assert c.content.text == "The convoy was hit near the border"


def test_direct_quotation_with_inverted_cue() -> None:
    c = only("\u201cWe will not give up,\u201d the mayor said.")
    assert c.kind == "direct" and c.content.text == "\u201cWe will not give up,\u201d"
    assert c.source is not None and c.source.text == "the mayor"


def test_a_quotation_goes_on_in_the_next_paragraph() -> None:
    text = (
        "\u201cThe roads are closed,\u201d Maria Lopez told reporters.\n\n"
        "\u201cNobody should travel until the storm has passed.\u201d\n\n"
        "The weather improved on Friday."
    )
    found = claims(text)
    assert len(found) == 2
    assert {c.source.text for c in found if c.source} == {"Maria Lopez"}
    assert found[1].content.text.startswith("\u201cNobody should travel")


def test_a_quotation_of_several_sentences_is_one_content() -> None:
    text = "\u201cThe dam held. The town is safe,\u201d said the engineer."
    c = only(text)
    assert c.kind == "direct" and c.content.text == "\u201cThe dam held. The town is safe,\u201d"


def test_a_quotation_goes_on_after_the_cue_and_its_clause() -> None:
    text = (
        "\u201cWe can rebuild,\u201d Ana Ruiz said, pointing at the school. "
        "\u201cBut not before the winter comes.\u201d"
    )
    said = [c for c in claims(text) if c.cue and c.cue.lemma == "say"]
    assert [c.content.text[:8] for c in said] == ["\u201cWe can ", "\u201cBut not"]
    assert all(c.source is not None and c.source.text == "Ana Ruiz" for c in said)


def test_a_partial_quotation_goes_on_in_the_next_sentence() -> None:
    text = 'The talks achieved "too little," he added. "Europe risks a great deal."'
    added = [c for c in claims(text) if c.cue and c.cue.lemma == "add"]
    assert [c.content.text for c in added] == [
        'The talks achieved "too little,"',
        '"Europe risks a great deal."',
    ]


def test_a_colon_after_the_cue_opens_the_rest_of_the_paragraph() -> None:
    text = "The senator told reporters on Monday: It is over. The votes are not there.\n\nNext."
    c = only(text)
    assert c.source is not None and c.source.text == "The senator"
    assert c.content.text == "It is over. The votes are not there"


def test_a_quotation_of_several_paragraphs_after_a_colon() -> None:
    text = (
        "The mayor wrote:\n\n"
        "\u201cThe river rose overnight.\n\n"
        "\u201cEvery street by the bank was flooded by dawn.\u201d\n\n"
        "The water fell on Sunday."
    )
    wrote = next(c for c in claims(text) if c.cue and c.cue.lemma == "write")
    assert wrote.content.text.startswith("\u201cThe river rose")
    assert wrote.content.text.endswith("flooded by dawn.\u201d")


def test_a_quotation_signed_with_a_dash() -> None:
    text = "\u201cThe clinic saved my son.\u201d \u2015 Maria Lopez, 34, Phoenix"
    c = only(text)
    assert c.cue is not None and c.cue.text == "\u2015"
    assert c.source is not None and c.source.text == "Maria Lopez"
    assert c.content.text == "\u201cThe clinic saved my son.\u201d"


def test_a_cue_after_a_quotation_the_parser_left_alone() -> None:
    text = "\u201cWe were wrong from the start,\u201d Ramos, 58, told me."
    c = only(text)
    assert c.cue is not None and c.cue.text == "told"
    assert c.source is not None and (c.source.text, c.source.name) == ("Ramos, 58", "Ramos")


def test_a_cue_in_the_middle_of_its_content() -> None:
    text = "Since the floods, Barden says, far too many homes have been lost."
    c = only(text)
    assert c.source is not None and c.source.text == "Barden"
    assert c.content.text == "far too many homes have been lost"


def test_two_apostrophes_make_a_quotation_mark() -> None:
    text = "''Our jobs are leaving,'' Mr. Hale said. ''That is the big problem.''"
    said = claims(text)
    assert [c.content.text for c in said] == [
        "''Our jobs are leaving,''",
        "''That is the big problem.''",
    ]
    assert all(c.kind == "direct" and c.source and c.source.text == "Mr. Hale" for c in said)


def test_a_poll_shows_its_object_with_what_comes_with_it() -> None:
    c = only("A new poll shows Clinton with an 8-point lead over Trump.")
    assert c.source is not None and c.source.text == "A new poll"
    assert c.content.text == "Clinton with an 8-point lead over Trump"


def test_a_source_after_its_cue_keeps_its_apposition() -> None:
    c = only("\u201cWe will win,\u201d said Senator Tim Scott, Republican of South Carolina.")
    assert c.source is not None
    assert c.source.text == "Senator Tim Scott, Republican of South Carolina"


def test_called_with_the_object_hung_on_the_predicate() -> None:
    c = only('Clinton called Trump a "pathological liar" who is "utterly amoral."')
    assert c.content.text == 'Trump a "pathological liar" who is "utterly amoral."'


def test_a_cued_object_keeps_the_clause_that_belongs_to_it() -> None:
    c = only("Clinton cited remarks Trump had made about Machado as examples of disrespect.")
    assert c.content.text.startswith("remarks Trump had made")


def test_a_cue_the_parser_put_under_its_own_content_is_dropped() -> None:
    text = (
        "But Megan Hester, senior associate at the Annenberg Institute for School Reform, "
        "said parents still want neighborhood schools."
    )
    c = only(text)
    assert c.cue is not None and c.cue.lemma == "say"
    assert c.content.text == "parents still want neighborhood schools"


def test_a_quotation_right_after_a_paraphrase_keeps_its_source() -> None:
    text = 'Carson said that 100,000 would be accepted. "That adds up over two years."'
    said = claims(text)
    assert [c.content.text for c in said] == [
        "that 100,000 would be accepted",
        '"That adds up over two years."',
    ]
    assert all(c.source is not None and c.source.text == "Carson" for c in said)


def test_a_title_in_quotation_marks_is_not_a_claim() -> None:
    c = only("Pence said on \u201cFox News Sunday\u201d that the plan works.")
    assert c.content.text == "that the plan works"


def test_appears_marks_an_inference_without_a_named_source() -> None:
    c = only("The political fallout appears significant.")
    assert c.source is None and c.cue is not None and c.cue.lemma == "appear"
    assert c.content.text == "The political fallout appears significant"


def test_according_to() -> None:
    c = only("According to the health ministry, 42 people were injured.")
    assert c.kind == "according_to" and c.cue is not None and c.cue.lemma == "according to"
    assert c.source is not None and c.source.text == "the health ministry"
    assert c.content.text == "42 people were injured"


def test_a_pronoun_source_resolves_to_the_person_before_it() -> None:
    text = "Angela Merkel visited the plant on Monday. She said that jobs were safe."
    c = only(text)
    assert c.source is not None and c.source.text == "She"
    assert c.source.name == "Angela Merkel" and c.source.entity_id is not None


def test_passive_report_has_no_source() -> None:
    c = only("It was reported that the dam had been breached.")
    assert c.source is None and c.content.text == "that the dam had been breached"


def test_hedges() -> None:
    c = only("Police said the suspect had reportedly fled to Spain.")
    assert c.hedges == ["reportedly"]


def test_nested_claim_has_a_parent() -> None:
    found = claims("The newspaper reported that a senator said that the vote was rigged.")
    outer = next(c for c in found if c.cue and c.cue.lemma == "report")
    inner = next(c for c in found if c.cue and c.cue.lemma == "say")
    assert inner.parent == outer.claim_id and outer.parent is None


def test_headline_colon() -> None:
    c = only("Kerry: Refugee numbers will rise next year")
    assert c.cue is not None and c.cue.text == ":"
    assert c.source is not None and c.source.text == "Kerry"


def test_a_headline_colon_after_a_source_noun() -> None:
    c = only("Poll: Wealthy voters abandon the party")
    assert c.source is not None and c.source.text == "Poll"
    assert c.content.text == "Wealthy voters abandon the party"


def test_a_transcript_turn_is_the_speaker_s_whole_paragraph() -> None:
    text = "PENCE: Well, look. This is serious business. We will win.\n\nWALLACE: Thank you."
    turns = claims(text)
    assert [(c.source.text if c.source else None, c.content.text) for c in turns] == [
        ("PENCE", "Well, look. This is serious business. We will win"),
        ("WALLACE", "Thank you"),
    ]


def test_mixed_quotation_marks_still_pair() -> None:
    text = '\u201cOur bridges are crumbling," she said. "The grid fails in storms.\u201d'
    said = claims(text)
    assert [c.content.text for c in said] == [
        '\u201cOur bridges are crumbling,"',
        '"The grid fails in storms.\u201d',
    ]


def test_a_paragraph_opened_with_a_closing_mark_and_signed_after_a_no_break_space() -> None:
    text = "\u201dHe represents our greatest shame.\u201d \u2015\u00a0Steve Quinlan."
    c = only(text)
    assert c.kind == "direct" and c.source is not None and c.source.text == "Steve Quinlan"


def test_belief_adjective() -> None:
    c = only("The coach is confident that the team will win.")
    assert c.source is not None and c.source.text == "The coach"
    assert c.content.text == "that the team will win"


@pytest.mark.parametrize(
    "text",
    [
        "The bridge reopened in March.",
        "He said nothing.",
        "\u201cLoading\u2026\u201d",
        "",
    ],
)
def test_no_attribution_no_claim(text: str) -> None:
    assert claims(text) == []


def test_check_worthiness_prefers_facts_to_questions() -> None:
    fact = only("Officials said that 1,200 troops crossed the border in Kursk on Tuesday.")
    question = only("He asked whether anyone cared?")
    assert fact.check_worthiness > 0.6 > question.check_worthiness


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("WASHINGTON -- President Obama said the talks would resume on Monday.", "President Obama"),
        (
            "Trump, speaking to a veterans group in Virginia, said the system was broken.",
            "Trump",
        ),
        ("Hillary Clinton, like Obama, has said that the deal is good.", "Hillary Clinton"),
        (
            "Scott Pruitt, the attorney general of Oklahoma, said the rule was unlawful.",
            "Scott Pruitt, the attorney general of Oklahoma",
        ),
        (
            "Victor Cha, who served at the National Security Council, said talks were futile.",
            "Victor Cha, who served at the National Security Council",
        ),
    ],
)
def test_a_source_without_its_dateline_participle_or_comparison(text: str, source: str) -> None:
    c = only(text)
    assert c.source is not None and c.source.text == source


def test_a_gerund_after_by_has_the_clauses_subject_as_source() -> None:
    c = only("The governor responded by saying that the budget was balanced.")
    assert c.source is not None and c.source.text == "The governor"
    assert c.cue is not None and c.cue.lemma == "say"
    assert c.content.text == "that the budget was balanced"


def test_a_gerund_after_for_is_not_its_clauses_subject_speaking() -> None:
    found = claims("The senator was criticised for saying that the budget was balanced.")
    assert all(c.source is None or c.source.text != "The senator" for c in found)


def test_a_clause_the_parser_hung_on_a_gerund_is_the_content() -> None:
    c = only("Manny Gomez said seeing so many police officers at Pride was a welcome sight.")
    assert c.source is not None and c.source.text == "Manny Gomez"
    assert c.cue is not None and c.cue.text == "said"
    assert c.content.text == "seeing so many police officers at Pride was a welcome sight"


def test_a_cue_inside_a_relative_clause_says_what_follows_it() -> None:
    found = claims("Trump cited Obama-Clinton policies, which he said had harmed the economy.")
    cited, said = sorted(found, key=lambda c: c.cue.start if c.cue else 0)
    assert said.source is not None and said.source.text == "he"
    assert said.cue is not None and said.cue.text == "said"
    assert said.content.text == "had harmed the economy"
    assert said.parent == cited.claim_id


def test_a_relative_clause_cue_with_its_whole_clause_before_it() -> None:
    # the parser makes "said" a relative clause of "culture", its clause all before it
    text = (
        "\u201cThis is a culture in which, if one person is really boring and the other "
        "person is really amusing, the amusing person gains ground,\u201d he said. GOP "
        "nominees Sen. John McCain,\xa0\xa0R-Ariz., and former Massachusetts Gov. Mitt Romney "
        "\u201cwere stiff. They weren\u2019t fun. There was no joy\u201d in comparison to "
        "Obama, Gingrich said."
    )
    first = min(claims(text), key=lambda c: c.content.start)
    assert first.source is not None and first.source.text == "he"
    assert first.content.text.startswith("\u201cThis is a culture in which")
