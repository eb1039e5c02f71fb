"""A page far longer than one piece of the techniques reader: read in pieces, offsets those of the whole text."""

from __future__ import annotations

from unspin.techniques.model import CHUNK_CHARS, load

PARAGRAPH = (
    "The shameless clowns running the harbour board have wrecked everything decent people built, "
    "and only a fool would believe a single word of their pathetic excuses. Why would anyone trust them again?\n"
)


def test_a_long_page_is_read_in_pieces_and_spans_point_at_the_whole_text():
    text = PARAGRAPH * (CHUNK_CHARS * 5 // 2 // len(PARAGRAPH))
    assert len(text) > 2 * CHUNK_CHARS
    found = load().find(text)
    assert found, "the paragraph's loaded words should be marked somewhere"
    line_starts = {i + 1 for i, c in enumerate(text) if c == "\n"} | {0}
    for f in found:
        assert 0 <= f.start < f.end <= len(text)
        assert "\n" not in text[f.start : f.end]
        line = max(s for s in line_starts if s <= f.start)
        assert text[f.start : f.end] in PARAGRAPH and PARAGRAPH.find(text[f.start : f.end]) == f.start - line
    assert max(f.start for f in found) > 2 * CHUNK_CHARS  # the last piece was read too
