"""The demo's benchmarking: seed 001's Appendix D comparator table (NEET, June 2011), transcribed into
``data/appendix_d.csv`` (judgement calls in ``data/appendix_d_README.md``), and linked to the scorecard's
NEET indicator so that the bolding is computed by ``core.benchmark`` rather than typed."""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from oversight.benchmarks.models import (
    LocalAuthority,
    PublishedSeries,
    PublishedValue,
    Region,
    SourceFile,
)
from oversight.benchmarks.reference import DATA_DIR, ENGLAND, reference_ensure
from oversight.benchmarks.services import comparator_group_save, indicator_link_save
from oversight.core.rag import Polarity
from oversight.performance.models import Indicator

APPENDIX_D = DATA_DIR / "appendix_d.csv"
PERIOD, PREVIOUS = "June 2011", "June 2010"
COUNCIL = "895"  # Cheshire East
GROUP = "Appendix D neighbours, 2011"
SOURCE = "Cheshire East scrutiny pack, 20 September 2011, Appendix D (NCCIS, June 2011)"
SERIES = {
    "not-known": ("16-18 year olds whose activity is not known (%)", Polarity.LOWER),
    "in-learning": ("16-18 year olds in learning (%)", Polarity.HIGHER),
    "neet": ("16-18 year olds not in education, employment or training (NEET, %)", Polarity.LOWER),
}
NEET_INDICATOR = "NEET-16-18"


@dataclass(frozen=True)
class AppendixRow:
    series: str
    area: str
    place: str
    value: Decimal
    change_pct: Decimal
    numerator: Decimal | None
    denominator: Decimal | None


def appendix_d_rows() -> list[AppendixRow]:
    with APPENDIX_D.open(encoding="utf-8", newline="") as handle:
        return [
            AppendixRow(
                row["series"],
                row["area"],
                row["place"],
                Decimal(row["value"]),
                Decimal(row["change_pct_12_months"]),
                Decimal(row["numerator"]) if row["numerator"] else None,
                Decimal(row["denominator"]) if row["denominator"] else None,
            )  # fmt: skip
            for row in csv.DictReader(handle)
        ]


def previous_value(value: Decimal, change_pct: Decimal) -> Decimal:
    """The June 2010 figure implied by June 2011's and the printed percentage change over twelve months."""
    return (value / (1 + change_pct / 100)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


@transaction.atomic
def appendix_d_load() -> int:
    """Load Appendix D as published figures, with a comparator group of the 2011 neighbours, and link the
    scorecard's NEET indicator to it. Idempotent; returns the number of figures."""
    reference_ensure()
    data = APPENDIX_D.read_bytes()
    rows = appendix_d_rows()
    source, _ = SourceFile.objects.get_or_create(
        sha256=hashlib.sha256(data).hexdigest(),
        defaults={"name": APPENDIX_D.name, "kind": SourceFile.Kind.TRANSCRIBED, "rows": len(rows)},
    )
    series = {}
    for key, (title, polarity) in SERIES.items():
        series[key], _ = PublishedSeries.objects.update_or_create(
            code=f"appendix-d:{key}",
            defaults={"title": title, "publication": SOURCE, "polarity": polarity.value, "units": "%"},
        )
    regions = {region.code: region for region in Region.objects.all()}
    authorities = {la.number: la for la in LocalAuthority.objects.all()}
    for row in rows:
        level = "england" if row.place == ENGLAND else "region" if row.place in regions else "la"
        for period, year, value, numerator, denominator in (
            (PERIOD, 2011, row.value, row.numerator, row.denominator),
            (PREVIOUS, 2010, previous_value(row.value, row.change_pct), None, None),
        ):
            PublishedValue.objects.update_or_create(
                series=series[row.series], period=period, place=row.place,
                defaults={
                    "year_end": year, "level": level, "value": value, "reason": "", "numerator": numerator,
                    "denominator": denominator, "source": source, "region": regions.get(row.place),
                    "authority": authorities.get(row.place),
                },
            )  # fmt: skip
    neighbours = sorted(
        {row.place for row in rows if row.place in authorities and row.place != COUNCIL},
        key=lambda number: authorities[number].name,
    )
    group = comparator_group_save(
        name=GROUP,
        members=[authorities[number] for number in neighbours],
        description="The ten authorities Appendix D compares Cheshire East with.",
        created_by="demo",
    )
    indicator = Indicator.objects.filter(code=NEET_INDICATOR).first()
    if indicator is not None:
        indicator_link_save(
            indicator=indicator,
            series=series["neet"],
            authority=authorities[COUNCIL],
            comparator_group=group,
            via=f"demo: {APPENDIX_D.name}",
        )
    return len(rows) * 2
