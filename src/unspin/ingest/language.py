"""Language identification with py3langid, whose model ships inside the package."""

from __future__ import annotations

import re
from functools import lru_cache

_LETTERS = re.compile(r"[^\W\d_]")
#: Enough text to decide; identifying a whole long article adds time, not accuracy.
_SAMPLE = 500


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def identify(text: str) -> tuple[str | None, float | None]:
    """ISO 639-1 code and probability, or (None, None) for text too short to tell."""
    sample = text[:_SAMPLE]
    if len(_LETTERS.findall(sample, 0, 200)) < 20:
        return None, None
    lang, prob = _identifier().classify(sample)
    return lang, round(float(prob), 4)
