"""The postcode lookup: where each postcode is, so that a placement's distance from home can be worked out.

The measure of children placed more than 20 miles from home and outside the council needs, for each episode,
the straight-line distance between the child's home postcode (HOME_POST) and the placement's (PL_POST) and
whether the placement is in the council's area. Postcodes identify a household, so they are never stored: the
distance and the inside-or-outside answer are worked out as an episodes file is loaded and the postcodes
dropped (``readers.ssda903``).

That takes a lookup, loaded first with ``oversight casework postcodes FILE``: a CSV of the ONS Postcode
Directory (ONSPD) or any extract with its columns: the postcode (``pcds``, ``pcd``, ``pcd2``…), the district
(``oslaua`` or ``laua``; a later release's ``lad25cd`` and the like also serve) and the grid reference in metres
(``oseast1m``, ``osnrth1m``). The lookup is public reference data and is kept in the store, replaced whole by
the next one; each postcode is kept with the council whose area it is in (a district of a county belongs to the
county, ``reference.councils_by_district``) and its grid reference.

Distances follow the Ordnance Survey grid: metres between the two grid references, as miles (1 mile =
1,609.344 m), rounded to one decimal place. Rounding before the comparison means 20.04 miles is "20.0 miles",
not more than 20.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from oversight.casework.issues import CaseworkError
from oversight.casework.reference import councils_by_district

METRES_PER_MILE = 1609.344
POSTCODE_COLUMNS = ("pcds", "pcd", "pcd2", "pcd7", "pcd8", "postcode")
DISTRICT_COLUMNS = ("oslaua", "laua", "lad", "ladcd", "lad_code", "local_authority_code")
DISTRICT_PATTERN = re.compile(r"lad\d\dcd")  # the district column as later releases name it: lad23cd, lad25cd
EASTING_COLUMNS = ("oseast1m", "east1m", "easting")
NORTHING_COLUMNS = ("osnrth1m", "north1m", "northing")


@dataclass(frozen=True)
class PostcodeLookup:
    """The lookup held in a store, as the store's meta table records it."""

    file_name: str
    sha256: str
    postcodes: int
    with_grid: int  # postcodes with a grid reference (the others give no distance)
    loaded_at: datetime


def normalised(cell: str) -> str:
    """SQL for a postcode as the lookup keys it: upper case, without spaces (``ub1 1aa`` → ``UB11AA``)."""
    return f"nullif(replace(upper(trim({cell})), ' ', ''), '')"


def miles(home: str, placed: str) -> str:
    """SQL for the distance in miles, to one decimal place, between two lookup rows aliased ``home`` and
    ``placed`` (NULL when either has no grid reference)."""
    dx, dy = f"({placed}.easting - {home}.easting)", f"({placed}.northing - {home}.northing)"
    return f"round(sqrt(CAST({dx} AS DOUBLE) * {dx} + CAST({dy} AS DOUBLE) * {dy}) / {METRES_PER_MILE}, 1)"


def _column(header: dict[str, str], names: tuple[str, ...], pattern: re.Pattern[str] | None = None) -> str | None:
    for name in names:
        if name in header:
            return header[name]
    if pattern is not None:
        for lower, original in header.items():
            if pattern.fullmatch(lower):
                return original
    return None


def _header(path: Path) -> dict[str, str]:
    """The file's columns, lower case → as written; or a CaseworkError saying what the file is instead."""
    try:
        with path.open("rb") as file:
            head = file.read(65536)
    except OSError as error:
        raise CaseworkError(f"{path.name} cannot be read: {error.strerror or error}") from None
    if head.startswith(b"PK\x03\x04"):
        raise CaseworkError(
            f"{path.name} is a zip archive; unzip it and give the CSV file of postcodes in it (in the ONS Postcode "
            "Directory, Data/ONSPD_<month>_<year>_UK.csv)"
        )
    try:
        first = head.decode("utf-8-sig").splitlines()[0] if head.strip() else ""
    except UnicodeDecodeError:
        raise CaseworkError(f"{path.name} is not a UTF-8 CSV file; save it as 'CSV UTF-8'") from None
    row = next(csv.reader(io.StringIO(first)), [])
    return {cell.strip().lower(): cell for cell in row if cell.strip()}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read_lookup(con: duckdb.DuckDBPyConnection, path: Path) -> str:
    """Read a postcode file into the TEMP table ``postcode_rows`` (postcode, la, easting, northing; one row per
    postcode, the first where the file repeats one); its sha256. Raises CaseworkError, naming the file and what
    to change, when it is not a postcode lookup."""
    header = _header(path)
    found = {
        "the postcode (pcds or pcd)": _column(header, POSTCODE_COLUMNS),
        "the district (oslaua or laua)": _column(header, DISTRICT_COLUMNS, DISTRICT_PATTERN),
        "the easting (oseast1m)": _column(header, EASTING_COLUMNS),
        "the northing (osnrth1m)": _column(header, NORTHING_COLUMNS),
    }
    missing = [what for what, column in found.items() if column is None]
    if missing:
        raise CaseworkError(
            f"{path.name} is not a postcode lookup: it has no column for {', '.join(missing)}; give a CSV of the "
            "ONS Postcode Directory, or an extract with its column names"
        )
    postcode, district, easting, northing = (f"r.{_q(str(column))}" for column in found.values())
    with path.open("rb") as file:
        digest = hashlib.file_digest(file, "sha256").hexdigest()
    districts = councils_by_district()
    # A grid reference in metres (a number from 0 to 2,000 km); anything else (blank in the directory) is none.
    grid = "CAST((CASE WHEN try_cast(trim({0}) AS DOUBLE) BETWEEN 0 AND 2000000 THEN trim({0}) END) AS DOUBLE)"
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE postcode_rows AS "
            "SELECT normalised_postcode AS postcode, la, easting, northing FROM ("
            f"SELECT {normalised(postcode)} AS normalised_postcode, "
            f"coalesce(d.utla, nullif(upper(trim({district})), '')) AS la, "
            f"CAST({grid.format(easting)} AS INTEGER) AS easting, "
            f"CAST({grid.format(northing)} AS INTEGER) AS northing, r.ordinality AS line "
            "FROM (SELECT * FROM read_csv($path, header = true, auto_detect = false, delim = ',', quote = '\"', "
            "escape = '\"', columns = $columns) WITH ORDINALITY) AS r "
            "LEFT JOIN (SELECT unnest($ltla) AS ltla, unnest($utla) AS utla) AS d "
            f"ON d.ltla = upper(trim({district}))) "
            "WHERE normalised_postcode IS NOT NULL "
            "QUALIFY row_number() OVER (PARTITION BY normalised_postcode ORDER BY line) = 1",
            {
                "path": str(path),
                "columns": {original: "VARCHAR" for original in header.values()},
                "ltla": list(districts),
                "utla": list(districts.values()),
            },
        )
    except duckdb.Error as error:
        raise CaseworkError(f"{path.name} cannot be read as CSV: {str(error).splitlines()[0]}") from None
    return digest
