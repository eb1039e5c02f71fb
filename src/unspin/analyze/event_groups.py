"""One event, several mentions: "killed by US strikes" and, later, "the US strike caused ..." are one ASSAULT.

Articles name an event, then refer back to it. Counted as two, the report
doubles the violence it describes. A later mention joins an earlier event
when it refers back the way English does: a noun trigger with a definite or
demonstrative determiner ("the strike", "this attack"), of the same type, at
most ``SENTENCES_BACK`` sentences after a mention of that event, and with
no actor, target, place or date that contradicts it (a missing argument
contradicts nothing). A verb always starts a new event: "troops attacked"
twice is usually two attacks.

Every mention carries ``event`` (the id it shares with the other mentions of
the same event, ``e1``, ``e2``, ... in order of first mention) and
``mentions`` (the ``[start, end]`` of each of them); one that joined an
earlier mention says which in ``same_as``.
"""

from __future__ import annotations

from typing import Iterable

from unspin.document import Span

SENTENCES_BACK = 3
REFERRING_DETERMINERS = frozenset({"the", "this", "that", "these", "those"})
ARGUMENTS = ("actor", "target", "place", "date")


def refers_back(token) -> bool:
    """A noun trigger with "the", "this", "that" ...: the strike already spoken of."""
    return token.pos_ == "NOUN" and any(
        c.dep_ == "det" and c.lower_ in REFERRING_DETERMINERS for c in token.children
    )


def _values(value) -> set[str]:
    if value is None or value == "":
        return set()
    items = value if isinstance(value, list) else [value]
    return {str(v).lower() for v in items}


def compatible(a: dict, b: dict) -> bool:
    """No argument names something different in the two mentions."""
    for key in ARGUMENTS:
        left, right = _values(a.get(key)), _values(b.get(key))
        if left and right and not left & right:
            return False
    return True


def group(found: Iterable[tuple[int, Span, bool]]) -> list[Span]:
    """``found``: (sentence number, mention, refers back) in text order; the mentions with their event ids."""
    found = list(found)
    event_of: list[int] = []
    events = 0
    for i, (sentence, span, back) in enumerate(found):
        joined = None
        if back:
            for j in range(i - 1, -1, -1):
                earlier_sentence, earlier, _ = found[j]
                if sentence - earlier_sentence > SENTENCES_BACK:
                    break  # text order: every mention before this one is further back still
                if earlier.label == span.label and compatible(earlier.attrs, span.attrs):
                    joined = event_of[j]
                    break
        if joined is None:
            joined, events = events, events + 1
        event_of.append(joined)
    spans_of: dict[int, list[Span]] = {}
    for event, (_, span, _) in zip(event_of, found):
        spans_of.setdefault(event, []).append(span)
    out = []
    for event, (_, span, _) in zip(event_of, found):
        siblings = spans_of[event]
        attrs = {**span.attrs, "event": f"e{event + 1}", "mentions": [[s.start, s.end] for s in siblings]}
        first = siblings[0]
        if first is not span:
            attrs["same_as"] = [first.start, first.end]
        out.append(Span(span.start, span.end, span.label, span.confidence, span.component, attrs))
    return out


def count(spans: Iterable[Span]) -> int:
    """Events, not mentions: mentions of one event count once (spans from before grouping count one each)."""
    seen: set[str] = set()
    alone = 0
    for span in spans:
        event = span.attrs.get("event") if isinstance(span.attrs, dict) else None
        if isinstance(event, str):
            seen.add(event)
        else:
            alone += 1
    return len(seen) + alone
