"""Find a span by the words it quotes, as W3C Web Annotation's TextQuoteSelector does.

A reviewer who cannot select text (no script, a terminal, another tool's
export) names a span by its exact words and either which occurrence is
meant or the words just before and after it. The quote must name exactly
one place: a choice the text does not settle is an error, not a guess.
"""

from __future__ import annotations


class QuoteError(ValueError):
    """Quoted words that do not name exactly one place in the text."""


def occurrences(text: str, exact: str) -> list[int]:
    found, at = [], text.find(exact)
    while at >= 0:
        found.append(at)
        at = text.find(exact, at + 1)
    return found


def locate(text: str, exact: str, prefix: str = "", suffix: str = "", occurrence: int | None = None) -> tuple[int, int]:
    """The ``[start, end)`` the selector names; QuoteError when it names none or several."""
    if not exact:
        raise QuoteError("give the words to mark")
    starts = [
        s for s in occurrences(text, exact)
        if text[:s].endswith(prefix) and text[s + len(exact):].startswith(suffix)
    ]
    if not starts:
        around = " with those words around it" if prefix or suffix else ""
        raise QuoteError(f"{_shown(exact)} is not in the text{around}")
    if occurrence is not None:
        if not 1 <= occurrence <= len(starts):
            raise QuoteError(f"{_shown(exact)} occurs {len(starts)} time(s); occurrence {occurrence} does not exist")
        start = starts[occurrence - 1]
    elif len(starts) > 1:
        raise QuoteError(f"{_shown(exact)} occurs {len(starts)} times: say which occurrence")
    else:
        start = starts[0]
    return start, start + len(exact)


def selector(text: str, start: int, end: int, context: int = 32) -> dict:
    """The TextQuoteSelector of a span (exact words and up to ``context`` characters either side)."""
    return {
        "type": "TextQuoteSelector",
        "exact": text[start:end],
        "prefix": text[max(0, start - context):start],
        "suffix": text[end:end + context],
    }


def _shown(words: str) -> str:
    return repr(words if len(words) <= 60 else words[:57] + "...")
