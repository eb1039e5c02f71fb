"""What every entity rule shares: the mention, the vocabularies, and facts about tokens and sentences.

The lexicons are general English-news vocabulary (titles, words that end
organisation and building names, a short list of well-known organisations);
none names a person or place of the gold sets the rules were measured on.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable


#: Numbers, dates and amounts belong to other layers.
DROPPED_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})

POSSESSIVES = frozenset({"'s", "’s", "'", "’", "ʼs"})
ARTICLES = frozenset({"the", "a", "an"})
#: Capitalised at the start of a sentence, the model glues these onto the name after them ("Near Palmyra").
PREPOSITIONS = frozenset({
    "near", "in", "at", "from", "to", "into", "outside", "inside", "around", "across", "toward",
    "towards", "by", "on", "for", "with", "of", "against", "between", "within", "throughout",
})
#: After these, a name that is in the gazetteer is the place.
LOCATIVE = frozenset({"in", "near", "outside", "inside", "around", "across", "throughout", "within"})

#: Last words of organisation names ("Popular Resistance Committees", "Labour Party").
ORG_HEADS = frozenset({
    "Force", "Forces", "Corps", "Army", "Navy", "Guard", "Guards", "Brigade", "Brigades", "Battalion",
    "Battalions", "Division", "Regiment", "Unit", "Units", "Command", "Militia", "Militias", "Front",
    "Party", "Movement", "Council", "Committee", "Commission", "Ministry", "Department", "Agency",
    "Office", "Bureau", "Service", "Services", "Authority", "Organization", "Organisation",
    "Association", "Union", "League", "Alliance", "Coalition", "Federation", "Group", "Institute",
    "University", "College", "Bank", "Company", "Corporation", "Foundation", "Fund", "Court",
    "Parliament", "Assembly", "Congress", "Senate", "Police", "Network", "Society", "Tribunal", "Board",
    "Directorate", "Inc", "Ltd", "Mission", "Secretariat", "Fleet", "Squadron", "Wing",
    "Committees", "Councils", "Parties", "Movements", "Groups", "Agencies", "Ministries", "Companies",
})
#: Organisation words that name one body on their own when capitalised mid-sentence ("the Coalition").
STANDALONE_ORG_WORDS = frozenset({
    "Coalition", "Alliance", "Army", "Navy", "Parliament", "Congress", "Senate", "Government",
    "Pentagon", "Kremlin", "Cabinet", "Politburo",
})
#: Heads of sub-units: "X Force of Y Corps" names two organisations, a unit and its parent.
SUBUNIT_HEADS = frozenset({
    "Force", "Forces", "Corps", "Brigade", "Brigades", "Battalion", "Division", "Regiment", "Unit",
    "Units", "Command", "Wing", "Squadron", "Fleet", "Directorate", "Branch",
})
#: Last words of a name that make it a part of the body its first words name: "White House Press
#: Office" is not the White House, "ESA Topical Team" is not ESA.
PART_HEADS = frozenset({
    "Office", "Team", "Committee", "Subcommittee", "Council", "Department", "Division", "Unit", "Board",
    "Bureau", "Panel", "Commission", "Command", "Branch", "Section", "Desk", "Staff", "School", "Center",
    "Centre", "Facility", "Program", "Programme", "Project", "Caucus",
})
#: Last words of buildings and structures: the model calls "X Mosque" or "X Dam" an organisation.
FACILITY_HEADS = frozenset({
    "Mosque", "Church", "Cathedral", "Synagogue", "Temple", "Shrine", "Dam", "Barrage", "Bridge",
    "Airport", "Airbase", "Base", "Port", "Harbour", "Harbor", "Hospital", "Prison", "Palace", "Square",
    "Street", "Road", "Highway", "Avenue", "Tower", "Stadium", "Station", "Camp", "Barracks", "Refinery",
    "Canal", "Crossing", "Checkpoint", "Embassy", "Consulate",
})
#: Military operations are events, not organisations.
EVENT_OPENERS = frozenset({"Operation", "Op."})
#: Ship prefixes: a ship is a vehicle (PRODUCT), not a person.
SHIP_PREFIXES = frozenset({"HMS", "USS", "FS", "HMAS", "HMCS", "INS", "USNS", "RFS"})

#: Words that make a title before a name; a title needs at least one of them.
TITLE_HEADS = frozenset({
    "President", "Minister", "Secretary", "General", "Gen.", "Colonel", "Col.", "Captain", "Capt.",
    "Commander", "Cmdr.", "Cdr.", "Admiral", "Adm.", "Marshal", "Sergeant", "Sgt.", "Corporal", "Cpl.",
    "Lieutenant", "Lt.", "Major", "Maj.", "Brigadier", "Pvt.", "Dr", "Dr.", "Mr", "Mr.", "Mrs", "Mrs.",
    "Ms", "Ms.", "Sir", "Dame", "Lord", "Lady", "King", "Queen", "Prince", "Princess", "Emir", "Sheikh",
    "Sheik", "Ayatollah", "Imam", "Pope", "Cardinal", "Bishop", "Rev.", "Reverend", "Senator", "Sen.",
    "Rep.", "Representative", "Governor", "Gov.", "Mayor", "Chancellor", "Chairman", "Chairwoman",
    "Director", "Ambassador", "Envoy", "Premier", "Commissioner", "Spokesman", "Spokeswoman", "Judge",
    "Speaker", "Sultan", "Mullah", "Chief", "Leader", "Commodore", "Officer", "Spc.", "Pfc.", "Cpl",
})
#: Words that only qualify a title ("Prime", "Foreign", "Vice").
TITLE_MODIFIERS = frozenset({
    "Prime", "Vice", "Deputy", "Foreign", "Defence", "Defense", "Interior", "Finance", "Home", "State",
    "Supreme", "Field", "Grand", "Special", "Acting", "Former", "First", "Lance", "Staff", "Master",
    "Attorney", "Rear", "Air", "Lt", "Brig.", "Brig", "Maj", "Gen", "Col", "Sgt", "Crown", "Executive",
    "Petty", "Senior",
})
#: Titles that also head other names ("General Assembly", "Major League"): never a person alone.
TITLE_WORDS_NOT_ALONE = frozenset({
    "General", "Major", "Chief", "Dr", "Mr", "Mrs", "Ms", "Sir", "Lord", "Lady",
})

#: Names news uses for well-known organisations that the small model misses or calls places,
#: mostly armed groups and international bodies. Matched case-sensitively.
KNOWN_ORGANISATIONS = frozenset({
    "ISIS", "ISIL", "IS", "Daesh", "DAESH", "Islamic State", "al-Qaeda", "al-Qaida", "Al-Qaeda", "Al Qaeda",
    "al Qaeda", "Al-Qaida", "Hezbollah", "Hizbollah", "Hamas", "Taliban", "al-Shabaab", "Boko Haram",
    "PKK", "YPG", "SDF", "Peshmerga", "Houthis", "Jabhat al-Nusra", "al-Nusra Front", "Nusra Front",
    "NATO", "UN", "U.N.", "EU", "OPEC", "UNESCO", "UNICEF", "UNHCR", "IAEA", "OSCE", "ASEAN",
    "IRGC", "CIA", "FBI", "KGB", "FSB", "MI6", "Mossad", "Pentagon", "Kremlin",
})
#: Military and technical acronyms the model takes for organisations.
NOT_NAMES = frozenset({
    "IED", "IEDs", "VBIED", "VBIEDs", "UAV", "UAVs", "RPG", "RPGs", "UHF", "VHF", "HF", "MW", "GPS",
    "HQ", "IP", "CT", "MANPADS", "ATGM", "SAM", "SAMs", "APC", "APCs", "DDG",
})
#: "Iraqi security forces": a nationality and one of these words is a group that acts.
GROUP_WORDS = frozenset({
    "forces", "troops", "army", "military", "government", "regime", "police", "authorities", "navy",
    "militia", "militias", "opposition", "rebels", "parliament", "administration", "officials", "media",
    "television",
})
GROUP_MODIFIERS = frozenset({"security", "government", "armed", "special", "military", "state", "federal",
                             "opposition", "air", "ground", "naval", "coalition", "allied"})


@dataclass(frozen=True)
class Mention:
    """A candidate entity: tokens ``[start, end)`` of the parse, a label, and the rules that made it."""

    start: int
    end: int
    label: str
    evidence: tuple[str, ...] = ()
    before: int = 0  # tokens before the title that the span also covers ("Russian" Foreign Minister X)
    after: int = 0  # tokens after the name that the span also covers ("Cibolo", Texas)

    def but(self, start: int | None = None, end: int | None = None, label: str | None = None,
            why: str | None = None) -> "Mention":
        """A changed copy that remembers why it changed."""
        return replace(
            self,
            start=self.start if start is None else start,
            end=self.end if end is None else end,
            label=label or self.label,
            evidence=self.evidence + ((why,) if why else ()),
        )

    @property
    def model_label(self) -> str | None:
        """The label spaCy gave, when the mention comes from the model."""
        first = self.evidence[0] if self.evidence else ""
        return first.partition(":")[2] if first.startswith("model:") else None


def words(sdoc, start: int, end: int) -> tuple[str, ...]:
    return tuple(t.text for t in sdoc[start:end])


def surface(sdoc, start: int, end: int) -> str:
    return " ".join(sdoc[start:end].text.split())


def is_capitalised(token) -> bool:
    return token.text[:1].isupper() or (token.text[:1].isdigit() and token.pos_ in ("ADJ", "PROPN"))


def is_title_case(tokens) -> bool:
    """A headline or shouted line, where even verbs and common nouns are capitalised: capitals
    there say nothing about names."""
    words = [t for t in tokens if t.is_alpha and len(t) >= 3]
    shouted = len(words) >= 3 and sum(t.is_upper for t in words) >= 0.7 * len(words)
    plain = [t for t in words[1:] if not is_title_word(t)
             and (not t.ent_type_ or t.pos_ in ("VERB", "AUX", "ADP", "DET", "PRON"))]
    return shouted or (len(plain) >= 3 and sum(t.text[0].isupper() for t in plain) >= 0.8 * len(plain))


def is_heading_line(tokens) -> bool:
    """A line with no closing stop whose every longer word is capitalised: a headline, even when the
    model has taken most of its words into (wrong) names ("Obama Willing to Use Executive Orders")."""
    content = [t for t in tokens if not t.is_space]
    long_words = [t for t in content if t.is_alpha and len(t) >= 4]
    return bool(content) and content[-1].text not in (".", "!", "?", '"', "”", "’", "'", ":") and \
        len(long_words) >= 4 and all(t.text[0].isupper() for t in long_words)


@dataclass(frozen=True)
class SentenceInfo:
    start: tuple[int, ...]  # per token: the index of the first token of its sentence
    headline: tuple[bool, ...]  # per token: whether its sentence is in title case
    heading_line: tuple[bool, ...]  # per token: whether its sentence is a line shaped as a headline


def sentence_info(sdoc) -> SentenceInfo:
    """Per-token sentence facts, computed once per parse (``Token.sent`` walks the whole document)."""
    info = sdoc.user_data.get("unspin.entities.sentences")
    if info is None:
        starts: list[int] = []
        headline: list[bool] = []
        heading_line: list[bool] = []
        for sent in sdoc.sents:
            starts.extend([sent.start] * len(sent))
            headline.extend([is_title_case(sent)] * len(sent))
            heading_line.extend([is_heading_line(sent)] * len(sent))
        info = sdoc.user_data["unspin.entities.sentences"] = SentenceInfo(
            tuple(starts), tuple(headline), tuple(heading_line))
    return info


def in_headline(sdoc, i: int) -> bool:
    return sentence_info(sdoc).headline[i]


def coverage(sdoc, mentions: Iterable[Mention]) -> list[bool]:
    """Tokens already taken: by a mention, or by a date or number the model found ("in March")."""
    covered = [t.ent_type_ in DROPPED_LABELS for t in sdoc]
    for m in mentions:
        covered[m.start:m.end] = [True] * (m.end - m.start)
    return covered


#: Parts of speech a name never ends with when written in lower case ("Virginia Democrats won").
NOT_NAME_ENDINGS = frozenset({"VERB", "AUX", "ADV", "ADP", "DET", "CCONJ", "SCONJ", "PRON", "PART"})


def is_trailing_word(token) -> bool:
    return token.is_alpha and token.text.islower() and token.pos_ in NOT_NAME_ENDINGS


@dataclass(frozen=True)
class PersonName:
    full: str  # the fullest name the document gives this person
    part: bool  # a first or last word of that name, rather than a whole name


def person_names(sdoc, mentions: list[Mention]) -> dict[tuple[str, ...], PersonName]:
    """Token sequences that name a person in this document: whole names, and the first and last
    words of names of two words or more ("Merkel" of "Angela Merkel")."""
    names: dict[tuple[str, ...], PersonName] = {}
    people = sorted((m for m in mentions if m.label == "PERSON" and "title_as_name" not in m.evidence),
                    key=lambda m: m.start - m.end)
    for m in people:  # the longest names first, so a part maps to the fullest name
        full_name = clean_name(surface(sdoc, m.start, m.end))
        parts = word_spans(sdoc, m.start, m.end)
        names.setdefault(name_key(sdoc, m.start, m.end), PersonName(full_name, False))
        if len(parts) > 1:
            for a, b in (parts[0], parts[-1]):
                if sdoc[a].text[:1].isupper() and not is_title_word(sdoc[a]):
                    names.setdefault(name_key(sdoc, a, b), PersonName(full_name, True))
    return names


def name_key(sdoc, start: int, end: int) -> tuple[str, ...]:
    """The token texts of a name, its last token cleaned ("Qanbar(Arabic" is "Qanbar")."""
    key = words(sdoc, start, end)
    return key[:-1] + (clean_name(key[-1]),)


#: Inside a token, these end a name: "Qanbar(Arabic", "al-Assad,[1" (footnote marks in wiki text).
NAME_BREAKS = ("(", "[", "{")


def clean_name(text: str) -> str:
    """A name without what the tokenizer left glued to its end: a bracket and what follows it,
    a footnote mark, closing punctuation ("U.S." keeps its dots)."""
    cuts = [text.find(b) for b in NAME_BREAKS if text.find(b) > 0]
    if cuts:
        text = text[:min(cuts)].rstrip(".")
    return text.rstrip(",;:!?\"'”’ ") or text


def word_spans(sdoc, start: int, end: int) -> list[tuple[int, int]]:
    """Token ranges of the whitespace-separated words in ``[start, end)`` ("al-Jaafari" is one)."""
    spans, begin = [], start
    for i in range(start, end):
        if sdoc[i].whitespace_ or i == end - 1:
            spans.append((begin, i + 1))
            begin = i + 1
    return spans


def owner(sdoc, m: Mention) -> bool:
    """Followed by a possessive ("Merkel's")."""
    return m.end < len(sdoc) and sdoc[m.end].text in POSSESSIVES


#: "the city of X", "X, a town ...": a word for a settlement right before "of" or after the comma.
SETTLEMENT_WORDS = frozenset({"city", "town", "village", "suburb", "district", "province", "region",
                              "capital", "governorate", "neighbourhood", "neighborhood", "outskirts"})


#: "the Assad regime": a ruler's name before one of these names the body he heads, not him.
RULERS_BODIES = frozenset({"regime", "forces", "loyalists"})
#: "ISIL fighters", "Coalition partners", "Reuters news agency": an organisation's name before a word
#: for its members or its kind draws the mention to that word (the name stays the canonical name).
MEMBER_WORDS = frozenset({"fighters", "militants", "terrorists", "members", "partners", "advisers", "advisors",
                          "units", "troops", "forces", "movement", "group", "militia", "agency", "allies",
                          "military", "government", "officials", "soldiers", "personnel", "leadership",
                          "regime", "community"})
#: "Mosul district", "the Wadi Barada area": a place's name before one of these draws the mention to it.
AREA_WORDS = frozenset({"district", "province", "governorate", "area", "region", "county", "municipality",
                        "state", "city", "town", "village"})


def is_title_word(token) -> bool:
    return token.text in TITLE_HEADS or token.text in TITLE_MODIFIERS


def base_name(text: str) -> str:
    """A mention's name as a list would give it: no leading article, one space between words."""
    name = " ".join(text.split())
    head, _, rest = name.partition(" ")
    return rest if head.lower() in ARTICLES and rest else name
