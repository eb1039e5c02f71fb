"""The ``dates`` layer: every temporal expression, normalised to ISO 8601 where it can be.

Sources: spaCy's DATE and TIME entities, joined by patterns the small model
misses ("on Monday", "two days later", "since May"). Each expression is
read by the first reader that recognises it; one that no reader can pin
down is kept with ``value`` null rather than guessed.

Relative expressions are resolved against ``timeref.reference_date``; a
value that rests on a date inferred from the text says so (``inferred``),
so a fact-checker can tell a dated fact from a reconstruction.

attrs: ``value`` (ISO 8601: "2020-01-03", "2020-01", "2020", "2020-W02",
"2020-SU" for a season, "199" for a decade, "P2D" for a duration or a set's
period, "T15:00"; or null), ``granularity`` (day, week, month, season, year,
decade, century, duration, time, or null), ``relative``, ``inferred``, ``reference`` (ISO day or
null), ``reference_source`` (published, override, inferred, none), ``cue``
(what found the expression and what read it), and where they apply
``relation`` (since, until, before, after, by, from, between: the
preposition that makes the date a boundary), ``modifier`` (what a qualifier
such as "late", "the end of", "more than" or "earlier" adds to the value it
leaves unchanged), ``offset`` (the ISO duration of "two days
later", counted from another event, not the reference: the day dated before
it, as ``anchor`` says, or no value when there is none) and ``tense`` (the
tense used to place a year-less date).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable, Iterator

from unspin.analyze.nlp import parse
from unspin.analyze.pipeline import registry
from unspin.analyze.quantities import number_value
from unspin.analyze.timeref import MONTHS, calendar_parts, infer_reference, reference_date
from unspin.document import Document, Span

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
UNITS = {"day": "D", "week": "W", "month": "M", "year": "Y", "decade": "Y", "century": "Y"}
UNIT_YEARS = {"decade": 10, "century": 100}
SET_WORDS = {"daily": "day", "nightly": "day", "weekly": "week", "monthly": "month", "annually": "year", "yearly": "year"}
#: Prepositions that make the date a boundary of something; kept in the span and as ``relation``.
RELATIONS = {"since", "until", "till", "before", "after", "by", "from", "through", "between"}
_MONTH_ALT = "|".join(sorted((m for m in MONTHS if len(m) > 3 or m == "may"), key=len, reverse=True))
_UNIT_ALT = r"(?:days?|weeks?|months?|years?|decades?)"
_COUNT_ALT = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|several|a couple of)"
#: Words that hedge an amount of time ("more than a month"): the value is read without them.
_APPROXIMATE = (r"(?:(?:just|well) )?(?:nearly|almost|about|around|roughly|approximately|some|over|under|"
                r"more than|less than|fewer than|at least|at most|up to)")
#: Parts of a day: after a day ("Sunday evening") they narrow it and leave its value as it is.
PARTS_OF_DAY = ("morning", "afternoon", "evening", "night")
#: Seasons (northern hemisphere) as ISO 8601 / TIMEX codes, with the month each starts in.
SEASONS = {"spring": ("SP", 3), "summer": ("SU", 6), "fall": ("FA", 9), "autumn": ("FA", 9), "winter": ("WI", 12)}
#: Holidays on a fixed day of the year: (month, day).
HOLIDAYS = {"christmas": (12, 25), "christmas eve": (12, 24), "christmas day": (12, 25), "new year's day": (1, 1),
            "new year's eve": (12, 31), "halloween": (10, 31), "valentine's day": (2, 14),
            "independence day": (7, 4), "the fourth of july": (7, 4), "veterans day": (11, 11)}
_HOLIDAY_ALT = "|".join(re.escape(h) for h in sorted(HOLIDAYS, key=len, reverse=True))
#: Expressions spaCy's small model often misses, each with a name that becomes its cue.
PATTERNS = {
    "deictic day": r"\b(?:yesterday|today|tonight|tomorrow)\b",
    "weekday": r"\b(?:(?:last|next|this|on)\s+)?(?:" + "|".join(WEEKDAYS) + r")\b",
    "named period": r"\b(?:last|next|this|previous|coming)\s+(?:week|month|year|weekend|" + _MONTH_ALT + r")\b",
    "season": r"\b(?:last|next|this|previous|coming)\s+(?:spring|summer|fall|autumn|winter)\b(?!\s+(?:in|of)\b)",
    "offset": rf"\b{_COUNT_ALT}\s+{_UNIT_ALT}\s+(?:ago|later|earlier|before|after)\b",
    "decade": r"\b(?:the\s+)?(?:1[5-9]|20)\d0s\b|\bthe\s+'\d0s\b",
    "month and day": r"\b(?:" + _MONTH_ALT + r")\.?\s+[0-3]?\d(?:st|nd|rd|th)?(?:,?\s+(?:1[5-9]|20)\d\d)?\b",
    "day and month": r"\b[0-3]?\d(?:st|nd|rd|th)?\s+(?:of\s+)?(?:" + _MONTH_ALT + r")(?:,?\s+(?:1[5-9]|20)\d\d)?\b",
    "year after preposition": r"\b(?:in|since|until|during|from|of)\s+(?P<date>(?:1[5-9]|20)\d\d)\b(?![,.]\d)",
    "coordinated year": r"\b(?:1[5-9]|20)\d\d\s+(?:and|or|to|through)\s+(?P<date>(?:1[5-9]|20)\d\d)\b(?![,.]\d)",
    "holiday": r"\b(?:" + _HOLIDAY_ALT.replace("'", "['’]") + r")(?:\s+(?:holidays?|season|break))?\b",
    "set": r"\b(?:every|each)\s+(?:day|week|month|year|morning|night|weekend|" + "|".join(WEEKDAYS) + r")\b",
}
_COMPILED = {name: re.compile(p, re.IGNORECASE) for name, p in PATTERNS.items()}
#: spaCy DATE entities that are ages or lengths of life, not times.
_AGE = re.compile(r"\b\d+[- ]years?[- ]old\b|^aged\b|\byears? old\b", re.IGNORECASE)
#: Words that make a phrase temporal; a date expression holds one of them or a year-like number.
TEMPORAL_WORDS = frozenset(
    [*WEEKDAYS, *MONTHS, *UNITS, *(u + "s" for u in UNITS), "centuries", "weekend", "weekends", "fortnight",
     "morning", "afternoon", "evening", "night", "nights", "noon", "midday", "midnight", "dawn", "dusk",
     "spring", "summer", "fall", "autumn", "winter", "today", "tonight", "yesterday", "tomorrow",
     "daily", "nightly", "weekly", "monthly", "annually", "yearly", "a.m", "p.m", "am", "pm",
     "christmas", "easter", "thanksgiving", "ramadan", "eid", "hanukkah", "passover", "halloween", "quarter"]
)
#: A year (1500-2099), a decade ("1980s", "'80s") or a clock time ("9:30").
_TEMPORAL_NUMBER = re.compile(r"(?<![\d,.])(?:1[5-9]|20)\d\d(?:s\b|(?![\d,.]\d))|'\d0s\b|\b\d{1,2}[:.]\d\d\b")
#: "year-over-year", "day-to-day": units compounded into an adjective of manner, not a time.
_UNIT_COMPOUND = re.compile(r"^(?:day|week|month|year)s?-(?:over|to|by|on|after|for)-(?:day|week|month|year)s?$", re.IGNORECASE)


@dataclass(frozen=True)
class Context:
    """What resolving a relative expression needs: the reference and the sentence's tense."""

    reference: date | None
    precise: bool  # False when the reference is known only to the year
    tense: str  # past, present or future
    relation: str | None = None
    earlier: tuple[tuple[str | None, str | None], ...] = ()  # (granularity, value) of the dates before, nearest last


@dataclass
class Reading:
    label: str
    value: str | None
    granularity: str | None
    relative: bool = False
    reader: str = ""
    extra: dict = field(default_factory=dict)


@registry.component("dates", assigns="dates", requires=["sentences"])
def dates(doc: Document) -> Iterator[Span]:
    sdoc = parse(doc)
    reference, source = reference_date(doc)
    precise = source != "inferred" or infer_reference(doc).precision == "day"
    earlier: list[tuple[str, str]] = []
    for start, end, label, found_by in _expressions(doc.text, sdoc):
        relation, core_start = _relation(doc.text, start)
        ctx = Context(reference, precise, _tense(sdoc, core_start, end), relation, tuple(earlier))
        reading = read(doc.text[core_start:end], label, ctx)
        earlier.append((reading.granularity, reading.value))
        depends = reading.relative and reading.value is not None
        attrs = {
            "value": reading.value,
            "granularity": reading.granularity,
            "relative": reading.relative,
            "inferred": depends and source == "inferred",
            "reference": reference.isoformat() if reference else None,
            "reference_source": source,
            "cue": f"{found_by}; read as {reading.reader}",
            **({"relation": relation} if relation else {}),
            **({"tense": ctx.tense} if depends else {}),
            **reading.extra,
        }
        yield Span(start, end, reading.label, _confidence(reading, attrs), attrs=attrs)


def _confidence(reading: Reading, attrs: dict) -> float:
    """Lower for guesses: an unread expression, or a value resting on an inferred reference."""
    if reading.value is None:
        return 0.5
    if attrs["inferred"]:
        return 0.6
    return 0.8 if reading.relative else 0.95


# finding ---------------------------------------------------------------


def _expressions(text: str, sdoc) -> list[tuple[int, int, str, str]]:
    """Temporal expressions as (start, end, spaCy label, what found it), overlaps merged."""
    found = [(e.start_char, _extend_of_phrase(e), e.label_, f"spaCy {e.label_}") for e in sdoc.ents if _is_temporal(e)]
    for name, pattern in _COMPILED.items():
        found += [(m.start(_core(m)), m.end(_core(m)), "DATE", f"pattern: {name}") for m in pattern.finditer(text)
                  if not (name == "deictic day" and _in_a_name(text, m.start()))]
    found = [_with_relation(text, _without_on(text, f)) for f in found if is_temporal_phrase(text[f[0]:f[1]])]
    merged: list[list] = []
    for start, end, label, cue in sorted(found):
        joins = merged and not text[merged[-1][1]:start].strip() and text[start:end].lower() in PARTS_OF_DAY
        if merged and (start < merged[-1][1] or joins):
            last = merged[-1]
            last[1] = max(last[1], end)
            if cue not in last[3]:
                last[3] += " + " + cue
            continue
        merged.append([start, end, label, cue])
    return [piece for s, e, label, cue in merged for piece in _split_range(text, s, e, label, cue)]


_RANGE = re.compile(r"(?P<a>.+?)\s+(?:and|to|through|until|till)\s+(?P<b>.+)", re.IGNORECASE)


def _split_range(text: str, start: int, end: int, label: str, cue: str) -> list[tuple[int, int, str, str]]:
    """ "between January 4 and March 2" is two dates, each with its own value, not one unreadable span."""
    relation, core = _relation(text, start)
    match = _RANGE.fullmatch(text[core:end])
    if not match or not all(calendar_parts(match.group(g)) for g in ("a", "b")):
        return [(start, end, label, cue)]
    split = f"{cue}; a range cut in two"
    return [(start, core + match.end("a"), label, split), (core + match.start("b"), end, label, split)]


def _in_a_name(text: str, start: int) -> bool:
    """ "USA TODAY", the "Today" show: a deictic word with a capital inside a sentence is part of a name."""
    if not text[start].isupper():
        return False
    before = text[max(0, start - 40):start].rstrip()
    unquoted = before.rstrip("'\"“‘’”")
    if not unquoted or unquoted[-1] in ".!?\n" or (unquoted != before and unquoted[-1] in ",:"):
        return False
    return True


def _core(match: re.Match) -> int | str:
    """The part of a match that is the date itself (a pattern may need words around it to be sure)."""
    return "date" if "date" in match.re.groupindex else 0


def is_temporal_phrase(phrase: str) -> bool:
    """A date expression holds a temporal word or a year-like number; anything else spaCy calls DATE is not one.

    So an age ("Smith, 24,"), a count, or a phrase swept into a date span
    ("suspicions of culpability") is never read as a time, and units
    compounded into an adjective ("year-over-year") are not a time either.
    """
    if _UNIT_COMPOUND.match(phrase.strip()):
        return False
    words = {w.strip(".,;:'\"()").lower() for w in re.split(r"[\s\-–—/]+", phrase)}
    return bool(words & TEMPORAL_WORDS) or bool(_TEMPORAL_NUMBER.search(phrase))


def _is_temporal(ent) -> bool:
    if ent.label_ not in ("DATE", "TIME") or _AGE.search(ent.text):
        return False
    after = ent.doc[ent.end] if ent.end < len(ent.doc) else None
    return not (after is not None and after.lower_ == "old" and ent[-1].lower_.endswith(("year", "years")))


def _extend_of_phrase(ent) -> int:
    """End of "the year of the presidential election": a period named by what happened in it.

    Only a single period that a determiner points at ("the year of", "that
    week of") is named this way; "years of suspicion" is an amount of time
    spent in something, and its "of" phrase is not part of the date.
    """
    last = ent[-1]
    after = ent.doc[ent.end] if ent.end < len(ent.doc) else None
    pointed = any(c.dep_ == "det" and c.lower_ in ("the", "that", "this") for c in last.children)
    if after is not None and after.lower_ == "of" and after.head == last and last.lower_ in UNITS and pointed:
        return max(t.idx + len(t) for t in after.subtree)
    return ent.end_char


def _without_on(text: str, found: tuple) -> tuple:
    """Drop a leading "on": it adds nothing to the date ("on Monday" is Monday)."""
    start, end, label, cue = found
    if text[start:end].lower().startswith("on "):
        start += 3
    return start, end, label, cue


def _with_relation(text: str, found: tuple) -> tuple:
    """Take in a boundary preposition right before the date ("since May"): it changes what the date means."""
    start, end, label, cue = found
    word = re.search(r"\b(\w+) $", text[max(0, start - 12) : start])
    if word and word.group(1).lower() in RELATIONS:
        start -= len(word.group(0))
    return start, end, label, cue


def _relation(text: str, start: int) -> tuple[str | None, int]:
    """A boundary preposition inside the span's start ("Since May"), and where the date itself starts."""
    word = re.match(r"(\w+)\s+", text[start:])
    if word and word.group(1).lower() in RELATIONS:
        return word.group(1).lower(), start + word.end()
    return None, start


#: Verbs whose present passive puts the date ahead: "is scheduled for", "are set for", "is slated for".
SCHEDULED = frozenset({"schedule", "set", "slate", "expect", "plan", "due"})


def _tense(sdoc, start: int, end: int) -> str:
    """The tense of the verb the expression hangs on; news reports the past, so past is the default."""
    span = sdoc.char_span(start, end, alignment_mode="expand")
    token = span.root if span is not None else None
    for _ in range(12):
        if token is None or token.pos_ in ("VERB", "AUX") or token.head == token:
            break
        token = token.head
    if token is None:
        return "past"
    helpers = [c for c in token.children if c.dep_ in ("aux", "auxpass")] + [token]
    if any(t.tag_ == "MD" and t.lower_ in ("will", "shall", "'ll", "wo") for t in helpers):
        return "future"
    if any(t.lower_ == "going" for t in helpers) and any(c.dep_ == "xcomp" for c in token.children):
        return "future"
    if token.lemma_.lower() in SCHEDULED and any(t.tag_ in ("VBZ", "VBP") for t in helpers[:-1]):
        return "future"  # "sentencing is scheduled for Feb. 14": a date still to come
    if any(t.tag_ in ("VBD", "VBN") for t in helpers):
        return "past"
    if token.tag_ in ("VBP", "VBZ"):
        return "present"
    return "past"


# reading ---------------------------------------------------------------


def read(expression: str, spacy_label: str, ctx: Context) -> Reading:
    """Normalise one expression: the first reader that recognises it decides.

    An expression no reader knows is read again without its qualifiers
    ("late 2013", "the end of August", "nearly a decade", "earlier Sunday",
    "Sunday evening"): they place the time within the period, or hedge an
    amount, and leave the value as it is; what was taken off is kept as
    ``modifier``.
    """
    text = " ".join(expression.lower().split())
    reading = _first_reading(text, ctx)
    modifiers = []
    while reading is None:
        core, modifier = _unqualified(text)
        if core == text:
            break
        text = core
        modifiers.append(modifier)
        reading = _first_reading(text, ctx)
    if reading is None:
        reading = _month_of_year(text, ctx)
    if reading is None and modifiers and _CURRENT_PERIOD.fullmatch(text):
        reading = _first_reading("this " + text[len("the "):], ctx)
    if reading is None:
        label = "time" if spacy_label == "TIME" else "date"
        return Reading(label, None, None, reader="no reader: left unnormalised")
    if modifiers:
        reading.extra["modifier"] = " ".join(modifiers)
        reading.reader += " (without " + " / ".join(modifiers) + ")"
    return reading


def _first_reading(text: str, ctx: Context) -> Reading | None:
    for reader in READERS:
        reading = reader(text, ctx)
        if reading is not None:
            reading.reader = reader.__name__.lstrip("_").replace("_", " ")
            return reading
    return None


#: Qualifiers that place a time within its period or hedge an amount: (pattern, group of the rest, modifier).
_QUALIFIERS = [
    (re.compile(_APPROXIMATE + r" (.+)"), 1, "approximate"),
    (re.compile(r"(early|mid|late)[ -](.+)"), 2, None),
    (re.compile(r"the (beginning|start|end|middle|close|turn) of (.+)"), 2, None),
    (re.compile(r"(earlier|later) (.+)"), 2, None),
    (re.compile(r"(.+) (morning|afternoon|evening|night)"), 1, None),
    (re.compile(r"(.+?) of (?:the )?(?:year|month|week)"), 1, "of the period"),
    (re.compile(r"(the .+) (after|before)"), 1, None),
    (re.compile(r"(before|after|by|until) (the .+)"), 2, None),
]
#: A period named with "the" after a qualifier is the current one: "the end of the month" is this month's.
_CURRENT_PERIOD = re.compile(r"the (week|month|year)")


def _unqualified(text: str) -> tuple[str, str | None]:
    """The expression without its outermost qualifier, and what the qualifier says (the text unchanged if none)."""
    for pattern, rest, modifier in _QUALIFIERS:
        match = pattern.fullmatch(text)
        if match:
            other = [g for i, g in enumerate(match.groups(), 1) if i != rest]
            return match.group(rest), modifier or (other[0] if other else None)
    return text, None


def _month_of_year(text: str, ctx: Context) -> Reading | None:
    """ "October of that year": a month placed by the year it names."""
    match = re.fullmatch(r"(\w+)\.? of (.+)", text)
    if not match or match.group(1) not in MONTHS:
        return None
    year = _first_reading(match.group(2), ctx)
    if year is None or year.granularity != "year" or not year.value:
        return None
    return Reading("date", f"{year.value}-{MONTHS[match.group(1)]:02d}", "month", relative=year.relative,
                   reader="month of a year")


def _set(text: str, ctx: Context) -> Reading | None:
    match = re.fullmatch(r"(?:every|each) (day|week|month|year|morning|night|weekend|\w+day)", text)
    unit = match and {"morning": "day", "night": "day", "weekend": "week"}.get(match.group(1), match.group(1))
    if match and unit in WEEKDAYS:
        unit = "week"
    unit = unit or SET_WORDS.get(text)
    if not unit:
        return None
    return Reading("set", f"P1{UNITS[unit]}", unit)


def _calendar(text: str, ctx: Context) -> Reading | None:
    parts = calendar_parts(re.sub(r"^(?:on|in|of) ", "", text))
    if parts is None:
        return None
    if parts.year:
        if parts.month and parts.day:
            return Reading("date", date(parts.year, parts.month, parts.day).isoformat(), "day")
        if parts.month:
            return Reading("date", f"{parts.year:04d}-{parts.month:02d}", "month")
        return Reading("date", f"{parts.year:04d}", "year")
    placed = _place(parts.month, parts.day, ctx)
    if parts.day:
        return Reading("date", placed.isoformat() if placed else None, "day", relative=True)
    return Reading("date", placed.strftime("%Y-%m") if placed else None, "month", relative=True)


def _place(month: int, day: int | None, ctx: Context) -> date | None:
    """The year for a year-less date: the last one before the reference for the past, the next for the future."""
    ref = ctx.reference
    if ref is None:
        return None
    candidates = []
    for year in (ref.year - 1, ref.year, ref.year + 1):
        try:
            candidates.append(date(year, month, day or 1))
        except ValueError:  # 29 February outside a leap year
            continue
    anchor = ref if day else ref.replace(day=1)
    direction = "past" if ctx.relation == "since" else ctx.tense
    if direction == "past":
        return max((c for c in candidates if c <= anchor), default=None)
    if direction == "future":
        return min((c for c in candidates if c >= anchor), default=None)
    return min(candidates, key=lambda c: abs((c - anchor).days))


def _decade(text: str, ctx: Context) -> Reading | None:
    match = re.fullmatch(r"(?:the )?(?:(\d{3})0s|'(\d)0s)", text)
    if not match:
        return None
    if match.group(1):
        return Reading("date", match.group(1), "decade")
    digit = int(match.group(2))
    century = 19 if ctx.reference is None or 2000 + digit * 10 > ctx.reference.year else 20
    return Reading("date", f"{century}{digit}", "decade", relative=ctx.reference is not None)


def _century(text: str, ctx: Context) -> Reading | None:
    match = re.fullmatch(r"(?:the )?(\d{1,2})(?:st|nd|rd|th) century", text)
    return match and Reading("date", f"{int(match.group(1)) - 1:02d}", "century")


def _deictic_day(text: str, ctx: Context) -> Reading | None:
    shift = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1,
             "this morning": 0, "this afternoon": 0, "this evening": 0, "last night": -1}.get(text)
    if shift is None:
        return None
    return _day_from_reference(ctx, lambda ref: ref + timedelta(days=shift))


def _weekday(text: str, ctx: Context) -> Reading | None:
    match = re.fullmatch(r"(?:(last|next|this) )?(" + "|".join(WEEKDAYS) + r")", text)
    if not match:
        return None
    which, target = match.group(1), WEEKDAYS.index(match.group(2))

    def resolve(ref: date) -> date:
        back = (ref.weekday() - target) % 7
        if which == "next" or (which is None and ctx.tense == "future"):
            return ref + timedelta(days=(target - ref.weekday()) % 7 or 7)
        if which == "last":
            return ref - timedelta(days=back or 7)
        return ref - timedelta(days=back)

    return _day_from_reference(ctx, resolve)


def _day_from_reference(ctx: Context, resolve: Callable[[date], date]) -> Reading:
    """A day counted from the reference; unresolved when the reference is only a year."""
    if ctx.reference is None or not ctx.precise:
        why = "no reference date" if ctx.reference is None else "the reference is known only to the year"
        return Reading("date", None, "day", relative=True, extra={"unresolved": why})
    return Reading("date", resolve(ctx.reference).isoformat(), "day", relative=True)


def _named_period(text: str, ctx: Context) -> Reading | None:
    match = re.fullmatch(r"(last|next|this|previous|coming|the past|the last|the next|the coming) (week|month|year|weekend|\w+)", text)
    if not match:
        return None
    which, unit = match.groups()
    if which.startswith("the "):  # "the past week" is a stretch of time, not a calendar week
        return Reading("duration", f"P1{UNITS[unit]}", "duration", relative=True) if unit in UNITS else None
    step = {"last": -1, "previous": -1, "this": 0, "next": 1, "coming": 1}[which]
    if unit.rstrip(".") in MONTHS:
        sub = Context(ctx.reference, ctx.precise, {-1: "past", 1: "future"}.get(step, "present"))
        placed = _place(MONTHS[unit.rstrip(".")], None, sub)
        return Reading("date", placed.strftime("%Y-%m") if placed else None, "month", relative=True)
    ref = ctx.reference
    if unit == "year":
        return Reading("date", f"{ref.year + step:04d}" if ref else None, "year", relative=True)
    if unit == "month":
        value = _add_months(ref, step).strftime("%Y-%m") if ref else None
        return Reading("date", value, "month", relative=True)
    if unit in ("week", "weekend"):
        if ref is None or not ctx.precise:
            return Reading("date", None, "week", relative=True)
        # News weeks start on Sunday: on a Sunday, "this week" is the one that begins that day.
        start = ref + timedelta(days=1) if ref.weekday() == 6 else ref
        year, week, _ = (start + timedelta(weeks=step)).isocalendar()
        return Reading("date", f"{year}-W{week:02d}" + ("-WE" if unit == "weekend" else ""), "week", relative=True)
    return None


def _anaphoric(text: str, ctx: Context) -> Reading | None:
    """ "that year", "the same day": the period of the nearest date before it that is at least as precise."""
    match = re.fullmatch(r"(?:that|the same) (day|month|year)", text)
    if not match:
        return None
    unit = match.group(1)
    keep = {"day": 10, "month": 7, "year": 4}[unit]
    finer = {"day": ("day",), "month": ("day", "month"), "year": ("day", "month", "year")}[unit]
    value = next((v[:keep] for g, v in reversed(ctx.earlier) if g in finer and v), None)
    return Reading("date", value, unit, relative=True, extra={"antecedent": "the date before it"})


def _season(text: str, ctx: Context) -> Reading | None:
    """ "last spring", "next summer", "the winter of 2019" as "2015-SP"; a winter is named by the year it starts in."""
    match = re.fullmatch(r"(?:(last|next|this|the) )?(spring|summer|fall|autumn|winter)(?: (?:of )?((?:1[5-9]|20)\d\d))?", text)
    if not match:
        return None
    which, name, year = match.groups()
    code, first_month = SEASONS[name]
    if year:
        return Reading("date", f"{year}-{code}", "season")
    ref = ctx.reference
    if ref is None or which == "the":
        return Reading("date", None, "season", relative=True)
    if which is None:
        which = {"past": "last", "future": "next"}.get(ctx.tense, "this")

    def start(y: int) -> date:
        return date(y, first_month, 1)

    def end(y: int) -> date:
        return _add_months(start(y), 3)

    if which == "this":
        found = ref.year - 1 if name == "winter" and ref.month < 3 else ref.year
    elif which == "last":
        found = max(y for y in (ref.year - 2, ref.year - 1, ref.year) if end(y) <= ref)
    else:
        found = min(y for y in (ref.year, ref.year + 1) if start(y) > ref)
    return Reading("date", f"{found}-{code}", "season", relative=True)


def _anchored_day(text: str, ctx: Context) -> Reading | None:
    """ "the next day", "the following week": counted from an event the sentence names, not from the reference."""
    match = re.fullmatch(r"the (?:(next|following|previous|preceding) (day|week|month|year)|(day|week|month|year) (before|after))", text)
    if not match or (match.group(1) == "next" and match.group(2) != "day"):
        return None  # "the next week" is a stretch of time from now
    unit = match.group(2) or match.group(3)
    sign = -1 if (match.group(1) or match.group(4)) in ("previous", "preceding", "before") else 1
    return _from_the_day_before(ctx, 1, unit, ("-" if sign < 0 else "") + f"P1{UNITS[unit]}", sign)


def _from_the_day_before(ctx: Context, amount: float | None, unit: str, offset: str, sign: int) -> Reading:
    """ "two days later", "the next day": counted from the event, taken to be the nearest date before it
    (in a past-tense sentence, the nearest that is not after the reference).

    Only when that date is a day and the offset a whole number of days or
    weeks; otherwise the value stays unknown and the offset is kept.
    """
    ahead = ctx.reference.isoformat() if ctx.reference and ctx.tense == "past" else None
    # In a past-tense sentence the event is in the past: a date after the reference is another, planned one.
    last = next((e for e in reversed(ctx.earlier) if not (ahead and e[0] == "day" and e[1] and e[1] > ahead)), None)
    if last is None or last[0] != "day" or not last[1] or unit not in ("day", "week") or amount is None \
            or amount != int(amount):
        return Reading("date", None, None, relative=True, extra={"offset": offset, "anchor": "another event"})
    days = int(amount) * (7 if unit == "week" else 1) * sign
    value = (date.fromisoformat(last[1]) + timedelta(days=days)).isoformat()
    return Reading("date", value, "day", relative=True, extra={"offset": offset, "anchor": "the date before it"})


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _offset(text: str, ctx: Context) -> Reading | None:
    match = re.fullmatch(rf"(.+?) ({_UNIT_ALT}) (ago|later|earlier|before|after)", text)
    if not match or match.group(1).startswith("the "):
        return None
    amount = _amount(match.group(1))
    unit = match.group(2).rstrip("s")
    period = _iso_duration(amount, unit)
    if match.group(3) != "ago":  # counted from another event: the day dated just before, if there is one
        sign = -1 if match.group(3) in ("earlier", "before") else 1
        return _from_the_day_before(ctx, amount, unit, ("-" if sign < 0 else "") + (period or ""), sign)
    ref = ctx.reference
    if ref is None or amount is None or amount != int(amount):
        return Reading("date", None, None, relative=True, extra={"offset": period})
    amount = int(amount)
    if unit in ("day", "week"):
        if not ctx.precise:
            return Reading("date", None, "day", relative=True, extra={"offset": period})
        return Reading("date", (ref - timedelta(days=amount * (7 if unit == "week" else 1))).isoformat(), "day", relative=True, extra={"offset": period})
    if unit == "month":
        return Reading("date", _add_months(ref, -amount).strftime("%Y-%m"), "month", relative=True, extra={"offset": period})
    years = amount * UNIT_YEARS.get(unit, 1)
    return Reading("date", f"{ref.year - years:04d}", "year", relative=True, extra={"offset": period})


def _amount(text: str) -> float | None:
    """How many units: "a decade" and "an hour" count one; a hedge ("more than a") leaves the number as it is."""
    text = re.sub(rf"^{_APPROXIMATE} ", "", text)
    return 1 if text in ("a", "an") else number_value(text)


def _iso_duration(amount: float | None, unit: str) -> str | None:
    if amount is None:
        return None
    amount = amount * UNIT_YEARS.get(unit, 1)
    number = int(amount) if amount == int(amount) else amount
    return f"P{number}{UNITS[unit]}"


def _holiday(text: str, ctx: Context) -> Reading | None:
    """ "Christmas", "the Christmas holiday": the day, placed in the year as a day without a year is."""
    match = re.fullmatch(r"(?:the )?(.+?)(?: (?:holidays?|season|break))?", text.replace("’", "'"))
    if not match or match.group(1) not in HOLIDAYS:
        return None
    month, day = HOLIDAYS[match.group(1)]
    placed = _place(month, day, ctx)
    return Reading("date", placed.isoformat() if placed else None, "day", relative=True)


def _duration(text: str, ctx: Context) -> Reading | None:
    text = re.sub(rf"^(\w+)-({_UNIT_ALT[3:-1]})$", r"\1 \2", text)  # "a 29-day period"
    match = re.fullmatch(rf"(?:(?:the )?(?:past|last|next|coming|previous|first|following) )?(.+?) ({_UNIT_ALT})", text)
    if not match:
        return None
    amount = _amount(match.group(1))
    if amount is None:
        return None
    relative = bool(re.match(r"(?:the )?(?:past|last|next|coming|previous)\b", text))
    return Reading("duration", _iso_duration(amount, match.group(2).rstrip("s")), "duration", relative=relative)


def _clock(text: str, ctx: Context) -> Reading | None:
    if text in ("noon", "midday"):
        return Reading("time", "T12:00", "time")
    if text == "midnight":
        return Reading("time", "T00:00", "time")
    match = re.fullmatch(r"(?:about |around |at )?(\d{1,2})(?:[:.](\d\d))?\s*(a\.?m\.?|p\.?m\.?)?(?: \w+)?", text)
    if not match or (match.group(2) is None and match.group(3) is None):
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if match.group(3) and match.group(3).startswith("p") and hour < 12:
        hour += 12
    if match.group(3) and match.group(3).startswith("a") and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    return Reading("time", f"T{hour:02d}:{minute:02d}", "time")


#: Readers in the order they are tried.
READERS = (_set, _calendar, _decade, _century, _deictic_day, _weekday, _anaphoric, _season, _holiday, _anchored_day,
           _named_period, _offset, _duration, _clock)
