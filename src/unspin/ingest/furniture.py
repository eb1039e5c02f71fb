"""Recognisers for page furniture: the parts of a page that are not the article.

Each recogniser looks at one line (or a run of lines, for a fundraising
widget) and says what kind of furniture it is, with the fields parsed out of
it. They are pure functions of the text, so they serve the plain-text reader
and the clean-up of extracted HTML alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# --- money and periods -----------------------------------------------------

_CURRENCY_SYMBOLS = {
    "$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₽": "RUB",
    "₴": "UAH", "₹": "INR", "C$": "CAD", "A$": "AUD", "CHF": "CHF", "zł": "PLN",
}
_CURRENCY_CODES = {"USD", "EUR", "GBP", "JPY", "RUB", "UAH", "INR", "CAD", "AUD", "CHF", "PLN", "CNY"}
_SYMBOL_RE = "|".join(re.escape(s) for s in sorted(_CURRENCY_SYMBOLS, key=len, reverse=True))
_CODE_RE = "|".join(sorted(_CURRENCY_CODES))
_NUMBER = r"\d{1,3}(?:[,\s.]\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?"
_MONEY = re.compile(
    rf"^\s*(?:(?P<label>raised|goal|target|collected|donated|of)\s*:?\s*)?"
    rf"(?:(?P<pre>{_SYMBOL_RE}|{_CODE_RE})\s?(?P<n1>{_NUMBER})|(?P<n2>{_NUMBER})\s?(?P<post>{_SYMBOL_RE}|{_CODE_RE}))"
    rf"\s*(?P<tail>raised|goal|target|collected)?\s*$",
    re.IGNORECASE,
)
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for m in names
}
_PERIOD = re.compile(r"^\s*(?P<month>[A-Za-z]{3,9})\.?,?\s+(?P<year>(?:19|20)\d\d)\s*$")


@dataclass(frozen=True)
class Money:
    amount: float
    currency: str
    label: str | None


def parse_money(line: str) -> Money | None:
    """A line that is only an amount of money ("2,500 $", "€100", "Goal: $5,000")."""
    m = _MONEY.match(line)
    if not m:
        return None
    number = m.group("n1") or m.group("n2")
    symbol = (m.group("pre") or m.group("post")).upper() if (m.group("pre") or m.group("post")) else ""
    currency = _CURRENCY_SYMBOLS.get(symbol, _CURRENCY_SYMBOLS.get(symbol.lower(), symbol))
    label = (m.group("label") or m.group("tail") or "").lower() or None
    return Money(_to_number(number), currency, label)


def _to_number(text: str) -> float:
    text = text.replace(" ", "")
    # "2,500" and "2.500" are thousands; "2.50" is a decimal.
    if re.fullmatch(r"\d{1,3}(?:[,.]\d{3})+", text):
        return float(re.sub(r"[,.]", "", text))
    return float(text.replace(",", ""))


def parse_period(line: str) -> str | None:
    """A campaign period line ("MARCH 2021") as ``YYYY-MM``."""
    m = _PERIOD.match(line)
    if not m:
        return None
    month = _MONTHS.get(m.group("month").lower())
    return f"{m.group('year')}-{month:02d}" if month else None


def fundraising_fields(lines: list[str]) -> dict | None:
    """Parse a donation progress widget from its lines, or None if it is not one.

    Such widgets list their milestones in ascending order, then the amount
    raised so far, then often the campaign month. Labelled amounts ("Raised",
    "Goal") override the positional reading.
    """
    amounts = [parse_money(line) for line in lines]
    money = [a for a in amounts if a]
    if len(money) < 2:
        return None
    currencies = {a.currency for a in money}
    labelled_raised = [a.amount for a in money if a.label in ("raised", "collected", "donated")]
    labelled_goal = [a.amount for a in money if a.label in ("goal", "target", "of")]
    values = [a.amount for a in money if a.label is None]
    milestones: list[float] = []
    rest: list[float] = []
    for v in values:
        if not rest and (not milestones or v > milestones[-1]):
            milestones.append(v)
        else:
            rest.append(v)
    if labelled_raised:
        raised = labelled_raised[0]
    elif rest:
        raised = rest[0]
    else:
        raised = None
    goal = labelled_goal[0] if labelled_goal else (milestones[-1] if milestones else None)
    periods = [p for p in (parse_period(line) for line in lines) if p]
    return {
        "milestones": [_plain(v) for v in milestones],
        "raised": _plain(raised) if raised is not None else None,
        "goal": _plain(goal) if goal is not None else None,
        "currency": currencies.pop() if len(currencies) == 1 else sorted(currencies),
        "period": periods[0] if periods else None,
        "progress": round(raised / goal, 4) if raised is not None and goal else None,
    }


def _plain(v: float) -> int | float:
    return int(v) if float(v).is_integer() else v


def is_widget_line(line: str) -> bool:
    return bool(parse_money(line) or parse_period(line) or _PERCENT.match(line))


_PERCENT = re.compile(r"^\s*\d{1,3}(?:\.\d+)?\s?%\s*$")

# --- calls to action, navigation, captions ----------------------------------

_CTA = re.compile(
    r"\b(donat\w*|subscrib\w*|sign[ -]?up|newsletter|support (?:us|our)|help(?:ing)? us|"
    r"become a (?:patron|member|supporter)|patreon|paypal|follow us|join us on|"
    r"share (?:this|on|via)|like us on|click here|read more|consider (?:helping|supporting)|"
    r"contribut(?:e|ion)s? (?:to|now)|buy us a coffee|make a (?:gift|contribution))\b",
    re.IGNORECASE,
)
_NAV_WORDS = re.compile(
    r"^(home|menu|search|skip to (?:main )?content|previous(?: article| post)?|next(?: article| post)?|"
    r"back to top|related(?: articles| posts| stories)?|more stories|tags?:.*|categories?:.*|"
    r"filed under:?.*|you may also like|recommended|trending|most read|advertisement|"
    r"log ?in|sign ?in|register|contact(?: us)?|about(?: us)?|privacy policy|terms(?: of (?:use|service))?|"
    r"cookie policy|all rights reserved.*|©.*|copyright\b.*|print|email|comments?(?: \(\d+\))?)$",
    re.IGNORECASE,
)
_NAV_SEPARATORS = re.compile(r"\s(?:\||»|›|>|•|·|/)\s")
_CAPTION_CREDIT = re.compile(r"^(?:photo|image|picture|credit|source|illustration|file photo)s?\s*(?:by|:|credit)", re.I)
_CONNECTORS = {"al", "bin", "ibn", "de", "da", "del", "der", "di", "du", "la", "le", "van", "von", "and", "of", "the", "&"}


def is_call_to_action(line: str) -> bool:
    words = line.split()
    return 0 < len(words) <= 30 and bool(_CTA.search(line))


def is_navigation(line: str) -> bool:
    text = line.strip()
    if _NAV_WORDS.match(text):
        return True
    parts = _NAV_SEPARATORS.split(text)
    return len(parts) >= 3 and all(0 < len(p.split()) <= 4 for p in parts)


def is_name_like(line: str) -> bool:
    """A short line of capitalised words (a person or place under a photo)."""
    words = line.split()
    if not 1 <= len(words) <= 6 or line.rstrip()[-1:] in ".:;,!?":
        return False
    capitalised = 0
    for w in words:
        core = w.strip("()'\"‘’“”,")
        if not core:
            return False
        if core.lower() in _CONNECTORS or re.fullmatch(r"[a-z]{1,3}-", core):
            continue
        if not (core[0].isupper() or core[0].isdigit()):
            return False
        capitalised += 1
    return capitalised >= 1


def is_caption_credit(line: str) -> bool:
    return len(line.split()) <= 25 and bool(_CAPTION_CREDIT.match(line.strip()))


def same_line(a: str, b: str) -> bool:
    """Two lines are the same headline if they differ only in case and spacing."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
