"""The ``modality`` layer: how firmly each sentence puts its claim.

A reader checking an article needs to tell what it states as fact from what
it only suggests ("could be planning", "may have known"), credits to
someone else, asks, or judges. One span per sentence, with the same offsets
as the sentence, labelled in this order of precedence:

1. ``question``: the sentence ends with a question mark;
2. ``speculative``: a hedge (a modal such as may/might/could/would, a hedging
   verb such as seem/appear/suggest/expect, an adverb such as likely/perhaps,
   "is believed to", "whether", a condition) that is not a negated ability or
   refusal ("could not be reached", "would not comment");
3. ``attributed``: the main clause is an attribution (a speech verb or
   "according to" heading the sentence, or a sentence inside a quotation);
4. ``opinion``: a first-person judgement or a deontic marker (I think, in our
   view, must, should, clearly);
5. ``asserted``: none of these.

Attributes: ``cue`` (the deciding words; null for asserted) and ``cue_span``.
Speculative sentences also list every ``hedges`` entry with its ``scope``,
the characters of the clause the hedge governs, so a claim outside that
clause is not taken for speculation (the evaluation uses this per event).
"""

from __future__ import annotations

from typing import Iterator

from unspin.analyze.nlp import parse, text_of
from unspin.analyze.pipeline import registry
from unspin.analyze.spanindex import SpanIndex
from unspin.document import Document, Span

#: Modal auxiliaries that present a claim as possible rather than actual.
HEDGE_MODALS = frozenset({"may", "might", "could", "would", "mightn't", "couldn't"})
#: Adverbs and adjectives that hedge the clause they modify.
HEDGE_WORDS = frozenset(
    """
    perhaps possibly probably maybe likely unlikely reportedly allegedly apparently
    presumably supposedly purportedly seemingly potentially conceivably possible probable
    alleged purported rumoured rumored unconfirmed uncertain unclear doubtful
    """.split()
)
#: Verbs that hedge whatever their complement says (seem is a hedge in every use).
HEDGE_VERBS = frozenset({"seem", "appear", "suggest", "expect", "predict", "forecast", "anticipate"})
#: Verbs of deliberation: what they govern is not decided yet ("is considering using ...").
DELIBERATION_VERBS = frozenset({"consider", "contemplate", "mull", "weigh", "explore"})
#: Belief verbs: the complement is held, not known. First person goes to ``opinion``.
BELIEF_VERBS = frozenset({"believe", "think", "suspect", "speculate", "doubt", "guess", "assume", "presume", "suppose"})
#: Speech verbs that hedge only in the passive with a "to" complement ("is said to be").
PASSIVE_HEARSAY = frozenset({"say", "report", "allege", "rumour", "rumor", "estimate", "understand", "know"})
#: Subordinators that make a clause an open question or a condition.
OPEN_MARKERS = frozenset({"whether", "if", "unless"})
#: After "could", verbs of perception or understanding report a past ability, not a possibility.
PAST_ABILITY = frozenset({"see", "hear", "feel", "smell", "taste", "remember", "recall", "understand", "sense"})
#: After "would not", verbs of speaking report a refusal, which is a fact.
REFUSALS = frozenset(
    {"say", "comment", "confirm", "deny", "disclose", "reveal", "elaborate", "discuss", "specify", "answer", "name", "identify", "give", "provide"}
)
#: Past-tense verbs of saying after which "would" is the reported "will" of the speaker.
REPORTING_VERBS = frozenset(
    {"say", "announce", "tell", "state", "add", "report", "confirm", "declare", "reveal", "disclose", "write", "inform", "promise", "pledge", "vow", "agree", "decide"}
)
#: Subordinators of clauses that state circumstances as facts (left out of a hedge's scope).
FACTUAL_MARKS = frozenset({"when", "after", "before", "since", "because", "as", "while", "although", "though", "whereas"})
#: Nouns of saying whose "that" clause reports the speaker's "will" as "would".
REPORTING_NOUNS = frozenset({"announcement", "statement", "promise", "pledge", "decision", "assurance"})
#: Opinion markers.
DEONTIC_MODALS = frozenset({"must", "should", "ought", "shouldn't", "mustn't"})
BOOSTERS = frozenset({"clearly", "obviously", "undoubtedly", "undeniably", "unquestionably", "evidently"})
OPINION_VERBS = frozenset({"think", "believe", "feel", "consider", "doubt", "suspect", "hope", "fear"})
VIEW_NOUNS = frozenset({"view", "opinion", "judgment", "judgement", "mind"})
EVIDENT_ADJECTIVES = frozenset({"clear", "obvious", "evident", "undeniable", "certain"})
#: Closing characters that may follow a sentence's final punctuation.
CLOSERS = "\"'\u201d\u2019\u00bb)]"


# --- spans of tokens -------------------------------------------------------------------


def token_bounds(token) -> list[int]:
    return [token.idx, token.idx + len(token.text)]


def scope(cue, *heads) -> list[list[int]]:
    """What a hedge governs: the clauses under ``heads`` to the right of the cue, as character ranges.

    Scope runs rightward, as in the BioScope guidelines: the subject before a
    modal ("recent moves might not prevent ...") is not what is in doubt.
    Relative and participial clauses and adverbial clauses of time, cause or
    concession inside it describe things as they are, so they are left out
    ("may have a large impact, as when the iPod was released").
    """
    tops = {h.i for h in heads}
    keep: set[int] = set()
    for head in heads:
        keep.update(t.i for t in head.subtree if t.i > cue.i or t.i == head.i)
    for head in heads:
        for t in head.subtree:
            if t.i not in tops and is_factual_subclause(t):
                keep.difference_update(d.i for d in t.subtree)
    keep.discard(cue.i)
    return ranges(cue.doc, sorted(keep))


def is_factual_subclause(token) -> bool:
    if token.dep_ == "relcl":
        return True
    if token.dep_ == "acl" and token.tag_ in ("VBN", "VBG"):
        return True
    if token.dep_ == "advcl":
        return any(c.dep_ == "mark" and c.lower_ in FACTUAL_MARKS for c in token.children)
    return False


def ranges(sdoc, indices: list[int]) -> list[list[int]]:
    """Contiguous runs of token indices as character ranges."""
    out: list[list[int]] = []
    previous = None
    for i in indices:
        t = sdoc[i]
        end = t.idx + len(t.text)
        if previous is not None and i == previous + 1:
            out[-1][1] = end
        else:
            out.append([t.idx, end])
        previous = i
    return out


def is_negated(token) -> bool:
    return any(c.dep_ == "neg" for c in token.children) or any(
        c.dep_ == "neg" for c in token.head.children
    )


def has_clausal_complement(token) -> bool:
    return any(c.dep_ in ("ccomp", "xcomp") for c in token.children)


def is_passive(token) -> bool:
    return any(c.dep_ in ("auxpass", "nsubjpass") for c in token.children)


def subject(token):
    return next((c for c in token.children if c.dep_ in ("nsubj", "nsubjpass", "expl")), None)


def first_person_subject(token) -> bool:
    subj = subject(token)
    return subj is not None and subj.lower_ in {"i", "we"}


# --- hedges ------------------------------------------------------------------------------


def modal_hedge(token):
    """A hedging modal and the clause it governs, unless it states an inability or a refusal."""
    word = token.lower_
    if token.tag_ != "MD" or word not in HEDGE_MODALS:
        return None
    verb = token.head
    if word.startswith("could") and (is_negated(token) or word == "couldn't"):
        return None  # "could not be reached": what did not happen, stated as fact
    if word == "could" and verb.lemma_.lower() in PAST_ABILITY:
        return None  # "could see the smoke": a past ability
    if word == "would" and is_negated(token) and verb.lemma_.lower() in REFUSALS:
        return None  # "would not comment": a refusal, stated as fact
    if word == "would" and is_backshifted(verb):
        return None  # "announced it would cut jobs": a reported "will", not a hedge
    return scope(token, verb)


def is_backshifted(verb) -> bool:
    """A clause reported by a past-tense speech verb, where "would" stands for the speaker's "will"."""
    while verb.dep_ == "conj" and verb.head.i != verb.i:
        verb = verb.head
    reporter = verb.head
    if verb.dep_ == "acl" and reporter.lemma_.lower() in REPORTING_NOUNS:
        return True  # "the announcement that it would buy"
    if verb.dep_ != "ccomp":
        return False
    return reporter.lemma_.lower() in REPORTING_VERBS and reporter.tag_ in ("VBD", "VBN")


def verb_hedge(token):
    """A hedging verb (seem, appear to, suggest that, is expected/said to) and its clause."""
    lemma = token.lemma_.lower()
    if token.pos_ not in ("VERB", "AUX"):
        return None
    if lemma == "seem":
        return scope(token, token)
    if lemma in HEDGE_VERBS | DELIBERATION_VERBS and has_clausal_complement(token):
        return complement_scope(token)
    if lemma in BELIEF_VERBS and has_clausal_complement(token) and not first_person_subject(token):
        return complement_scope(token)
    if lemma in PASSIVE_HEARSAY and is_passive(token) and any(c.dep_ == "xcomp" for c in token.children):
        return complement_scope(token)
    return None


def complement_scope(token) -> list[list[int]]:
    """The clause a hedging verb governs: its clausal complement(s), not the verb's own subject."""
    return scope(token, *(c for c in token.children if c.dep_ in ("ccomp", "xcomp")))


def word_hedge(token):
    """An adverb or adjective hedge (likely, perhaps, alleged) and what it modifies."""
    if token.lower_ not in HEDGE_WORDS or token.pos_ not in ("ADV", "ADJ"):
        return None
    if token.i > 0 and token.nbor(-1).lower_ == "as":
        return None  # "as soon as possible", "as likely as not": a comparison, not a hedge
    return scope(token, token.head)


def open_clause(token):
    """ "whether", "if", "unless": the clause is an open question or a condition."""
    if token.lower_ not in OPEN_MARKERS or token.dep_ != "mark":
        return None
    return scope(token, token.head)  # the open or conditional clause itself


def hedges(sent) -> list[dict]:
    """Every hedge in a sentence: its cue, where the cue is, and the clause(s) it governs."""
    found = []
    for token in sent:
        for finder in (modal_hedge, verb_hedge, word_hedge, open_clause):
            governed = finder(token)
            if governed is not None:
                found.append({"cue": token.text, "cue_span": token_bounds(token), "scope": clip(governed, sent)})
                break
    return found


#: Predicates whose infinitive complement is intended, attempted or possible, not done.
#: Promises and pledges are left to the reporting verbs; "need" and "mean" have
#: factual senses too ("it means leaving") and stay out.
INTENTION_VERBS = frozenset(
    {"want", "plan", "intend", "aim", "seek", "try", "attempt", "hope", "wish", "propose", "prepare",
     "threaten", "strive", "plot", "scheme"}
)
INTENTION_NOUNS = frozenset({"effort", "attempt", "bid", "plan", "intention", "aim", "goal", "proposal", "plot", "drive", "push"})
ABILITY_WORDS = frozenset({"able", "unable", "can"})


def irrealis(sent) -> list[dict]:
    """Actions a sentence presents as intended, attempted or possible rather than done.

    "plans to cut jobs", "an effort to evade tax", "is able to fly": the plan
    or the effort is stated as a fact, the cutting or the evading is not. The
    sentence keeps its label; an event inside such a scope is not a reported
    fact, which the events layer and the evaluation use.
    """
    found = []
    for token in sent:
        lemma = token.lemma_.lower()
        complements = [c for c in token.children if c.dep_ in ("xcomp", "acl", "advcl") and c.pos_ in ("VERB", "AUX")
                       and any(m.lower_ == "to" and m.dep_ == "aux" for m in c.children)]
        if token.pos_ == "VERB" and lemma in INTENTION_VERBS and complements:
            governed = scope(token, *complements)
        elif token.pos_ == "NOUN" and lemma in INTENTION_NOUNS and complements:
            governed = scope(token, *complements)
        elif lemma in ("able", "unable") and complements:
            governed = scope(token, *complements)
        elif token.tag_ == "MD" and lemma == "can" and token.head.pos_ == "VERB":
            governed = scope(token, token.head)
        else:
            continue
        found.append({"cue": token.text, "cue_span": token_bounds(token), "scope": clip(governed, sent)})
    return found


def clip(spans: list[list[int]], sent) -> list[list[int]]:
    """Scope ranges kept inside the sentence."""
    clipped = [[max(s, sent.start_char), min(e, sent.end_char)] for s, e in spans]
    return [r for r in clipped if r[0] < r[1]]


# --- the other labels ------------------------------------------------------------------


def question_mark(text: str, start: int, end: int) -> list[int] | None:
    """Where the final "?" of a sentence is, if it ends with one (closing quotes allowed)."""
    stripped = text[start:end].rstrip().rstrip(CLOSERS).rstrip()
    if stripped.endswith("?"):
        at = start + len(stripped) - 1
        return [at, at + 1]
    return None


def main_attribution(sent, attributions: list[Span]) -> Span | None:
    """An attribution that heads the sentence: its cue is the main verb, or it covers the sentence."""
    for span in attributions:
        if span.attrs.get("statement") is False:
            continue  # "would not comment on the deal", "plans to cut": no statement is reported
        cue_start, cue_end = span.attrs.get("cue_span", (span.start, span.start))
        if not (sent.start_char <= cue_start < sent.end_char):
            if span.label == "quote" and span.start <= sent.start_char + 1 and sent.end_char - 2 <= span.end:
                return span  # a sentence inside a longer quotation
            continue
        cue = sent.doc.char_span(cue_start, cue_end, alignment_mode="expand")
        if cue is None:
            continue
        token = cue[0]
        if token.lower_ == "according":
            token = token.head
        while token.dep_ in ("xcomp", "conj") and token.head.i != token.i:
            token = token.head  # "continues to claim", "said and added"
        if token.i == sent.root.i:
            return span
    return None


def opinion_marker(sent):
    """A first-person judgement or a deontic / evaluative marker, as a token (or None)."""
    for token in sent:
        word, lemma = token.lower_, token.lemma_.lower()
        if token.tag_ == "MD" and word in DEONTIC_MODALS:
            return token
        if word in BOOSTERS:
            return token
        if lemma in OPINION_VERBS and token.pos_ == "VERB" and first_person_subject(token):
            return token
        if lemma in VIEW_NOUNS and token.head.lower_ == "in" and any(
            c.lower_ in {"my", "our"} for c in token.children
        ):
            return token
        if word in EVIDENT_ADJECTIVES and token.dep_ == "acomp" and any(
            c.dep_ in ("expl", "nsubj") and c.lower_ == "it" for c in token.head.children
        ) and any(c.dep_ == "ccomp" for c in token.head.children):
            return token
    return None


def sentence_modality(sent, start: int, end: int, attributions: list[Span]) -> tuple[str, dict]:
    """The label and attributes of one sentence, by the rules in the module docstring."""
    text = text_of(sent.doc)
    mark = question_mark(text, start, end)
    if mark is not None:
        return "question", {"cue": "?", "cue_span": mark}
    found = hedges(sent)
    if found:
        return "speculative", {"cue": found[0]["cue"], "cue_span": found[0]["cue_span"], "hedges": found}
    attribution = main_attribution(sent, attributions)
    if attribution is not None:
        return "attributed", {
            "cue": attribution.attrs.get("cue"),
            "cue_span": list(attribution.attrs.get("cue_span", [])),
            "source": attribution.attrs.get("source"),
        }
    marker = opinion_marker(sent)
    if marker is not None:
        return "opinion", {"cue": marker.text, "cue_span": token_bounds(marker)}
    return "asserted", {"cue": None}


@registry.component("modality", assigns="modality", requires=["sentences", "attributions"])
def modality(doc: Document) -> Iterator[Span]:
    sdoc = parse(doc)
    attributions = SpanIndex(doc.layer("attributions"))
    for sentence in doc.layer("sentences"):
        sent = sdoc.char_span(sentence.start, sentence.end, alignment_mode="expand")
        if sent is None or len(sent) == 0:
            yield Span(sentence.start, sentence.end, "asserted", attrs={"cue": None})
            continue
        nearby = attributions.overlapping(sentence.start, sentence.end)
        label, attrs = sentence_modality(sent, sentence.start, sentence.end, nearby)
        unreal = irrealis(sent)
        if unreal:
            attrs = {**attrs, "irrealis": unreal}
        yield Span(sentence.start, sentence.end, label, attrs=attrs)
