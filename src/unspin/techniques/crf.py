"""A linear-chain CRF over B/I/O tags: span boundaries decided as a sequence, not token by token.

A token head thresholded token by token breaks a phrase on a weak function
word and starts spans mid-phrase; a CRF scores whole tag sequences, so an I
must follow a B or an I, and the transition weights learn how long spans run.
Besides the best sequence (Viterbi), forward-backward gives each token's
marginal probability of lying inside a span, which the span rule and the
ensemble use like any other token probability.

Every function takes a batch ``[rows, positions, tags]`` of emissions and a
``[rows, positions]`` 0/1 mask whose ones are contiguous from position 0.
"""

from __future__ import annotations

import torch
from torch import nn

O, B, I = 0, 1, 2  # noqa: E741 (the tag names of the field)
TAGS = 3


class CRF(nn.Module):
    def __init__(self, size: int):
        super().__init__()
        self.emit = nn.Linear(size, TAGS)
        self.transitions = nn.Parameter(torch.zeros(TAGS, TAGS))
        self.start = nn.Parameter(torch.zeros(TAGS))
        self.end = nn.Parameter(torch.zeros(TAGS))
        with torch.no_grad():  # O -> I is not a span: start it impossible, let training keep it so
            self.transitions[O, I] = -10.0
            self.start[I] = -10.0

    def emissions(self, inputs: torch.Tensor) -> torch.Tensor:
        return self.emit(inputs)

    def _forward(self, emissions: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Log-sums of all paths ending in each tag at each position: [rows, positions, tags]."""
        alphas = []
        alpha = self.start + emissions[:, 0]
        alphas.append(alpha)
        for t in range(1, emissions.shape[1]):
            step = torch.logsumexp(alpha.unsqueeze(2) + self.transitions, dim=1) + emissions[:, t]
            alpha = torch.where(mask[:, t : t + 1].bool(), step, alpha)
            alphas.append(alpha)
        return torch.stack(alphas, dim=1)

    def log_partition(self, emissions: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        alpha = self._forward(emissions, mask)
        last = alpha[torch.arange(len(mask)), mask.sum(1) - 1]
        return torch.logsumexp(last + self.end, dim=1)

    def path_score(self, emissions: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        rows = torch.arange(len(tags))
        maskf = mask.float()
        score = self.start[tags[:, 0]] + emissions[rows, 0, tags[:, 0]]
        for t in range(1, tags.shape[1]):
            step = self.transitions[tags[:, t - 1], tags[:, t]] + emissions[rows, t, tags[:, t]]
            score = score + step * maskf[:, t]
        last = tags[rows, mask.sum(1) - 1]
        return score + self.end[last]

    def nll(self, emissions: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Negative log-likelihood per token (summed over rows, divided by the tokens)."""
        total = (self.log_partition(emissions, mask) - self.path_score(emissions, tags, mask)).sum()
        return total / mask.sum().clamp(min=1)

    def marginals(self, emissions: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """P(tag) per position, [rows, positions, tags]; masked positions get zeros."""
        alpha = self._forward(emissions, mask)
        flipped = _flip_valid(emissions, mask)
        beta_rev = self._backward_pass(flipped, mask)
        beta = _flip_valid(beta_rev, mask)
        lengths = mask.sum(1)
        log_z = torch.logsumexp(alpha[torch.arange(len(mask)), lengths - 1] + self.end, dim=1)
        probs = torch.exp(alpha + beta - log_z[:, None, None])
        return probs * mask.unsqueeze(-1)

    def _backward_pass(self, flipped: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Backward log-sums computed as a forward pass over the reversed sequences."""
        betas = []
        beta = self.end.expand(flipped.shape[0], TAGS)
        betas.append(beta)
        for t in range(1, flipped.shape[1]):
            step = torch.logsumexp(self.transitions + (flipped[:, t - 1] + beta).unsqueeze(1), dim=2)
            beta = torch.where(mask[:, t : t + 1].bool(), step, beta)
            betas.append(beta)
        return torch.stack(betas, dim=1)

    def viterbi(self, emissions: torch.Tensor, mask: torch.Tensor) -> list[list[int]]:
        """The best tag sequence of each row, as long as its mask."""
        score = self.start + emissions[:, 0]
        pointers = []
        for t in range(1, emissions.shape[1]):
            total = score.unsqueeze(2) + self.transitions
            best, arg = total.max(dim=1)
            step = best + emissions[:, t]
            keep = mask[:, t : t + 1].bool()
            score = torch.where(keep, step, score)
            pointers.append(torch.where(keep, arg, torch.arange(TAGS).expand_as(arg)))
        score = score + self.end
        out = []
        for row in range(len(mask)):
            length = int(mask[row].sum())
            tag = int(score[row].argmax())
            path = [tag]
            for t in range(length - 1, 0, -1):
                tag = int(pointers[t - 1][row, tag])
                path.append(tag)
            out.append(path[::-1])
        return out


def _flip_valid(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Reverse each row's valid (masked) prefix in place of itself; padding stays where it is."""
    lengths = mask.sum(1)
    positions = torch.arange(x.shape[1]).expand(len(mask), -1)
    index = torch.where(positions < lengths[:, None], lengths[:, None] - 1 - positions, positions)
    return x.gather(1, index.unsqueeze(-1).expand_as(x))


def bio_tags(inside: torch.Tensor, starts: torch.Tensor) -> torch.Tensor:
    """Tags from 0/1 'inside a span' and 'first token of a span' marks."""
    tags = torch.where(inside > 0, torch.full_like(inside, I, dtype=torch.long), torch.full_like(inside, O, dtype=torch.long))
    return torch.where(starts > 0, torch.full_like(tags, B), tags)
