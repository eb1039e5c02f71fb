"""The ``entities`` layer: who and what an article names, one canonical name each.

spaCy's small English model finds most names but stumbles in ways a
fact-checker would trip on: "Syria's" taken for an organisation, a unit and
its parent run together, a surname called an organisation, a capitalised
adjective called a name, a town called a person, a name found once and
missed the next time. Each rule below fixes one such error on top of the one
shared parse and leaves its name in the span's ``evidence``, so a reader can
see why a span is there and why it has its label. Places are resolved
against the gazetteer (``unspin.analyze.gazetteer``); people and
organisations get one canonical name per document, the longest full name the
document gives them.

Every rule was measured on the seed page and on re3d
(``unspin.eval.entities``, where the evidence names let each rule's hits and
misses be counted); none names a person or place of either. Lexicons are
general English-news vocabulary: titles, words that end organisation and
building names, and a short list of well-known organisations the small model
misses or calls places.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Iterable, Iterator

from unspin.analyze import entity_model, gazetteer
from unspin.analyze.nlp import parse
from unspin.analyze.pipeline import registry
from unspin.document import Document, Span

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
    "Commander", "Cmdr.", "Admiral", "Adm.", "Marshal", "Sergeant", "Sgt.", "Corporal", "Cpl.",
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


@dataclass(frozen=True)
class SentenceInfo:
    start: tuple[int, ...]  # per token: the index of the first token of its sentence
    headline: tuple[bool, ...]  # per token: whether its sentence is in title case


def sentence_info(sdoc) -> SentenceInfo:
    """Per-token sentence facts, computed once per parse (``Token.sent`` walks the whole document)."""
    info = sdoc.user_data.get("unspin.entities.sentences")
    if info is None:
        starts: list[int] = []
        headline: list[bool] = []
        for sent in sdoc.sents:
            starts.extend([sent.start] * len(sent))
            headline.extend([is_title_case(sent)] * len(sent))
        info = sdoc.user_data["unspin.entities.sentences"] = SentenceInfo(tuple(starts), tuple(headline))
    return info


def in_headline(sdoc, i: int) -> bool:
    return sentence_info(sdoc).headline[i]


def coverage(sdoc, mentions: Iterable[Mention]) -> list[bool]:
    """Tokens already taken: by a mention, or by a date or number the model found ("in March")."""
    covered = [t.ent_type_ in DROPPED_LABELS for t in sdoc]
    for m in mentions:
        covered[m.start:m.end] = [True] * (m.end - m.start)
    return covered


# --- the model's mentions and their edges -------------------------------------------------------


def model_mentions(sdoc) -> list[Mention]:
    """spaCy's entities, without the numeric ones other layers own."""
    return [Mention(e.start, e.end, e.label_, (f"model:{e.label_}",))
            for e in sdoc.ents if e.label_ not in DROPPED_LABELS]


#: Parts of speech a name never ends with when written in lower case ("Virginia Democrats won").
NOT_NAME_ENDINGS = frozenset({"VERB", "AUX", "ADV", "ADP", "DET", "CCONJ", "SCONJ", "PRON", "PART"})


def is_trailing_word(token) -> bool:
    return token.is_alpha and token.text.islower() and token.pos_ in NOT_NAME_ENDINGS


def trim(sdoc, m: Mention) -> Mention | None:
    """Drop an opening article or capitalised preposition, and a closing possessive or bracket."""
    start, end = m.start, m.end
    while start < end and (sdoc[start].lower_ in ARTICLES
                           or (sdoc[start].lower_ in PREPOSITIONS and sdoc[start].is_sent_start)):
        start += 1
    while end > start and (sdoc[end - 1].text in POSSESSIVES or sdoc[end - 1].is_punct
                           or sdoc[end - 1].is_space or is_trailing_word(sdoc[end - 1])):
        end -= 1
    if end <= start:
        return None
    glued = start > m.start and sdoc[start - 1].lower_ in PREPOSITIONS
    return m.but(start=start, end=end, why="preposition_trimmed" if glued else None)


def split_parenthesis(sdoc, m: Mention) -> list[Mention]:
    """"Commission of Inquiry (CoI": the name before the bracket, and the acronym as its own mention."""
    for i in range(m.start, m.end):
        if sdoc[i].text == "(":
            out = [m.but(end=i, why="split_at_parenthesis")] if i > m.start else []
            inner = [t for t in sdoc[i + 1:m.end] if t.text != ")"]
            if len(inner) == 1 and any(ch.isupper() for ch in inner[0].text):
                out.append(m.but(start=inner[0].i, end=inner[0].i + 1, why="acronym_in_parenthesis"))
            return out
    return [m]


# --- splitting what the model ran together -------------------------------------------------------


def split_parent(sdoc, m: Mention) -> list[Mention]:
    """"the 101st Airborne Division of the US Army": a unit and its parent are two organisations."""
    if m.label != "ORG":
        return [m]
    for i in range(m.start + 2, m.end - 2):
        if sdoc[i].lower_ != "of" or sdoc[i - 1].text not in SUBUNIT_HEADS:
            continue
        parent = [t for t in sdoc[i + 1:m.end] if t.lower_ not in ARTICLES and t.text not in POSSESSIVES]
        if sdoc[m.end - 1].text in ORG_HEADS and len(parent) >= 2 and all(is_capitalised(t) for t in parent):
            return [m.but(end=i, why="split_unit_from_parent"), m.but(start=i + 1, why="parent_of_unit")]
    return [m]


def owner_label(sdoc, start: int, end: int, people: dict) -> tuple[str, str] | None:
    """The label of a possessive owner ("Syria" in "Syria's ..."), with the reason, when it is clear."""
    if name_key(sdoc, start, end) in people:
        return "PERSON", "owner_is_person_elsewhere"
    text = surface(sdoc, start, end)
    match = gazetteer.resolve(text)
    if match and match.how in ("name", "alias") and (match.place.kind == "country" or match.spelled_as(text)):
        return "GPE", f"owner_in_gazetteer:{match.place.kind}"
    return None


def split_possessive(sdoc, m: Mention, people: dict) -> list[Mention]:
    """"Syria's National Defence Forces" as one ORG: the place, then the organisation."""
    for i in range(m.start + 1, m.end):
        if sdoc[i].text in POSSESSIVES:
            owner = owner_label(sdoc, m.start, i, people)
            if owner is None:
                return [m]
            label, why = owner
            out = [m.but(end=i, label=label, why=why)]
            if i + 1 < m.end and is_capitalised(sdoc[i + 1]):
                rest_label = "ORG" if sdoc[m.end - 1].text in ORG_HEADS else m.label
                out.append(m.but(start=i + 1, label=rest_label, why="split_after_possessive"))
            return out
    return [m]


def split_person_tail(sdoc, m: Mention, people: dict) -> list[Mention]:
    """"the Balkans Jane Smith" as one ORG: a place, then a person named in full elsewhere."""
    if m.label == "PERSON":
        return [m]
    for i in range(m.start + 1, m.end - 1):
        tail = people.get(name_key(sdoc, i, m.end))
        if tail and not tail.part and " " in tail.full:
            return [m.but(end=i, why="split_before_person"),
                    m.but(start=i, label="PERSON", why=f"person_elsewhere:{tail.full}")]
    return [m]


# --- labels the model got wrong -------------------------------------------------------------------


def is_common_word(sdoc, m: Mention, lowercase_words: set[str], people: dict | None = None) -> bool:
    """Not a name: a lone capitalised adjective, adverb or verb that the text also uses in lower
    case ("Executive" in "the Executive power"), a technical acronym ("VBIED"), words
    without a capital ("node"), or a bare title ("Sgt").

    A lone capitalised noun the text also writes in lower case ("Email" beside "email", "State"
    beside "state") is a word too, whatever label the model gave it, unless it is a word of a
    person's full name in the document ("Page" of "Carter Page"), follows a personal title, or
    is one of the words that name one body on their own ("the Coalition")."""
    text = clean_name(surface(sdoc, m.start, m.end))
    if text in NOT_NAMES or not any(ch.isupper() or ch.isdigit() for ch in text):
        return True
    if m.label == "PERSON" and all(is_title_word(t) or t.is_punct for t in sdoc[m.start:m.end]):
        return True
    if m.end - m.start != 1 or m.label == "NORP" and not sdoc[m.start].tag_.startswith("NN"):
        return False
    token = sdoc[m.start]
    if token.is_upper:
        return False
    if token.lower_ not in lowercase_words:
        return m.label in ("PERSON", "ORG") and alone_on_line(sdoc, m) and token.lower_ in dictionary_words()
    
    if m.label not in ("NORP", "PERSON") and token.tag_.startswith(("JJ", "RB", "VB")):
        return True
    part_of_name = people is not None and " " in people.get(name_key(sdoc, m.start, m.end), PersonName("", False)).full
    return not (part_of_name or after_personal_title(sdoc, m) or text in STANDALONE_ORG_WORDS
                or text in KNOWN_ORGANISATIONS)


@lru_cache(maxsize=1)
def dictionary_words() -> frozenset[str]:
    """The common English words the parser ships with: its lemmatizer's index of nouns, verbs,
    adjectives and adverbs (WordNet's, which lists some proper names too)."""
    from unspin.analyze.nlp import load

    table = load().get_pipe("lemmatizer").lookups.get_table("lemma_index")
    return frozenset(w for words in table.values() for w in words if w.isalpha())


def alone_on_line(sdoc, m: Mention) -> bool:
    """A word on a line of its own but for punctuation: a form label or a button ("Email *"), not a
    name in a sentence."""
    i, j = m.start, m.end
    while i > 0 and not sdoc[i - 1].is_space and (sdoc[i - 1].is_punct or not sdoc[i - 1].text.strip()):
        i -= 1
    while j < len(sdoc) and not sdoc[j].is_space and sdoc[j].is_punct:
        j += 1
    before = i == 0 or "\n" in sdoc[i - 1].text or "\n" in sdoc[i - 1].whitespace_
    after = j == len(sdoc) or "\n" in sdoc[j].text or "\n" in sdoc[j - 1].whitespace_
    return before and after


@dataclass(frozen=True)
class PersonName:
    full: str  # the fullest name the document gives this person
    part: bool  # a first or last word of that name, rather than a whole name


def plural_groups(sdoc, mentions: list[Mention]) -> list[Mention]:
    """"Virginia Democrats" read as a PERSON: a name ending in a plural the document also uses as
    a nationality or group on its own ("the Democrats") names a group, not a person."""
    groups = {sdoc[m.end - 1].text for m in mentions if m.label == "NORP"} | \
        {t.text for t in sdoc if t.ent_type_ == "NORP" and t.tag_ == "NNPS"}
    return [m.but(label="NORP", why="plural_group") if m.label == "PERSON" and sdoc[m.end - 1].tag_ == "NNPS"
            and sdoc[m.end - 1].text in groups else m for m in mentions]


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


def after_locative(sdoc, m: Mention) -> bool:
    """Written right after "in", "near", "outside"... and not as an owner ("in Merkel's ...")."""
    return m.start > 0 and sdoc[m.start - 1].lower_ in LOCATIVE and not owner(sdoc, m)


#: "the city of X", "X, a town ...": a word for a settlement right before "of" or after the comma.
SETTLEMENT_WORDS = frozenset({"city", "town", "village", "suburb", "district", "province", "region",
                              "capital", "governorate", "neighbourhood", "neighborhood", "outskirts"})
#: A city this large named by a person label, and by no person's name in the document, is the city.
LARGE_CITY = 100_000


def described_as_place(sdoc, m: Mention) -> bool:
    """"the city of X", "suburb of X", or "X, a town ..."."""
    before = m.start >= 2 and sdoc[m.start - 1].lower_ == "of" and \
        sdoc[m.start - 2].lower_ in SETTLEMENT_WORDS
    after = m.end + 2 < len(sdoc) and sdoc[m.end].text == "," and sdoc[m.end + 1].lower_ in ("a", "the") and \
        any(t.lower_ in SETTLEMENT_WORDS for t in sdoc[m.end + 2:m.end + 5])
    return before or after


def place_names(sdoc, mentions: list[Mention]) -> dict[str, str]:
    """Names the document uses as places, with the reason: in the gazetteer and labelled a place,
    written after "in", "near"..., or described as a town somewhere; outside the gazetteer, two of those."""
    evidence: dict[str, set[str]] = {}
    for m in mentions:
        text = surface(sdoc, m.start, m.end)
        if m.label in ("GPE", "LOC"):
            evidence.setdefault(text, set()).add("labelled")
        if after_locative(sdoc, m):
            evidence.setdefault(text, set()).add("after_preposition")
        if described_as_place(sdoc, m):
            evidence.setdefault(text, set()).add("described")
    names = {}
    for text, kinds in evidence.items():
        match = gazetteer.resolve(text)
        if match and match.place.kind in ("country", "city", "state"):
            names[text] = "place_in_gazetteer_used_as_place"
        elif "described" in kinds:
            names[text] = "described_as_place"
        elif len(kinds) >= 2:
            names[text] = "place_elsewhere_in_document"
    return names


#: Only places are "near" or "outside" something in news ("near Sinjar", "outside Daquq").
NEAR = frozenset({"near", "outside"})
#: Titles that only people bear, right before a name ("Major General Hassan").
PERSONAL_TITLES = TITLE_HEADS - {"Chief", "Speaker", "Director", "Judge", "Commissioner", "Leader"}


def after_personal_title(sdoc, m: Mention) -> bool:
    return m.start > 0 and sdoc[m.start - 1].text in PERSONAL_TITLES and sdoc[m.start - 1].text[:1].isupper()


def large_city(text: str) -> bool:
    """A large city spelled as the gazetteer spells it: accents folded away ("Bush" for Būsh) make
    a match too loose to overrule the parser."""
    match = gazetteer.resolve(text)
    return bool(match and match.place.kind == "city" and match.place.population >= LARGE_CITY
                and match.spelled_as(text))


#: People are "on" or "via" nothing in news: "posted on X", "via X" name a platform or an outlet.
MEDIUM_PREPOSITIONS = frozenset({"on", "via"})
#: Verbs whose unknown subject is more likely a person than a body ("X said", "X told").
PERSON_SPEECH = frozenset({"say", "tell"})


def actor_not_place(sdoc, m: Mention) -> str | None:
    """The label of a name read as a GPE that the gazetteer does not know and that is the subject of
    a verb ("X defended the plan"): it acts, so it is a person (with "said", "told") or a body."""
    root = sdoc[m.start:m.end].root
    if root.dep_ not in ("nsubj", "nsubjpass") or root.head.pos_ != "VERB" or gazetteer.resolve(
            surface(sdoc, m.start, m.end), fuzzy=True):
        return None
    single = m.end - m.start == 1 and not sdoc[m.start].is_upper
    return "PERSON" if single and root.head.lemma_ in PERSON_SPEECH else "ORG"


def on_medium(sdoc, m: Mention) -> bool:
    """"on X", "via X": a one-word name after these is a platform or outlet, not a person."""
    root = sdoc[m.start:m.end].root
    return m.end - m.start == 1 and root.dep_ == "pobj" and root.head.lower_ in MEDIUM_PREPOSITIONS


def usual_labels(sdoc, mentions: list[Mention]) -> dict[str, str]:
    """The label the model gives each name most often where it did not run it into another."""
    counts: dict[str, Counter] = {}
    for m in mentions:
        if len(m.evidence) == 1:
            counts.setdefault(base_name(surface(sdoc, m.start, m.end)), Counter())[m.label] += 1
    return {text: c.most_common(1)[0][0] for text, c in counts.items()}


def relabel(sdoc, mentions: list[Mention]) -> list[Mention]:
    """One label per name in a document, fixed from the rest of the document and the gazetteer."""
    people = person_names(sdoc, mentions)
    parts_of_people = {k for k, name in people.items() if name.part}
    places = place_names(sdoc, mentions)
    ships = {name_key(sdoc, m.start + 1, m.end) for m in mentions
             if sdoc[m.start].text in SHIP_PREFIXES and m.end - m.start > 1}
    near = {surface(sdoc, m.start, m.end): f"place_after:{sdoc[m.start - 1].lower_}" for m in mentions
            if m.start > 0 and sdoc[m.start - 1].lower_ in NEAR and not owner(sdoc, m)}
    usual = usual_labels(sdoc, mentions)
    out = []
    for m in mentions:
        text = surface(sdoc, m.start, m.end)
        key = name_key(sdoc, m.start, m.end)
        first, last = sdoc[m.start].text, sdoc[m.end - 1].text
        several = m.end - m.start > 1
        mislabelled_place = m.label in ("PERSON", "ORG", "NORP", "LANGUAGE") and key not in parts_of_people
        if text in KNOWN_ORGANISATIONS:
            m = m.but(label="ORG", why="known_organisation")
        elif "split_before_person" in m.evidence and usual.get(text, m.label) != m.label:
            m = m.but(label=usual[text], why="label_of_same_name_elsewhere")
        elif after_personal_title(sdoc, m):
            if m.label != "PERSON":
                m = m.but(label="PERSON", why=f"after_title:{sdoc[m.start - 1].text}")
        elif first in EVENT_OPENERS and several:
            m = m.but(label="EVENT", why="operation_name")
        elif (first in SHIP_PREFIXES and several) or key in ships:
            m = m.but(label="PRODUCT", why="ship_name")
        elif m.label in ("ORG", "PERSON", "GPE") and last in FACILITY_HEADS and several:
            m = m.but(label="FAC", why=f"facility_word:{last}")
        elif mislabelled_place and gazetteer.country(text):
            m = m.but(label="GPE", why="country_in_gazetteer")
        elif mislabelled_place and text in places:
            m = m.but(label="GPE", why=places[text])
        elif mislabelled_place and m.label in ("PERSON", "NORP", "LANGUAGE") and large_city(text):
            m = m.but(label="GPE", why="large_city_in_gazetteer")
        elif m.label not in ("PERSON", "NORP", "GPE") and key in people and not large_city(text):
            m = m.but(label="PERSON", why=f"person_elsewhere:{people[key].full}")
        elif m.label == "NORP" and key in people and " " in people[key].full and sdoc[m.end - 1].tag_ != "NNPS":
            m = m.but(label="PERSON", why=f"person_elsewhere:{people[key].full}")
        elif m.label not in PLACE_LABELS and text in near and key not in parts_of_people:
            m = m.but(label="GPE", why=near[text])
        elif m.label == "GPE" and key in parts_of_people and not gazetteer.resolve(text):
            m = m.but(label="PERSON", why=f"person_elsewhere:{people[key].full}")
        elif m.label == "GPE" and text not in places and (actor := actor_not_place(sdoc, m)):
            m = m.but(label=actor, why="subject_not_in_gazetteer")
        elif m.label == "PERSON" and on_medium(sdoc, m) and " " not in people.get(key, PersonName("", False)).full:
            m = m.but(label="ORG", why=f"medium_after:{sdoc[m.start - 1].lower_}")
        out.append(m)
    return out


# --- names the model missed ------------------------------------------------------------------------


def org_word_mentions(sdoc, covered: list[bool]) -> Iterator[Mention]:
    """A run of capitalised words ending in an organisation word ("Popular Resistance Committees")."""
    i = 0
    while i < len(sdoc):
        j = i
        while j < len(sdoc) and not covered[j] and is_capitalised(sdoc[j]) and \
                sdoc[j].pos_ in ("PROPN", "NOUN", "ADJ"):
            j += 1
        if j == i:
            i += 1
            continue
        start = i + 1 if sdoc[i].is_sent_start and sdoc[i].pos_ != "PROPN" else i
        if j - start >= 2 and sdoc[j - 1].text in ORG_HEADS and not in_headline(sdoc, i):
            yield Mention(start, j, "ORG", (f"organisation_word:{sdoc[j - 1].text}",))
        elif j - start == 1 and sdoc[start].text in STANDALONE_ORG_WORDS and not sdoc[start].is_sent_start \
                and not in_headline(sdoc, start):
            yield Mention(start, j, "ORG", ("capitalised_organisation_word",))
        i = j


#: "the Assad regime": a ruler's name before one of these names the body he heads, not him.
RULERS_BODIES = frozenset({"regime", "forces", "loyalists"})
#: "ISIL fighters", "Coalition partners", "Reuters news agency": an organisation's name before a word
#: for its members or its kind draws the mention to that word (the name stays the canonical name).
MEMBER_WORDS = frozenset({"fighters", "militants", "terrorists", "members", "partners", "advisers", "advisors",
                          "units", "troops", "forces", "movement", "group", "militia", "agency", "allies",
                          "military", "government", "officials", "soldiers", "personnel", "leadership"})
#: "Mosul district", "the Wadi Barada area": a place's name before one of these draws the mention to it.
AREA_WORDS = frozenset({"district", "province", "governorate", "area", "region", "county", "municipality",
                        "state", "city", "town", "village"})


def group_mentions(sdoc, mentions: list[Mention]) -> list[Mention]:
    """"Iraqi security forces", "U.S. forces": a nationality or country before a word for a body
    that acts is an organisation."""
    out = []
    for m in mentions:
        if m.label == "PERSON" and m.end < len(sdoc) and sdoc[m.end].lower_ in RULERS_BODIES \
                and sdoc[m.end].pos_ == "NOUN":
            m = m.but(end=m.end + 1, label="ORG", why=f"person_with_body_word:{sdoc[m.end].lower_}")
        elif m.label == "GPE" and m.start >= 2 and sdoc[m.start - 1].lower_ == "of" and \
                sdoc[m.start - 2].lower_ in GROUP_WORDS and sdoc[m.start - 2].pos_ == "NOUN":
            m = m.but(start=m.start - 2, label="ORG", why=f"group_word_of_country:{sdoc[m.start - 2].lower_}")
        elif m.label == "NORP" or (m.label == "GPE" and sdoc[m.end - 1].dep_ in ("compound", "nmod", "amod")):
            head = group_word_after(sdoc, m.end)
            if head is not None:
                m = m.but(end=head + 1, label="ORG", why=f"nationality_with_group_word:{sdoc[head].lower_}")
        out.append(m)
    return out


#: Longest run of capitalised words tried as a place name after a preposition.
MAX_PLACE_TOKENS = 4


def located_place_mentions(sdoc, covered: list[bool]) -> Iterator[Mention]:
    """"Near Sinjar, ...": capitalised words after "in", "near"... that the gazetteer knows as a
    country, city or state, where the model found nothing."""
    for i in range(len(sdoc) - 1):
        if sdoc[i].lower_ not in LOCATIVE or covered[i + 1] or not sdoc[i + 1].text[:1].isupper():
            continue
        j = i + 1
        while j < len(sdoc) and j - i <= MAX_PLACE_TOKENS and not covered[j] and \
                (sdoc[j].text[:1].isupper() or (sdoc[j].text == "-" and j > i + 1)):
            j += 1
        for end in range(j, i + 1, -1):
            if not sdoc[end - 1].is_punct and is_unambiguous_place(surface(sdoc, i + 1, end)):
                yield Mention(i + 1, end, "GPE", (f"in_gazetteer_after:{sdoc[i].lower_}",))
                break


def is_unambiguous_place(text: str) -> bool:
    """A country, a US state or a large city: small towns share their names with words and
    people ("in God" is not Göd, Hungary; "in Central" is not Central, Brazil)."""
    match = gazetteer.resolve(text)
    if match is None or match.place.kind not in ("country", "city", "state"):
        return False
    return match.place.kind != "city" or (match.place.population >= LARGE_CITY and match.spelled_as(text))


def group_word_after(sdoc, start: int) -> int | None:
    """The last group word ("forces") in at most three words after ``start``, reached over modifiers only."""
    found = None
    for k in range(start, min(start + 3, len(sdoc))):
        if sdoc[k].lower_ in GROUP_WORDS and sdoc[k].pos_ == "NOUN":
            found = k
        if sdoc[k].lower_ not in GROUP_MODIFIERS:
            break
    return found


def title_mentions(sdoc, covered: list[bool]) -> Iterator[Mention]:
    """"the Foreign Secretary" with no name after it refers to a person: a PERSON mention."""
    for i in range(1, len(sdoc)):
        if covered[i] or not is_title_word(sdoc[i]):
            continue
        opening = start_after_the(sdoc, i, covered)
        if opening is None:
            continue
        j = i
        while j < len(sdoc) and not covered[j] and is_title_word(sdoc[j]):
            j += 1
        if j < len(sdoc) - 1 and sdoc[j].lower_ == "of" and sdoc[j + 1].text[:1].isupper():
            j += 2
            while j < len(sdoc) and sdoc[j].pos_ == "PROPN" and sdoc[j].text[:1].isupper():
                j += 1
        heads = [t.text for t in sdoc[i:j] if t.text in TITLE_HEADS]
        followed_by_name = j < len(sdoc) and sdoc[j].text[:1].isupper()
        if heads and not followed_by_name and not set(heads) <= TITLE_WORDS_NOT_ALONE \
                and not in_headline(sdoc, i) and not any(covered[i:j]):
            yield Mention(opening, j, "PERSON", ("title_as_name",))


def start_after_the(sdoc, i: int, covered: list[bool]) -> int | None:
    """Where a title used as a name starts: right after "the", or at the nationality or country
    between "the" and the title ("the Iraqi Foreign Minister"); None if no "the" comes first."""
    k = i - 1
    while k > 0 and covered[k] and sdoc[k].ent_type_ in ("NORP", "GPE"):
        k -= 1
    return k + 1 if sdoc[k].lower_ == "the" else None


def is_title_word(token) -> bool:
    return token.text in TITLE_HEADS or token.text in TITLE_MODIFIERS


def known_sequences(sdoc, mentions: list[Mention]) -> dict[tuple[str, ...], str]:
    """Every name found in the document, and the label it has most often."""
    labels: dict[tuple[str, ...], Counter] = {}
    for m in mentions:
        if m.label not in ("NORP",) and "title_as_name" not in m.evidence:
            labels.setdefault(name_key(sdoc, m.start, m.end), Counter())[m.label] += 1
    for seq in person_names(sdoc, mentions):
        labels.setdefault(seq, Counter())["PERSON"] += 1
    for text in KNOWN_ORGANISATIONS:
        if " " not in text:
            labels.setdefault((text,), Counter())["ORG"] += 1
    return {seq: counts.most_common(1)[0][0] for seq, counts in labels.items()
            if any(w[:1].isupper() for w in seq) and sum(map(len, seq)) >= 2}


def repeated_mentions(sdoc, mentions: list[Mention], covered: list[bool]) -> Iterator[Mention]:
    """A name the model found once, found again where the model missed it (surnames included)."""
    known = known_sequences(sdoc, mentions)
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for seq in sorted(known, key=len, reverse=True):
        by_first.setdefault(seq[0], []).append(seq)
    for i, token in enumerate(sdoc):
        if covered[i] or token.text not in by_first:
            continue
        for seq in by_first[token.text]:
            end = i + len(seq)
            if words(sdoc, i, end) == seq and not any(covered[i:end]) and \
                    (looks_like_name_here(sdoc, i, end) or " ".join(seq) in KNOWN_ORGANISATIONS):
                covered[i:end] = [True] * (end - i)
                yield Mention(i, end, known[seq], ("same_name_elsewhere",))
                break


def looks_like_name_here(sdoc, start: int, end: int) -> bool:
    """Not a capitalised word opening a sentence, nor a word in a headline or shouted line."""
    token = sdoc[start]
    if in_headline(sdoc, start):
        return False
    if end - start > 1:
        return True
    return token.pos_ == "PROPN" or (token.is_upper and len(token) > 1) or not token.is_sent_start


def without_title_fragments(sdoc, mentions: list[Mention]) -> list[Mention]:
    """Drop pieces of a person's title taken for names ("Supreme" of "Supreme Leader", "State" of
    "Secretary of State")."""
    inside: set[int] = set()
    for m in mentions:
        if m.label == "PERSON" and (found := title_before(sdoc, m.start)):
            inside.update(range(*found))
    return [m for m in mentions
            if m.label == "PERSON" or not set(range(m.start, m.end)) <= inside
            or not all(is_title_word(t) for t in sdoc[m.start:m.end])]


def without_overlaps(mentions: list[Mention]) -> list[Mention]:
    """Keep the earliest, then the longest, of overlapping mentions."""
    kept: list[Mention] = []
    for m in sorted(mentions, key=lambda m: (m.start, -(m.end - m.start))):
        if not kept or m.start >= kept[-1].end:
            kept.append(m)
    return kept


def find_mentions(sdoc) -> list[Mention]:
    """All the rules, in order, from the model's entities to the final mentions."""
    mentions = [p for m in model_mentions(sdoc) for p in split_parenthesis(sdoc, m)]
    mentions = [p for m in mentions if (t := trim(sdoc, m)) for p in strip_title(sdoc, t)]
    mentions = [p for m in mentions for p in split_parent(sdoc, m)]
    mentions = plural_groups(sdoc, mentions)
    people = person_names(sdoc, mentions)
    mentions = [p for m in mentions for p in split_possessive(sdoc, m, people)]
    mentions = [p for m in mentions for p in split_person_tail(sdoc, m, people)]
    mentions = [t for m in mentions if (t := trim(sdoc, m))]
    lowercase_words = {t.lower_ for t in sdoc if t.text.islower()}
    people = person_names(sdoc, mentions)
    mentions = [m for m in mentions if not is_common_word(sdoc, m, lowercase_words, people)]
    mentions = relabel(sdoc, mentions)
    mentions = group_mentions(sdoc, mentions)
    covered = coverage(sdoc, mentions)
    mentions += list(org_word_mentions(sdoc, covered))
    covered = coverage(sdoc, mentions)
    mentions += list(located_place_mentions(sdoc, covered))
    covered = coverage(sdoc, mentions)
    mentions += list(title_mentions(sdoc, covered))
    covered = coverage(sdoc, mentions)
    mentions += list(repeated_mentions(sdoc, mentions, covered))
    mentions = without_title_fragments(sdoc, without_overlaps(mentions))
    return nationality_with_title(sdoc, places_with_region(sdoc, mentions))


# --- places and titles that re3d and ACE draw as one mention -----------------------------------

#: Place kinds that locate a town or district after a comma ("Cibolo, Texas", "Anbar, Iraq").
REGION_KINDS = frozenset({"country", "state"})


def region_kind(sdoc, m: Mention) -> str | None:
    match = gazetteer.resolve(surface(sdoc, m.start, m.end))
    return match.place.kind if match and match.how != "fuzzy" else None


def places_with_region(sdoc, mentions: list[Mention]) -> list[Mention]:
    """"Cibolo, Texas", "Anbar, Iraq": a place that is not a country, then a comma and the country
    or state it lies in, is one place (the span covers both; the name stays the first). Not a list
    of countries ("Syria, Iraq"), and not when a third name follows ("Mosul, Iraq, Syria ...")."""
    out: list[Mention] = []
    skip = set()
    for n, m in enumerate(mentions):
        if n in skip:
            continue
        nxt = mentions[n + 1] if n + 1 < len(mentions) else None
        if (nxt is not None and m.label in PLACE_LABELS and nxt.label in ("GPE", "LOC") and m.after == 0
                and nxt.start == m.end + 1 and sdoc[m.end].text == "," and region_kind(sdoc, m) != "country"
                and region_kind(sdoc, nxt) in REGION_KINDS and not continues_list(sdoc, nxt.end)):
            out.append(replace(m, after=nxt.end - m.end, evidence=m.evidence + ("place_with_region",)))
            skip.add(n + 1)
            continue
        out.append(m)
    return out


def continues_list(sdoc, i: int) -> bool:
    """A comma or "and" after the region, then another capitalised word: a list of places."""
    return i + 1 < len(sdoc) and sdoc[i].text in (",", "and", "or") and sdoc[i + 1].text[:1].isupper()


def nationality_with_title(sdoc, mentions: list[Mention]) -> list[Mention]:
    """"Russian Foreign Minister X": a nationality word right before a person's title belongs to the
    title, as re3d and ACE draw the person's extent; it is then no mention of its own."""
    by_end = {m.end: n for n, m in enumerate(mentions) if m.label == "NORP" and m.end - m.start == 1
              and sdoc[m.start].pos_ in ("ADJ", "PROPN") and sdoc[m.start].tag_ in ("JJ", "NNP")}
    dropped = set()
    out = []
    for m in mentions:
        found = title_before(sdoc, m.start) if m.label == "PERSON" and "title_as_name" not in m.evidence else None
        n = by_end.get(found[0]) if found else None
        if n is not None:
            dropped.add(n)
            m = replace(m, before=1, evidence=m.evidence + ("nationality_in_title",))
        out.append(m)
    return [m for n, m in enumerate(out) if n not in dropped]


# --- titles and roles ---------------------------------------------------------------------------------

#: A title reaches back at most this far ("Minister for the Middle East").
MAX_TITLE_TOKENS = 8
MAX_ROLE_TOKENS = 30


def title_before(sdoc, start: int) -> tuple[int, int] | None:
    """The title right before a name: "Major General", "Foreign Secretary", "Supreme Leader
    Ayatollah", "Minister for the Middle East" (a title word, then "for"/"of" and a field).

    Only the words after a nationality or country belong to it ("US President" gives "President").
    """
    first = title_run_start(sdoc, start)
    heads = [k for k in range(first, start) if sdoc[k].text in TITLE_HEADS]
    if not heads:
        return None
    k = heads[0]
    with_field = k + 1 < start and sdoc[k + 1].lower_ in ("for", "of")
    if not with_field and not all(is_title_word(t) for t in sdoc[k + 1:start]):
        k = heads[-1]
        if not all(is_title_word(t) for t in sdoc[k + 1:start]):
            return None
    while k > first and sdoc[k - 1].text in TITLE_MODIFIERS:
        k -= 1
    return k, start


def title_run_start(sdoc, start: int) -> int:
    """How far back, within the sentence, the capitalised words (with "for", "of", "the") run."""
    i, sent_start = start, sentence_info(sdoc).start[start]
    while i > sent_start and start - i < MAX_TITLE_TOKENS and (
            sdoc[i - 1].text[:1].isupper() or sdoc[i - 1].lower_ in ("for", "of", "the")):
        i -= 1
    return i


def strip_title(sdoc, m: Mention) -> list[Mention]:
    """A PERSON span that opens with a title ("General Haddad", "Soviet Marshal Ivan Konev")
    leaves the title to an attribute; a nationality or country before the title is its own mention."""
    if m.label != "PERSON":
        return [m]
    last_title = max((k for k in range(m.start, m.end - 1) if is_title_word(sdoc[k])), default=None)
    if last_title is None or not any(t.text in TITLE_HEADS for t in sdoc[m.start:last_title + 1]):
        return [m]
    first_title = last_title
    while first_title > m.start and is_title_word(sdoc[first_title - 1]):
        first_title -= 1
    out = []
    if first_title > m.start:
        owner = surface(sdoc, m.start, first_title)
        label = "GPE" if gazetteer.country(owner) else "NORP"
        out.append(m.but(end=first_title, label=label, why="before_title"))
    out.append(m.but(start=last_title + 1, why="title_split_off"))
    return out


def title_of(sdoc, m: Mention) -> str | None:
    found = title_before(sdoc, m.start)
    return surface(sdoc, *found) if found else None


def role_of(sdoc, m: Mention, others: frozenset[int] = frozenset()) -> str | None:
    """An appositive that says what the person is: "X, the commander of ..." or "the commander ..., X".

    Not a relative clause ("X, whose brother Y, ..."), and not a noun that another person's name
    hangs on ("the Duke's brother Y": ``others`` holds the other people's token positions): that
    role is theirs."""
    root = sdoc[m.start:m.end].root
    head = next((c for c in root.children if c.dep_ == "appos" and c.pos_ == "NOUN" and c.i >= m.end), None)
    if head is None and root.dep_ == "appos" and root.head.pos_ == "NOUN" and root.head.i < m.start:
        head = root.head
    role = appositive_range(sdoc, head, m) if head is not None else None
    if role is None:
        return None
    start, end = role
    taken = any(c.i in others and c.dep_ in ("appos", "compound") for c in head.children) or (head.head.i in others and head.dep_ == "appos"
                                                          and head.head.i != root.i)
    if sdoc[start].tag_ in ("WP", "WP$", "WDT") or taken:
        return None
    return surface(sdoc, start, end)


def appositive_range(sdoc, head, m: Mention) -> tuple[int, int] | None:
    """The appositive phrase, cut at the first comma, bracket or dash after its head, never into the name."""
    start, end = head.left_edge.i, head.i + 1
    for t in sdoc[head.i + 1:head.right_edge.i + 1]:
        if t.text in (",", ";", "(", ")", "—", "–", ":") or t.is_space or m.start <= t.i < m.end:
            break
        end = t.i + 1
    if m.start <= start < m.end:
        start = m.end
    if not 0 < end - start <= MAX_ROLE_TOKENS:
        return None
    return start, end


# --- canonical names and places ------------------------------------------------------------------------


def base_name(text: str) -> str:
    """A mention's name as a list would give it: no leading article, one space between words."""
    name = " ".join(text.split())
    head, _, rest = name.partition(" ")
    return rest if head.lower() in ARTICLES and rest else name


def longest_containing(name: str, names: Iterable[str], one_word_tail: bool = True) -> str | None:
    """The one longest name that starts or ends with this one; None if there is none, or several.

    ``one_word_tail=False`` refuses a one-word name that only ends a longer one: a person's
    surname ends their name, but an organisation's last word is its kind ("House" of "White
    House", "Council" of "Security Council"), shared by other bodies."""
    parts = name.split()
    n = len(parts)
    tail_ok = one_word_tail or n > 1
    longer = {o for o in names if len(o.split()) > n
              and ((tail_ok and o.split()[-n:] == parts) or o.split()[:n] == parts)}
    maximal = {o for o in longer if not any(o != p and o in p for p in longer)}
    return maximal.pop() if len(maximal) == 1 else None


def acronym_expansions(sdoc, mentions: list[Mention]) -> dict[str, str]:
    """"Syrian Democratic Forces (SDF)": the acronym stands for the name before the bracket."""
    out = {}
    for a, b in zip(mentions, mentions[1:]):
        if b.end - b.start == 1 and b.start - a.end == 1 and sdoc[a.end].text == "(":
            short, long_ = sdoc[b.start].text, base_name(surface(sdoc, a.start, a.end))
            if short.isupper() and long_[:1].upper() == short[:1]:
                out[short] = long_
    return out


def title_holders(items: list[tuple[Mention, str, str | None]]) -> dict[str, set[str]]:
    """Title -> the names of the people it is given to in the document."""
    holders: dict[str, set[str]] = {}
    for m, name, title in items:
        if title and m.label == "PERSON" and "title_as_name" not in m.evidence:
            holders.setdefault(title, set()).add(name)
    return holders


def named_after(sdoc, m: Mention, items: list[tuple[Mention, str, str | None]]) -> str | None:
    """"the Iraqi Foreign Minister, Ibrahim al-Jaafari": the person named right after the title."""
    for other, name, _ in items:
        if other.label == "PERSON" and other.start == m.end + 1 and sdoc[m.end].text == ",":
            return name
    return None


def canonical_names(sdoc, items: list[tuple[Mention, str, str | None]]) -> list[tuple[str, str]]:
    """(canonical name, how it was found) for each mention: one name per entity in the document."""
    by_label: dict[str, set[str]] = {}
    for m, name, _ in items:
        if "title_as_name" not in m.evidence:
            by_label.setdefault(m.label, set()).add(name)
    expansions = acronym_expansions(sdoc, [m for m, _, _ in items])
    holders = title_holders(items)
    out = []
    for m, name, _ in items:
        found = None
        if "title_as_name" in m.evidence and (named := named_after(sdoc, m, items)):
            found = (named, "named_after_title")
        elif "title_as_name" in m.evidence:
            people = {p for title, names in holders.items()
                      if title == name or longest_containing(name, {title}) for p in names}
            people = {longest_containing(p, by_label.get("PERSON", ())) or p for p in people}
            found = (people.pop(), "holder_of_title") if len(people) == 1 else None
        elif m.label == "ORG" and name in expansions:
            found = (expansions[name], "acronym_defined_in_document")
        elif m.label in ("PERSON", "ORG"):
            longer = longest_containing(name, by_label[m.label], one_word_tail=m.label == "PERSON")
            found = (longer, "longest_name_in_document") if longer else None
        out.append(found or (name, "as_written"))
    return out


def place_attrs(name: str, label: str) -> tuple[str | None, dict]:
    """(gazetteer name, attributes) of a place mention. Only a GPE may be misspelt or go by a
    city's alternate name; a LOC must match a name exactly; a FAC (a building, an airport) is
    never looked up, as GeoNames lists them among alternate names of cities."""
    if label == "FAC":
        return None, {}
    match = gazetteer.resolve(name, fuzzy=(label == "GPE"), alternates=(label == "GPE"))
    if match is None:
        return None, {}
    attrs = match.place.attrs()
    attrs["place_match"] = match.how
    if match.how == "fuzzy":
        attrs["place_score"] = match.score
    return match.place.name, attrs


def article_start(sdoc, m: Mention) -> int:
    """Where the span starts: at "the" when it determines the name itself ("the United States"),
    as re3d and OntoNotes mark it, but not when it belongs to a noun the name modifies ("the US strike").

    A person's span starts at the title right before the name ("Foreign Secretary Jane Roe",
    "the Defence Minister Jane Roe"): the title says who the mention is, as re3d and ACE draw
    a person's extent; the name alone stays the canonical name and the title an attribute. A
    nationality or country before the title stays a mention of its own."""
    if m.label == "PERSON" and "title_as_name" not in m.evidence:
        found = title_before(sdoc, m.start)
        if found is None:
            return m.start
        start = found[0] - m.before
        return start - 1 if start > 0 and sdoc[start - 1].lower_ == "the" else start
    if m.before:
        return m.start - m.before
    if m.start == 0:
        return m.start
    if m.label in PLACE_LABELS and is_compass_word(sdoc[m.start - 1]):
        return m.start - 1
    article = sdoc[m.start - 1]
    if article.lower_ == "the" and article.dep_ == "det" and m.start <= article.head.i < m.end:
        return m.start - 1
    return m.start


#: "northern Syria", "eastern Aleppo": the part of a place named by a compass word is itself a place.
COMPASS_WORDS = frozenset({"north", "south", "east", "west", "northern", "southern", "eastern", "western",
                           "northeastern", "northwestern", "southeastern", "southwestern", "north-eastern",
                           "north-western", "south-eastern", "south-western", "central"})


def is_compass_word(token) -> bool:
    """A lower-case compass adjective that modifies the place after it."""
    return token.text.islower() and token.lower_ in COMPASS_WORDS and token.dep_ in ("amod", "compound")


def extent_end(sdoc, m: Mention, taken: set[int] = frozenset()) -> int:
    """Where the span ends: after a word for the organisation's members or kind ("ISIL fighters",
    "Hezbollah movement") or the place's kind ("Mosul district"), when the name modifies it."""
    if m.after:
        return m.end + m.after
    if m.end >= len(sdoc) or m.end in taken or sdoc[m.end - 1].text in POSSESSIVES:
        return m.end
    after = sdoc[m.end]
    words = MEMBER_WORDS if m.label == "ORG" else AREA_WORDS if m.label in PLACE_LABELS else ()
    if after.lower_ in words and after.text.islower() and after.pos_ == "NOUN" and \
            sdoc[m.end - 1].head.i == after.i:
        return m.end + 1
    if m.label == "ORG" and m.end + 1 < len(sdoc) and after.pos_ in ("NOUN", "ADJ") and after.text.islower() \
            and sdoc[m.end + 1].lower_ in MEMBER_WORDS and sdoc[m.end + 1].pos_ == "NOUN" \
            and m.end + 1 not in taken and sdoc[m.end - 1].head.i == m.end + 1:
        return m.end + 2  # "Reuters news agency", "ISIL tactical units"
    return m.end


def described_start(sdoc, m: Mention, start: int) -> int:
    """"the city of Mosul": a place named after a word for its kind starts at that phrase's "the"."""
    k = start
    if m.label in PLACE_LABELS and k >= 3 and sdoc[k - 1].lower_ == "of" and \
            sdoc[k - 2].lower_ in SETTLEMENT_WORDS and sdoc[k - 2].text.islower() and sdoc[k - 3].lower_ == "the":
        return k - 3
    return start


def char_range(sdoc, m: Mention, taken: set[int] = frozenset()) -> tuple[int, int]:
    """Character offsets of a mention's span (with its title, article, compass word or the word for
    its kind), without what the tokenizer glued to its last token."""
    end = extent_end(sdoc, m, taken)
    last = sdoc[end - 1]
    start = described_start(sdoc, m, article_start(sdoc, m))
    return sdoc[start].idx, last.idx + len(clean_name(last.text))


def name_range(sdoc, m: Mention) -> tuple[int, int]:
    """Character offsets of the name itself: without the title, compass or kind words around it
    (an article that determines the name stays: ``base_name`` drops it)."""
    last = sdoc[m.end - 1]
    end = last.idx + len(clean_name(last.text))
    first = sdoc[m.start - 1] if m.start else None
    if first is not None and first.lower_ == "the" and article_start(sdoc, m) == m.start - 1:
        return first.idx, end
    return sdoc[m.start].idx, end


def to_spans(text: str, sdoc, mentions: list[Mention]) -> Iterator[Span]:
    """The final spans, with canonical names, places, titles, roles and evidence."""
    items = []
    people = [m for m in mentions if m.label == "PERSON"]
    for m in mentions:
        title = title_of(sdoc, m) if m.label == "PERSON" and "title_as_name" not in m.evidence else None
        start, end = name_range(sdoc, m)
        items.append((m, base_name(text[start:end]), title))
    starts = {m.start for m in mentions}
    for (m, name, title), (canonical, how) in zip(items, canonical_names(sdoc, items)):
        start, end = char_range(sdoc, m, starts)
        label, evidence, attrs = m.label, list(m.evidence), {}
        if label in PLACE_LABELS:
            place_name, place = place_attrs(name, label)
            if place_name:
                canonical, how = place_name, f"gazetteer:{place['place_match']}"
                attrs.update(place)
                if label != "GPE" and place["place_kind"] in ("country", "city", "state"):
                    label = "GPE"
                    evidence.append("gazetteer_place")
        attrs["canonical"] = canonical
        attrs["canonical_from"] = how
        if title:
            attrs["title"] = title
        others = frozenset(i for p in people if p is not m for i in range(p.start, p.end))
        if label == "PERSON" and (role := role_of(sdoc, m, others)):
            attrs["role"] = role
        if m.model_label and m.model_label != label:
            attrs["model_label"] = m.model_label
        if entity_model.ACTS_AS_ORGANISATION in m.evidence:
            attrs["acts_as"] = "organisation"
        attrs["evidence"] = evidence
        yield Span(start, end, label, 1.0, attrs=attrs)


@registry.component("entities", assigns="entities", requires=["sentences"])
def entities(doc: Document) -> Iterator[Span]:
    """People, organisations, places, nationalities and groups, each with its evidence."""
    sdoc = parse(doc)
    yield from to_spans(doc.text, sdoc, learned(sdoc, find_mentions(sdoc), entity_model.shipped()))


def learned(sdoc, mentions: list[Mention], model) -> list[Mention]:
    """The rules' mentions as the learned classifier (``entity_model``; None: rules alone) decides."""
    return mentions if model is None else model.apply(sdoc, mentions)
