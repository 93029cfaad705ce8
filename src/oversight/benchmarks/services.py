"""Writes for benchmarking: store published files, link indicators to published series, and turn the
published figures into the scorecard's comparators. Each runs in one transaction."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from oversight.benchmarks import selectors
from oversight.benchmarks.importers import (
    FileKind,
    Places,
    ReadResult,
    Row,
    SeriesInfo,
    detect,
    meta_path,
    read_published,
)
from oversight.benchmarks.models import (
    AuthorityCode,
    ComparatorGroup,
    IndicatorLink,
    LocalAuthority,
    NeighbourSet,
    PublishedSeries,
    PublishedValue,
    Region,
    SourceFile,
)
from oversight.benchmarks.reference import neighbours_replace, reference_ensure
from oversight.core.benchmark import group_summary
from oversight.core.problems import ApplicationError, ImportResult, Issue
from oversight.performance.models import Change, ComparatorValue, Indicator

COMPARATOR_SOURCE = "DfE published figures"  # how the scorecard's benchmark comparators are marked
_EIGHT_PLACES = Decimal("1e-8")
_FOUR_PLACES = Decimal("1e-4")


@dataclass
class PublishedImportResult(ImportResult):  # rows: the published figures read
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    series: int = 0
    neighbour_sets: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def places_index() -> Places:
    regions = list(Region.objects.all())
    return Places(
        authorities=set(LocalAuthority.objects.values_list("number", flat=True)),
        codes=dict(AuthorityCode.objects.values_list("code", "authority__number")),
        regions={region.code for region in regions},
        lait_regions={region.lait_number: region.code for region in regions if region.lait_number},
    )


_MONTHS = [name.lower() for name in calendar.month_name if name]


def _neighbour_set_date(name: str) -> tuple[str, date] | None:
    """'…_April_2021.csv' → ('April 2021', 1 April 2021)."""
    match = re.search(r"(" + "|".join(_MONTHS) + r")[ _-]*(\d{4})", name.lower())
    if match is None:
        return None
    month = _MONTHS.index(match[1]) + 1
    return f"{match[1].capitalize()} {match[2]}", date(int(match[2]), month, 1)


def published_import(
    paths: Sequence[Path], *, user_name: str = "", progress: Callable[[int], object] | None = None
) -> PublishedImportResult:
    """Import published files: all of them, or — if any has a problem — none.

    An EES data file's metadata file (``<stem>.meta.csv``) may be among the paths; if it is not, the one
    beside the data file is used when there is one (see ``importers.read_published``).
    """
    reference_ensure()
    places = places_index()
    data, metas, issues = _paired(paths)
    reads = [read_published(path, places, progress, meta=metas.get(path)) for path in data]
    issues += [issue for read in reads for issue in read.issues]
    for read in reads:
        if read.kind is FileKind.NEIGHBOURS and _neighbour_set_date(read.source) is None:
            message = "Name the file with the month and year the groupings were published, e.g. …_April_2021.csv."
            issues.append(Issue(read.source, None, None, message))
    if issues:
        return PublishedImportResult(issues=issues)
    with transaction.atomic():
        return _store(reads, user_name)


def _paired(paths: Sequence[Path]) -> tuple[list[Path], dict[Path, Path], list[Issue]]:
    """The data files, the metadata file given for each (by EES's naming), and a problem for each metadata
    file given without its data file."""
    given = {path.name: path for path in paths if path.is_file() and detect(path) is FileKind.EES_META}
    data = [path for path in paths if path.name not in given or given[path.name] != path]
    metas = {path: given[meta_path(path).name] for path in data if meta_path(path).name in given}
    issues = [
        Issue(name, None, None, f"is an EES metadata file, but its data file ({name.removesuffix('.meta.csv')}.csv) "
              "was not given with it; import them together.")
        for name in sorted(set(given) - {meta.name for meta in metas.values()})
    ]  # fmt: skip
    return data, metas, issues


def _store(reads: list[ReadResult], user_name: str) -> PublishedImportResult:
    result = PublishedImportResult(files=len(reads), notes=[note for read in reads for note in read.notes])
    # The dictionary's titles and polarities win over the short titles in the data files.
    ordered = sorted(reads, key=lambda read: read.kind is not FileKind.LAIT_DICTIONARY)
    series_ids: dict[str, int] = {}
    for read in ordered:
        series_ids.update(_series_upsert(read.series.values(), overwrite=read.kind is not FileKind.LAIT))
    result.series = len(series_ids)
    for read in reads:
        source, _ = SourceFile.objects.get_or_create(
            sha256=read.sha256,
            defaults={"name": read.source, "kind": read.kind.value, "rows": len(read.rows), "imported_by": user_name},
        )
        if read.kind is FileKind.NEIGHBOURS:
            named = _neighbour_set_date(read.source)
            if named is None:  # checked before the transaction
                raise AssertionError("named is not None")
            neighbour_set, _ = NeighbourSet.objects.get_or_create(
                name=named[0], defaults={"published": named[1], "source": read.source}
            )
            problems = neighbours_replace(neighbour_set, read.source, read.neighbours_text)
            if problems:
                raise ApplicationError("; ".join(str(problem) for problem in problems))
            result.neighbour_sets.append(neighbour_set.name)
        created, updated, unchanged = _values_upsert(read.rows, series_ids, source)
        result.rows += len(read.rows)
        result.created += created
        result.updated += updated
        result.unchanged += unchanged
    return result


def _series_upsert(infos: Iterable[SeriesInfo], *, overwrite: bool) -> dict[str, int]:
    wanted = {info.code: info for info in infos}
    existing = {series.code: series for series in PublishedSeries.objects.filter(code__in=wanted)}
    fields = ["title", "publication", "filters", "polarity", "units", "description"]
    changed = []
    for code, info in wanted.items():
        series = existing.get(code)
        if series is None:
            existing[code] = PublishedSeries.objects.create(**{name: getattr(info, name) for name in ["code", *fields]})
        elif overwrite and any(getattr(series, name) != getattr(info, name) for name in fields):
            for name in fields:
                setattr(series, name, getattr(info, name))
            changed.append(series)
    PublishedSeries.objects.bulk_update(changed, fields)
    return {code: series.pk for code, series in existing.items()}


def _q(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(_EIGHT_PLACES, rounding=ROUND_HALF_UP)


def _values_upsert(rows: Sequence[Row], series_ids: dict[str, int], source: SourceFile) -> tuple[int, int, int]:
    if not rows:
        return 0, 0, 0
    ids = {series_ids[row.series] for row in rows}
    existing: dict[tuple[int, str, str], PublishedValue] = {
        (value.series_id, value.period, value.place): value
        for value in PublishedValue.objects.filter(series_id__in=ids).only(
            "id", "series_id", "period", "place", "value", "reason", "numerator", "denominator", "source_id"
        )
    }
    regions = dict(Region.objects.values_list("code", "pk"))
    authorities = dict(LocalAuthority.objects.values_list("number", "pk"))
    new: dict[tuple[int, str, str], tuple[Any, ...]] = {}
    changed: list[PublishedValue] = []
    unchanged = 0
    for row in rows:
        key = (series_ids[row.series], row.period, row.place)
        figures = (_q(row.value), row.reason, _q(row.numerator), _q(row.denominator))
        found = existing.get(key)
        if found is None:
            region = regions.get(row.place) if row.level == "region" else None
            authority = authorities.get(row.place) if row.level == "la" else None
            new[key] = (key[0], row.period, row.year_end, row.level, row.place, region, authority, *figures, source.pk)
        elif (_q(found.value), found.reason, _q(found.numerator), _q(found.denominator)) == figures:
            unchanged += 1
        else:
            found.value, found.reason, found.numerator, found.denominator = figures
            found.source = source
            changed.append(found)
    _values_insert(list(new.values()))
    fields = ["value", "reason", "numerator", "denominator", "source"]
    PublishedValue.objects.bulk_update(changed, fields, batch_size=2000)
    return len(new), len(changed), unchanged


_INSERTED = ("series", "period", "year_end", "level", "place", "region", "authority", "value", "reason", "numerator",
             "denominator", "source")  # fmt: skip


def _values_insert(values: list[tuple[Any, ...]]) -> None:
    """Insert new published figures, given as tuples in the order of ``_INSERTED``, in one statement run over
    them all: a national file holds tens of thousands, and building a model object for each took most of an
    import's time."""
    if not values:
        return
    meta = PublishedValue._meta
    column_of = {field.name: field.column for field in meta.concrete_fields}
    columns = ", ".join(connection.ops.quote_name(column_of[name]) for name in _INSERTED)
    marks = ", ".join(["%s"] * len(_INSERTED))
    sql = f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


@transaction.atomic
def comparator_group_save(
    *, name: str, members: Iterable[LocalAuthority], description: str = "", created_by: str = ""
) -> ComparatorGroup:
    chosen = list(members)
    if len(chosen) < 2:
        raise ApplicationError("A comparator group needs at least two authorities.")
    group, _ = ComparatorGroup.objects.update_or_create(
        name=name, defaults={"description": description, "created_by": created_by}
    )
    group.members.set(chosen)
    return group


def _linked_text(link: IndicatorLink | None) -> str:
    """What a link is, as its change records say: 'ees:… for Cheshire East, compared with the group “…”'."""
    if link is None:
        return ""
    group = link.comparator_group
    return f"{link.series.code} for {link.authority}" + ("" if group is None else f", compared with “{group.name}”")


def _link_change(indicator: Indicator, before: str, after: str, user: Any, via: str) -> None:
    """The change record every link and unlink writes, so the indicator's history shows both the same way.

    The history names the change "benchmark measure", in the pages' words for a published series, as every
    record written before the link's field was called ``series`` does; change records are never edited."""
    Change.objects.create(
        indicator=indicator,
        entity="benchmark",
        field="measure",
        before=before,
        after=after,
        changed_by=user if getattr(user, "is_authenticated", False) else None,
        changed_by_name=getattr(user, "username", "") or "system",
        via=via,
    )


def _current_link(indicator: Indicator) -> IndicatorLink | None:
    return (
        IndicatorLink.objects.filter(indicator=indicator)
        .select_related("series", "authority", "comparator_group")
        .first()
    )


@transaction.atomic
def indicator_link_save(
    *,
    indicator: Indicator,
    series: PublishedSeries,
    authority: LocalAuthority,
    comparator_group: ComparatorGroup | None = None,
    user: Any = None,
    via: str = "web form",
) -> IndicatorLink:
    """Link an indicator to a published series for a council, then refill its benchmark comparators."""
    before = _current_link(indicator)
    link, _ = IndicatorLink.objects.update_or_create(
        indicator=indicator,
        defaults={
            "series": series,
            "authority": authority,
            "comparator_group": comparator_group,
            "updated_by": user if getattr(user, "is_authenticated", False) else None,
        },
    )
    _link_change(indicator, _linked_text(before), _linked_text(link), user, via)
    comparators_fill(indicator)
    return link


@transaction.atomic
def indicator_link_remove(*, indicator: Indicator, user: Any = None, via: str = "web form") -> bool:
    """Unlink an indicator from its published series and drop the comparators the link filled, recording
    what was linked; False, and nothing written, when it was not linked."""
    before = _current_link(indicator)
    if before is None:
        return False
    removed = _linked_text(before)
    before.delete()
    ComparatorValue.objects.filter(indicator=indicator, source__startswith=COMPARATOR_SOURCE).delete()
    _link_change(indicator, removed, "", user, via)
    return True


def _rounded(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(_FOUR_PLACES, rounding=ROUND_HALF_UP)


@transaction.atomic
def comparators_fill(indicator: Indicator) -> int:
    """Write the indicator's England, region, SN mean and SN median comparators for every published year.

    Each comparator carries the indicator's own period for the year the figure was published for, so the
    scorecard shows the latest one up to its year (published comparators lag a year or more). The SN rows
    say in their note how many neighbours the figure is taken over. Returns the number of rows written.
    """
    link = IndicatorLink.objects.filter(indicator=indicator).select_related("series", "authority__region").first()
    ComparatorValue.objects.filter(indicator=indicator, source__startswith=COMPARATOR_SOURCE).delete()
    if link is None:
        return 0
    written = 0
    for year in selectors.published_years(link.series):
        figures = selectors.year_figures(link.series, year)
        period = selectors.indicator_period(indicator, year.period, year.year_end)
        members = selectors.group_members(link, year.year_end)
        summary = group_summary(figures.la_values, [member.number for member in members])
        source = f"{COMPARATOR_SOURCE}: {link.series.title} ({year.period})"
        rows: list[tuple[str, str, Decimal | None, str]] = []
        england = figures.england
        if england is not None:
            rows.append((ComparatorValue.Kind.ENGLAND, "England", england.value, england.reason))
        region = link.authority.region
        if region is not None and region.code in figures.regions:
            found = figures.regions[region.code]
            rows.append((ComparatorValue.Kind.REGION, region.name[:40], found.value, found.reason))
        if members and summary.used:
            chosen = link.comparator_group
            group = f"in the group “{chosen.name}”" if chosen is not None else "statistical neighbours"
            group_kind = ComparatorValue.Kind.STATISTICAL_NEIGHBOURS
            rows.append((group_kind, "SN mean", _rounded(summary.mean), f"{summary.note_for('mean')[:-1]} {group}."))
            median_note = f"{summary.note_for('median')[:-1]} {group}."
            rows.append((group_kind, "SN median", _rounded(summary.median), median_note))
        for kind, label, value, note in rows:
            ComparatorValue.objects.update_or_create(
                indicator=indicator, period=period.code, kind=kind, label=label,
                defaults={
                    "period_start": period.start, "period_kind": period.kind.value, "value": value,
                    "source": source[:300], "note": note if value is not None else f"Not published: {note}".strip(),
                },
            )  # fmt: skip
            written += 1
    return written


def comparators_refresh_all() -> int:
    """Refill every linked indicator's comparators, as after an import."""
    return sum(comparators_fill(link.indicator) for link in IndicatorLink.objects.select_related("indicator"))
