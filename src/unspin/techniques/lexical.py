"""Design B: a feature-based (no neural network) baseline for SemEval-2020 Task 11 on PTC v2.

Two linear models over sparse, hand-made features, trained on the PTC train split
and tuned on dev (see :func:`select`):

- **TC** (which technique a given span uses): one multinomial
  :class:`~sklearn.linear_model.LogisticRegression` over

  * TF-IDF of the span's word 1-2 grams, and of its character 2-5 grams (inside word
    boundaries, which carry morphology such as ``-est`` or ``-ist`` that word n-grams miss),
  * TF-IDF of up to :data:`CONTEXT_WORDS` words on each side of the span (same line or lines),
    kept apart as a left and a right bag,
  * dense hand features (:func:`hand_features`): log span length in words and characters,
    how often the span's normalised text occurs in the whole article (the Repetition cue),
    how many of the spans handed to :meth:`LexicalModel.classify` share that text, whether the
    sentence is a question or exclaims, quotes, ALL-CAPS and Title-Case ratios, the share of the
    sentence the span covers, whether it is in the headline, and hit counts of small lexicons
    written for this module (:data:`LEXICONS`, :data:`PHRASES`) in the span and around it.

  Logistic regression was chosen over SGD or a calibrated LinearSVC because it gives
  probabilities directly from one convex, deterministic fit (lbfgs), with no calibration folds
  to carve out of the 6,128 training rows. The probabilities are what :meth:`classify` returns
  and what decides a second label in :meth:`find`. Class weights are ``balanced ** power``
  (:data:`CLASS_WEIGHT_POWER`): a partial re-weighting that helps rare techniques a little
  without giving up much accuracy, which is what TC micro-F1 measures.

- **SI** (where the propaganda is): a binary LogisticRegression (liblinear) on tokens. Each
  token (:data:`TOKEN`, a regex that keeps code-point offsets) is described by the lowercase
  form, suffix, prefix and shape of it and of its two neighbours on each side, neighbour
  bigrams, lexicon membership, position in its sentence (PTC has one sentence per line), the
  sentence's length and punctuation, whether the token is inside quotes, and how often the
  word occurs in the article. The features are hashed (:class:`~sklearn.feature_extraction.
  FeatureHasher`, deterministic) rather than kept in a vocabulary. A token whose probability
  passes a threshold is "in"; runs of in-tokens, bridged over gaps of up to ``max_gap``
  tokens, become spans, trimmed of punctuation at the edges. The threshold and the gap are
  tuned on dev for SI F1 by :func:`select`; each span found is then labelled by the TC model
  (best technique, plus the second one when its probability reaches ``second_label``).

Everything is seeded and single-threaded, so a rerun gives the same model. The corpus is
research-only: nothing here stores or ships any of it; models are built in memory.
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from unspin.eval.techniques import Labelled, merge_spans, read_articles, read_labels, score

# ---------------------------------------------------------------- tokens, lines, normal forms

#: A word (letters, digits, underscore; inner apostrophes and hyphens kept) or one other
#: non-space character. U+FEFF, which some PTC files contain, is neither and is skipped.
TOKEN = re.compile(r"\w+(?:['’\-]\w+)*|[^\w\s\ufeff]")
WORD = re.compile(r"\w+(?:['’]\w+)*")
QUOTES = frozenset("\"“”‘’'«»")
#: Characters a predicted span should not begin or end with (PTC dev gold is trimmed of these).
EDGE_PUNCTUATION = frozenset(".,:;")

CONTEXT_WORDS = 4
CLASS_WEIGHT_POWER = 0.5
TC_C = 4.0
SI_C = 0.1
SENTENCE_C = 1.0
SENTENCE_FOLDS = 5


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str
    lower: str
    is_word: bool


def tokenize(text: str) -> list[Token]:
    """Tokens with their code-point offsets into ``text``."""
    out = []
    for match in TOKEN.finditer(text):
        word = match.group()
        out.append(Token(match.start(), match.end(), word, word.lower(), word[0].isalnum() or word[0] == "_"))
    return out


def normalise(text: str) -> str:
    """Lowercase words joined by single spaces: the form used to count repeats."""
    return " ".join(WORD.findall(text.lower()))


def line_spans(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of every line (PTC articles have one sentence per line)."""
    spans, start = [], 0
    for index, char in enumerate(text):
        if char == "\n":
            spans.append((start, index))
            start = index + 1
    spans.append((start, len(text)))
    return spans


class Doc:
    """An article prepared once: tokens, lines, and normal forms for counting repeats."""

    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.lines = line_spans(text)
        self.line_starts = np.array([start for start, _ in self.lines])
        self.token_starts = np.array([token.start for token in self.tokens], dtype=np.int64)
        self.token_ends = np.array([token.end for token in self.tokens], dtype=np.int64)
        self.token_line = np.searchsorted(self.line_starts, self.token_starts, side="right") - 1
        self.padded_normal = " " + normalise(text) + " "
        self.word_counts = Counter(token.lower for token in self.tokens if token.is_word)
        self.line_word_counts = Counter()
        for line_index in set(self.token_line.tolist()):
            self.line_word_counts[line_index] = 0
        for token, line_index in zip(self.tokens, self.token_line.tolist()):
            if token.is_word:
                self.line_word_counts[line_index] += 1

    def line_of(self, offset: int) -> int:
        return int(np.searchsorted(self.line_starts, offset, side="right") - 1)

    def occurrences(self, span_text: str) -> int:
        normal = normalise(span_text)
        return self.padded_normal.count(" " + normal + " ") if normal else 0

    def token_range(self, start: int, end: int) -> tuple[int, int]:
        """Indices ``[i, j)`` of the tokens overlapping ``[start, end)``."""
        return (
            int(np.searchsorted(self.token_ends, start, side="right")),
            int(np.searchsorted(self.token_starts, end, side="left")),
        )


# ---------------------------------------------------------------- lexicons (written for this module)

LEXICONS: dict[str, frozenset[str]] = {
    name: frozenset(words.split())
    for name, words in {
        "flag": """nation nations national nationalism nationalist patriot patriots patriotic patriotism
            america american americans americas country countrymen homeland fatherland motherland flag
            freedom freedoms liberty constitution constitutional founders founding sovereignty sovereign
            borders border heritage values citizens citizen people our us we duty honor honour heroes
            troops veterans military soldiers united states usa u.s britain british england english
            europe european israel israeli jewish jews christian christians christendom western west
            civilization civilisation faithful church catholic catholics god bless great greatness""",
        "fear": """threat threats threaten threatens threatened threatening danger dangers dangerous fear
            fears feared afraid terror terrorist terrorists terrorism attack attacks attacked kill kills
            killed killing killings death deaths deadly die dying destroy destroys destroyed destruction
            crisis catastrophe catastrophic disaster disastrous invasion invade invaders violence violent
            war wars chaos collapse risk risks nightmare nightmares warn warned warning warns menace peril
            epidemic outbreak plague jihad jihadist jihadists islamist islamists radical radicals
            extremist extremists extremism crime crimes criminal criminals rape raped murder murders
            murdered doom die bomb bombs nuclear weapons weapon massacre slaughter genocide horrific
            horror deadliest alarming scary frightening""",
        "doubt": """whether why really so-called alleged allegedly claim claims claimed claiming supposedly
            supposed questionable question questions questioned doubt doubts doubtful unclear suspicious
            perhaps maybe trust credibility credible truth lie lies lied lying liar mislead misleading
            fake hoax reportedly purported purportedly dubious apparently seemingly unproven
            unsubstantiated evidence proof how""",
        "authority": """expert experts according said says say stated states declared declares confirmed
            confirms testified scientist scientists study studies research researchers professor dr
            doctor doctors official officials report reports pope bishop bishops cardinal cardinals
            archbishop president director chief leader leaders authority authorities scholar scholars
            who un fbi cia agency analyst analysts explained wrote writes quoted""",
        "intensifier": """very extremely most least best worst greatest biggest largest highest lowest
            huge massive enormous incredible incredibly unbelievable absolutely totally completely
            entirely utterly always never ever every everyone everything everybody nothing nobody
            whole entire ultimate unprecedented historic tremendous tremendously mere merely simply
            hardly tiny minor thousands millions billions literally truly such endless countless
            infinitely forever perfectly clearly obviously undoubtedly certainly definitely""",
        "black_white": """either or only must alternative choice choose unless nothing but cannot
            can't impossible none neither nor sole solely""",
        "causal": """because since therefore thus hence caused cause causes causing due result results
            resulted leads led consequence consequences blame blames blamed responsible reason reasons
            fault thanks""",
        "cliche": """period enough move simply whatever""",
        "bandwagon": """everyone everybody majority nazi nazis hitler fascist fascists fascism stalin
            stalinist communist communists communism marxist marxists socialist socialists kkk holocaust
            join popular mainstream""",
        "whatabout": """while whereas meanwhile yet hypocrisy hypocrite hypocrites hypocritical instead
            unlike ignore ignored ignores silence silent same double standard""",
        "insult": """idiot idiots stupid moron morons leftist leftists liberal liberals thug thugs corrupt
            crooked evil disgusting despicable hateful racist racists racism bigot bigots bigotry
            traitor traitors treason puppet puppets globalist globalists elite elites mob crazy insane
            pathetic shameful shameless disgrace disgraceful outrageous vile wicked lunatic lunatics
            hysterical snowflake snowflakes regime propaganda sick horrible brutal brutally savage
            savages barbaric monstrous monster monsters heretic heretical heresy apostate antichrist
            anti-semitic antisemitic anti-american fraud frauds scam criminal deranged radical
            anti-gun far-left far-right socialist tyrant tyranny dictator extremist""",
    }.items()
}

#: Multi-word cues, matched on normalised text.
PHRASES: dict[str, tuple[str, ...]] = {
    "authority": (
        "experts say", "according to", "scientists say", "studies show", "research shows",
        "officials said", "it is well known", "as reported by",
    ),
    "black_white": (
        "either or", "the only way", "the only", "no other", "no alternative", "all or nothing",
        "with us", "against us", "there is no", "there are only", "nothing but", "only one",
    ),
    "cliche": (
        "it is what it is", "at the end of the day", "enough is enough", "that's just the way",
        "who am i to judge", "time will tell", "so be it", "move on", "nothing to see",
        "end of story", "bottom line", "common sense", "the truth is", "the fact is",
        "let's face it", "it is what", "boys will be boys", "we'll see", "no comment",
        "everything happens for a reason", "you know what", "fake news",
    ),
    "whatabout": ("what about", "but what", "double standard", "rather than", "the same"),
    "causal": ("because of", "due to", "thanks to", "as a result", "the reason", "that is why", "led to"),
    "fear": ("if we don't", "if we do not", "before it's too late", "will destroy", "at risk"),
    "bandwagon": ("everyone knows", "most people", "millions of", "growing number", "join the"),
    "slogan": (
        "make america great", "build the wall", "lock her up", "drain the swamp", "america first",
        "never again", "no justice", "no peace", "god bless", "we are", "stand with",
    ),
}
LEXICON_NAMES = tuple(sorted(set(LEXICONS) | set(PHRASES)))


def lexicon_hits(words: Sequence[str], normal: str) -> list[int]:
    """Per lexicon (in :data:`LEXICON_NAMES` order), word hits plus phrase hits."""
    padded = " " + normal + " "
    hits = []
    for name in LEXICON_NAMES:
        vocabulary = LEXICONS.get(name, frozenset())
        count = sum(1 for word in words if word in vocabulary)
        count += sum(padded.count(" " + phrase + " ") for phrase in PHRASES.get(name, ()))
        hits.append(count)
    return hits


# ---------------------------------------------------------------- TC features


@dataclass
class SpanView:
    """The texts a TC example is built from."""

    span: str
    left: str
    right: str
    dense: list[float]


def caps_ratio(tokens: Sequence[Token]) -> tuple[float, float]:
    words = [token.text for token in tokens if token.is_word and token.text[0].isalpha()]
    if not words:
        return 0.0, 0.0
    upper = sum(1 for word in words if len(word) > 1 and word.isupper())
    title = sum(1 for word in words if word[0].isupper())
    return upper / len(words), title / len(words)


def hand_features(doc: Doc, start: int, end: int, same_text_spans: int) -> list[float]:
    """Dense features of one span; see the module docstring. All roughly in [0, 3]."""
    text = doc.text
    span_text = text[start:end]
    first, last = doc.token_range(start, end)
    tokens = doc.tokens[first:last]
    words = [token.lower for token in tokens if token.is_word]
    n_words = max(1, len(words))
    first_line, last_line = doc.line_of(start), doc.line_of(max(start, end - 1))
    line_start, line_end = doc.lines[first_line][0], doc.lines[last_line][1]
    sentence = text[line_start:line_end]
    sentence_words = sum(doc.line_word_counts[i] for i in range(first_line, last_line + 1))
    stripped = sentence.rstrip(" \"'”’)")
    before = text[max(line_start, start - 2) : start]
    after = text[end : min(line_end, end + 2)]
    occurrences = doc.occurrences(span_text)
    upper, title = caps_ratio(tokens)
    span_hits = lexicon_hits(words, normalise(span_text))
    sentence_tokens = doc.tokens[slice(*doc.token_range(line_start, line_end))]
    sentence_hits = lexicon_hits([t.lower for t in sentence_tokens if t.is_word], normalise(sentence))
    features = [
        math.log1p(n_words),
        math.log1p(len(span_text)) / 2,
        float(n_words == 1),
        float(n_words <= 3),
        math.log1p(max(0, occurrences - 1)),
        float(occurrences >= 2),
        float(occurrences >= 3),
        math.log1p(max(0, same_text_spans - 1)),
        float(stripped.endswith("?")),
        float("?" in span_text),
        float("!" in span_text),
        float("!" in sentence),
        float(any(char in QUOTES for char in span_text)),
        float(any(char in QUOTES for char in before) or any(char in QUOTES for char in after)),
        upper,
        title,
        min(1.0, n_words / max(1, sentence_words)),
        float(n_words >= 0.8 * sentence_words),
        float(first_line == 0),
        float(last_line > first_line),
        start / max(1, len(text)),
        float(span_text[:1].isupper()),
        float("#" in span_text),
    ]
    features += [math.log1p(hit) for hit in span_hits]
    features += [math.log1p(max(0, whole - part)) / 2 for whole, part in zip(sentence_hits, span_hits)]
    return features


def span_view(doc: Doc, start: int, end: int, same_text_spans: int) -> SpanView:
    first, last = doc.token_range(start, end)
    first_line, last_line = doc.line_of(start), doc.line_of(max(start, end - 1))
    left = [
        t.lower
        for t, line in zip(doc.tokens[max(0, first - 12) : first], doc.token_line[max(0, first - 12) : first])
        if t.is_word and line == first_line
    ][-CONTEXT_WORDS:]
    right = [
        t.lower
        for t, line in zip(doc.tokens[last : last + 12], doc.token_line[last : last + 12])
        if t.is_word and line == last_line
    ][:CONTEXT_WORDS]
    return SpanView(
        doc.text[start:end],
        " ".join(left) or "_none_",
        " ".join(right) or "_none_",
        hand_features(doc, start, end, same_text_spans),
    )


def same_text_counts(doc: Doc, spans: Sequence[tuple[int, int]]) -> list[int]:
    """For each span, how many of ``spans`` (distinct offsets) have the same normalised text."""
    distinct = sorted(set(spans))
    counts = Counter(normalise(doc.text[s:e]) for s, e in distinct)
    return [counts[normalise(doc.text[s:e])] for s, e in spans]


class TCFeatures:
    """Vectorisers for span, character n-grams, left and right context; dense features appended."""

    def __init__(self, dense_weight: float = 1.0):
        self.span_words = TfidfVectorizer(
            ngram_range=(1, 2), min_df=2, sublinear_tf=True, token_pattern=r"(?u)\b\w+\b", lowercase=True
        )
        self.span_chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), min_df=3, sublinear_tf=True, lowercase=True,
            max_features=60000,
        )
        self.left = TfidfVectorizer(min_df=2, sublinear_tf=True, token_pattern=r"\S+")
        self.right = TfidfVectorizer(min_df=2, sublinear_tf=True, token_pattern=r"\S+")
        self.dense_weight = dense_weight

    def fit_transform(self, views: Sequence[SpanView]) -> sparse.csr_matrix:
        blocks = [
            self.span_words.fit_transform([v.span for v in views]),
            self.span_chars.fit_transform([v.span for v in views]),
            self.left.fit_transform([v.left for v in views]),
            self.right.fit_transform([v.right for v in views]),
            sparse.csr_matrix(np.array([v.dense for v in views]) * self.dense_weight),
        ]
        return sparse.hstack(blocks, format="csr")

    def transform(self, views: Sequence[SpanView]) -> sparse.csr_matrix:
        blocks = [
            self.span_words.transform([v.span for v in views]),
            self.span_chars.transform([v.span for v in views]),
            self.left.transform([v.left for v in views]),
            self.right.transform([v.right for v in views]),
            sparse.csr_matrix(np.array([v.dense for v in views]).reshape(len(views), -1) * self.dense_weight),
        ]
        return sparse.hstack(blocks, format="csr")


# ---------------------------------------------------------------- SI features


def shape(word: str) -> str:
    if not (word[0].isalnum() or word[0] == "_"):
        return "P" + word
    if word.isdigit():
        return "D"
    if word.isupper() and len(word) > 1:
        return "XX"
    if word[0].isupper():
        return "Xx"
    if word.islower():
        return "x"
    return "mixed"


def bucket(value: int, edges: Sequence[int] = (0, 1, 2, 3, 5, 8, 12, 20, 35)) -> int:
    for index, edge in enumerate(edges):
        if value <= edge:
            return index
    return len(edges)


WORD_LEXICON = {}
for _name, _words in LEXICONS.items():
    for _word in _words:
        WORD_LEXICON.setdefault(_word, []).append(_name)


def token_features(doc: Doc, line_probabilities: Sequence[float]) -> list[list[str]]:
    """Feature strings for every token of ``doc`` (see the module docstring).

    ``line_probabilities`` is the sentence model's probability for every line of ``doc``; each
    token gets it as a tenth-wide bucket.
    """
    tokens = doc.tokens
    n = len(tokens)
    lowers = [t.lower for t in tokens]
    shapes = [shape(t.text) for t in tokens]
    lines = doc.token_line.tolist()
    # per-line facts
    line_tokens: dict[int, list[int]] = {}
    for index, line in enumerate(lines):
        line_tokens.setdefault(line, []).append(index)
    line_facts: dict[int, list[str]] = {}
    position: list[tuple[int, int]] = [(0, 0)] * n
    in_quote = [False] * n
    for line, members in line_tokens.items():
        words = [lowers[i] for i in members]
        length = len(members)
        facts = [f"slen={bucket(length)}"]
        if "?" in words:
            facts.append("sq")
        if "!" in words:
            facts.append("sx")
        if any(w in QUOTES for w in words):
            facts.append("squote")
        if line == 0:
            facts.append("title")
        facts.append(f"sp={min(9, int(line_probabilities[line] * 10))}")
        line_facts[line] = facts
        quoted = False
        for k, i in enumerate(members):
            position[i] = (k, length - 1 - k)
            if lowers[i] in ("“", "«"):
                quoted = True
            elif lowers[i] in ("”", "»"):
                quoted = False
            elif lowers[i] == '"':
                quoted = not quoted
            in_quote[i] = quoted
    rows = []
    for i in range(n):
        w = lowers[i]
        f = [
            "w=" + w,
            "sh=" + shapes[i],
            "s3=" + w[-3:],
            "s2=" + w[-2:],
            "p3=" + w[:3],
            f"pos={bucket(position[i][0])}",
            f"rpos={bucket(position[i][1])}",
            f"rep={bucket(doc.word_counts[w]) if tokens[i].is_word else -1}",
            "bias",
        ]
        if in_quote[i]:
            f.append("inq")
        f += line_facts[lines[i]]
        for name in WORD_LEXICON.get(w, ()):
            f.append("lex=" + name)
        for offset in (-2, -1, 1, 2):
            j = i + offset
            if 0 <= j < n and lines[j] == lines[i]:
                f.append(f"w{offset}={lowers[j]}")
                f.append(f"sh{offset}={shapes[j]}")
                for name in WORD_LEXICON.get(lowers[j], ()):
                    f.append(f"lex{offset}={name}")
            else:
                f.append(f"w{offset}=<edge>")
        if i > 0 and lines[i - 1] == lines[i]:
            f.append(f"b-1={lowers[i - 1]}|{w}")
        if i + 1 < n and lines[i + 1] == lines[i]:
            f.append(f"b+1={w}|{lowers[i + 1]}")
        rows.append(f)
    return rows


def token_labels(doc: Doc, gold: Iterable[tuple[int, int]]) -> np.ndarray:
    """1 for tokens overlapping a gold span, else 0."""
    labels = np.zeros(len(doc.tokens), dtype=np.int8)
    for start, end in merge_spans(gold):
        first, last = doc.token_range(start, end)
        labels[first:last] = 1
    return labels


def line_labels(doc: Doc, token_gold: np.ndarray) -> np.ndarray:
    """1 for lines holding at least one in-span token."""
    labels = np.zeros(len(doc.lines), dtype=np.int8)
    labels[doc.token_line[token_gold == 1]] = 1
    return labels


class SentenceModel:
    """Probability that a line (a sentence in PTC) holds propaganda: TF-IDF word and char n-grams."""

    def __init__(self, seed: int, c: float = SENTENCE_C):
        self.words = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        self.chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), min_df=3, sublinear_tf=True, max_features=100_000
        )
        self.model = LogisticRegression(C=c, max_iter=3000, random_state=seed)

    def fit(self, lines: Sequence[str], labels: np.ndarray) -> SentenceModel:
        matrix = sparse.hstack([self.words.fit_transform(lines), self.chars.fit_transform(lines)], format="csr")
        self.model.fit(matrix, labels)
        return self

    def predict(self, lines: Sequence[str]) -> np.ndarray:
        if not lines:
            return np.zeros(0)
        matrix = sparse.hstack([self.words.transform(lines), self.chars.transform(lines)], format="csr")
        return self.model.predict_proba(matrix)[:, 1]

    def for_doc(self, doc: Doc) -> np.ndarray:
        return self.predict([doc.text[start:end] for start, end in doc.lines])


class Vocabulary:
    """Feature strings seen at least ``min_count`` times in training, as columns of a sparse matrix."""

    def __init__(self, rows: Iterable[Sequence[str]], min_count: int = 2):
        counts = Counter(feature for row in rows for feature in set(row))
        kept = sorted(feature for feature, count in counts.items() if count >= min_count)
        self.index = {feature: column for column, feature in enumerate(kept)}

    def transform(self, rows: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        indices: list[int] = []
        pointers = [0]
        for row in rows:
            indices.extend(sorted({self.index[f] for f in row if f in self.index}))
            pointers.append(len(indices))
        data = np.ones(len(indices))
        return sparse.csr_matrix(
            (data, np.array(indices, dtype=np.int64), np.array(pointers, dtype=np.int64)),
            shape=(len(rows), len(self.index)),
        )


# ---------------------------------------------------------------- the model


@dataclass
class LexicalModel:
    """Trained TC and SI models plus the decoding settings :func:`select` tunes."""

    tc_features: TCFeatures
    tc_model: LogisticRegression
    sentence_model: SentenceModel
    si_vocabulary: Vocabulary
    si_model: LogisticRegression
    threshold: float = 0.225
    seed_threshold: float = 0.325
    max_gap: int = 2
    min_chars: int = 2
    second_label: float = 1.01
    timings: dict[str, float] = field(default_factory=dict)
    selection: list[tuple] = field(default_factory=list)

    @property
    def techniques(self) -> list[str]:
        return [str(name) for name in self.tc_model.classes_]

    # ---- TC

    def tc_probabilities(self, doc: Doc, spans: Sequence[tuple[int, int]]) -> np.ndarray:
        if not spans:
            return np.zeros((0, len(self.techniques)))
        same = same_text_counts(doc, spans)
        views = [span_view(doc, s, e, k) for (s, e), k in zip(spans, same)]
        return self.tc_model.predict_proba(self.tc_features.transform(views))

    def classify(self, text: str, spans: list[tuple[int, int]]) -> list[list[tuple[str, float]]]:
        """Per span, every technique with its probability, best first.

        ``spans`` should be all the spans to be labelled in ``text``: how many of them share
        a span's text is one of the features (the TC task hands over all spans of an article).
        """
        for start, end in spans:
            if not 0 <= start < end <= len(text):
                raise ValueError(f"span [{start}, {end}) is empty or outside a text of {len(text)} characters")
        probabilities = self.tc_probabilities(Doc(text), spans)
        names = self.techniques
        return [
            sorted(((names[k], float(row[k])) for k in range(len(names))), key=lambda pair: -pair[1])
            for row in probabilities
        ]

    # ---- SI

    def token_probabilities(self, doc: Doc) -> np.ndarray:
        if not doc.tokens:
            return np.zeros(0)
        rows = token_features(doc, self.sentence_model.for_doc(doc))
        return self.si_model.predict_proba(self.si_vocabulary.transform(rows))[:, 1]

    def decode(self, doc: Doc, probabilities: np.ndarray) -> list[tuple[int, int]]:
        """Spans from token probabilities, by hysteresis.

        Runs of tokens at or over ``threshold``, bridged over gaps of up to ``max_gap`` tokens
        on the same line, are kept when one of their tokens reaches ``seed_threshold``; their
        edges are trimmed of punctuation (quotes may open a span; quotes, ``?``, ``!`` and ``)``
        may close one).
        """
        runs: list[list[int]] = []
        current: list[int] | None = None
        for index in np.flatnonzero(probabilities >= self.threshold).tolist():
            if (
                current is not None
                and index - current[1] - 1 <= self.max_gap
                and doc.token_line[index] == doc.token_line[current[1]]
            ):
                current[1] = index
            else:
                current = [index, index]
                runs.append(current)
        spans = []
        for first, last in runs:
            if probabilities[first : last + 1].max() < self.seed_threshold:
                continue
            while first <= last and not may_start(doc.tokens[first]):
                first += 1
            while last >= first and not may_end(doc.tokens[last]):
                last -= 1
            if first > last:
                continue
            start, end = doc.tokens[first].start, doc.tokens[last].end
            if end - start >= self.min_chars:
                spans.append((start, end))
        return spans

    def find(self, text: str) -> list[tuple[int, int, str, float]]:
        """Predicted propaganda spans ``(start, end, technique, probability)``, offsets into ``text``.

        A span gets its best technique, and a second row with the runner-up when that one's
        probability is at least ``second_label``.
        """
        doc = Doc(text)
        spans = self.decode(doc, self.token_probabilities(doc))
        return self.label_spans(doc, spans)

    def label_spans(self, doc: Doc, spans: list[tuple[int, int]]) -> list[tuple[int, int, str, float]]:
        if not spans:
            return []
        probabilities = self.tc_probabilities(doc, spans)
        names = self.techniques
        out = []
        for (start, end), row in zip(spans, probabilities):
            order = np.argsort(-row, kind="stable")
            out.append((start, end, names[order[0]], float(row[order[0]])))
            if len(order) > 1 and row[order[1]] >= self.second_label:
                out.append((start, end, names[order[1]], float(row[order[1]])))
        return out


def may_start(token: Token) -> bool:
    return token.is_word or token.text in QUOTES or token.text == "#"


def may_end(token: Token) -> bool:
    return token.is_word or token.text in QUOTES or token.text in ("?", "!", ")")


# ---------------------------------------------------------------- training and selection


def read_split(directory: Path) -> tuple[dict[str, str], list[Labelled]]:
    """Articles and TC gold of a PTC split directory (``train/`` or ``dev/``)."""
    directory = Path(directory)
    labels = sorted(directory.glob("*-task-flc-tc.labels"))
    if len(labels) != 1:
        raise ValueError(f"expected one *-task-flc-tc.labels file in {directory}, found {len(labels)}")
    return read_articles(directory / "articles"), read_labels(labels[0])


def class_weights(labels: Sequence[str], power: float) -> dict[str, float]:
    """``balanced`` class weights raised to ``power`` (0: unweighted, 1: fully balanced)."""
    counts = Counter(labels)
    n, k = len(labels), len(counts)
    return {name: (n / (k * count)) ** power for name, count in counts.items()}


def fit_tc(
    docs: dict[str, Doc], gold: Sequence[Labelled], seed: int, c: float = TC_C, power: float = CLASS_WEIGHT_POWER
) -> tuple[TCFeatures, LogisticRegression]:
    """The TC model on every gold row (a span with two labels gives two rows)."""
    by_article: dict[str, list[Labelled]] = {}
    for row in gold:
        by_article.setdefault(row.article_id, []).append(row)
    views, labels = [], []
    for article_id in sorted(by_article):
        rows = by_article[article_id]
        doc = docs[article_id]
        spans = [(r.start, r.end) for r in rows]
        for row, same in zip(rows, same_text_counts(doc, spans)):
            views.append(span_view(doc, row.start, row.end, same))
            labels.append(row.technique)
    features = TCFeatures()
    matrix = features.fit_transform(views)
    model = LogisticRegression(
        C=c, class_weight=class_weights(labels, power), max_iter=5000, random_state=seed, solver="lbfgs"
    )
    model.fit(matrix, labels)
    return features, model


def fit_si(
    docs: dict[str, Doc], gold: Sequence[Labelled], seed: int, c: float = SI_C, folds: int = SENTENCE_FOLDS
) -> tuple[SentenceModel, Vocabulary, LogisticRegression]:
    """The sentence model, then the token model on out-of-fold sentence probabilities.

    The token model must see sentence probabilities as noisy in training as they will be on
    unseen articles, so on train they come from ``folds`` sentence models, each fitted without
    the articles it scores (article ``i`` in sorted order is in fold ``i % folds``).
    """
    spans: dict[str, list[tuple[int, int]]] = {article_id: [] for article_id in docs}
    for row in gold:
        spans[row.article_id].append((row.start, row.end))
    ids = sorted(docs)
    token_gold = {article_id: token_labels(docs[article_id], spans[article_id]) for article_id in ids}
    lines = {article_id: [docs[article_id].text[s:e] for s, e in docs[article_id].lines] for article_id in ids}
    targets = {article_id: line_labels(docs[article_id], token_gold[article_id]) for article_id in ids}

    def pooled(members: Sequence[str]) -> tuple[list[str], np.ndarray]:
        return [line for a in members for line in lines[a]], np.concatenate([targets[a] for a in members])

    sentence_model = SentenceModel(seed).fit(*pooled(ids))
    fold_of = {article_id: index % folds for index, article_id in enumerate(ids)}
    line_probabilities: dict[str, np.ndarray] = {}
    if folds > 1 and len(ids) >= folds:
        for fold in range(folds):
            inside = [a for a in ids if fold_of[a] != fold]
            held_out = [a for a in ids if fold_of[a] == fold]
            model = SentenceModel(seed).fit(*pooled(inside))
            for article_id in held_out:
                line_probabilities[article_id] = model.predict(lines[article_id])
    else:
        line_probabilities = {a: sentence_model.predict(lines[a]) for a in ids}
    rows: list[list[str]] = []
    for article_id in ids:
        rows += token_features(docs[article_id], line_probabilities[article_id])
    vocabulary = Vocabulary(rows)
    si_model = LogisticRegression(C=c, max_iter=3000, random_state=seed)
    si_model.fit(vocabulary.transform(rows), np.concatenate([token_gold[a] for a in ids]))
    return sentence_model, vocabulary, si_model


def train(
    train_dir: Path,
    seed: int = 13,
    articles: Sequence[str] | None = None,
    tc_c: float = TC_C,
    class_weight_power: float = CLASS_WEIGHT_POWER,
    si_c: float = SI_C,
    extra: tuple[dict[str, str], list[Labelled]] | None = None,
) -> LexicalModel:
    """Fit both models on a PTC split (``train/``); ``articles`` limits it to some ids (for tests);
    ``extra`` adds (texts, gold) of other articles (reviewed documents from a store).

    Decoding settings start at the values :func:`select` chose on dev for the shipped
    configuration; call :func:`select` to tune them again.
    """
    began = time.perf_counter()
    texts, gold = read_split(Path(train_dir))
    if articles is not None:
        wanted = set(articles)
        texts = {k: v for k, v in texts.items() if k in wanted}
        gold = [row for row in gold if row.article_id in wanted]
    if extra is not None:
        texts = {**texts, **extra[0]}
        gold = gold + list(extra[1])
    docs = {article_id: Doc(text) for article_id, text in texts.items()}
    tc_began = time.perf_counter()
    tc_features, tc_model = fit_tc(docs, gold, seed, tc_c, class_weight_power)
    si_began = time.perf_counter()
    sentence_model, vocabulary, si_model = fit_si(docs, gold, seed, si_c)
    done = time.perf_counter()
    return LexicalModel(
        tc_features,
        tc_model,
        sentence_model,
        vocabulary,
        si_model,
        timings={"prepare": tc_began - began, "tc": si_began - tc_began, "si": done - si_began, "train": done - began},
    )


def select(
    model: LexicalModel,
    dev_dir: Path,
    thresholds: Sequence[float] = tuple(np.round(np.arange(0.1, 0.451, 0.025), 3)),
    seed_steps: Sequence[float] = tuple(np.round(np.arange(0.0, 0.41, 0.05), 2)),
    gaps: Sequence[int] = (0, 1, 2, 3),
    second_labels: Sequence[float] = (0.2, 0.25, 0.3, 0.35, 0.4, 1.01),
    articles: Sequence[str] | None = None,
) -> LexicalModel:
    """Tune decoding on dev: threshold, seed threshold and gap for SI F1, then the second-label cut.

    The seed threshold is tried at ``threshold + step`` for every step in ``seed_steps``. The
    second-label cut is chosen for end-to-end F1 (1.01 means never). The chosen values are set
    on ``model``, which is returned; every grid point's dev score is kept in ``model.selection``
    and the time taken in ``model.timings['select']``. ``articles`` limits it to some ids
    (the tune part of train, when the split's own articles are scored afterwards).
    """
    began = time.perf_counter()
    texts, gold = read_split(Path(dev_dir))
    if articles is not None:
        wanted = set(articles)
        texts = {k: v for k, v in texts.items() if k in wanted}
        gold = [row for row in gold if row.article_id in wanted]
    docs = {article_id: Doc(text) for article_id, text in texts.items()}
    probabilities = {article_id: model.token_probabilities(doc) for article_id, doc in docs.items()}
    si_gold = [Labelled(row.article_id, None, row.start, row.end) for row in gold]
    best = (-1.0, model.threshold, model.seed_threshold, model.max_gap)
    grid: list[tuple] = []
    for gap in gaps:
        model.max_gap = gap
        for threshold in thresholds:
            for step in seed_steps:
                model.threshold, model.seed_threshold = float(threshold), float(threshold + step)
                predicted = [
                    Labelled(article_id, None, start, end)
                    for article_id in sorted(docs)
                    for start, end in model.decode(docs[article_id], probabilities[article_id])
                ]
                f = score(si_gold, predicted)["si"]["f1"]
                grid.append(("si", gap, model.threshold, model.seed_threshold, f))
                if f > best[0]:
                    best = (f, model.threshold, model.seed_threshold, gap)
    _, model.threshold, model.seed_threshold, model.max_gap = best
    spans = {article_id: model.decode(docs[article_id], probabilities[article_id]) for article_id in docs}
    tc_probabilities = {a: model.tc_probabilities(docs[a], spans[a]) for a in docs}
    names = model.techniques
    best_second = (-1.0, model.second_label)
    for cut in second_labels:
        predicted = []
        for article_id in sorted(docs):
            for (start, end), row in zip(spans[article_id], tc_probabilities[article_id]):
                order = np.argsort(-row, kind="stable")
                predicted.append(Labelled(article_id, names[order[0]], start, end))
                if row[order[1]] >= cut:
                    predicted.append(Labelled(article_id, names[order[1]], start, end))
        f = score(gold, predicted)["end_to_end"]["f1"]
        grid.append(("second_label", float(cut), f))
        if f > best_second[0]:
            best_second = (f, float(cut))
    model.second_label = best_second[1]
    model.selection = grid
    model.timings["select"] = time.perf_counter() - began
    return model


def evaluate(model: LexicalModel, articles_dir: Path, labels_path: Path, distinct_for_repeats: bool = False) -> dict:
    """:func:`unspin.eval.techniques.score` of the model on a split.

    TC predictions are the top label on every gold row (one prediction per row); with
    ``distinct_for_repeats`` a span given k times gets its k best distinct labels instead.
    SI and end-to-end predictions come from :meth:`LexicalModel.find`.
    """
    texts = read_articles(articles_dir)
    gold = read_labels(labels_path)
    names = model.techniques
    by_article: dict[str, list[Labelled]] = {}
    for row in gold:
        by_article.setdefault(row.article_id, []).append(row)
    tc_predicted = []
    for article_id, rows in sorted(by_article.items()):
        spans = [(r.start, r.end) for r in rows]
        probabilities = model.tc_probabilities(Doc(texts[article_id]), spans)
        seen: Counter = Counter()
        for row, p in zip(rows, probabilities):
            order = np.argsort(-p, kind="stable")
            rank = min(seen[(row.start, row.end)], len(order) - 1) if distinct_for_repeats else 0
            seen[(row.start, row.end)] += 1
            tc_predicted.append(Labelled(article_id, names[order[rank]], row.start, row.end))
    found = [
        Labelled(article_id, technique, start, end)
        for article_id in sorted(texts)
        for start, end, technique, _ in model.find(texts[article_id])
    ]
    result = score(gold, found)
    result["tc"] = score(gold, tc_predicted)["tc"]
    return result
