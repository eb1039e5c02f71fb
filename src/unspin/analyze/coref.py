"""Which name a pronoun speaker or actor stands for, by rule, within one document.

"He said" and "they attacked" tell a reader nothing about who said or did
it. No coreference model that loads offline is installed, so this reads the
nearest earlier name that the pronoun can refer to: a person for "he" and
"she", an organisation, group or country for "they" and "it", looking back
no further than the two sentences before the pronoun's own. It is a
heuristic (a reader would pick the salient name, not always the nearest), so
every resolved source or actor keeps the pronoun it came from.
"""

from __future__ import annotations

from unspin.analyze.mentions import EntityIndex, Mention

#: What each pronoun may stand for.
FITS: dict[str, frozenset[str]] = {
    **dict.fromkeys(("he", "him", "his", "himself", "she", "her", "hers", "herself"), frozenset({"PERSON"})),
    **dict.fromkeys(("they", "them", "their", "theirs", "themselves"), frozenset({"ORG", "NORP", "GPE"})),
    **dict.fromkeys(("it", "its", "itself"), frozenset({"ORG", "GPE"})),
}
#: Sentences before the pronoun's own that may hold its antecedent.
SENTENCES_BACK = 2


def window_start(token, sentences_back: int = SENTENCES_BACK) -> int:
    """Character offset where the search for an antecedent starts."""
    sent = token.sent
    for _ in range(sentences_back):
        if sent.start == 0:
            break
        sent = token.doc[sent.start - 1].sent
    return sent.start_char


def antecedent(token, index: EntityIndex) -> Mention | None:
    """The nearest earlier name the pronoun ``token`` can refer to, or None."""
    labels = FITS.get(token.lower_)
    if labels is None:
        return None
    before = [m for m in index.within(window_start(token), token.idx, labels) if m.end <= token.idx]
    return before[-1] if before else None
