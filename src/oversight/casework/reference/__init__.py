"""Public reference data the measures need: councils' codes and their ONS child population.

``ltla_utla_2023.csv`` gives the county of each district council (ONS codes, April 2023), so that a placement
postcode's district can be told to be inside or outside a county council's area.

``ons_population_0_17.csv`` is a slice of the ONS mid-year estimates of children aged 0 to 17 by council
(see SOURCES.md beside it). Returns name a council in two ways: the CIN census header by its three-digit
DfE number (LEA ``895``), other files by its ONS code (``E06000049``); the store keys councils by the ONS
code, so a CIN census file's number is turned into the code here.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

POPULATION_FILE = "ons_population_0_17.csv"


@dataclass(frozen=True)
class PopulationRow:
    mid_year: int  # the estimate is for 30 June of this year
    old_la_code: str  # the DfE three-digit number
    new_la_code: str  # the ONS code
    la_name: str
    population: int


@cache
def population_text() -> str:
    return resources.files("oversight.casework.reference").joinpath(POPULATION_FILE).read_text(encoding="utf-8")


@cache
def population_rows() -> tuple[PopulationRow, ...]:
    text = population_text()
    return tuple(
        PopulationRow(
            int(row["mid_year"]), row["old_la_code"], row["new_la_code"], row["la_name"], int(row["population_0_17"])
        )
        for row in csv.DictReader(text.splitlines())
    )


@cache
def _latest_rows() -> tuple[PopulationRow, ...]:
    """The estimates oldest first, so that a council's latest row is the last to be read."""
    return tuple(sorted(population_rows(), key=lambda r: r.mid_year))


@cache
def la_codes_by_number() -> dict[str, str]:
    """The ONS code of each council by its DfE number, as of the latest estimate that lists it."""
    return {row.old_la_code: row.new_la_code for row in _latest_rows()}


@cache
def la_names() -> dict[str, str]:
    """Each council's name by its ONS code, as of the latest estimate that lists it."""
    return {row.new_la_code: row.la_name for row in _latest_rows()}


def la_label(code: str) -> str:
    """A council as a reader knows it: 'Cheshire East (E06000049)'; a code no estimate names (the demo's invented
    councils) as it is."""
    name = la_names().get(code)
    return f"{name} ({code})" if name else code


def la_code(number_or_code: str) -> str | None:
    """The ONS code for a council's DfE number (``895`` → ``E06000049``); an ONS code is returned as it is."""
    text = number_or_code.strip()
    if text.isdigit():
        return la_codes_by_number().get(text.zfill(3))
    return text.upper() if text else None


DISTRICTS_FILE = "ltla_utla_2023.csv"


@cache
def councils_by_district() -> dict[str, str]:
    """The council (upper-tier authority) of each district council in a county, by ONS code: ``E07000067`` (a
    district of Essex) → ``E10000012``. A unitary council or London borough is its own council, so is not listed."""
    text = resources.files("oversight.casework.reference").joinpath(DISTRICTS_FILE).read_text(encoding="utf-8")
    return {row["ltla"]: row["utla"] for row in csv.DictReader(text.splitlines())}
