"""The BERT encoder (all-MiniLM-L6-v2) and its word-piece tokenizer, in plain torch and ``tokenizers``.

Importing transformers' BERT costs about 3.5 s per process (it pulls in
torch's compiler and distributed packages), more than the analysis of a
typical article, and every ``unspin`` command, Spark task and web worker
paid it. The encoder is small and fixed, so it is written here: the same
parameter names as ``transformers.BertModel`` (the shipped weights and the
package's ``model.safetensors`` load unchanged), the same arithmetic (post-
layer-norm blocks, exact GELU, softmax attention with padded keys masked
out). ``tests/test_techniques_bert.py`` checks it against transformers'
implementation, which stays installed for that check.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import NamedTuple

import torch
from torch import nn


class Config(NamedTuple):
    vocab_size: int
    hidden_size: int
    num_hidden_layers: int
    num_attention_heads: int
    intermediate_size: int
    max_position_embeddings: int
    type_vocab_size: int
    layer_norm_eps: float
    pad_token_id: int

    @classmethod
    def read(cls, path: Path) -> "Config":
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("model_type") != "bert" or raw.get("hidden_act", "gelu") != "gelu":
            raise ValueError(f"{path}: not a BERT encoder with GELU activations")
        if raw.get("position_embedding_type", "absolute") != "absolute":
            raise ValueError(f"{path}: only absolute position embeddings are supported")
        return cls(**{name: raw[name] for name in cls._fields})


class Embeddings(nn.Module):
    def __init__(self, config: Config):
        super().__init__()
        self.word_embeddings = nn.Embedding(config.vocab_size, config.hidden_size, padding_idx=config.pad_token_id)
        self.position_embeddings = nn.Embedding(config.max_position_embeddings, config.hidden_size)
        self.token_type_embeddings = nn.Embedding(config.type_vocab_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(0.1)
        self.register_buffer("position_ids", torch.arange(config.max_position_embeddings).unsqueeze(0),
                             persistent=False)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        length = input_ids.shape[1]
        positions = self.position_ids[:, :length]
        types = torch.zeros_like(input_ids)
        summed = self.word_embeddings(input_ids) + self.token_type_embeddings(types) + self.position_embeddings(positions)
        return self.dropout(self.LayerNorm(summed))


class SelfAttention(nn.Module):
    def __init__(self, config: Config):
        super().__init__()
        self.heads = config.num_attention_heads
        self.head_size = config.hidden_size // config.num_attention_heads
        self.query = nn.Linear(config.hidden_size, config.hidden_size)
        self.key = nn.Linear(config.hidden_size, config.hidden_size)
        self.value = nn.Linear(config.hidden_size, config.hidden_size)
        self.dropout = nn.Dropout(0.1)

    def split(self, x: torch.Tensor) -> torch.Tensor:
        batch, length, _ = x.shape
        return x.view(batch, length, self.heads, self.head_size).transpose(1, 2)

    def forward(self, hidden: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        q, k, v = self.split(self.query(hidden)), self.split(self.key(hidden)), self.split(self.value(hidden))
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.head_size) + bias
        context = self.dropout(scores.softmax(dim=-1)) @ v
        batch, _, length, _ = context.shape
        return context.transpose(1, 2).reshape(batch, length, self.heads * self.head_size)


class DenseNorm(nn.Module):
    """A projection, dropout, then layer norm over the sum with the block's input (BERT's post-norm)."""

    def __init__(self, size_in: int, config: Config):
        super().__init__()
        self.dense = nn.Linear(size_in, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(0.1)

    def forward(self, x: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.dropout(self.dense(x)) + residual)


class Attention(nn.Module):
    def __init__(self, config: Config):
        super().__init__()
        self.self = SelfAttention(config)
        self.output = DenseNorm(config.hidden_size, config)

    def forward(self, hidden: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        return self.output(self.self(hidden, bias), hidden)


class Intermediate(nn.Module):
    def __init__(self, config: Config):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.intermediate_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return nn.functional.gelu(self.dense(x))


class Layer(nn.Module):
    def __init__(self, config: Config):
        super().__init__()
        self.attention = Attention(config)
        self.intermediate = Intermediate(config)
        self.output = DenseNorm(config.intermediate_size, config)

    def forward(self, hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """``attention_mask`` is the additive bias from ``Encoder.attention_bias``."""
        attended = self.attention(hidden, attention_mask)
        return self.output(self.intermediate(attended), attended)


class Stack(nn.Module):
    def __init__(self, config: Config):
        super().__init__()
        self.layer = nn.ModuleList(Layer(config) for _ in range(config.num_hidden_layers))


class Output(NamedTuple):
    last_hidden_state: torch.Tensor


class Encoder(nn.Module):
    """BERT without its pooler: what the technique network and the article embeddings read."""

    def __init__(self, config: Config):
        super().__init__()
        self.config = config
        self.embeddings = Embeddings(config)
        self.encoder = Stack(config)

    @staticmethod
    def attention_bias(mask: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
        """[batch, 1, 1, keys]: 0 where a key is a real token, the dtype's lowest value where it is padding."""
        return (1.0 - mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None) -> Output:
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        hidden = self.embeddings(input_ids)
        bias = self.attention_bias(attention_mask, hidden.dtype)
        for layer in self.encoder.layer:
            hidden = layer(hidden, bias)
        return Output(hidden)


def load_encoder(directory: Path) -> Encoder:
    """The package's pre-trained weights (``model.safetensors``), the pooler left out on purpose."""
    from safetensors.torch import load_file

    model = Encoder(Config.read(directory / "config.json"))
    state = {k.removeprefix("bert."): v for k, v in load_file(directory / "model.safetensors").items()}
    state = {k: v for k, v in state.items() if not k.startswith("pooler.") and k != "embeddings.position_ids"}
    missing, unexpected = model.load_state_dict(state, strict=False)
    if missing or unexpected:
        raise RuntimeError(f"{directory}: weights do not fit BERT (missing {missing[:3]}, unexpected {unexpected[:3]})")
    return model


class WordPieces:
    """The package's ``tokenizer.json`` read by ``tokenizers``, with the two calls unspin makes of it."""

    def __init__(self, directory: Path):
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self.cls_token_id = self.tokenizer.token_to_id("[CLS]")
        self.sep_token_id = self.tokenizer.token_to_id("[SEP]")
        self.pad_token_id = self.tokenizer.token_to_id("[PAD]")

    def pieces(self, text: str) -> tuple[list[int], list[tuple[int, int]]]:
        """Ids and character offsets of the whole text's word pieces, no special tokens."""
        encoding = self.tokenizer.encode(text, add_special_tokens=False)
        return encoding.ids, encoding.offsets

    def batch(self, texts: list[str], max_length: int) -> tuple[torch.Tensor, torch.Tensor]:
        """[CLS] pieces [SEP], cut to ``max_length`` and padded: (input ids, attention mask)."""
        rows = []
        for text in texts:
            ids = self.tokenizer.encode(text, add_special_tokens=False).ids[: max_length - 2]
            rows.append([self.cls_token_id, *ids, self.sep_token_id])
        width = max(len(r) for r in rows)
        ids = torch.full((len(rows), width), self.pad_token_id, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, row in enumerate(rows):
            ids[i, : len(row)] = torch.tensor(row)
            mask[i, : len(row)] = 1
        return ids, mask
