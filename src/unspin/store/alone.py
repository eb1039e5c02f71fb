"""What one article of a story says that the story's other articles do not: names, numbers, quotes.

"Alone" is decided against the other articles' layers and their text, so
that a different spelling or a missed mention elsewhere does not make a
fact look exclusive:

- a name: an entity (by canonical name) that no other article's entities
  layer holds, and whose canonical and written forms appear nowhere in the
  others' text (whole words, any case, singular or plural: "Democrat" is
  not one article's alone when another writes "Democrats"), nor, for a
  person, the surname (with its capital);
- a number: a quantity whose value (with its currency or unit) no other
  article's quantities give, and whose digits, as written, appear nowhere in
  the others' text;
- a quote: direct speech whose words the others do not carry: fewer than
  half of its word 4-grams (the whole of a shorter quote) occur in any one
  other article.

Each item keeps its spans in the article (every mention of a name), the
evidence a reader can check and that the BASIL scoring matches against.

Who said a quote is shown as the attributions layer gives it; a pronoun
("he", "they") is marked as naming someone earlier in the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from unspin.document import Document

_WORD = re.compile(r"\w+", re.UNICODE)
SHINGLE = 4
#: Share of a quote's 4-grams another article may carry with the quote still counted as this one's alone.
QUOTE_SHARED = 0.5


@dataclass
class Item:
    kind: str  # "name", "number" or "quote"
    text: str  # what the page shows
    detail: str = ""  # the entity label, what the number counts, who is quoted
    spans: list[tuple[int, int]] = field(default_factory=list)


def words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def _padded(text: str) -> str:
    return f" {' '.join(words(text))} "


def _said(phrase: str, padded: str) -> bool:
    """Whether the phrase's words occur, in order and whole, in the padded word string."""
    w = words(phrase)
    return bool(w) and f" {' '.join(w)} " in padded


def _number_forms(phrase: str) -> set[str]:
    """The phrase, and with its last word in the singular or the plural ("Democrat", "Democrats")."""
    w = phrase.split()
    if not w:
        return set()
    last, head = w[-1], " ".join(w[:-1] + [""])
    forms = {phrase, f"{head}{last}s"}
    if len(last) > 3 and last[-1:] in "sS" and last[-2:-1] not in "sS":
        forms.add(f"{head}{last[:-1]}")
    return forms


def _canonical(doc: Document, span) -> str:
    return str((span.attrs or {}).get("canonical") or doc.span_text(span)).strip()


def _surname(name: str) -> str | None:
    """A person's last name, as another article may name them on second reference ("Brennick")."""
    parts = name.split()
    return parts[-1] if len(parts) >= 2 and len(parts[-1]) >= 3 and parts[-1][:1].isupper() else None


def names(doc: Document, others: list[Document], others_padded: list[str]) -> list[Item]:
    theirs = {_canonical(o, s).casefold() for o in others for s in o.layer("entities")}
    mine: dict[str, Item] = {}
    forms: dict[str, set[str]] = {}
    for s in doc.layer("entities"):
        name = _canonical(doc, s)
        if not name:
            continue
        item = mine.setdefault(name, Item("name", name, s.label))
        item.spans.append((s.start, s.end))
        forms.setdefault(name, {name}).add(doc.span_text(s))
    out = []
    for name, item in mine.items():
        if name.casefold() in theirs:
            continue
        if any(_said(v, padded) for form in forms[name] for v in _number_forms(form) for padded in others_padded):
            continue
        surname = _surname(name) if item.detail == "PERSON" else None
        if surname and any(re.search(rf"\b{re.escape(surname)}\b", o.text) for o in others):
            continue  # written with its capital: the same person, named by surname alone
        out.append(item)
    return sorted(out, key=lambda i: (-len(i.spans), i.text.casefold()))


def _value_key(span) -> tuple | None:
    a = span.attrs or {}
    value = a.get("value")
    if value is None:
        return None
    return (float(value), str(a.get("currency") or a.get("unit") or ""))


_DIGITS = re.compile(r"\d[\d,.]*\d|\d")


def numbers(doc: Document, others: list[Document], others_text: list[str]) -> list[Item]:
    theirs = {k for o in others for s in o.layer("quantities") if (k := _value_key(s)) is not None}
    values_only = {k[0] for k in theirs}
    out: dict[str, Item] = {}
    for s in doc.layer("quantities"):
        key = _value_key(s)
        if key is None or key in theirs or (not key[1] and key[0] in values_only):
            continue
        written = doc.span_text(s)
        digits = _DIGITS.findall(written)
        if digits and any(re.search(rf"(?<![\d,.]){re.escape(d)}(?![\d]|,\d)", t) for d in digits for t in others_text):
            continue
        what = str((s.attrs or {}).get("object") or "")
        shown = " ".join(written.split())
        item = out.setdefault(shown.casefold(), Item("number", shown, what))
        item.spans.append((s.start, s.end))
    return list(out.values())


def _shingles(w: list[str]) -> set[tuple[str, ...]]:
    if len(w) < SHINGLE:
        return {tuple(w)} if w else set()
    return {tuple(w[i : i + SHINGLE]) for i in range(len(w) - SHINGLE + 1)}


#: Speakers given as a pronoun, referring back to someone the article named before.
PRONOUNS = {"he", "she", "him", "her", "they", "them", "we", "us", "i", "you", "it"}


def speaker(span) -> str:
    """Who an attribution's words are credited to, as the page shows it.

    "vague" for an unnamed source ("officials said"); a pronoun as itself,
    in lower case, marked "(named earlier)": the attributions layer does not
    say who "he" is, and a guess (the person named last before it) was
    wrong too often on BASIL's tune half to show; otherwise the words the
    article gives.
    """
    a = span.attrs or {}
    if a.get("vague") or a.get("source") == "vague":
        return "vague"
    said = " ".join(str(a.get("source_text") or a.get("source") or "").split())
    if said.casefold() in PRONOUNS:
        return f"{said.casefold()} (named earlier)"
    return said


def quotes(doc: Document, others_words: list[list[str]]) -> list[Item]:
    others_grams = [_shingles(w) for w in others_words]
    others_padded = [f" {' '.join(w)} " for w in others_words]
    out = []
    for s in doc.layer("attributions"):
        if s.label != "quote":
            continue
        w = words(doc.span_text(s))
        if not w:
            continue
        if len(w) < SHINGLE:
            if any(f" {' '.join(w)} " in padded for padded in others_padded):
                continue
        else:
            grams = _shingles(w)
            if any(len(grams & theirs) >= QUOTE_SHARED * len(grams) for theirs in others_grams):
                continue
        out.append(Item("quote", " ".join(doc.span_text(s).split()), speaker(s), [(s.start, s.end)]))
    return out


def alone(docs: list[Document]) -> list[dict[str, list[Item]]]:
    """For each document, against all the others: its names, numbers and quotes alone."""
    padded = [_padded(d.text) for d in docs]
    split = [words(d.text) for d in docs]
    out = []
    for i, doc in enumerate(docs):
        others = [d for j, d in enumerate(docs) if j != i]
        if not others:
            out.append({"names": [], "numbers": [], "quotes": []})
            continue
        out.append({
            "names": names(doc, others, [p for j, p in enumerate(padded) if j != i]),
            "numbers": numbers(doc, others, [d.text for d in others]),
            "quotes": quotes(doc, [w for j, w in enumerate(split) if j != i]),
        })
    return out


def speculation_share(doc: Document) -> tuple[int, int]:
    """(speculative sentences, sentences) of the modality layer."""
    modality = doc.layer("modality")
    sentences = len(modality) or len(doc.layer("sentences"))
    return sum(1 for s in modality if s.label == "speculative"), sentences
