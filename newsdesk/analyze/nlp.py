"""Loading the spaCy pipeline once per process, with only the components analysis needs."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

# en_core_web_sm's NER carries its own tok2vec, so the shared tok2vec, tagger and parser only cost time here.
FAST_DISABLE = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")


def _load(model: str, exclude: list[str]) -> Language:
    import spacy
    from thinc.api import use_ops

    # numpy's BLAS runs the layers' matrix products about 3x faster than blis on AVX-512 machines
    with use_ops("numpy", use_blis=False):
        nlp = spacy.load(model, exclude=exclude)
    nlp.max_length = 2_000_000
    return nlp


@lru_cache(maxsize=4)
def load_nlp(model: str, fast: bool = True) -> Language:
    """Return the spaCy pipeline `model`, with everything but NER disabled when fast."""
    return _load(model, list(FAST_DISABLE) if fast else [])


# The quote pass needs dependencies only: no NER, no lemmas (cue verbs are matched by their inflected forms).
PARSER_KEEP = ("tok2vec", "tagger", "parser")


@lru_cache(maxsize=4)
def load_parser(model: str) -> Language:
    """Return the spaCy pipeline `model` with only tok2vec, tagger and parser, for the quote pass."""
    return _load(model, [n for n in (*FAST_DISABLE, "ner") if n not in PARSER_KEEP])
