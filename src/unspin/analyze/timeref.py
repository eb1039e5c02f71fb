"""The reference date that relative temporal expressions are resolved against.

"Yesterday", "on Monday" or "since May" mean nothing without a date to count
from. The best one is the publication date; failing that, one given on the
command line; failing both, one inferred from the text itself, which is
always marked as such so that no reader mistakes a guess for a fact.

This module also reads absolute calendar expressions ("3 January 2020",
"January 3", "May 2019", "2019"), because the inference needs them and the
``dates`` layer shares the same reading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Iterable

from unspin.document import Document

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:1[5-9]|20)\d\d)"
#: Calendar forms of English news, most specific first.
_CALENDAR_FORMS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"^(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}$",  # 3 January 2020
        rf"^{_MONTH}\s+{_DAY},?\s+{_YEAR}$",  # January 3, 2020
        r"^(?P<year>(?:1[5-9]|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)$",  # 2020-01-03
        rf"^(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}$",  # 3 January, the 3rd of January
        rf"^{_MONTH}\s+{_DAY}$",  # January 3
        rf"^{_MONTH},?\s+(?:of\s+)?{_YEAR}$",  # May 2019
        rf"^{_MONTH}$",  # May
        rf"^(?:the\s+year\s+)?{_YEAR}$",  # 2019
    )
]
#: Words that, right before a year-less expression, point to the future.
_FUTURE_WORDS = {"will", "shall", "'ll", "wo"}
#: Prepositions that make a year a deadline rather than something that happened.
_DEADLINE_WORDS = {"by", "until", "till", "ahead"}


@dataclass(frozen=True)
class CalendarParts:
    """What an absolute expression fixes: any of year, month and day."""

    year: int | None = None
    month: int | None = None
    day: int | None = None


def calendar_parts(text: str) -> CalendarParts | None:
    """Read an absolute calendar expression, or None when it is not one.

    A day that cannot exist in its month ("February 30") is refused, not
    snapped, so a typo never becomes a confident date.
    """
    cleaned = " ".join(text.strip().split())
    for form in _CALENDAR_FORMS:
        match = form.match(cleaned)
        if not match:
            continue
        found = match.groupdict()
        month = found.get("month")
        month_number = (int(month) if month.isdigit() else MONTHS[month.lower().rstrip(".")]) if month else None
        parts = CalendarParts(
            int(found["year"]) if found.get("year") else None,
            month_number,
            int(found["day"]) if found.get("day") else None,
        )
        return parts if _exists(parts) else None
    return None


def _exists(parts: CalendarParts) -> bool:
    if parts.month is not None and not 1 <= parts.month <= 12:
        return False
    if parts.day is None:
        return True
    try:
        date(parts.year or 2000, parts.month or 1, parts.day)  # 2000 is a leap year
    except ValueError:
        return False
    return True


def parse_iso_date(value: str | None) -> date | None:
    """The calendar day of an ISO 8601 date or date-time string, or None."""
    if not value:
        return None
    match = re.match(r"^\s*(\d{4})-(\d{2})-(\d{2})", value)
    if not match:
        return None
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


@dataclass(frozen=True)
class Inference:
    """A reference date read from the text, how precise it is, and what decided it."""

    date: date
    precision: str  # "day", "month" or "year"
    cue: str


def reference_date(doc: Document, override: str | None = None) -> tuple[date | None, str]:
    """The date relative expressions count from, and where it came from.

    Order: ``doc.meta.published`` ("published"); then ``override`` or
    ``doc.meta.extra["published_override"]`` ("override", the command line's
    ``--published``); then a date inferred from the text ("inferred", see
    ``infer_reference``); else ``(None, "none")``.
    """
    published = parse_iso_date(doc.meta.published)
    if published:
        return published, "published"
    given = parse_iso_date(override or (doc.meta.extra or {}).get("published_override"))
    if given:
        return given, "override"
    inferred = infer_reference(doc)
    if inferred:
        return inferred.date, "inferred"
    return None, "none"


def infer_reference(doc: Document) -> Inference | None:
    """The earliest date the article can have been written, judged from its own text and page.

    A report is written after what it reports, so the lower bound is the
    latest day it dates. The current year is taken to be the most recent year
    the text names (left out: years in a sentence about the future, and years
    that are a deadline, "by 2030"); a month and day given without a year
    ("January 3") are placed in that year. The reference is the latest
    fully dated day in that year; when the text dates no day in it, it is
    the first of the latest month named in that year, with precision "month",
    else 1 January of that year, with precision "year" (day-level
    expressions such as "yesterday" are then left unresolved). Reads spaCy's
    DATE entities.

    The day of a post the page embeds ("(@janeroe) March 3, 2021") counts as
    a day the text names, wherever on the page it stands.

    When the text names no year, a line of the page that is only a month and
    a year, or a full date ("NOVEMBER 2026", a campaign month or a dateline,
    in the text or in its furniture), dates the page instead: see
    ``_from_stamp``.
    """
    from unspin.analyze.nlp import parse  # spaCy is loaded only when a guess is needed

    mentions = list(_dated_mentions(parse(doc))) + embedded_post_dates(doc)
    years = [(parts.year, text) for parts, text in mentions if parts.year]
    if not years:
        return _from_stamp(doc, mentions)
    year, year_cue = max(years)
    days = [
        (date(year, parts.month, parts.day), text)
        for parts, text in mentions
        if parts.month and parts.day and parts.year in (None, year)
    ]
    if days:
        latest, cue = max(days)
        return Inference(latest, "day", f"latest day dated in {year} ({cue!r}), {year} being the latest year named")
    months = [(parts.month, text) for parts, text in mentions if parts.year == year and parts.month]
    if months:
        month, cue = max(months)
        return Inference(date(year, month, 1), "month", f"latest month named in {year} ({cue!r})")
    return Inference(date(year, 1, 1), "year", f"latest year named ({year_cue!r})")


#: The signature an embedded post ends with: "— Jane Roe (@janeroe) March 3, 2021".
_POST_SIGNATURE = re.compile(r"\(@\w{1,30}\)\s+(\w+\.? \d{1,2}, \d{4})")


def embedded_post_dates(doc: Document) -> list[tuple[CalendarParts, str]]:
    """Days of posts the page embeds, in its text or its furniture: a post quoted in an article was
    written before it, so its day bounds the article's as a day the text names does."""
    lines = [doc.text] + [f.text for f in doc.furniture]
    return [(parts, found.group(1)) for line in lines for found in _POST_SIGNATURE.finditer(line)
            if (parts := calendar_parts(found.group(1))) and parts.year]


def stamp_lines(doc: Document) -> list[tuple[CalendarParts, str]]:
    """Lines of the text or of the furniture that are nothing but a month and a year, or a full date."""
    lines = doc.text.splitlines() + [line for f in doc.furniture for line in f.text.splitlines()]
    stamps = []
    for line in lines:
        parts = calendar_parts(line.strip()) if len(line.strip()) <= 30 else None
        if parts and parts.year and parts.month:
            stamps.append((parts, line.strip()))
    return stamps


def _from_stamp(doc: Document, mentions: list[tuple[CalendarParts, str]]) -> Inference | None:
    """A reference from the page's date stamp, for a text that names no year.

    A day the text gives without a year ("November 12") is placed in the
    stamp's year, or the year before when it falls after the stamp's month,
    and the latest such day is the reference. Failing one, a full-date stamp
    is the reference day; a month stamp gives the month's first day, with
    precision "month" (day-level expressions are then left unresolved).
    """
    stamps = stamp_lines(doc)
    if not stamps:
        return None
    stamp, line = max(stamps, key=lambda s: (s[0].year, s[0].month, s[0].day or 0))
    days = []
    for parts, text in mentions:
        if parts.month and parts.day and parts.year is None:
            year = stamp.year - 1 if (parts.month, parts.day) > (stamp.month, stamp.day or 31) else stamp.year
            try:
                days.append((date(year, parts.month, parts.day), text))
            except ValueError:  # 29 February outside a leap year
                continue
    if days:
        latest, cue = max(days)
        return Inference(latest, "day", f"latest day dated ({cue!r}) placed by the page's date line {line!r}")
    if stamp.day:
        return Inference(date(stamp.year, stamp.month, stamp.day), "day", f"the page's date line {line!r}")
    return Inference(date(stamp.year, stamp.month, 1), "month", f"the page's month line {line!r}")


def _dated_mentions(sdoc) -> Iterable[tuple[CalendarParts, str]]:
    """Absolute calendar expressions among spaCy's DATE entities, with their text."""
    for ent in sdoc.ents:
        if ent.label_ != "DATE" or _looks_ahead(ent):
            continue
        parts = calendar_parts(ent.text)
        if parts and (parts.year or (parts.month and parts.day)):
            yield parts, ent.text


def _looks_ahead(ent) -> bool:
    """True when a date is a plan or deadline, which says nothing about when the text was written."""
    before = ent.doc[ent.start - 1].lower_ if ent.start > 0 else ""
    if before in _DEADLINE_WORDS:
        return True
    return any(t.lower_ in _FUTURE_WORDS and t.tag_ == "MD" for t in ent.sent)
