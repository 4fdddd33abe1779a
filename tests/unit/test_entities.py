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
