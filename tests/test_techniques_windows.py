"""Window cutting and ownership: every token is predicted once, from a window that holds it well inside."""

from __future__ import annotations

import numpy as np
import pytest

from unspin.techniques.windows import STEP, WINDOW, owners, tokens_in, window_bounds


@pytest.mark.parametrize("n", [0, 1, 5, WINDOW - 1, WINDOW, WINDOW + 1, 3 * STEP + 17, 10_000])
def test_windows_cover_every_token_with_at_most_window_tokens(n):
    bounds = window_bounds(n)
    covered = np.zeros(n, dtype=bool)
    for start, end in bounds:
        assert 0 <= start < end <= n
        assert end - start <= WINDOW
        covered[start:end] = True
    assert covered.all()
    if n:
        assert bounds[0][0] == 0 and bounds[-1][1] == n


@pytest.mark.parametrize("n", [WINDOW + 1, 3 * STEP + 17, 10_000])
def test_each_token_is_owned_by_a_window_that_contains_it_away_from_its_inner_edges(n):
    bounds = window_bounds(n)
    own = owners(n, bounds)
    margin = (WINDOW - STEP) // 2 - 1
    for i, w in enumerate(own):
        start, end = bounds[w]
        assert start <= i < end
        if start > 0:
            assert i - start >= margin, (i, bounds[w])
        if end < n:
            assert end - 1 - i >= margin, (i, bounds[w])


def test_tokens_in_finds_overlapping_tokens_only():
    offsets = np.array([[0, 3], [4, 9], [9, 12], [13, 20]])
    assert tokens_in(offsets, 4, 12).tolist() == [1, 2]
    assert tokens_in(offsets, 3, 4).tolist() == []
    assert tokens_in(offsets, 10, 14).tolist() == [2, 3]
    assert tokens_in(np.zeros((0, 2), dtype=np.int64), 0, 5).tolist() == []


def test_owners_of_a_very_long_text_take_linear_memory():
    """Three million tokens: a token-by-window table would need tens of GiB; this stays small and fast."""
    from unspin.techniques.windows import owners, window_bounds

    bounds = window_bounds(3_000_000)
    owner = owners(3_000_000, bounds)
    assert owner[0] == 0 and owner[-1] == len(bounds) - 1
    assert (np.diff(owner) >= 0).all()  # owners never go back: each token is owned by a window covering it
    starts = np.array([b[0] for b in bounds])[owner]
    ends = np.array([b[1] for b in bounds])[owner]
    tokens = np.arange(3_000_000)
    assert ((starts <= tokens) & (tokens < ends)).all()
