"""What the learned entity classifier sees of one mention the rules propose.

The rules decide where a name is; whether it stands for a person, a body or
a place often depends on what it does in the sentence ("Russia vetoed" is a
state acting, "in Russia" a place; "Iraqis fled" a group of people). These
features describe a mention by its parse (part of speech, dependency, the
word governing it), its neighbours, its shape, the labels spaCy and the
rules gave it, and whether the gazetteer knows it as a place, so that a
linear model can learn those roles from annotated text. No feature names a
particular entity: words are kept only as neighbours and governors.
"""

from __future__ import annotations

from unspin.analyze import gazetteer

#: Hyphenated compounds such as "ISIL-held" end with these tokens in spaCy's parse.
_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})


def _shape(text: str) -> str:
    if text.isupper():
        return "upper"
    if text[:1].isupper():
        return "title"
    if text.islower():
        return "lower"
    return "mixed"


def _place_kind(text: str) -> str:
    match = gazetteer.resolve(text)
    return match.place.kind if match and match.spelled_as(text) else "none"


def mention_features(sdoc, start: int, end: int, label: str, evidence: tuple[str, ...]) -> list[str]:
    """The feature names of tokens ``[start, end)`` of the parse labelled ``label`` by the rules."""
    span = sdoc[start:end]
    root = span.root
    head = root.head
    first, last = sdoc[start], sdoc[end - 1]
    text = " ".join(span.text.split())
    out = [
        "bias",
        f"label={label}",
        f"length={min(end - start, 4)}",
        f"shape={_shape(span.text)}",
        f"place={_place_kind(text)}",
        f"root_tag={root.tag_}",
        f"root_dep={root.dep_}",
        f"head_pos={head.pos_}",
        f"head={head.lemma_.lower()}",
        f"dep_head={root.dep_}|{head.lemma_.lower()}",
        f"label_dep={label}|{root.dep_}",
        f"last={last.lower_}",
        f"last_tag={last.tag_}",
    ]
    if root.dep_ == "conj":  # "Russia and Iran must act": the second name plays the first one's part
        out += [f"conj_dep={head.dep_}", f"conj_dep_head={head.dep_}|{head.head.lemma_.lower()}"]
    out += [f"rule={e.split(':', 1)[0]}" for e in evidence[1:]]
    if evidence and evidence[0].startswith("model:"):
        out.append(f"spacy={evidence[0][6:]}")
    if head.dep_ in ("prep", "agent") or head.pos_ == "ADP":
        out.append(f"prep={head.lower_}")
        out.append(f"prep_head={head.lower_}|{head.head.lemma_.lower()}")
    if start > 0:
        before = sdoc[start - 1]
        out += [f"prev={before.lower_}", f"prev_pos={before.pos_}", f"label_prev={label}|{before.lower_}"]
    else:
        out.append("prev=<start>")
    if end < len(sdoc):
        after = sdoc[end]
        out += [f"next={after.lower_}", f"next_pos={after.pos_}", f"label_next_pos={label}|{after.pos_}"]
        if after.text in _POSSESSIVE:
            out.append("possessive")
        if after.pos_ == "NOUN" and root.head.i >= end:
            out.append(f"modifies={head.lemma_.lower()}")
            out.append(f"modifies_tag={head.tag_}")
    else:
        out.append("next=<end>")
    if first.is_sent_start:
        out.append("sentence_start")
    if any(t.like_num for t in span):
        out.append("number")
    return out
