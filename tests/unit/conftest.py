"""Fixtures of the unit tests."""

from __future__ import annotations

import pytest

from services.reference import all_metrics


@pytest.fixture(scope="session")
def exported() -> set[str]:
    """Every metric name the services export: families and their samples' names (a
    labelled counter has no sample before its first use: its ``_total`` name is added)."""
    names = set()
    for family in all_metrics().collect():
        names |= {s.name for s in family.samples}
        names.add(family.name)
        if family.type == "counter":
            names.add(family.name + "_total")
    return names
