"""Claims of the seed article: the attributions a careful reader finds, with their sources;
and the entities of its embedded post."""

from __future__ import annotations

from functools import lru_cache

from services.core.records import Article, Claim
from services.enricher.analysis import Analysis, analyse
from services.normalizer.transform import normalize
from tests.conftest import seed_article


@lru_cache(maxsize=1)
def analysed() -> tuple[Article, Analysis]:
    article = normalize(seed_article())
    return article, analyse(article.text, article.title, article.embeds)


def seed() -> tuple[Article, list[Claim]]:
    article, analysis = analysed()
    return article, analysis.claims


def by_cue(text: str) -> list[Claim]:
    return [c for c in seed()[1] if c.cue is not None and c.cue.text == text]


def one(cue: str, content_start: str) -> Claim:
    found = [c for c in by_cue(cue) if c.content.text.lstrip("\u201c").startswith(content_start)]
    assert len(found) == 1, (cue, content_start, [c.content.text for c in by_cue(cue)])
    return found[0]


def test_offsets_are_slices_of_the_text() -> None:
    article, claims = seed()
    for c in claims:
        text = article.embeds[c.embed].text if c.embed is not None else article.text
        assert text[c.content.start : c.content.end] == c.content.text
        if c.cue is not None:
            assert article.text[c.cue.start : c.cue.end] == c.cue.text
        if c.source is not None and c.source.start is not None:
            assert article.text[c.source.start : c.source.end] == c.source.text
        assert 0.0 <= c.check_worthiness <= 1.0
    assert len({c.claim_id for c in claims}) == len(claims)


def test_western_officials_claimed() -> None:
    c = one("have claimed", "that a senior North Korean general was recently wounded")
    assert c.source is not None and c.source.text == "Western officials"
    assert c.kind == "indirect" and c.cue is not None and c.cue.lemma == "claim"
    assert c.content.text.endswith("Kursk region")


def test_the_journal_wrote_and_continued() -> None:
    wrote = one("wrote", "It is the first time Western officials")
    assert wrote.kind == "direct" and wrote.source is not None
    assert wrote.source.name == "The Wall Street Journal" and wrote.source.entity_id
    first, second = sorted(by_cue("continued"), key=lambda c: c.content.start)
    assert first.content.text.startswith("\u201cWestern officials didn\u2019t disclose")
    assert second.content.text.startswith("\u201cNorth Korea\u2019s mission to the United Nations")
    for c in (first, second):  # the second quotation keeps the source of the first
        assert c.kind == "direct" and c.source is not None and c.source.text == "WSJ"
        assert c.source.name == "The Wall Street Journal"
        assert c.source.entity_id == wrote.source.entity_id


def test_a_claim_inside_a_quotation_is_nested() -> None:
    wrote = one("wrote", "It is the first time")
    said = one("have said", "that a high-ranking North Korean military officer")
    assert said.parent == wrote.claim_id
    assert said.source is not None and said.source.text == "Western officials"


def test_recent_reports_have_alleged_twice() -> None:
    first = one("have separately alleged", "that thousands of North Korean troops")
    second = one("have also alleged", "that in return for sending troops")
    assert first.source is not None and first.source.text == "Recent international reports"
    assert second.source is not None and second.source.text == "Recent reports"
    assert "alleged" in first.hedges and "alleged" in second.hedges


def test_kirby_warned_partly_in_his_words() -> None:
    c = one("warned", "that any North Korean troops fighting in Ukraine")
    assert c.kind == "mixed" and c.content.text.endswith("\u201cfair game and fair targets.\u201d")
    assert c.source is not None and c.source.name == "John Kirby"


def test_the_report_cites_a_blogger_who_says() -> None:
    cites = one("cites", "a Russian blogger who says")
    says = one("says", "North Koreans were present")
    assert cites.source is not None and cites.source.name == "The Wall Street Journal"
    assert says.parent == cites.claim_id
    assert says.source is not None and says.source.text == "who"
    assert says.source.name == "a Russian blogger"


def test_according_to_videos_and_the_official_website() -> None:
    videos = one("according to", "The Storm Shadows launched Wednesday struck an estate")
    assert videos.kind == "according_to" and videos.source is not None
    assert videos.source.text.startswith("videos geolocated by the Center for Information")
    website = one("according to", "The estate contains vast gardens")
    assert website.source is not None and website.source.text == "its official website"


def test_no_content_across_a_paragraph_break_no_bare_noun_phrase_no_non_response() -> None:
    # the colon after "to urge limitless support for Kiev" introduced the embedded post,
    # which the normalizer cut out: the next paragraph is not what the officials urge
    assert [c.content.text for c in by_cue("to urge")] == ["limitless support for Kiev"]
    assert by_cue("was vaguely described") == []  # "the incident" is no proposition
    assert by_cue("didn\u2019t immediately respond") == []  # to a request for comment


def test_the_embedded_post_is_attributed_to_its_author() -> None:
    article, claims = seed()
    embeds = [c for c in claims if c.kind == "embed"]
    assert len(embeds) == 1 and embeds[0].embed == 0
    assert embeds[0].source is not None and embeds[0].source.name == "Damian Boeselager"
    assert embeds[0].content.text == article.embeds[0].text
    assert "(@d_boeselager)" in embeds[0].source.text


def test_the_embedded_post_has_entities_for_its_author_and_the_people_it_names() -> None:
    article, analysis = analysed()
    post = article.embeds[0].text
    embedded = {e.name: e for e in analysis.entities if e.embed == 0}
    assert embedded["Damian Boeselager"].type == "PERSON"
    assert embedded["Orb\u00e1n"].type == "PERSON"
    assert all(post[m.start : m.end] == m.text for e in embedded.values() for m in e.mentions)
    [claim] = [c for c in analysis.claims if c.kind == "embed"]
    assert claim.source is not None
    assert claim.source.entity_id == embedded["Damian Boeselager"].entity_id
    assert "Orb\u00e1n" not in {e.name for e in analysis.entities if e.embed is None}
