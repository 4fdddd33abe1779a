"""The rule layer's gazetteer: what the statistical model gets wrong on news of this kind.

Weapon systems get the type ``WEAPON`` and a canonical name (every spelling maps to it);
places that the model takes for people or products are forced to ``GPE`` (the Kremlin to
``ORG``, as a metonym for the Russian government).
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
}
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
    return patterns
