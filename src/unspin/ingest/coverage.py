"""Nothing of the article's part of a page goes missing.

trafilatura reads one container of the page and keeps what it judges to be
the article; unspin then moves some lines out to the furniture. Text that
trafilatura never returned (a lead paragraph in a sibling ``<div>``, a
breadcrumb, a "Get short URL" link) would otherwise be in neither the text
nor the furniture: silently lost to the researcher. This module finds the
page's text blocks around the article and reports those that are covered by
neither, so that the reader can keep them as furniture.

The *article region* is the element that holds every block of the body,
widened by one level so that what sits beside the body container (lead,
byline, date, share bar, tags) is in it. Menus and footers elsewhere on the
page are outside it: they are not the article's furniture but the site's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement

#: Elements that start a block of text of their own; inline elements
#: (a, span, em, strong, ...) belong to the block around them.
BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption dd details div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody td tfoot "
    "th thead tr ul".split()
)
#: Elements whose content is never shown as text.
_HIDDEN = frozenset("script style noscript template head svg math iframe object select option textarea".split())
_WORD = re.compile(r"\w+")
#: Body blocks shorter than this do not locate the article (a "Home" link
#: can share its words with the body by chance).
_LOCATING = 40


@dataclass(frozen=True)
class TextBlock:
    #: None for a line that comes from no one element (a line of trafilatura's output).
    element: HtmlElement | None
    text: str
    #: Characters of ``text`` that are the text of links.
    linked: int = 0

    @property
    def link_share(self) -> float:
        return self.linked / max(1, len(self.text))


def key(text: str) -> str:
    """Lower-case words joined by single spaces: spacing and punctuation do not matter."""
    return " ".join(_WORD.findall(text.lower()))


def text_blocks(root: HtmlElement) -> list[TextBlock]:
    """Each block element's own visible text (its inline content, not its nested blocks), in page order.

    A ``<br>`` ends a block too: teaser links stacked with line breaks in one
    paragraph are separate lines to a reader.
    """
    blocks: list[tuple[int, TextBlock]] = []
    stack: list[list] = []  # [element, parts, order of its first part, linked characters]
    counter = iter(range(1 << 62))
    in_link = 0

    def add(text: str | None) -> None:
        if text and stack:
            top = stack[-1]
            if not top[1]:
                top[2] = next(counter)
            top[1].append(text)
            if in_link:
                top[3] += len(text.strip())

    def space() -> None:
        if stack and stack[-1][1]:
            stack[-1][1].append(" ")

    def flush(top: list) -> None:
        text = " ".join("".join(top[1]).split())
        if text:
            blocks.append((top[2], TextBlock(top[0], text, min(top[3], len(text)))))
        top[1], top[3] = [], 0

    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, el in walker:
        if event in ("comment", "pi"):
            add(el.tail)  # a comment shows nothing, but the text after it is the page's
            continue
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in _HIDDEN or not tag:
                walker.skip_subtree()
            elif tag == "br":
                if stack:
                    flush(stack[-1])
            elif tag in BLOCK_TAGS or not stack:
                space()  # the text on either side of a nested block does not run together
                stack.append([el, [], 0, 0])
                add(el.text)
            else:
                if tag == "a" and stack:
                    space()  # links set side by side (breadcrumbs, tags) are separate words
                    in_link += 1
                add(el.text)
            continue
        if stack and stack[-1][0] is el:
            flush(stack.pop())
        elif tag == "a" and in_link and stack:
            in_link -= 1
            space()
        if el is not root:
            add(el.tail)
    blocks.sort(key=lambda item: item[0])
    return [block for _, block in blocks]


def article_region(
    root: HtmlElement, body: list[str], paragraphs: list[tuple[HtmlElement, str]] = ()
) -> HtmlElement | None:
    """The element holding every page block whose text is in ``body`` (its lines), and its neighbours.

    ``paragraphs`` (element, text) are tried first to locate the body, as
    they are cheap to have; the page's blocks are walked only when none of
    them is in the body. None when no block of the page is in the body (the
    text then does not come from this page's blocks: nothing to locate).
    """
    in_body = _Covered(body)

    def locate(candidates) -> list[HtmlElement]:
        return [el for el, text in candidates if len(text) >= _LOCATING and in_body.holds(key(text))]

    located = locate(paragraphs) or locate((b.element, b.text) for b in text_blocks(root))
    if not located:
        return None
    common = _common_ancestor(located)
    parent = common.getparent()
    return parent if parent is not None and common.tag not in ("body", "html") else common


def uncovered(region: HtmlElement, covered: list[str]) -> list[TextBlock]:
    """The region's blocks whose words appear in none of ``covered``, in page order."""
    found_in = _Covered(covered)
    found: list[TextBlock] = []
    seen: set[str] = set()
    for block in text_blocks(region):
        block_key = key(block.text)
        if not block_key or block_key in seen or found_in.holds(block_key):
            continue
        seen.add(block_key)
        found.append(block)
    return found


def uncovered_lines(lines: list[str], covered: list[str]) -> list[str]:
    """The lines whose words appear in none of ``covered``."""
    found_in = _Covered(covered)
    return [line for line in lines if key(line) and not found_in.holds(key(line))]


class _Covered:
    """Whether a run of words occurs in the covered texts, in time that does not grow with their length.

    Most blocks are a whole line of the text (a set answers); the others (a
    table cell, a piece between line breaks) are looked up by their rarest
    word's positions. A page of 200,000 paragraphs or a table of 72,000 rows
    would otherwise be searched from the start once per block.
    """

    #: Candidate positions tried per block before it counts as not covered
    #: (kept as furniture: a duplicate is better than a loss).
    MAX_TRIES = 1_000

    def __init__(self, texts: list[str]):
        keys = [key(t) for t in texts]
        self.exact = set(keys)
        self.words: list[str] = []
        self.where: dict[str, list[int]] = {}
        for k in keys:
            for word in k.split():
                self.where.setdefault(word, []).append(len(self.words))
                self.words.append(word)
            self.words.append("")  # texts do not run into each other

    def holds(self, block_key: str) -> bool:
        if block_key in self.exact:
            return True
        words = block_key.split()
        if not words:
            return False
        counts = [len(self.where.get(w, ())) for w in words]
        rarest = min(range(len(words)), key=counts.__getitem__)
        for tried, at in enumerate(self.where.get(words[rarest], ())):
            if tried >= self.MAX_TRIES:
                return False
            start = at - rarest
            if start >= 0 and self.words[start : start + len(words)] == words:
                return True
        return False


def _common_ancestor(elements: list[HtmlElement]) -> HtmlElement:
    path = [elements[0], *elements[0].iterancestors()]
    rank = {id(el): i for i, el in enumerate(path)}
    deepest = 0
    for el in elements[1:]:
        for node in (el, *el.iterancestors()):
            if id(node) in rank:
                deepest = max(deepest, rank[id(node)])
                break
    return path[deepest]
