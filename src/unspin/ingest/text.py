"""Reader for plain-text scrapes: article body plus whatever page furniture came along.

A scrape is read line by line. The body is the stretch between the first and
the last line that reads like prose; above it sit the widget, the headline
(often twice) and a caption; below it the calls to action. Lines are sorted
into furniture only on positive evidence; anything unclear stays in the text,
because dropping a sentence of the article is worse than keeping a menu item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from unspin.document import Document, Furniture, Meta, OffsetMap, Source
from unspin.ingest import furniture as fx
from unspin.ingest.normalize import normalize_with_runs, slice_runs

_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_BYLINE = re.compile(r"^(?:by|written by|author:)\s+(?P<name>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,4})\s*$", re.I)


@dataclass
class Line:
    text: str  # normalised and stripped
    runs: list[tuple[int, int, int]]  # offset runs of text back into the source
    start: int  # source offset of the raw line
    end: int

    @property
    def words(self) -> int:
        return len(self.text.split())


def split_lines(source: str) -> list[Line]:
    lines = []
    pos = 0
    for raw in source.splitlines(keepends=True):
        body = raw.rstrip("\r\n\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85")
        text, runs = normalize_with_runs(body, base=pos)
        lead = len(text) - len(text.lstrip())
        stripped = text.strip()
        lines.append(Line(stripped, slice_runs(runs, lead, lead + len(stripped)), pos, pos + len(body)))
        pos += len(raw)
    return lines


def is_prose(line: Line) -> bool:
    """A line that reads like a paragraph of the article (not a headline, not a plea)."""
    if line.words < 7:
        return False
    if line.words <= 15 and (is_title_case(line.text) or fx.is_call_to_action(line.text)):
        return False
    return line.words >= 15 or bool(_SENTENCE_END.search(line.text))


def is_title_case(text: str) -> bool:
    """Most words capitalised, as in headlines; running prose has few."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", text) if len(w) > 3]
    if len(words) < 3:
        return False
    return sum(w[0].isupper() for w in words) / len(words) >= 0.8


def read_clean_text(source_text: str, source: Source) -> Document:
    """Text that is the article and nothing else (a dataset's paragraphs): normalised and joined as the
    scrape reader joins its body, with no line taken for a headline, a plea or a trailer."""
    lines = split_lines(source_text)
    text, runs = _join(lines, [i for i, ln in enumerate(lines) if ln.text])
    return Document(text=text, meta=Meta(), source=source, furniture=[], offsets=OffsetMap(runs))


def read_text_scrape(source_text: str, source: Source) -> Document:
    lines = split_lines(source_text)
    kinds: dict[int, tuple[str, dict]] = {}
    filled = [i for i, ln in enumerate(lines) if ln.text]
    prose = [i for i in filled if is_prose(lines[i])]
    first_body = prose[0] if prose else (filled[0] if filled else 0)
    last_body = prose[-1] if prose else (filled[-1] if filled else -1)

    head = [i for i in filled if i < first_body]
    title = _mark_head(lines, head, kinds)
    meta_extra = {}
    for i in head:
        if i in kinds:
            continue
        m = _BYLINE.match(lines[i].text)
        if m:
            kinds[i] = ("byline", {"name": m.group("name")})
            meta_extra["byline"] = m.group("name")

    for i in filled:
        if i in kinds or first_body <= i <= last_body and is_prose(lines[i]):
            continue
        text = lines[i].text
        in_body = first_body <= i <= last_body
        if fx.is_caption_credit(text):
            kinds[i] = ("caption", {})
        elif fx.is_call_to_action(text) and (not in_body or lines[i].words <= 12):
            kinds[i] = ("call_to_action", {"action": _action(text)})
        elif fx.is_navigation(text):
            kinds[i] = ("navigation", {})
        elif not in_body:
            kinds[i] = ("unclassified", {})

    body = [i for i in filled if i not in kinds]
    text, runs = _join(lines, body)
    furniture = [
        Furniture(kind, _group_text(lines, i, fields), lines[i].start, _group_end(lines, i, fields), _public(fields))
        for i, (kind, fields) in sorted(kinds.items())
        if not fields.get("_member")
    ]
    meta = Meta(title=title, byline=meta_extra.get("byline"))
    return Document(text=text, meta=meta, source=source, furniture=furniture, offsets=OffsetMap(runs))


def _mark_head(lines: list[Line], head: list[int], kinds: dict) -> str | None:
    """Sort the lines above the body: widget, headline(s), caption. Returns the title."""
    # A fundraising widget: a run of amount/period lines.
    run: list[int] = []
    for i in head + [None]:
        if i is not None and fx.is_widget_line(lines[i].text):
            run.append(i)
            continue
        if len(run) >= 2:
            parsed = fx.fundraising_fields([lines[j].text for j in run])
            if parsed:
                kinds[run[0]] = ("fundraising", {**parsed, "_lines": run})
                for j in run[1:]:
                    kinds[j] = ("fundraising", {"_member": True})
        run = []

    rest = [i for i in head if i not in kinds]
    title = None
    title_at = None
    for a, i in enumerate(rest):
        repeats = [j for j in rest[a + 1 :] if fx.same_line(lines[i].text, lines[j].text)]
        if repeats and not fx.is_call_to_action(lines[i].text):
            title, title_at = lines[i].text, i
            kinds[i] = ("title", {})
            for j in repeats:
                kinds[j] = ("repeated_title", {"of": "title"})
            break
    if title is None:
        for i in rest:
            text = lines[i].text
            if 2 <= lines[i].words <= 25 and not fx.is_call_to_action(text) and not fx.is_navigation(text):
                title, title_at = text, i
                kinds[i] = ("title", {})
                break
    if title_at is not None:
        for i in rest:
            if i > title_at and i not in kinds and fx.is_name_like(lines[i].text):
                kinds[i] = ("caption", {"names": lines[i].text})
    return title


def _action(text: str) -> str:
    low = text.lower()
    for action, cue in (
        ("donate", ("donat", "help", "support", "patreon", "paypal", "coffee", "contribut", "gift")),
        ("subscribe", ("subscrib", "newsletter", "sign up", "signup", "sign-up")),
        ("share", ("share",)),
        ("follow", ("follow", "like us", "join us")),
        ("read", ("read more", "click here")),
    ):
        if any(c in low for c in cue):
            return action
    return "other"


def _group_text(lines: list[Line], i: int, fields: dict) -> str:
    members = fields.get("_lines", [i])
    return "\n".join(lines[j].text for j in members)


def _group_end(lines: list[Line], i: int, fields: dict) -> int:
    members = fields.get("_lines", [i])
    return lines[members[-1]].end


def _public(fields: dict) -> dict:
    return {k: v for k, v in fields.items() if not k.startswith("_")}


def _join(lines: list[Line], body: list[int]) -> tuple[str, list[tuple[int, int, int]]]:
    """Body paragraphs joined by blank lines, with runs back to the source."""
    parts: list[str] = []
    runs: list[tuple[int, int, int]] = []
    offset = 0
    for k, i in enumerate(body):
        if k:
            parts.append("\n\n")
            offset += 2
        line = lines[i]
        parts.append(line.text)
        runs.extend(slice_runs(line.runs, 0, len(line.text), shift=offset))
        offset += len(line.text)
    return "".join(parts), runs
