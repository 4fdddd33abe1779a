"""The rule layer's gazetteer: what the statistical model gets wrong on news of this kind.

Weapon systems get the type ``WEAPON`` and a canonical name (every spelling maps to it),
and so do warships named by their navy prefix ("HMS Ocean"). Places that the model takes
for people or products are forced to ``GPE`` (the Kremlin to ``ORG``, as a metonym for the
Russian government); armed groups and alliances to ``ORG``. The lists are newswire's own,
of names common in conflict reporting.
"""

from __future__ import annotations

from typing import Any

WEAPONS = {
    "Storm Shadow": ["Storm Shadow", "Storm Shadows"],
    "SCALP": ["SCALP", "SCALP-EG"],
    "ATACMS": ["ATACMS", "ATACMs"],
    "HIMARS": ["HIMARS"],
    "Javelin": ["Javelin", "Javelins"],
    "Patriot": ["Patriot missile", "Patriot missiles", "Patriot system", "Patriot systems"],
    "Iskander": ["Iskander", "Iskanders"],
    "Kinzhal": ["Kinzhal"],
    "Shahed": ["Shahed", "Shaheds", "Shahed-136"],
    "Bayraktar": ["Bayraktar", "Bayraktar TB2"],
    "F-16": ["F-16", "F-16s"],
    "Leopard 2": ["Leopard 2", "Leopard 2s"],
    "Abrams": ["Abrams tank", "Abrams tanks"],
    "NASAMS": ["NASAMS"],
    "IRIS-T": ["IRIS-T"],
    "Tomahawk": ["Tomahawk", "Tomahawks", "Tomahawk missile", "Tomahawk missiles"],
    "Hellfire": ["Hellfire", "Hellfire missile", "Hellfire missiles"],
    "Kalibr": ["Kalibr"],
    "S-300": ["S-300", "S-300s"],
    "S-400": ["S-400", "S-400s"],
    "Stinger": ["Stinger", "Stingers", "Stinger missile", "Stinger missiles"],
    "TOW": ["TOW missile", "TOW missiles"],
    "AK-47": ["AK-47", "AK-47s", "Kalashnikov", "Kalashnikovs"],
    "Grad": ["Grad rocket", "Grad rockets", "BM-21"],
    "Tochka-U": ["Tochka-U", "Tochka"],
    "JDAM": ["JDAM", "JDAMs"],
    "M777": ["M777", "M777s"],
    "Caesar": ["Caesar howitzer", "Caesar howitzers"],
    "F-35": ["F-35", "F-35s"],
    "F-15": ["F-15", "F-15s"],
    "Su-24": ["Su-24", "Su-24s"],
    "Su-25": ["Su-25", "Su-25s"],
    "Su-34": ["Su-34", "Su-34s"],
    "Su-35": ["Su-35", "Su-35s"],
    "MiG-29": ["MiG-29", "MiG-29s"],
    "Tu-95": ["Tu-95", "Tu-95s"],
    "A-10": ["A-10", "A-10s"],
    "B-52": ["B-52", "B-52s"],
    "Apache": ["Apache helicopter", "Apache helicopters", "AH-64", "AH-64 Apache"],
    "Black Hawk": ["Black Hawk", "Black Hawks", "UH-60"],
    "MQ-9 Reaper": ["MQ-9", "MQ-9 Reaper", "Reaper drone", "Reaper drones"],
    "MQ-1 Predator": ["MQ-1", "MQ-1 Predator", "Predator drone", "Predator drones"],
    "Bradley": ["Bradley", "Bradleys", "Bradley Fighting Vehicle"],
    "T-72": ["T-72", "T-72s"],
    "T-90": ["T-90", "T-90s"],
    "Challenger 2": ["Challenger 2", "Challenger 2s"],
    "Brimstone": ["Brimstone missile", "Brimstone missiles", "Brimstone"],
    "IED": ["IED", "IEDs"],
    "VBIED": ["VBIED", "VBIEDs"],
    "UAV": ["UAV", "UAVs"],
}
SHIP_PREFIXES = ["HMS", "USS", "FS", "HMAS", "HMCS", "INS", "RFS"]
"""Navy prefixes: "HMS Ocean", "USS Mahan" are warships (type ``WEAPON``)."""
ORGS = [
    "ISIL", "ISIS", "Daesh", "Islamic State", "al-Qaeda", "al-Qaida", "Al Qaeda", "Al-Qaeda",
    "Hezbollah", "Hamas", "Taliban", "Houthis", "Houthi", "Wagner", "Wagner Group", "YPG",
    "SDF", "PKK", "al-Shabaab", "Boko Haram", "Jabhat al-Nusra", "al-Nusra Front",
    "Hayat Tahrir al-Sham", "HTS", "NATO", "Coalition",
]  # fmt: skip
"""Armed groups and alliances the model often misses or mistypes."""
PLACES = [
    "Kursk", "Marino", "Kiev", "Kyiv", "Kharkiv", "Kherson", "Donetsk", "Luhansk",
    "Zaporizhzhia", "Belgorod", "Bryansk", "Crimea", "Bakhmut", "Avdiivka", "Pokrovsk",
    "Mariupol", "Odesa", "Odessa", "Sumy", "Pyongyang", "Kremlin",
]  # fmt: skip


def ruler_patterns() -> list[dict[str, Any]]:
    """Patterns for spaCy's ``entity_ruler`` (the ``id`` is the canonical name)."""
    patterns: list[dict[str, Any]] = []
    for canonical, spellings in WEAPONS.items():
        for spelling in spellings:
            patterns.append({"label": "WEAPON", "pattern": spelling, "id": canonical})
    for place in PLACES:
        label = "ORG" if place == "Kremlin" else "GPE"
        patterns.append({"label": label, "pattern": place, "id": place})
    ship = [{"TEXT": {"IN": SHIP_PREFIXES}}, {"POS": "PROPN", "OP": "+"}]
    patterns.append({"label": "WEAPON", "pattern": ship})
    for org in ORGS:
        patterns.append({"label": "ORG", "pattern": org, "id": org})
    return patterns
