"""Curated organisation aliases: each group is one organisation, under the key name first.

Part of what `entity_key` is a function of, so it is versioned here (ALIASES_VERSION) and never
learned from data at run time: the same names give the same keys on every day and every rerun.
Only names that refer to one organisation in English-language news belong here; a name shared by
several bodies ("Supreme Court", "Parliament", "Labor") does not. Acronyms spelled out in an
article ("North Atlantic Treaty Organization (NATO)") are detected in the text and need no entry;
an entry makes that link hold also on days when no article spells the acronym out.

Compared in the form of `etl.nlp.linking.org_form` (case, dots, apostrophes and a leading "the"
ignored), so "U.N.", "UN" and "the UN" are one variant;
an all-capitals acronym matches only text written in capitals ("WHO", not "the Who")."""
from __future__ import annotations

ALIASES_VERSION = 1

# The first entry of a group is its key: an acronym in capitals (`org:NATO`), else a name in lower
# case (`org:federal reserve`), so an acronym key never meets a name key ("WHO" and "The Who").
GROUPS: tuple[tuple[str, ...], ...] = (
    ("NATO", "North Atlantic Treaty Organization", "North Atlantic Treaty Organisation", "North Atlantic Alliance"),
    ("UN", "United Nations", "United Nations Organization"),
    ("un security council", "UNSC", "United Nations Security Council", "UN Security Council", "U.N. Security Council"),
    ("un general assembly", "UNGA", "United Nations General Assembly", "UN General Assembly", "U.N. General Assembly"),
    ("EU", "European Union"),
    ("european commission", "European Commission", "EU Commission"),
    ("ECB", "European Central Bank"),
    ("federal reserve", "Federal Reserve", "Fed", "Federal Reserve Board", "Federal Reserve System",
     "U.S. Federal Reserve", "US Federal Reserve"),
    ("IMF", "International Monetary Fund"),
    ("world bank", "World Bank", "World Bank Group"),
    ("WTO", "World Trade Organization", "World Trade Organisation"),
    ("WHO", "World Health Organization", "World Health Organisation"),
    ("OPEC", "Organization of the Petroleum Exporting Countries", "Organization of Petroleum Exporting Countries"),
    ("IAEA", "International Atomic Energy Agency"),
    ("FBI", "Federal Bureau of Investigation"),
    ("CIA", "Central Intelligence Agency"),
    ("NSA", "National Security Agency"),
    ("EPA", "Environmental Protection Agency"),
    ("IRS", "Internal Revenue Service"),
    ("FDA", "Food and Drug Administration"),
    ("CDC", "Centers for Disease Control and Prevention", "Centers for Disease Control"),
    ("DOJ", "Justice Department", "Department of Justice", "U.S. Justice Department",
     "U.S. Department of Justice"),
    ("DHS", "Department of Homeland Security", "Homeland Security Department"),
    ("state department", "State Department", "U.S. State Department", "Department of State"),
    ("pentagon", "Pentagon", "Defense Department", "Department of Defense", "U.S. Defense Department", "DOD"),
    ("RNC", "Republican National Committee"),
    ("DNC", "Democratic National Committee"),
    ("republican party", "Republican Party", "GOP", "Grand Old Party"),
    ("democratic party", "Democratic Party"),
    ("NAACP", "National Association for the Advancement of Colored People"),
    ("ACLU", "American Civil Liberties Union"),
    ("NRA", "National Rifle Association"),
    ("ISIS", "ISIL", "Islamic State", "Islamic State of Iraq and Syria",
     "Islamic State of Iraq and the Levant", "Daesh"),
    ("NASA", "National Aeronautics and Space Administration"),
    ("BBC", "British Broadcasting Corporation"),
    ("AP", "Associated Press"),
    ("AFP", "Agence France-Presse", "Agence France Presse"),
)
