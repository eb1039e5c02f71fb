"""Main article text and metadata from one saved news page.

trafilatura does the heavy lifting; this module parses the page once, hands the
tree to trafilatura, then uses the same tree to repair what trafilatura gets
wrong most often on news pages:

* an article split over several sibling containers (only the first is kept);
* a page where trafilatura keeps almost nothing of the main text block;
* a lead set just before the body's container, which trafilatura never reads;
* the headline repeated as the first line of the body;
* boilerplate lines (share, newsletter, related links, comment counters, ...);
* image captions and credits mixed into the body (returned as ``captions``);
* teaser headlines of other articles (link text, perhaps with a "[TAG]").

Whatever else of the article's region of the page is in neither the text nor
the captions is returned in ``removed`` too (``coverage``), so that nothing
of the article is silently lost.

Metadata is read directly from ``<meta>`` tags and JSON-LD, which is several
times cheaper than trafilatura's full metadata pass; the date comes from
htmldate in its fast mode.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import trafilatura
from htmldate import find_date
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from unspin.ingest.coverage import TextBlock, article_region, uncovered, uncovered_lines
from unspin.ingest.outlet import host_of, site_name, split_byline, strip_site_from_title
from unspin.ingest.furniture import is_call_to_action, is_caption_credit, is_navigation



@dataclass(frozen=True)
class Extraction:
    text: str
    title: str | None
    byline: str | None
    published: str | None
    site: str | None
    url: str | None
    description: str | None
    language: str | None
    captions: tuple[str, ...]
    #: Lines of trafilatura's output that unspin took out, as (furniture kind, line).
    removed: tuple[tuple[str, str], ...] = ()
    #: The URL the page declares for itself (``<link rel=canonical>``, else ``og:url``), made absolute
    #: against the URL it was fetched from; a claim of the page, so never taken for where it came from.
    canonical_url: str | None = None


EMPTY = Extraction("", None, None, None, None, None, None, None, ())

_WORD = re.compile(r"\w+")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
#: Containers of captions and photo credits.
_CAPTION_XPATH = etree.XPath('//*[self::figcaption or contains(@class, "caption")]')
#: Links long enough to be a teaser line (the filter runs in C, before any Python).
_LONG_LINKS = etree.XPath("//a[string-length(normalize-space(.)) > 15]")
#: Class names (whole, or as a "-"/"_" part) marking a caption element.
_CAPTION_CLASS = re.compile(r"(?:^|[\s_-])(?:wp-)?caption(?:[\s_-]text)?(?:$|\s)|(?:image|img|photo|media|figure)[_-]?caption", re.I)
_ARTICLE_TYPES = {"article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
                  "opinionnewsarticle", "webpage", "report", "techarticle", "scholarlyarticle"}

# Boilerplate lines. Each pattern must match a whole (short) line, so a sentence
# of the article that merely mentions "newsletter" or "share" is left alone.
_BOILERPLATE = re.compile(
    r"""^(?:
        (?:share|share\ this(?:\ article|\ story|\ post)?|tweet|email|print|comments?|\d+\ comments?
           |leave\ a\ (?:comment|reply)|tags?|advertisement|sponsored(?:\ content)?)\W*
      | like\ this\ (?:story|article)\?.*
      | (?:read\ more|see\ more|more|also|related(?:\ (?:articles?|stories|posts?|content|links|coverage))?
           |see\ also|also\ read|read\ also|recommended(?:\ for\ you)?|you\ (?:may|might)\ also\ like
           |more\ (?:on\ this|from|stories|news|in)[^.!?:]{0,60}|most\ (?:read|popular)[^.!?:]{0,60}|don'?t\ miss
           |trending(?:\ now)?|leggi\ anche|lesen\ sie\ auch|lire\ aussi|leia\ (?:tamb[eé]m|mais)|mehr\ zum\ thema
          )(?:\s*[:|»>]\s*.{0,160}|\W*)
      | also\ on\ \S+\.\w{2,4}\b.*
      | filed\ under\b.*
      | tell\ us\ what\ you\ think.*
      | (?:\S+\ )?(?:copyright|©|\(c\))\ .{0,120}
      | .{0,80}\ball\ rights\ reserved\b.{0,40}
      | .{0,60}(?:무단전재|무단\ 전재|재배포\ ?금지|転載禁止).{0,40}
    )$""",
    re.I | re.X,
)
# Calls to action that are boilerplate wherever they stand, if the line is short.
_CALL_TO_ACTION = re.compile(
    r"""(?:
        \b(?:sign\ up|subscribe|register)\b.{0,120}\b(?:newsletters?|inbox|updates|alerts)\b
      | \bnewsletters?\b.{0,120}\b(?:sign\ up|subscribe|inbox)\b
      | \b(?:delivered|straight|right)\ (?:to|in|into)\ your\ inbox\b
      | \bfollow\ (?:us|him|her|them|@\w+|[A-Z][\w.]+(?:\ [A-Z][\w.]+)?)\ on\ (?:twitter|facebook|instagram|linkedin)\b
      | \bfollow\ (?:us|him|her|them)\b.{0,40}@\w+
      | \bshare\ (?:it|this)\ with\ (?:a\ friend|your\ friends)\b
    )""",
    re.I | re.X,
)
_MAX_BOILERPLATE_LINE = 260
_BYLINE_LINE = re.compile(r"^(?:by|written by|words by)\s+[A-Z]", re.I)


def extract_article(html: str, url: str | None = None) -> Extraction:
    """Article body, captions and metadata of ``html``; text is "" when none is found."""
    try:
        tree = load_html(html)
    except Exception:  # lxml raises many kinds of errors on broken input
        tree = None
    if tree is None:
        return EMPTY
    meta = _metadata(tree, url)
    blocks = _text_blocks(tree)
    lines = _trafilatura_lines(tree, url, fast=True)
    returned = lines  # every line trafilatura gave, kept somewhere in the end
    if _looks_short(lines, blocks):
        lines = _trafilatura_lines(tree, url, fast=False)
        returned = [*returned, *lines]
    lines = _recover_split_article(lines, blocks)
    lines = _fallback_main_block(lines, blocks)
    lines = _recover_lead(lines, blocks)
    captions = _captions(tree)
    removed: list[tuple[str, str]] = []
    lines = _drop_captions(lines, captions)  # kept as captions already
    lines = _note_removed(removed, "repeated_title", lines, _drop_title(lines, meta.get("title")))
    kept = _drop_boilerplate(lines)
    for line in _dropped(lines, kept):
        removed.append((_removed_kind(line), line))
    lines = _note_removed(removed, "navigation", kept, _drop_link_lists(kept, tree))
    removed += _rest_of_article(tree, lines, captions, removed, meta.get("title"), blocks, returned)

    return Extraction(
        text="\n".join(lines),
        title=meta.get("title"),
        byline=meta.get("byline"),
        published=_published(tree, meta, url),
        site=meta.get("site"),
        url=meta.get("url"),
        description=meta.get("description"),
        language=meta.get("language"),
        captions=tuple(captions),
        removed=tuple(removed),
        canonical_url=meta.get("canonical_url"),
    )


def _dropped(before: list[str], after: list[str]) -> list[str]:
    """Lines of ``before`` that a filter took out (filters only remove, keeping order)."""
    out, j = [], 0
    for line in before:
        if j < len(after) and after[j] is line:
            j += 1
        else:
            out.append(line)
    return out


def _removed_kind(line: str) -> str:
    if _CALL_TO_ACTION.search(line) or is_call_to_action(line):
        return "call_to_action"
    return "navigation" if is_navigation(line) else "boilerplate"


def _note_removed(removed: list, kind: str, before: list[str], after: list[str]) -> list[str]:
    removed.extend((kind, line) for line in _dropped(before, after))
    return after


def _rest_of_article(
    tree: HtmlElement, lines: list[str], captions: list[str], removed: list, title: str | None,
    blocks: list[_Block] = (), returned: list[str] = (),
) -> list[tuple[str, str]]:
    """The article region's text that is neither in the body nor already furniture, typed.

    This is what makes "anything not in the text is in the furniture" hold for
    HTML: whatever trafilatura left out of the region around the body (a
    breadcrumb, a date, a share bar, a lead it did not see) is kept, and so
    is any line trafilatura ``returned`` that a repair replaced (the densest
    container taken instead of what trafilatura latched on to).
    """
    covered = [*lines, *captions, *(text for _, text in removed)]
    region = article_region(tree, lines, [(b.element, b.text) for b in blocks])
    found = uncovered(region, covered) if region is not None else []
    seen = [*covered, *(b.text for b in found)]
    found += [TextBlock(None, line) for line in uncovered_lines(returned, seen)]
    title_key = _key(title or "")
    out = []
    for block in found:
        text = block.text
        if title_key and _key(text) == title_key:
            kind = "title"
        elif _BYLINE_LINE.match(text) and len(text.split()) <= 12:
            kind = "byline"
        elif _CALL_TO_ACTION.search(text) or is_call_to_action(text):
            kind = "call_to_action"
        elif is_navigation(text) or block.link_share >= 0.5:
            kind = "navigation"
        elif is_caption_credit(text):
            kind = "caption"
        elif _is_boilerplate(text):
            kind = "boilerplate"
        else:
            kind = "unclassified"
        out.append((kind, text))
    return out


def _trafilatura_lines(tree: HtmlElement, url: str | None, fast: bool) -> list[str]:
    """trafilatura's article text as lines; ``fast`` skips its fallback extractors."""
    try:
        document = trafilatura.bare_extraction(
            tree, url=url, fast=fast, favor_precision=True, include_comments=False, include_tables=True
        )
    except Exception:  # never let one odd page stop a batch
        document = None
    return _split_lines(document.text if document is not None else "")


#: Below this many characters an extraction is checked against the page's paragraphs.
_SHORT_OUTPUT = 1_000
#: Below this many characters (some 40 words) it is too short to be a news article.
_TOO_SHORT = 250


def _looks_short(lines: list[str], blocks: list[_Block]) -> bool:
    """Whether trafilatura's fast pass probably missed the article.

    Its fallback extractors (readability, jusText) cost a fifth of its time and
    matter on few pages: those where the main pass finds little or nothing.
    They run only when the fast pass returned less than half of the page's
    paragraph text, or too little to be an article at all.
    """
    found = sum(len(line) for line in lines)
    if found < _TOO_SHORT:
        return True
    if found >= _SHORT_OUTPUT:
        return False
    return found * 2 < sum(len(b.text) for b in blocks if len(b.text) >= 40)


# --- text helpers -----------------------------------------------------------


def _norm(text: str | None) -> str:
    return " ".join(text.split()) if text else ""


def _key(text: str) -> str:
    """Comparison key: lower-case words only, so punctuation and spacing don't matter."""
    return " ".join(_WORD.findall(text.lower()))


def _split_lines(text: str) -> list[str]:
    return [line for line in (text or "").split("\n") if line.strip()]


def _element_text(el: HtmlElement) -> str:
    """Visible text of ``el`` with whitespace collapsed (lxml's C-level text walk)."""
    return _norm(el.text_content())


# --- the page's paragraph blocks ---------------------------------------------


@dataclass(eq=False)
class _Block:
    element: HtmlElement
    text: str
    key: str
    holder: HtmlElement  # kept here so that lxml hands back the same proxy object


def _text_blocks(tree: HtmlElement) -> list[_Block]:
    """The page's ``<p>`` elements with their text, in document order.

    Paragraphs alone are enough to locate the article's containers, and
    walking only them keeps this pass cheap.
    """
    blocks: list[_Block] = []
    for el in tree.iter("p"):
        text = _element_text(el)
        if text:
            blocks.append(_Block(el, text, _key(text), _container(el)))
    return blocks


def _container(el: HtmlElement) -> HtmlElement:
    """The element that groups a paragraph with its siblings."""
    parent = el.getparent()
    return parent if parent is not None else el


def _signature(el: HtmlElement) -> tuple | None:
    """Tag and class of a container and of its parent, or None without a class.

    The parent is included so that a generic class name ("content") reused in
    an unrelated part of the page does not pass for a continuation.
    """
    cls = _norm(el.get("class"))
    if not cls:
        return None
    parent = el.getparent()
    outer = (parent.tag, _norm(parent.get("class"))) if parent is not None else None
    return (el.tag, cls, outer)


def _link_density(el: HtmlElement, text: str) -> float:
    linked = sum(len(_element_text(a)) for a in el.iter("a"))
    return linked / max(1, len(text))


def _matched_blocks(lines: list[str], blocks: list[_Block]) -> list[int]:
    """Indexes of page blocks whose text trafilatura kept."""
    kept = {_key(line) for line in lines}
    return [i for i, b in enumerate(blocks) if b.key and b.key in kept]


def _main_holder(matched: list[int], blocks: list[_Block]) -> HtmlElement:
    """The container holding most of the paragraphs trafilatura kept."""
    parents = Counter(id(blocks[i].holder) for i in matched)
    main_id, _ = parents.most_common(1)[0]
    return next(blocks[i].holder for i in matched if id(blocks[i].holder) == main_id)


def _recover_split_article(lines: list[str], blocks: list[_Block]) -> list[str]:
    """Add the paragraphs of sibling containers that continue the extracted article.

    Some sites cut one article into several containers of the same tag and class
    (between ad slots); trafilatura keeps only the first. A container counts as a
    continuation when it has the same tag and class as the one holding most
    kept paragraphs and holds real paragraphs itself.
    """
    matched = _matched_blocks(lines, blocks)
    if len(matched) < 2:
        return lines
    main = _main_holder(matched, blocks)
    signature = _signature(main)
    if signature is None:
        return lines
    matched_set = set(matched)
    extra: dict[int, list[_Block]] = {}
    for i, block in enumerate(blocks):
        if i in matched_set or _link_density(block.element, block.text) > 0.5:
            continue
        holder = block.holder
        if holder is main or _signature(holder) != signature:
            continue
        extra.setdefault(id(holder), []).append(block)
    additions = [
        b.text
        for chunk in extra.values()
        if sum(len(b.text) for b in chunk) >= 150
        for b in chunk
    ]
    if not additions:
        return lines
    kept = {_key(line) for line in lines}
    return lines + [text for text in additions if _key(text) not in kept]


#: A lead is a short paragraph of prose: one to a few sentences.
_LEAD_SIZE = (80, 1_000)
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)]*$")


def _recover_lead(lines: list[str], blocks: list[_Block]) -> list[str]:
    """Put back a lead paragraph that sits just before the body's container.

    Many sites set the standfirst in an element of its own right before the
    container of the body's paragraphs, often as bare text in a ``<div>``
    rather than a ``<p>``; trafilatura reads only the body's container and
    never returns it. The nearest preceding sibling with text is taken as the
    lead when it is prose (one to a few sentences, few links) that the body
    does not already hold, and is not a heading or a caption.
    """
    matched = _matched_blocks(lines, blocks)
    if not matched:
        return lines
    before = _main_holder(matched, blocks).getprevious()
    while before is not None and not (isinstance(before.tag, str) and _element_text(before)):
        before = before.getprevious()
    if before is None or before.tag not in ("div", "p", "section"):
        return lines
    text = _element_text(before)
    if not (_LEAD_SIZE[0] <= len(text) <= _LEAD_SIZE[1]) or not _SENTENCE_END.search(text):
        return lines
    if _link_density(before, text) > 0.2 or _CAPTION_CLASS.search(before.get("class", "")):
        return lines
    if any(child.tag in ("p", "div", "h1", "h2", "h3", "figure", "ul", "table") for child in before.iter()
           if child is not before):
        return lines
    if _key(text) in {_key(line) for line in lines} or _in_comments(before):
        return lines
    return [text, *lines]


def _in_comments(el: HtmlElement) -> bool:
    """True inside a reader-comments section: never a substitute for the article."""
    for node in (el, *el.iterancestors()):
        marks = f"{node.get('class', '')} {node.get('id', '')}".lower()
        if "comment" in marks or "disqus" in marks:
            return True
    return False


def _fallback_main_block(lines: list[str], blocks: list[_Block]) -> list[str]:
    """Use the page's densest paragraph container when trafilatura missed it.

    If the container holding the most paragraph text is several times longer
    than trafilatura's whole output and barely overlaps it, trafilatura has
    latched on to the wrong part of the page (or dropped the body as noise).
    """
    totals: Counter = Counter()
    members: dict[int, list[_Block]] = {}
    in_comments: dict[int, bool] = {}
    for block in blocks:
        if len(block.text) < 40:
            continue
        key = id(block.holder)
        if key not in in_comments:
            in_comments[key] = _in_comments(block.holder)
        if in_comments[key]:
            continue
        holder = block.holder
        totals[id(holder)] += len(block.text)
        members.setdefault(id(holder), []).append(block)
    if not totals:
        return lines
    best_id, best_len = totals.most_common(1)[0]
    output_len = sum(len(line) for line in lines)
    if best_len < 500 or output_len * 3 > best_len:
        return lines
    kept = {_key(line) for line in lines}
    best = members[best_id]
    overlap = sum(len(b.text) for b in best if b.key in kept)
    if overlap * 2 > best_len:
        return lines
    # take every paragraph of the container (short ones too), in page order
    holder = best[0].holder
    return [b.text for b in blocks if b.holder is holder]


# --- captions ---------------------------------------------------------------


def _captions(tree: HtmlElement) -> list[str]:
    """Distinct caption texts of the page's figures, in page order."""
    seen: set[str] = set()
    captions: list[str] = []
    for el in _CAPTION_XPATH(tree):
        if el.tag != "figcaption" and not _CAPTION_CLASS.search(el.get("class", "")):
            continue
        text = _element_text(el)
        key = _key(text)
        if not key or key in seen or len(text) > 600:
            continue
        if any(key in k for k in seen):
            continue
        seen.add(key)
        captions.append(text)
    return captions


def _drop_captions(lines: list[str], captions: list[str]) -> list[str]:
    """Remove body lines that are a caption (or a caption's text plus its credit)."""
    if not captions:
        return lines
    keys = [_key(c) for c in captions]
    exact = set(keys)

    def is_caption(line: str) -> bool:
        key = _key(line)
        if not key:
            return False
        if key in exact:
            return True
        return len(key) >= 25 and any(key in k or (k in key and len(k) * 2 > len(key)) for k in keys)

    return [line for line in lines if not is_caption(line)]


# --- line filters ------------------------------------------------------------


def _drop_title(lines: list[str], title: str | None) -> list[str]:
    """Drop the headline when trafilatura repeats it as the body's first line."""
    if not lines or not title:
        return lines
    title_key = _key(title)
    head = lines[:2]
    for i, line in enumerate(head):
        key = _key(line)
        if key and (key == title_key or (len(key) >= 15 and key in title_key)):
            return lines[:i] + lines[i + 1 :]
    return lines


def _is_boilerplate(line: str) -> bool:
    text = _norm(line).lstrip("-–—•|*[( ").rstrip("])| ")
    if not text or len(text) > _MAX_BOILERPLATE_LINE:
        return False
    return bool(_BOILERPLATE.match(text) or _CALL_TO_ACTION.search(text))


def _drop_boilerplate(lines: list[str]) -> list[str]:
    return [line for line in lines if not _is_boilerplate(line)]


#: What a teaser line may carry after its link: a short bracketed tag ("[INSIGHT]", "(VIDEO)") and a separator.
_TEASER_TAG = re.compile(r"\s*(?:[\[(][^\])]{1,24}[\])])?\s*[|•·]?\s*$")


def _teaser_key(line: str) -> str:
    """A body line as a link's text would read: bullets, a trailing tag and a separator taken off."""
    return _TEASER_TAG.sub("", _norm(line).lstrip("-–• "))


def _linked_lines(tree: HtmlElement, lines: list[str]) -> set[str]:
    """The body lines that are the text of one link of the page (a trailing tag allowed), as teaser keys."""
    wanted = {_teaser_key(line) for line in lines}
    wanted = {w for w in wanted if w.count(" ") >= 3}
    if not wanted:
        return set()
    found = set()
    for a in _LONG_LINKS(tree):
        text = _norm(a.text_content())
        if text in wanted:
            found.add(text)
    return found


def _drop_link_lists(lines: list[str], tree: HtmlElement) -> list[str]:
    """Drop runs of lines that are each nothing but one link's text.

    Such lines are teasers for other articles ("related", "most read", a
    headline followed by a tag such as "[INSIGHT]"). A single linked line
    inside the text is kept: only runs of two or more, or a linked line
    right at the start or end of the body, go.
    """
    links = _linked_lines(tree, lines)
    if not links:
        return lines
    linked = [_teaser_key(line) in links for line in lines]
    keep: list[str] = []
    for i, line in enumerate(lines):
        if linked[i]:
            neighbour = (i > 0 and linked[i - 1]) or (i + 1 < len(lines) and linked[i + 1])
            at_edge = i == 0 or i == len(lines) - 1
            if neighbour or at_edge:
                continue
        keep.append(line)
    return keep


# --- metadata ----------------------------------------------------------------


def _meta_tags(tree: HtmlElement) -> dict[str, str]:
    """First value of each ``<meta>`` name/property (lower-cased keys)."""
    found: dict[str, str] = {}
    for el in tree.iter("meta"):
        key = el.get("property") or el.get("name") or el.get("itemprop")
        content = _norm(el.get("content"))
        if key and content:
            found.setdefault(key.strip().lower(), content)
    return found


def _json_ld_article(tree: HtmlElement) -> dict:
    """The first article-like object among the page's JSON-LD blocks, or {}."""
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        for obj in _walk_json(data):
            types = obj.get("@type")
            types = types if isinstance(types, list) else [types]
            if any(isinstance(t, str) and t.lower() in _ARTICLE_TYPES for t in types):
                return obj
    return {}


def _walk_json(data, depth: int = 0):
    if depth > 4:
        return
    if isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity"):
            if key in data:
                yield from _walk_json(data[key], depth + 1)
    elif isinstance(data, list):
        for item in data:
            yield from _walk_json(item, depth + 1)


def _names(value) -> list[str]:
    """Names from a JSON-LD person/organisation value (string, object or list)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [n for item in value for n in _names(item)]
    return []


def _first(*values) -> str | None:
    for value in values:
        if isinstance(value, str) and _norm(value):
            return _norm(value)
    return None


def _byline(meta: dict[str, str], ld: dict) -> str | None:
    names = [_norm(n) for n in _names(ld.get("author")) if _norm(n)]
    if names:
        return ", ".join(dict.fromkeys(names))
    for key in ("author", "article:author", "byl", "dc.creator", "sailthru.author", "parsely-author"):
        value = meta.get(key)
        if value and not value.startswith(("http://", "https://")):
            return re.sub(r"^by\s+", "", value, flags=re.I)
    return None


def _metadata(tree: HtmlElement, url: str | None) -> dict[str, str | None]:
    meta = _meta_tags(tree)
    ld = _json_ld_article(tree)
    title_el = tree.find(".//title")
    h1 = tree.find(".//h1")
    canonical = None
    for link in tree.iter("link"):
        if (link.get("rel") or "").strip().lower() == "canonical" and link.get("href"):
            canonical = link.get("href").strip()
            break
    publisher = ld.get("publisher")
    page_url = _first(url, canonical, meta.get("og:url"))
    host = host_of(page_url)
    declared = [
        meta.get("og:site_name"),
        _names(publisher)[0] if _names(publisher) else None,
        meta.get("application-name"),
    ]
    site = site_name(declared, host)
    if site is None and url:
        site = urlsplit(url).hostname
    names = [n for n in (*declared, site) if isinstance(n, str) and n.strip()]
    language = tree.get("lang") or tree.get("xml:lang")
    title = _first(
        meta.get("og:title"), ld.get("headline"), meta.get("twitter:title"),
        _element_text(h1) if h1 is not None else None,
        _element_text(title_el) if title_el is not None else None,
    )
    declared_url = _first(canonical, meta.get("og:url"))
    if declared_url and url:
        try:
            declared_url = urljoin(url, declared_url)
        except ValueError:  # a malformed URL on either side: keep what the page wrote
            pass
    return {
        "title": strip_site_from_title(title, names, host),
        # Only the outlet's own name: a wire's name after the authors ("…, Associated Press") says whose copy it is.
        "byline": split_byline(_byline(meta, ld), [site] if site else [], host),
        "site": site,
        "url": _first(canonical, meta.get("og:url"), url),
        "canonical_url": declared_url,
        "description": _first(meta.get("og:description"), meta.get("description"), ld.get("description")),
        "language": _norm(language) or None,
        "date": _first(
            ld.get("datePublished"), meta.get("article:published_time"), meta.get("datepublished"),
            meta.get("date"), meta.get("dc.date.issued"), meta.get("pubdate"),
        ),
    }


def _published(tree: HtmlElement, meta: dict, url: str | None) -> str | None:
    """Publication date as YYYY-MM-DD: declared metadata first, then htmldate."""
    declared = meta.get("date")
    if declared:
        m = _ISO_DATE.search(declared)
        if m and 1990 <= int(m.group(1)) <= 2100 and 1 <= int(m.group(2)) <= 12:
            return m.group(0)
    try:
        return find_date(tree, extensive_search=False, original_date=True, url=url)
    except Exception:
        return None
