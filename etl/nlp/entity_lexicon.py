"""Word lists the entity rules rely on: titles and roles, name suffixes, demonyms."""
from __future__ import annotations

import re

from etl.nlp import geo

# Honorifics and roles written before a person's name ("President Donald Trump", "Kremlin spokesman
# Dmitry Peskov"). Compared lower-cased without dots.
TITLE_WORDS = frozenset("""
mr mrs ms miss mx dr prof professor sir dame lord lady madam monsieur herr
president vice prime minister premier chancellor secretary undersecretary general
gen col colonel lt lieutenant maj major capt captain sgt sergeant cmdr commander adm admiral marshal
sen senator rep representative congressman congresswoman congressmember gov governor mayor
judge justice attorney prosecutor sheriff
king queen prince princess emperor empress crown duke duchess earl baron baroness
pope cardinal archbishop bishop rev reverend father rabbi imam ayatollah sheikh sheik emir sultan
ambassador envoy spokesman spokeswoman spokesperson
chairman chairwoman chairperson ceo cfo coo cto founder
coach manager striker midfielder defender goalkeeper captain
deputy acting former interim chief senior foreign defence defense interior finance economy
health justice labor labour trade energy state house speaker leader
son-in-law son daughter wife husband brother sister
""".split())

# Abbreviated titles and the role they stand for ("Sen. Bernie Sanders" is "the senator").
ROLE_ABBREVIATIONS = {"sen": "senator", "rep": "representative", "gov": "governor", "gen": "general",
                      "pres": "president", "sec": "secretary", "atty": "attorney", "lt": "lieutenant",
                      "col": "colonel", "capt": "captain"}

# US states as abbreviated after a politician's party ("R-Fla.", "D-N.J.", "(R-TX)"): AP style and
# postal codes, dots dropped, lower case.
_STATES = {
    "alabama": "ala al", "alaska": "ak", "arizona": "ariz az", "arkansas": "ark ar", "california": "calif ca",
    "colorado": "colo co", "connecticut": "conn ct", "delaware": "del de", "florida": "fla fl", "georgia": "ga",
    "hawaii": "hi", "idaho": "id", "illinois": "ill il", "indiana": "ind in", "iowa": "ia", "kansas": "kan ks",
    "kentucky": "ky", "louisiana": "la", "maine": "me", "maryland": "md", "massachusetts": "mass ma",
    "michigan": "mich mi", "minnesota": "minn mn", "mississippi": "miss ms", "missouri": "mo",
    "montana": "mont mt", "nebraska": "neb ne", "nevada": "nev nv", "new hampshire": "nh",
    "new jersey": "nj", "new mexico": "nm", "new york": "ny", "north carolina": "nc", "north dakota": "nd",
    "ohio": "oh", "oklahoma": "okla ok", "oregon": "ore or", "pennsylvania": "pa", "rhode island": "ri",
    "south carolina": "sc", "south dakota": "sd", "tennessee": "tenn tn", "texas": "tex tx", "utah": "ut",
    "vermont": "vt", "virginia": "va", "washington": "wash wa", "west virginia": "wva wv",
    "wisconsin": "wis wi", "wyoming": "wyo wy",
}
US_STATE_ABBREVIATIONS = {abbr: state for state, abbrs in _STATES.items() for abbr in abbrs.split()}

# Of those, the ones that identify a person on their own even when the model tagged the span
# as something else ("Mr Lebed" tagged ORG). Role words like "General" or "Queen" also start
# names of companies and institutions, so they do not count here.
PERSON_HONORIFICS = frozenset("""
mr mrs ms miss mx dr sen senator rep gov president chancellor pope sheikh ayatollah
""".split())

# Title words that are also common surnames ("Stephen King", "John Major"): alone, they may be a name.
SURNAME_TITLES = frozenset("""
king major bishop marshal judge justice prince duke earl baron chief father sheriff speaker leader
house state trade young lord queen
""".split())

# Words that may sit between title words without ending the title ("Secretary of State").
TITLE_JOINERS = frozenset({"of", "for", "the", "-"})

# Generational suffixes: "Donald Trump Jr." is another person than "Donald Trump".
NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})

# Demonyms and group names that no simple rule derives from a place name. NORP in OntoNotes
# covers nationalities, religious and political groups.
_IRREGULAR_NORP = frozenset("""
afghan afghans american americans arab arabs argentine argentines asian asians basque basques
bosniak bosniaks brit brits british briton britons catalan catalans congolese croat croats czech czechs
dane danes danish dutch emirati emiratis english filipino filipinos finn finns flemish french
frenchman frenchmen greek greeks icelandic irish jew jews jewish kurd kurds kurdish
maori norwegian norwegians peruvian peruvians pole poles polish portuguese saudi saudis scot scots
scottish serb serbs slav slavs slavic spaniard spaniards spanish swede swedes swedish swiss thai thais
turk turks turkish uzbek uzbeks welsh korean koreans tajik tajiks chechen chechens kazakh kazakhs finnish latino latinos hispanic hispanics palestinian palestinians
muslim muslims christian christians catholic catholics protestant protestants hindu hindus
buddhist buddhists sikh sikhs sunni sunnis shia shiite shiites islamic evangelical evangelicals
democrat democrats republican republicans communist communists socialist socialists tory tories
""".split())

# Demonym endings and the place-name endings they replace: Russ-ian <- Russ-ia, Chin-ese <- Chin-a.
_DEMONYM_SUFFIXES = ("ian", "ean", "an", "ese", "ish", "i", "ic", "n")
_PLACE_ENDINGS = ("", "a", "ia", "e", "o", "y", "on", "any", "um", "land", "ey", "as")

_WORD = re.compile(r"^[A-Z][a-z]+$")


def singular(word: str) -> str:
    """A plural's singular by the regular rule ("Russians", "aides"): the pipeline runs spaCy without
    its lemmatizer. Short words and "-ss" words are left as they are ("bus", "press")."""
    return word[:-1] if word.endswith("s") and not word.endswith("ss") and len(word) > 3 else word


def is_title_word(word: str) -> bool:
    return word.lower().strip(".") in TITLE_WORDS


def is_demonym(word: str) -> bool:
    """True for nationality / religious / political group words: "Russians", "Chinese", "Shiite".

    Regular demonyms are derived from the gazetteer: a word is one when removing a demonym
    ending and adding a place ending gives a known country, continent or US state. A word that
    is itself a place name ("Jordan") is never a demonym."""
    if word.lower() in _IRREGULAR_NORP:
        return True
    if not _WORD.match(word):
        return False
    if geo.lookup(word, alternates=False) is not None:
        return False
    one = singular(word)
    if one != word and geo.lookup(one, alternates=False) is not None:
        return False
    for suffix in _DEMONYM_SUFFIXES:
        if not one.endswith(suffix) or len(one) - len(suffix) < 2:
            continue
        stem = one[: len(one) - len(suffix)]
        for ending in _PLACE_ENDINGS:
            place = geo.lookup(stem + ending)
            if place is not None and place.kind in ("country", "continent", "us_state") \
                    and place_name_matches(place.name, stem + ending):
                return True
    return False


def place_name_matches(official: str, written: str) -> bool:
    """Guard against alias hits: "Rom" + "a" must be the place's own name, not an alternate."""
    return geo.place_key(official).split(" ")[0] == geo.place_key(written) or \
        geo.place_key(official) == geo.place_key(written)
