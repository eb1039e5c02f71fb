"""What the learned entity classifier sees of one mention the rules propose.

The rules decide where a name is; whether it stands for a person, a body or
a place often depends on what it does in the sentence ("Russia vetoed" is a
state acting, "in Russia" a place; "Iraqis fled" a group of people). These
features describe a mention by its parse (part of speech, dependency, the
word governing it), its neighbours, its shape, the labels spaCy and the
rules gave it, and whether the gazetteer knows it as a place, so that a
linear model can learn those roles from annotated text. No feature names a
particular entity, and none names the verb or noun governing it (those
memorised the tune part's few verbs): the word's role in its clause stands
for them; words are kept only as neighbours.
"""

from __future__ import annotations

from unspin.analyze import gazetteer

#: Hyphenated compounds such as "ISIL-held" end with these tokens in spaCy's parse.
_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
#: Prepositions after which a name is where something happens, not who does it.
_PLACE_PREPOSITIONS = frozenset({"in", "near", "across", "throughout", "inside", "outside", "into", "from",
                                 "to", "around", "within", "at", "over", "of"})
#: Prepositions after which a name is the other party of an act ("talks with Turkey").
_PARTY_PREPOSITIONS = frozenset({"with", "between", "against", "by"})


def role(sdoc, start: int, end: int) -> str:
    """What the name does in its clause, read from the parse, with a name joined by "and" playing the
    first one's part: agent, party, place, object, possessor, modifier, apposition or other.

    These few roles say whether a state acts ("Russia and Iran must work", "fought a war with
    Israel") or is a place ("in Syria") without naming any verb, so they carry over to text whose
    verbs the tune part never used."""
    token = sdoc[start:end].root
    while token.dep_ == "conj" and token.head is not token:
        token = token.head
    dep, head = token.dep_, token.head
    if dep in ("nsubj", "nsubjpass", "agent"):
        return "agent" if head.pos_ in ("VERB", "AUX") else "subject"
    if dep == "pobj":
        return "party" if head.lower_ in _PARTY_PREPOSITIONS else \
            "place" if head.lower_ in _PLACE_PREPOSITIONS else "pobj"
    return {"dobj": "object", "poss": "possessor", "compound": "modifier", "amod": "modifier",
            "nmod": "modifier", "appos": "apposition"}.get(dep, "other")


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
        f"label_dep={label}|{root.dep_}",
        f"last={last.lower_}",
        f"last_tag={last.tag_}",
    ]
    if root.dep_ == "conj":  # "Russia and Iran must act": the second name plays the first one's part
        out.append(f"conj_dep={head.dep_}")
    played = role(sdoc, start, end)
    out += [f"role={played}", f"label_role={label}|{played}"]
    out += [f"rule={e.split(':', 1)[0]}" for e in evidence[1:]]
    if evidence and evidence[0].startswith("model:"):
        out.append(f"spacy={evidence[0][6:]}")
    if head.dep_ in ("prep", "agent") or head.pos_ == "ADP":
        out.append(f"prep={head.lower_}")
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
