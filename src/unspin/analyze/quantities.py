"""The ``quantities`` layer: the numbers an article gives, what they count and whose they are.

Numbers are what fact-checkers verify first, and the words around them
carry as much as the digits: "about", "more than" and "up to" are claims of
different strength. So each quantity keeps its hedge, its value as a
number, what it counts, its currency or unit, and the entity it belongs to
when the sentence says so.

Found from spaCy's number tokens, using its CARDINAL, MONEY, PERCENT and
QUANTITY entities as hints; numbers inside dates, times, ordinals and
entity names ("the 82nd Airborne Division", "F-16") are not quantities.

Labels: ``count``, ``money``, ``percent``, ``measure``. attrs: ``value``
(a number; for a range the low end, with ``value_max``), ``approximate``,
``qualifier`` (the hedge words, or null), ``bound`` ("lower" for "more
than", "upper" for "up to", else null), ``currency`` (ISO 4217, money),
``unit`` (measures; "%" or "percentage point" for percents), ``object``
(the counted noun phrase, or null), ``owner`` and ``owner_verb`` (the
subject entity of the verb whose object holds the number), ``cue``.
"""

from __future__ import annotations

import re
from typing import Iterator

from unspin.analyze.nlp import parse
from unspin.analyze.pipeline import registry
from unspin.document import Document, Span

SMALL = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen".split()
    )
}
TENS = {w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)}
SCALES = {"hundred": 100, "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
#: "dozens of", "hundreds of": the least the words commit to (two of the unit).
PLURALS = {"tens": 10, "dozens": 12, "scores": 20, "hundreds": 100, "thousands": 10**3, "millions": 10**6, "billions": 10**9}
SUFFIXES = {"k": 10**3, "m": 10**6, "mn": 10**6, "mln": 10**6, "b": 10**9, "bn": 10**9, "bln": 10**9, "tn": 10**12, "trn": 10**12}
_DIGITS = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?([a-z]*)$")

#: Hedge phrases and the bound they put on the number (None: either side).
HEDGES = {
    "about": None, "around": None, "approximately": None, "roughly": None, "some": None,
    "an estimated": None, "estimated": None, "nearly": "upper", "almost": "upper",
    "close to": "upper", "just under": "upper", "under": "upper", "up to": "upper",
    "as many as": "upper", "fewer than": "upper", "less than": "upper", "at most": "upper",
    "no more than": "upper", "more than": "lower", "over": "lower", "well over": "lower",
    "just over": "lower", "at least": "lower", "upwards of": "lower", "in excess of": "lower",
}
#: Single-word hedges that are also prepositions ("fighting over 3 islands" is not a hedge).
PREPOSITION_HEDGES = {"about", "around", "over", "under"}
#: Verbs that take those prepositions ("talked about 3 issues"); read from words because the
#: small parser attaches "about" and "over" inconsistently before numbers.
PREPOSITION_VERBS = {"talk", "speak", "think", "worry", "care", "know", "hear", "read", "write", "argue",
                     "fight", "clash", "quarrel", "dispute", "complain", "ask", "rule", "preside", "jump", "step"}

CURRENCY_SYMBOLS = {
    "$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₽": "RUB", "₹": "INR", "₴": "UAH",
    "c$": "CAD", "ca$": "CAD", "a$": "AUD", "au$": "AUD", "hk$": "HKD", "nz$": "NZD", "s$": "SGD", "₺": "TRY", "₪": "ILS",
}
CURRENCY_CODES = {"usd", "eur", "gbp", "jpy", "cny", "rub", "inr", "uah", "cad", "aud", "chf", "try", "irr", "ils", "sar", "aed"}
CURRENCY_WORDS = {
    "dollar": "USD", "euro": "EUR", "pound": "GBP", "sterling": "GBP", "yen": "JPY", "yuan": "CNY", "renminbi": "CNY",
    "ruble": "RUB", "rouble": "RUB", "rupee": "INR", "hryvnia": "UAH", "hryvnias": "UAH", "franc": "CHF", "lira": "TRY",
    "rial": "IRR", "shekel": "ILS", "riyal": "SAR", "dirham": "AED",
}
#: "Canadian dollars": the word before "dollars" that says which.
DOLLAR_COUNTRIES = {"us": "USD", "u.s.": "USD", "american": "USD", "canadian": "CAD", "australian": "AUD",
                    "singapore": "SGD", "zealand": "NZD", "kong": "HKD", "taiwan": "TWD"}
UNITS = {
    "km": "km", "kilometre": "km", "kilometer": "km", "metre": "m", "meter": "m", "m": "m", "cm": "cm", "mm": "mm",
    "mile": "mi", "mi": "mi", "foot": "ft", "feet": "ft", "ft": "ft", "inch": "in", "kg": "kg", "kilogram": "kg",
    "gram": "g", "g": "g", "tonne": "t", "ton": "t", "t": "t", "lb": "lb", "lbs": "lb", "litre": "L", "liter": "L",
    "gallon": "gal", "barrel": "bbl", "bpd": "bbl/d", "acre": "acre", "hectare": "ha", "ha": "ha", "mw": "MW",
    "gw": "GW", "kwh": "kWh", "twh": "TWh", "degree": "°", "mph": "mph", "km/h": "km/h", "knot": "kn", "km2": "km²",
    "oz": "oz", "ounce": "oz", "horsepower": "hp", "hp": "hp", "decibel": "dB", "db": "dB", "dba": "dB(A)",
    "tsp": "tsp", "teaspoon": "tsp", "tbsp": "tbsp", "tablespoon": "tbsp", "ml": "mL", "millilitre": "mL",
    "milliliter": "mL",
}
AREA_WORDS = {"square": "²", "cubic": "³"}
PERCENT_WORDS = {"%": "%", "percent": "%", "pc": "%"}
#: Set phrases in which a number counts nothing.
IDIOMS = re.compile(r"\b(?:one (?:way or another|another|day|time|hand|by one|side|point|of)|no one|at one point|number one)\b", re.IGNORECASE)
#: Entity labels whose names may contain digits that are not quantities.
NAME_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE"}
NOT_QUANTITY_LABELS = NAME_LABELS | {"DATE", "TIME", "ORDINAL"}
NUMBER_HINTS = {"CARDINAL": "count", "MONEY": "money", "PERCENT": "percent", "QUANTITY": "measure"}
#: Arcs by which a number sits in a verb's object (or a prepositional phrase of the verb).
OBJECT_ARCS = {"dobj", "obj", "dative", "oprd", "prep"}
#: Arcs climbed from the number up to that verb.
INNER_ARCS = {"nummod", "quantmod", "compound", "amod", "pobj", "conj", "appos", "nmod", "npadvmod", "dobj", "obj", "dative", "oprd", "prep"}


def number_value(text: str) -> int | float | None:
    """The number an English numeral names: "14,000", "2.5 million", "three", "a dozen", "$3bn"."""
    words = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", text.lower().strip())
    words = [w.rstrip(".") if w.rstrip(".") in SUFFIXES else w for w in re.sub(r"[$€£¥₽₹₴]", " ", words).replace(" and ", " ").split()]
    if words[:1] in (["a"], ["an"]) and len(words) > 1 and words[1] in ("dozen", "hundred", *SCALES):
        words[0] = "one"  # "a dozen", "a million"; before another numeral, an article: "a five year plan"
    total, current, seen = 0.0, 0.0, False
    for prev, word in zip([""] + words, words):
        digits = _DIGITS.match(word)
        if digits:
            whole, fraction, suffix = digits.groups()
            if suffix and suffix not in SUFFIXES:
                return None
            current += float(whole.replace(",", "") + ("." + fraction if fraction else "")) * SUFFIXES.get(suffix, 1)
        elif word in SMALL or word in TENS:
            current += SMALL.get(word, TENS.get(word, 0))
        elif word == "half":
            # "one half" is a half; "two and a half" (or "a half") adds one
            current = current / 2 if prev in SMALL and prev != "zero" else current + 0.5
        elif word == "dozen":
            current = (current or 1) * 12
        elif word == "hundred":
            current = (current or 1) * 100
        elif word in SCALES:
            total += (current or 1) * SCALES[word]
            current = 0.0
        elif word in PLURALS:
            current = (current or 2) * PLURALS[word]
        elif word in SUFFIXES and seen:  # "12 m" from a tokenized "£12m"
            current *= SUFFIXES[word]
        elif word in ("of", "a", "an"):
            continue
        else:
            return None
        seen = True
    if not seen:
        return None
    value = total + current
    return int(value) if value == int(value) else value


@registry.component("quantities", assigns="quantities", requires=["sentences"])
def quantities(doc: Document) -> Iterator[Span]:
    sdoc = parse(doc)
    names = _entity_names(doc, sdoc)
    hints = _number_hints(sdoc)
    excluded = _excluded_tokens(sdoc, names)
    covered = 0
    for group in _number_groups(sdoc, excluded):
        if group and group[0].idx < covered:
            continue  # the top of a range already read
        span = _quantity(doc, sdoc, group, names, hints)
        if span is not None:
            covered = span.end
            yield span


# finding numbers --------------------------------------------------------


def _entity_names(doc: Document, sdoc) -> list[tuple[int, int, str, str]]:
    """Named entities as (start, end, label, canonical name): the entities layer if present, else spaCy's."""
    layer = doc.layer("entities")
    if layer:
        return [
            (s.start, s.end, s.label, str((s.attrs or {}).get("canonical") or doc.span_text(s)))
            for s in layer
            if s.label in NAME_LABELS or s.label not in NOT_QUANTITY_LABELS | set(NUMBER_HINTS)
        ]
    return [(e.start_char, e.end_char, e.label_, e.text) for e in sdoc.ents if e.label_ in NAME_LABELS]


def _number_hints(sdoc) -> dict[int, tuple[str, object]]:
    """spaCy's reading of each token inside a CARDINAL/MONEY/PERCENT/QUANTITY entity."""
    return {t.i: (e.label_, e) for e in sdoc.ents if e.label_ in NUMBER_HINTS for t in e}


def _excluded_tokens(sdoc, names) -> set[int]:
    """Tokens whose digits are part of a date, a time, an ordinal or a name."""
    out = {t.i for e in sdoc.ents if e.label_ in NOT_QUANTITY_LABELS for t in e}
    for start, end, _, _ in names:
        span = sdoc.char_span(start, end, alignment_mode="expand")
        if span is not None:
            out.update(t.i for t in span)
    for match in IDIOMS.finditer(sdoc.text):
        span = sdoc.char_span(match.start(), match.end(), alignment_mode="expand")
        out.update(t.i for t in span if t.lower_ == "one")
    return out


def _is_number(token) -> bool:
    word = token.lower_
    if word in SMALL or word in TENS or word in SCALES or word in PLURALS or word in ("dozen", "half"):
        return True
    return bool(_DIGITS.match(word)) and (word[-1].isdigit() or re.sub(r"^[\d.,]+", "", word) in SUFFIXES)


def _looks_like_code_or_date(token) -> bool:
    """A year, a model number ("F-16"), a time ("10:30") or a day of a month spaCy missed."""
    doc = token.doc
    prev = doc[token.i - 1] if token.i > 0 else None
    nxt = doc[token.i + 1] if token.i + 1 < len(doc) else None
    if re.fullmatch(r"1[89]\d\d|20\d\d", token.text) and not (nxt is not None and nxt.tag_ == "NNS" and token.head == nxt):
        return True
    if token.text[0].isdigit() and prev is not None and not prev.whitespace_ and (prev.text in "-/:" or prev.is_alpha) and prev.lower_ not in CURRENCY_SYMBOLS:
        return True
    if token.text[-1].isdigit() and nxt is not None and not token.whitespace_ and nxt.is_alpha and not _readable_suffix(token, nxt):
        return True  # "5G", "3D", "5m" without a currency: a code or an unreadable unit
    if nxt is not None and not token.whitespace_ and nxt.text in ("/", ":"):
        return True
    from unspin.analyze.timeref import MONTHS

    return any(n is not None and n.lower_.rstrip(".") in MONTHS and n.is_title for n in (prev, nxt)) and token.text.isdigit() and int(token.text) <= 31


def _readable_suffix(token, nxt) -> bool:
    """Letters glued to a number that say what it is: a unit ("5km") or a multiplier after a currency ("£12m")."""
    word = nxt.lower_.rstrip(".")
    if word in PERCENT_WORDS or word in ("st", "nd", "rd", "th"):
        return True
    if word in UNITS and len(word) > 1:
        return True
    doc = token.doc
    return word in SUFFIXES and token.i > 0 and doc[token.i - 1].lower_ in CURRENCY_SYMBOLS


def _number_groups(sdoc, excluded: set[int]) -> Iterator[list]:
    """Runs of number tokens that make one numeral ("2.5 million", "a dozen", "twenty - five")."""
    group: list = []
    for token in sdoc:
        usable = _is_number(token) and token.i not in excluded and not _looks_like_code_or_date(token)
        if usable and token.lower_ in PLURALS and not (token.i + 1 < len(sdoc) and sdoc[token.i + 1].lower_ == "of") and not group:
            usable = token.lower_ in ("dozens", "hundreds", "thousands", "millions") and token.i in {t.i for e in sdoc.ents for t in e}
        joins = group and (
            token.lower_ == "-" and not group[-1].whitespace_ and group[-1].is_alpha
            or (group[-1].lower_ == "-" and usable and token.is_alpha)
            or (token.lower_ == "and" and group[-1].lower_ == "hundred")
            or _glued_multiplier(sdoc, group, token)
            or (token.lower_ == "of" and group[-1].lower_ in PLURALS and token.i + 1 < len(sdoc) and sdoc[token.i + 1].lower_ in PLURALS)
        )
        if usable or joins:
            if not group and token.i > 0 and sdoc[token.i - 1].lower_ in ("a", "an") and token.lower_ in ("dozen", "hundred", "thousand", "million", "billion"):
                group.append(sdoc[token.i - 1])
            group.append(token)
            continue
        if group:
            yield _trim(group)
        group = []
    if group:
        yield _trim(group)


def _glued_multiplier(sdoc, group: list, token) -> bool:
    """ "£12m" split by the tokenizer: a multiplier letter glued to an amount after a currency sign."""
    if token.lower_.rstrip(".") not in SUFFIXES or group[-1].whitespace_ or not group[-1].text[-1:].isdigit():
        return False
    return group[0].i > 0 and sdoc[group[0].i - 1].lower_ in CURRENCY_SYMBOLS


def _trim(group: list) -> list:
    while group and group[-1].lower_ in ("-", "and", "of"):
        group = group[:-1]
    return group


# reading one quantity ---------------------------------------------------


def _quantity(doc: Document, sdoc, group: list, names, hints) -> Span | None:
    value = number_value(" ".join(t.text for t in group if t.text != "-"))
    if value is None or not group:
        return None
    first, last = group[0], group[-1]
    hint = next((hints[t.i] for t in group if t.i in hints), None)
    left, currency, currency_cue = _currency_before(sdoc, first)
    right, label, extra = _after(sdoc, last, hint)
    if "parts" in extra:
        value = round(100 * value / extra.pop("parts"), 1)
    if currency is None and label == "money":
        currency = extra.pop("currency", None)
    else:
        extra.pop("currency", None)
    if currency is not None:
        label = "money"
    elif label is None:
        label = NUMBER_HINTS.get(hint[0], "count") if hint else "count"
    hedge_start, qualifier, bound, plural = _hedge(sdoc, left, group)
    approximate = qualifier is not None or plural
    if plural:
        qualifier = " ".join(t.lower_ for t in group if t.lower_ in PLURALS or t.lower_ == "of") + " of"
        bound = bound or "lower"
    top = _range_top(sdoc, right)
    value_max = number_value(top.text) if top is not None else None
    if top is not None:
        group, right = group + [top], top
    attrs = {
        "value": value,
        "approximate": approximate,
        "qualifier": qualifier,
        "bound": bound,
        **({"value_max": value_max} if value_max is not None else {}),
    }
    if label == "money":
        attrs["currency"] = currency
    if label in ("measure", "percent"):
        attrs["unit"] = extra.get("unit")
    counted = _counted_noun(sdoc, group, right) if label in ("count", "percent", "measure") else None
    attrs["object"] = _noun_phrase(counted, group) if counted is not None else None
    owner, verb = _owner(sdoc, counted if counted is not None else _root(group), names)
    attrs["owner"], attrs["owner_verb"] = owner, verb
    attrs["cue"] = "; ".join(
        c for c in (
            f"spaCy {hint[0]}" if hint else "number token",
            qualifier and f"hedge {qualifier!r}",
            currency_cue,
            extra.get("cue"),
            counted is not None and f"counts {counted.text!r}",
            owner and f"subject of {verb!r}",
        ) if c
    )
    start = sdoc[hedge_start].idx
    end = right.idx + len(right.text.rstrip(".") if right.lower_.rstrip(".") in SUFFIXES else right.text)
    confidence = 0.9 if hint else 0.75
    return Span(start, end, label, confidence, attrs=attrs)


def _currency_before(sdoc, first):
    """The currency sign or code right before the number ("$", "US$", "€", "EUR")."""
    if first.i == 0:
        return first, None, None
    prev = sdoc[first.i - 1]
    word = prev.lower_
    if word in CURRENCY_SYMBOLS:
        if word == "$" and prev.i > 0 and not sdoc[prev.i - 1].whitespace_ and sdoc[prev.i - 1].lower_ + "$" in CURRENCY_SYMBOLS:
            prev = sdoc[prev.i - 1]
            word = prev.lower_ + "$"
        return prev, CURRENCY_SYMBOLS[word], f"currency sign {word!r}"
    if word in CURRENCY_CODES:
        return prev, word.upper(), f"currency code {prev.text!r}"
    return first, None, None


#: Words that make a number a share of a whole ("three-quarters", "two thirds"): the parts in the whole.
FRACTIONS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fifth": 5,
             "fifths": 5, "sixth": 6, "sixths": 6, "eighth": 8, "eighths": 8, "tenth": 10, "tenths": 10}


def _fraction_after(sdoc, last):
    """(last token, parts in the whole) of "three-quarters" or "two thirds" after the number, or None."""
    k = last.i + 1
    if k < len(sdoc) and sdoc[k].text == "-" and not last.whitespace_ and not sdoc[k].whitespace_:
        k += 1
    if k < len(sdoc) and sdoc[k].lower_ in FRACTIONS and (k == last.i + 1 or sdoc[k].is_alpha):
        return sdoc[k], FRACTIONS[sdoc[k].lower_]
    return None


def _after(sdoc, last, hint):
    """The token that ends the quantity and what it says: percent sign, currency word or unit."""
    n = len(sdoc)
    nxt = sdoc[last.i + 1] if last.i + 1 < n else None
    if nxt is None:
        return last, None, {}
    fraction = _fraction_after(sdoc, last)
    if fraction is not None:  # "three-quarters of staff": a share, given as a percent
        end, parts = fraction
        written = sdoc[last.i:end.i + 1].text
        return end, "percent", {"unit": "%", "parts": parts, "cue": f"fraction {written!r}"}
    word = nxt.lower_
    if word in PERCENT_WORDS:
        return nxt, "percent", {"unit": "%", "cue": f"percent sign {nxt.text!r}"}
    if word == "per" and last.i + 2 < n and sdoc[last.i + 2].lower_ == "cent":
        return sdoc[last.i + 2], "percent", {"unit": "%", "cue": "'per cent'"}
    if word == "percentage" and last.i + 2 < n and sdoc[last.i + 2].lemma_ == "point":
        return sdoc[last.i + 2], "percent", {"unit": "percentage point", "cue": "'percentage points'"}
    if word in CURRENCY_SYMBOLS and nxt.idx - (last.idx + len(last.text)) <= 1:
        return nxt, "money", {"currency": CURRENCY_SYMBOLS[word], "cue": f"currency sign {nxt.text!r}"}
    if word in CURRENCY_CODES:
        return nxt, "money", {"currency": word.upper(), "cue": f"currency code {nxt.text!r}"}
    currency_word = _currency_word(sdoc, nxt, hint)
    if currency_word is None and word == "of" and last.lower_ in PLURALS and nxt.i + 1 < n:
        currency_word = _currency_word(sdoc, sdoc[nxt.i + 1], hint)  # "millions of euros": money, not a count
    if currency_word:
        end, code = currency_word
        return end, "money", {"currency": code, "cue": f"currency word {end.text!r}"}
    unit = _unit(sdoc, nxt, hint)
    if unit:
        end, symbol = unit
        return end, "measure", {"unit": symbol, "cue": f"unit {sdoc[nxt.i:end.i + 1].text!r}"}
    return last, None, {}


def _currency_word(sdoc, nxt, hint):
    """ "dollars", "Canadian dollars", "euros"; "pounds" is money only where spaCy says MONEY."""
    tokens = [nxt] + ([sdoc[nxt.i + 1]] if nxt.i + 1 < len(sdoc) else [])
    for i, token in enumerate(tokens):
        lemma = token.lemma_.lower().rstrip("s") if token.lower_ not in ("hryvnias",) else "hryvnia"
        lemma = token.lower_.rstrip("s") if token.lower_.rstrip("s") in CURRENCY_WORDS else lemma
        if lemma not in CURRENCY_WORDS:
            continue
        if lemma == "pound" and not (hint and hint[0] == "MONEY"):
            return None
        if i == 1 and tokens[0].lower_ not in DOLLAR_COUNTRIES:
            return None
        if lemma == "dollar" and i == 1:
            return token, DOLLAR_COUNTRIES[tokens[0].lower_]
        return token, CURRENCY_WORDS[lemma]
    return None


def _unit(sdoc, nxt, hint):
    shape = AREA_WORDS.get(nxt.lower_)
    token = sdoc[nxt.i + 1] if shape and nxt.i + 1 < len(sdoc) else nxt
    for form in (token.lower_, token.lemma_.lower(), token.lower_.rstrip("s")):
        if form in UNITS:
            if UNITS[form] in ("m", "t", "g") and not (hint and hint[0] == "QUANTITY") and len(form) == 1:
                return None  # "5 m" alone may be millions; trust a bare letter only where spaCy saw a quantity
            return token, UNITS[form] + (shape or "")
    if hint and hint[0] == "QUANTITY" and token.i < hint[1].end and token.is_alpha:
        return token, token.lemma_.lower()
    return None


def _hedge(sdoc, left, group):
    """Where the span starts, the hedge words before the number, their bound, and whether it is a plural ("dozens of")."""
    plural = any(t.lower_ in PLURALS for t in group) and any(t.lower_ == "of" for t in group[1:] + [_next(sdoc, group[-1])] if t is not None)
    words = [t.lower_ for t in sdoc[max(0, left.i - 3) : left.i]]
    for size in (3, 2, 1):
        if len(words) < size:
            continue
        phrase = " ".join(words[-size:])
        if phrase in HEDGES:
            before = sdoc[left.i - size - 1] if left.i - size > 0 else None
            if phrase in PREPOSITION_HEDGES and before is not None and before.lemma_.lower() in PREPOSITION_VERBS:
                break
            return left.i - size, phrase, HEDGES[phrase], plural
    return left.i, None, None, plural


def _next(sdoc, token):
    return sdoc[token.i + 1] if token.i + 1 < len(sdoc) else None


def _range_top(sdoc, right):
    """The number that tops a range ("10 to 15", "10-15") right after the quantity, or None."""
    after = sdoc[right.i + 1 : right.i + 3]
    if len(after) == 2 and after[0].lower_ in ("to", "-", "–") and _DIGITS.match(after[1].lower_):
        return after[1]
    return None


def _root(group):
    inside = {t.i for t in group}
    heads = [t for t in group if t.head.i not in inside or t.head == t]
    return heads[-1] if heads else group[-1]


def _counted_noun(sdoc, group, right):
    """The noun the number counts: its head ("14,000 troops") or the object of "of" ("dozens of people")."""
    root = _root(group)
    for token in (right, root):
        of = next((c for c in token.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        if of is not None:
            pobj = next((c for c in of.children if c.dep_ == "pobj"), None)
            if pobj is not None and pobj.pos_ in ("NOUN", "PROPN"):
                return pobj
    if root.dep_ in ("nummod", "quantmod", "compound", "amod") and root.head.pos_ in ("NOUN", "PROPN") and root.head.i > right.i:
        return root.head
    return None


def _noun_phrase(noun, group) -> str:
    """The counted noun with the modifiers before it, without the number and the article."""
    inside = {t.i for t in group}
    start = noun.i
    for child in sorted(noun.lefts, key=lambda t: -t.i):
        if child.i == start - 1 and child.dep_ in ("amod", "compound", "nmod") and child.i not in inside:
            start = child.i
        elif child.i not in inside:
            break
    return noun.doc[start : noun.i + 1].text


def _owner(sdoc, token, names):
    """The entity that is the subject of the verb whose object holds the quantity."""
    arc = None
    for _ in range(8):
        if token.pos_ in ("VERB", "AUX") or token.head == token or token.dep_ not in INNER_ARCS:
            break
        arc = token.dep_
        token = token.head
    if token.pos_ not in ("VERB", "AUX") or arc not in OBJECT_ARCS:
        return None, None
    verb = token
    for _ in range(3):
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subject is not None:
            owner = _entity_at(subject, names)
            return (owner, token.text) if owner else (None, None)
        if verb.dep_ not in ("conj", "xcomp") or verb.head == verb:
            break
        verb = verb.head
    return None, None


def _entity_at(token, names):
    for start, end, _, canonical in names:
        if start <= token.idx < end:
            return canonical
    return None
