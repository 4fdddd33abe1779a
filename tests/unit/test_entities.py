"""Entities of the seed article: the model, corrected by the rule layer, aliases merged."""

from __future__ import annotations

from services.enricher.entities import extract_entities
from services.normalizer.transform import normalize
from tests.conftest import seed_article


def test_seed_article_entities() -> None:
    article = normalize(seed_article())
    entities = {e.name: e for e in extract_entities(article.text, article.title)}
    expected = {
        "John Kirby": "PERSON",
        "The Wall Street Journal": "ORG",
        "Storm Shadow": "WEAPON",
        "Kursk": "GPE",
        "Marino": "GPE",
        "Pyongyang": "GPE",
        "Kiev": "GPE",
        "North Korea": "GPE",
    }
    for name, kind in expected.items():
        assert name in entities and entities[name].type == kind, (name, entities.get(name))
    assert "WSJ" not in entities and "Loading" not in entities
    assert "North Korea\u2019s" not in entities
    wsj = entities["The Wall Street Journal"]
    assert any(m.text == "WSJ" for m in wsj.mentions) and wsj.count == len(wsj.mentions)
    shadows = entities["Storm Shadow"]
    assert {m.text for m in shadows.mentions} == {"Storm Shadows"}
    for entity in entities.values():
        for mention in entity.mentions:
            assert article.text[mention.start : mention.end] == mention.text
        assert 0 <= entity.salience <= 1
    assert entities["Kursk"].salience > entities["Pyongyang"].salience  # title, early, often


def test_surnames_join_the_full_name() -> None:
    text = "John Kirby said the talks would resume. Later, Kirby warned that time was short."
    people = [e for e in extract_entities(text) if e.type == "PERSON"]
    assert [(p.name, p.count) for p in people] == [("John Kirby", 2)]


def test_an_embedded_post_gets_the_entity_pass_marked_with_its_index() -> None:
    from services.core.records import Embed
    from services.enricher.analysis import analyse

    post = "President Biden met the chancellor in Berlin today."
    embeds = [Embed(platform="twitter", author="The White House", text=post)]
    analysis = analyse("The chancellor spoke in Berlin on Monday.", "", embeds)
    article = {e.name: e for e in analysis.entities if e.embed is None}
    embedded = {e.name: e for e in analysis.entities if e.embed == 0}
    assert set(embedded) >= {"Biden", "Berlin", "The White House"}
    for entity in embedded.values():  # the post's offsets, not the article's
        assert all(post[m.start : m.end] == m.text for m in entity.mentions)
    author = embedded["The White House"]
    assert (author.type, author.mentions, author.count) == ("ORG", [], 1)  # typed by NER
    assert article["Berlin"].entity_id != embedded["Berlin"].entity_id
    [claim] = analysis.claims
    assert claim.source is not None and claim.source.entity_id == author.entity_id


def test_an_author_named_in_the_post_is_one_entity() -> None:
    from services.core.records import Embed
    from services.enricher.entities import embed_entities
    from services.enricher.pipeline import nlp

    embed = Embed(platform="x", author="Angela Merkel", text="Angela Merkel thanks Germany.")
    entities = embed_entities(0, embed, nlp()(embed.text), nlp()(embed.author or ""))
    [merkel] = [e for e in entities if e.name == "Angela Merkel"]
    assert merkel.count == 2 and len(merkel.mentions) == 1 and merkel.embed == 0
