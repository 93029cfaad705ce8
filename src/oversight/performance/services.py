"""Writes to the scorecard. Each public function runs in one transaction and records who changed what."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import OperationalError, connection, models, transaction

from oversight.accounts.services import council_set, user_council_scope
from oversight.core.periods import parse_period
from oversight.core.problems import ApplicationError, ImportResult, Issue
from oversight.core.rag import Polarity
from oversight.core.targets import TargetError, TargetRule, target_parse
from oversight.core.units import Unit
from oversight.performance.importer import Cell, FileRejectedError, ParsedFile, ParsedTable, read_file, rows_read
from oversight.performance.models import (
    Breakdown,
    Change,
    Commentary,
    ComparatorValue,
    GlossaryEntry,
    ImportBatch,
    Indicator,
    Observation,
    PeriodValue,
    Priority,
    Scorecard,
    Target,
)
from oversight.performance.signoff import Locks, PeriodLockedError

User = AbstractBaseUser | AnonymousUser | None


@dataclass
class LoadResult(ImportResult):
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _user_name(user: User) -> str:
    if user is None or not user.is_authenticated:
        return "system"
    return str(user.get_username())


def _user_or_none(user: User) -> Any:
    return user if user is not None and user.is_authenticated else None


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, models.Model):
        return str(value.pk)
    return str(value)


def _same(before: object, after: object) -> bool:
    if isinstance(before, Decimal) and isinstance(after, Decimal):
        return before == after
    if isinstance(before, models.Model) or isinstance(after, models.Model):
        return getattr(before, "pk", before) == getattr(after, "pk", after)
    return (before if before is not None else "") == (after if after is not None else "")


@dataclass
class _Writer:
    """Creates or updates rows by natural key, and writes a Change for each changed field of indicator data."""

    user: User
    via: str
    reason: str = ""
    result: LoadResult = field(default_factory=LoadResult)
    locks: Locks | None = None  # approved periods, read on the first write that needs them
    refusals: list[Issue] | None = None  # an import gathers every refusal, then writes nothing
    place: tuple[str, int] | None = None  # the file and row an import is writing, to name in a refusal
    pending: _Pending | None = None  # when given, the rows and history are kept to be written together

    def _refused(self, instance: models.Model, period: str, entity: str) -> bool:
        """Whether the write is refused because its period is approved: raised at once for a single edit,
        gathered with its file and row for an import."""
        indicator = instance if isinstance(instance, Indicator) else getattr(instance, "indicator")  # noqa: B009
        if self.locks is None:
            self.locks = Locks.load()
        refusal = self.locks.refusal(indicator, period, entity)
        if refusal is None:
            return False
        if self.refusals is None or self.place is None:
            raise PeriodLockedError(f"{refusal[:1].upper()}{refusal[1:]}.")
        self.refusals.append(Issue(self.place[0], self.place[1], "period", refusal))
        return True

    def upsert(
        self,
        model: type[models.Model],
        lookup: Mapping[str, Any],
        values: Mapping[str, Any],
        *,
        period: str | None = None,
        entity: str | None = None,
        existing: dict[tuple[Any, ...], Any] | None = None,
    ) -> models.Model:
        """``existing`` maps lookup values (in order) to rows already fetched, saving a query per row."""
        key = tuple(v.pk if isinstance(v, models.Model) else v for v in lookup.values())
        instance = model._default_manager.filter(**lookup).first() if existing is None else existing.get(key)
        created = instance is None
        if instance is None:
            instance = model(**lookup)
            if existing is not None and self.pending is not None:
                existing[key] = instance  # a later write to the same row in the batch finds it
        changed: list[tuple[str, object, object]] = []
        lineage = {name: new for name, new in values.items() if name == "batch"}
        for name, new in values.items():
            if name in lineage:
                continue  # which import wrote a row is lineage, not a change to the figure
            old = None if created else getattr(instance, name)
            if created or not _same(old, new):
                if not (created and new in (None, "")):
                    changed.append((name, old, new))
                setattr(instance, name, new)
        if created or changed:
            for name, new in lineage.items():
                setattr(instance, name, new)
        if period is not None and isinstance(instance, PeriodValue):
            instance.set_period(parse_period(period))
        if (
            entity is not None
            and period is not None
            and (created or changed)
            and self._refused(instance, period, entity)
        ):
            return instance
        self._save(instance, created=created, changed=bool(changed))
        if entity is not None and changed:
            self._history(instance, period or "", entity, changed)
        return instance

    def _save(self, instance: models.Model, *, created: bool, changed: bool) -> None:
        if created or changed:
            if self.pending is None:
                instance.save()
            else:
                self.pending.save(instance)
        if created:
            self.result.created += 1
        elif changed:
            self.result.updated += 1
        else:
            self.result.unchanged += 1

    def _history(
        self, instance: models.Model, period: str, entity: str, changed: list[tuple[str, object, object]]
    ) -> None:
        """A Change for each changed field of the row."""
        indicator = instance if isinstance(instance, Indicator) else getattr(instance, "indicator")  # noqa: B009
        history = [
            Change(
                indicator=indicator,
                period=period,
                entity=entity,
                field=name,
                before=_shown(old),
                after=_shown(new),
                changed_by=_user_or_none(self.user),
                changed_by_name=_user_name(self.user),
                via=self.via,
                reason=self.reason,
            )
            for name, old, new in changed
        ]
        if self.pending is None:
            Change.objects.bulk_create(history)
        else:
            self.pending.history.extend(history)


@dataclass
class _Pending:
    """Rows and history a run of writes has made, kept to be written together by ``write``, in bulk: the same rows
    and the same history as saving each in turn, in a few statements."""

    created: dict[type[models.Model], dict[int, models.Model]] = field(default_factory=dict)  # by id(), in order
    history: list[Change] = field(default_factory=list)

    def save(self, instance: models.Model) -> None:
        """A new row waits to be inserted with the others; a changed row is saved at once, since Django's
        ``bulk_update`` (a CASE for every field of every row) costs several times more than an UPDATE a row."""
        if instance.pk is None:
            self.created.setdefault(type(instance), {})[id(instance)] = instance
        else:
            instance.save()

    def write(self) -> None:
        for model, rows in self.created.items():
            model._default_manager.bulk_create(list(rows.values()))
        Change.objects.bulk_create(self.history)
        self.created, self.history = {}, []


def _clean(row: Mapping[str, Cell], names: Iterable[str]) -> dict[str, Any]:
    """Import cells to model field values: blank text stays '' for text fields, None for numbers."""
    return {name: ("" if row.get(name) is None else row[name]) for name in names}


def import_files(
    paths: Iterable[Path], *, user: User = None, progress: Callable[[int], object] | None = None
) -> LoadResult:
    """Import scorecards, priorities, indicators, glossary, targets, values, comparators, commentary and breakdowns.

    Every file is read and checked first. If any file has a problem, nothing at all is written and the
    result lists every problem with its file, row and column. Importing the same file again changes nothing.
    """
    result = LoadResult()
    parsed: list[ParsedFile] = []
    for path in paths:
        result.files += 1
        try:
            parsed_file, issues = read_file(Path(path), max_bytes=settings.OVERSIGHT_MAX_IMPORT_BYTES)
        except FileRejectedError as rejected:
            result.issues.append(rejected.issue)
            continue
        except OSError as error:
            result.issues.append(Issue(Path(path).name, None, None, f"cannot be read: {error.strerror}"))
            continue
        result.issues.extend(issues)
        parsed.append(parsed_file)
    return _import_parsed(parsed, result, user=user, progress=progress)


def import_rows(name: str, kind: str, rows: Sequence[Mapping[str, object]], *, user: User = None) -> LoadResult:
    """Import rows given as column → cell (the API's bulk upload) as if they were the rows of one ``kind`` file
    called ``name``: the same checks, the same all-or-nothing write, the same locks and history."""
    parsed_file, issues = rows_read(name, kind, rows)
    result = LoadResult(files=1, issues=list(issues))
    return _import_parsed([parsed_file], result, user=user, progress=None)


def _import_parsed(
    parsed: list[ParsedFile], result: LoadResult, *, user: User, progress: Callable[[int], object] | None
) -> LoadResult:
    """Check the read files' references and ranges, then write them all or, with any problem, none."""
    tables = sorted(
        ((file, table) for file in parsed for table in file.tables),
        key=lambda pair: _ORDER[pair[1].spec.kind],
    )
    result.issues.extend(_check_references([table for _, table in tables]))
    result.issues.extend(_check_councils([table for _, table in tables], user))
    result.issues.extend(_check_ranges([table for _, table in tables]))
    result.rows = sum(len(table.rows) for _, table in tables)
    if result.issues:
        result.issues.sort(key=lambda issue: (issue.file, issue.row or 0))
        return result
    try:
        _import_write(tables, user=user, result=result, progress=progress)
    except (_LockedRowsError, PeriodLockedError) as locked:
        refusals = (
            locked.refusals
            if isinstance(locked, _LockedRowsError)
            else [Issue(_names(parsed), None, None, str(locked))]
        )
        result.issues.extend(refusals)
        result.created = result.updated = result.unchanged = 0
    except OperationalError as error:
        if "locked" not in str(error):
            raise
        result.issues.append(Issue(_names(parsed), None, None, _BUSY))
        result.created = result.updated = result.unchanged = 0
    return result


def _names(parsed: list[ParsedFile]) -> str:
    return ", ".join(sorted({file.name for file in parsed}))


_BUSY = (
    "another import or change was being saved and did not finish in time, so nothing was written; "
    "import the file again when it has finished"
)


def _import_write(
    tables: list[tuple[ParsedFile, ParsedTable]],
    *,
    user: User,
    result: LoadResult,
    progress: Callable[[int], object] | None,
) -> None:
    """Write the checked tables in one transaction: all of them, or (on any error or a row for an approved period)
    none."""
    refusals: list[Issue] = []
    with transaction.atomic():
        _imports_one_at_a_time()
        locks = Locks.load()
        batches: dict[str, ImportBatch] = {}
        for file, table in tables:
            if not table.rows:
                continue  # an empty sheet (say, of the template) is not an import
            if file.name not in batches:
                rows = sum(len(t.rows) for t in file.tables)
                batches[file.name] = ImportBatch.objects.create(
                    filename=file.name, sha256=file.sha256, rows=rows, imported_by=_user_name(user)
                )
            # A table of figures for the catalogue's indicators is written in bulk; the catalogue's own tables row
            # by row, since a later row may name one an earlier row made.
            pending = _Pending() if table.spec.kind in _IN_BULK else None
            writer = _Writer(
                user, f"import: {file.name}", result=result, locks=locks, refusals=refusals, pending=pending
            )
            _APPLY[table.spec.kind](writer, table, batches[file.name])
            if pending is not None:
                pending.write()
            if progress is not None:
                progress(len(table.rows))
        if refusals:
            raise _LockedRowsError(refusals)


# The key of the PostgreSQL lock that imports take in turn ("ovim", for oversight imports).
_IMPORT_LOCK = 0x6F76696D


def _imports_one_at_a_time() -> None:
    """Wait, inside the import's transaction, for another import's to end: on SQLite its write lock does this, on
    PostgreSQL a lock of the transaction's own. Two imports of one file at once then apply it once, the second finding
    each row as the first left it, rather than failing on the rows the first inserted meanwhile."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_IMPORT_LOCK])


class _LockedRowsError(Exception):
    """Rows for approved periods: raised inside the import's transaction so that nothing is written."""

    def __init__(self, refusals: list[Issue]) -> None:
        super().__init__(f"{len(refusals)} row(s) for approved periods")
        self.refusals = refusals


def _check_references(tables: list[ParsedTable]) -> list[Issue]:
    """Every code a row refers to must exist, in the database or earlier in this import."""
    issues: list[Issue] = []
    scorecards = set(Scorecard.objects.values_list("slug", flat=True))
    priorities = set(Priority.objects.values_list("scorecard__slug", "code"))
    indicators = set(Indicator.objects.values_list("code", flat=True))
    for table in tables:
        kind = table.spec.kind
        for number, row in table.rows:

            def missing(column: str, message: str, number: int = number, source: str = table.source) -> None:
                issues.append(Issue(source, number, column, message))

            if kind == "scorecards" and row["scorecard"]:
                scorecards.add(str(row["scorecard"]))
            elif kind == "priorities":
                if row["scorecard"] and row["scorecard"] not in scorecards:
                    missing(
                        "scorecard",
                        f"no scorecard '{row['scorecard']}'; add it to the scorecards table first",
                    )
                priorities.add((str(row["scorecard"]), str(row["code"])))
            elif kind == "indicators":
                if (str(row["scorecard"]), str(row["priority"])) not in priorities and row["priority"]:
                    missing(
                        "priority",
                        f"no priority '{row['priority']}' on scorecard '{row['scorecard']}'; "
                        "add it to the priorities table first",
                    )
                indicators.add(str(row["code"]))
            elif "indicator" in table.spec.names:
                if row["indicator"] and row["indicator"] not in indicators:
                    missing("indicator", f"no indicator with code '{row['indicator']}' in the catalogue")
                if (
                    kind in ("values", "breakdowns")
                    and row["value"] is None
                    and not row["note"]
                    and (number, "value") not in table.bad_cells
                ):
                    missing("value", "is empty; give a value, or leave it empty and say why in the note column")
    return issues


def _check_councils(tables: list[ParsedTable], user: User) -> list[Issue]:
    """A user changes only their own councils' scorecards (ADR 26): a row for another council's scorecard, or for an
    indicator on one, is refused as if it were not there. The command line (no user) is the administrator's."""
    if user is None or not user.is_authenticated:
        return []
    scope = user_council_scope(user)
    councils = dict(Scorecard.objects.values_list("slug", "council"))
    indicators = dict(Indicator.objects.values_list("code", "priority__scorecard__council"))
    issues: list[Issue] = []
    for table in tables:
        for number, row in table.rows:
            for column, owners in (("scorecard", councils), ("indicator", indicators)):
                code = str(row[column]) if column in table.spec.names and row[column] else ""
                if code in owners and not scope.allows(owners[code]):
                    message = f"no {column} '{code}' of your council; only its own council's users change it"
                    issues.append(Issue(table.source, number, column, message))
                    break
    return issues


@dataclass(frozen=True)
class _Facts:
    """What the checks need to know of an indicator, from the database or earlier in the same import."""

    unit: str
    polarity: str
    may_be_negative: bool
    may_exceed_100: bool


def _indicator_facts(tables: list[ParsedTable]) -> dict[str, _Facts]:
    facts = {
        code: _Facts(unit, polarity, negative, over)
        for code, unit, polarity, negative, over in Indicator.objects.values_list(
            "code", "unit", "polarity", "may_be_negative", "may_exceed_100"
        )
    }
    for table in tables:
        if table.spec.kind == "indicators":
            for _, row in table.rows:
                facts[str(row["code"])] = _Facts(
                    str(row["unit"]),
                    str(row["polarity"]),
                    row["may_be_negative"] == "yes",
                    row["may_exceed_100"] == "yes",
                )
    return facts


def _check_ranges(tables: list[ParsedTable]) -> list[Issue]:
    """Figures an indicator cannot have: below 0, or a percentage over 100 or with a numerator above its
    denominator, unless the indicator (in the database or earlier in this import) says its values may be; a
    percentage given as a fraction of 1; a target oversight cannot read, or one that runs against the polarity."""
    facts = _indicator_facts(tables)
    issues: list[Issue] = []
    for table in tables:
        known = [(number, row, facts[str(row["indicator"])]) for number, row in table.rows
                 if "indicator" in table.spec.names and str(row["indicator"]) in facts]  # fmt: skip
        if table.spec.kind in ("values", "breakdowns"):
            for number, row, fact in known:
                issues += _range_issues(table.source, number, row, fact)
        if table.spec.kind == "values":
            issues += _fraction_issues(table, facts)
        elif table.spec.kind == "targets":
            for number, row, fact in known:
                if not row["target"]:
                    continue
                try:
                    target_parse(str(row["target"]), Polarity(fact.polarity))
                except TargetError as error:
                    issues.append(Issue(table.source, number, "target", str(error)))
    return issues


def _fraction_issues(table: ParsedTable, facts: Mapping[str, _Facts]) -> list[Issue]:
    """A percentage whose every value in the file is between 0 and 1, while its other values are on the 0–100
    scale, was almost certainly given as a fraction (0.71 for 71%): refused unless the row confirms it."""
    by_indicator: dict[str, list[tuple[int, Decimal]]] = {}
    for number, row in table.rows:
        code, value = str(row["indicator"]), row["value"]
        if code in facts and facts[code].unit == Unit.PERCENT and isinstance(value, Decimal):
            by_indicator.setdefault(code, []).append((number, value))
    suspects = {code: rows for code, rows in by_indicator.items() if all(0 < v <= 1 for _, v in rows)}
    if not suspects:
        return []
    periods = {(str(row["indicator"]), str(row["period"])) for _, row in table.rows}
    history: dict[str, Observation] = {}
    for observation in Observation.objects.filter(indicator__code__in=suspects, value__gt=1).select_related(
        "indicator"
    ):
        if (observation.indicator.code, observation.period) not in periods:
            history.setdefault(observation.indicator.code, observation)
    confirmed = {number for number, row in table.rows if row.get("confirmed") == "yes"}
    issues = []
    for code, rows in suspects.items():
        earlier = history.get(code)
        if earlier is None:
            continue
        for number, value in rows:
            if number in confirmed:
                continue
            issues.append(Issue(table.source, number, "value", (
                f"'{value}' looks like a fraction of 1, but {code} is a percentage and its other values are on the "
                f"0–100 scale (e.g. {earlier.value.normalize() if earlier.value is not None else ''} for "
                f"{earlier.period}); write {(value * 100).normalize():f} for {(value * 100).normalize():f}%, or if "
                f"{value}% is right, write yes in this row's confirmed column"
            )))  # fmt: skip
    return issues


def _range_issues(source: str, number: int, row: Mapping[str, Cell], fact: _Facts) -> list[Issue]:
    issues = []
    value, numerator, denominator = row["value"], row["numerator"], row["denominator"]
    if isinstance(value, Decimal) and value < 0 and not fact.may_be_negative:
        issues.append(Issue(source, number, "value", f"'{value}' is below 0; if this indicator's values may be, "
                            "say so with may_be_negative: yes in its catalogue row"))  # fmt: skip
    if fact.unit != Unit.PERCENT:
        return issues
    if isinstance(value, Decimal) and value > 100 and not fact.may_exceed_100:
        issues.append(Issue(source, number, "value", f"'{value}' is over 100 for a percentage; if this indicator's "
                            "values may be, say so with may_exceed_100: yes in its catalogue row"))  # fmt: skip
    if isinstance(numerator, Decimal) and isinstance(denominator, Decimal) and numerator > denominator:
        issues.append(Issue(source, number, "numerator", f"'{numerator}' is above the denominator '{denominator}'; "
                            "a percentage's numerator cannot be"))  # fmt: skip
    return issues


def _apply_scorecards(writer: _Writer, table: ParsedTable, batch: ImportBatch) -> None:
    for _, row in table.rows:
        writer.upsert(Scorecard, {"slug": row["scorecard"]}, _clean(row, ["title", "description"]))


def _apply_priorities(writer: _Writer, table: ParsedTable, batch: ImportBatch) -> None:
    for _, row in table.rows:
        scorecard = Scorecard.objects.get(slug=row["scorecard"])
        values = {"title": row["title"], "order": row["order"] or 0}
        writer.upsert(Priority, {"scorecard": scorecard, "code": row["code"]}, values)


_INDICATOR_TEXT = [
    "title", "description", "definition", "unit", "polarity", "legacy_ni_ref", "service_plan_code",
    "owner", "tolerance_kind", "source", "notes",
]  # fmt: skip


def _apply_indicators(writer: _Writer, table: ParsedTable, batch: ImportBatch) -> None:
    for _, row in table.rows:
        priority = Priority.objects.get(scorecard__slug=row["scorecard"], code=row["priority"])
        values: dict[str, Any] = _clean(row, _INDICATOR_TEXT)
        values.update(
            priority=priority,
            order=row["order"] or 0,
            decimal_places=1 if row["decimal_places"] is None else row["decimal_places"],
            frequency=row["frequency"] or Indicator.Frequency.QUARTERLY,
            aggregation=row["aggregation"] or Indicator.Aggregation.IN_PERIOD,
            year_type=row["year_type"] or "financial",
            minimum_cohort=row["minimum_cohort"],
            amber_tolerance=row["amber_tolerance"],
            may_be_negative=row["may_be_negative"] == "yes",
            may_exceed_100=row["may_exceed_100"] == "yes",
        )
        writer.upsert(Indicator, {"code": row["code"]}, values, entity="indicator")


def _apply_glossary(writer: _Writer, table: ParsedTable, batch: ImportBatch) -> None:
    for _, row in table.rows:
        writer.upsert(GlossaryEntry, {"term": row["term"]}, _clean(row, ["kind", "title", "explanation"]))


def _indicator_rows(table: ParsedTable, writer: _Writer | None = None) -> Iterable[tuple[Indicator, dict[str, Cell]]]:
    """Each row with its indicator; with ``writer``, the writer knows the file and row it is writing."""
    codes = {row["indicator"] for _, row in table.rows}
    indicators = Indicator.objects.in_bulk([str(code) for code in codes], field_name="code")
    for number, row in table.rows:
        if writer is not None:
            writer.place = (table.source, number)
        yield indicators[str(row["indicator"])], row


def _existing(model: type[PeriodValue], table: ParsedTable, *fields: str) -> dict[tuple[Any, ...], Any]:
    """The rows a table may update, fetched in one query and keyed as ``_Writer.upsert`` looks them up."""
    codes = {str(row["indicator"]) for _, row in table.rows}
    rows = model._default_manager.filter(indicator__code__in=codes).select_related("indicator")
    return {(row.indicator_id, row.period, *(getattr(row, f) for f in fields)): row for row in rows}


def _apply_values(writer: _Writer, table: ParsedTable, batch: ImportBatch) -> None:
    existing = _existing(Observation, table)
    for indicator, row in _indicator_rows(table, writer):
        values: dict[str, Any] = {name: row[name] for name in ("value", "numerator", "denominator", "cohort")}
        values.update(_clean(row, ["source", "note"]))
        values["status"] = row["status"] or Observation.Status.PROVISIONAL
        values["batch"] = batch
        period = str(row["period"])
        lookup = {"indicator": indicator, "period": period}
        writer.upsert(Observation, lookup, values, period=period, entity="value", existing=existing)


def _apply_targets(writer: _Writer, table: ParsedTable, batch: ImportBatch) -> None:
    existing = _existing(Target, table)
    for indicator, row in _indicator_rows(table, writer):
        period = str(row["period"])
        rule = target_parse(str(row["target"]), Polarity(indicator.polarity)) if row["target"] else None
        values = {**_rule_fields(rule), "note": row["note"] or "", "batch": batch}
        lookup = {"indicator": indicator, "period": period}
        writer.upsert(Target, lookup, values, period=period, entity="target", existing=existing)


def _rule_fields(rule: TargetRule | None) -> dict[str, Any]:
    """A target's stored fields: its figure, its operator (blank for a bare number) and the top of a range."""
    if rule is None:
        return {"value": None, "operator": "", "upper": None}
    return {"value": rule.value, "operator": rule.operator.value if rule.stated else "", "upper": rule.upper}


def _apply_comparators(writer: _Writer, table: ParsedTable, batch: ImportBatch) -> None:
    existing = _existing(ComparatorValue, table, "kind", "label")
    for indicator, row in _indicator_rows(table, writer):
        period = str(row["period"])
        lookup = {"indicator": indicator, "period": period, "kind": row["kind"], "label": row["label"] or ""}
        values: dict[str, Any] = {"value": row["value"], "batch": batch}
        values.update(_clean(row, ["stated_position", "source", "note"]))
        writer.upsert(ComparatorValue, lookup, values, period=period, entity="comparator", existing=existing)


def _apply_commentary(writer: _Writer, table: ParsedTable, batch: ImportBatch) -> None:
    existing = _existing(Commentary, table)
    for indicator, row in _indicator_rows(table, writer):
        period = str(row["period"])
        values = {"text": row["text"], "author": row["author"] or "", "batch": batch}
        lookup = {"indicator": indicator, "period": period}
        writer.upsert(Commentary, lookup, values, period=period, entity="commentary", existing=existing)


def _apply_breakdowns(writer: _Writer, table: ParsedTable, batch: ImportBatch) -> None:
    existing = _existing(Breakdown, table, "dimension", "category")
    for (number, _), (indicator, row) in zip(table.rows, _indicator_rows(table, writer), strict=True):
        period, dimension, category = str(row["period"]), str(row["dimension"]), str(row["category"])
        values: dict[str, Any] = {name: row[name] for name in ("value", "numerator", "denominator")}
        # Without an order the rows keep the file's order, which is the source's.
        values.update(order=number if row["order"] is None else row["order"], note=row["note"] or "", batch=batch)
        lookup = {"indicator": indicator, "period": period, "dimension": dimension, "category": category}
        # The history names the cell, which the change's field alone would not.
        cell = replace(writer, via=f"{writer.via} ({dimension}: {category})"[:300])
        cell.upsert(Breakdown, lookup, values, period=period, entity="breakdown", existing=existing)


_APPLY: dict[str, Callable[[_Writer, ParsedTable, ImportBatch], None]] = {
    "scorecards": _apply_scorecards,
    "priorities": _apply_priorities,
    "indicators": _apply_indicators,
    "glossary": _apply_glossary,
    "targets": _apply_targets,
    "values": _apply_values,
    "comparators": _apply_comparators,
    "commentary": _apply_commentary,
    "breakdowns": _apply_breakdowns,
}
_ORDER = {kind: index for index, kind in enumerate(_APPLY)}
_IN_BULK = frozenset({"targets", "values", "comparators", "commentary", "breakdowns"})


# Single edits from the web pages ------------------------------------------------------------------


@transaction.atomic
def observation_record(
    *,
    indicator: Indicator,
    period: str,
    value: Decimal | None,
    status: str,
    note: str,
    user: User,
    reason: str = "",
    via: str = "web form",
) -> Observation:
    """Record one value; ``via`` says how it came, for the indicator's history (the web form, or the API)."""
    if value is None and not note.strip():
        raise ApplicationError("Give a value, or leave it empty and say why in the note.")
    writer = _Writer(user, via, reason)
    values = {"value": value, "status": status, "note": note}
    instance = writer.upsert(
        Observation, {"indicator": indicator, "period": period}, values, period=period, entity="value"
    )
    if not isinstance(instance, Observation):
        raise AssertionError("isinstance(instance, Observation)")
    return instance


@transaction.atomic
def target_set(*, indicator: Indicator, period: str, rule: TargetRule | None, note: str, user: User) -> Target:
    writer = _Writer(user, "web form")
    instance = writer.upsert(
        Target,
        {"indicator": indicator, "period": period},
        {**_rule_fields(rule), "note": note},
        period=period,
        entity="target",
    )
    if not isinstance(instance, Target):
        raise AssertionError("isinstance(instance, Target)")
    return instance


@transaction.atomic
def commentary_save(*, indicator: Indicator, period: str, text: str, user: User, via: str = "web form") -> Commentary:
    if not text.strip():
        raise ApplicationError("Enter the commentary text.")
    writer = _Writer(user, via)
    values = {"text": text.strip(), "author": _user_name(user)}
    instance = writer.upsert(
        Commentary, {"indicator": indicator, "period": period}, values, period=period, entity="commentary"
    )
    if not isinstance(instance, Commentary):
        raise AssertionError("isinstance(instance, Commentary)")
    return instance


@transaction.atomic
def period_edit(
    *,
    indicator: Indicator,
    period: str,
    user: User,
    value: Decimal | None,
    status: str,
    note: str,
    target: TargetRule | None,
    target_note: str,
    commentary: str,
    reason: str = "",
) -> None:
    """Save what the edit page holds for one indicator and period: value, target and commentary."""
    observation_record(
        indicator=indicator, period=period, value=value, status=status, note=note, user=user, reason=reason
    )
    if target is not None or target_note.strip() or Target.objects.filter(indicator=indicator, period=period).exists():
        target_set(indicator=indicator, period=period, rule=target, note=target_note.strip(), user=user)
    if commentary.strip():
        commentary_save(indicator=indicator, period=period, text=commentary, user=user)


@transaction.atomic
def observation_computed(
    *,
    indicator: Indicator,
    period: str,
    value: Decimal | None,
    numerator: Decimal | None,
    denominator: Decimal | None,
    source: str,
    note: str = "",
    user: User = None,
    via: str,
) -> Observation:
    """Record a figure computed by the casework engine; ``via`` names the run (measure version, input hashes)."""
    figure = ComputedFigure(indicator, period, value, numerator, denominator, source, note, via)
    return _observation_computed(_Writer(user, via), figure, existing=None)


def _observation_computed(
    writer: _Writer, figure: ComputedFigure, *, existing: dict[tuple[Any, ...], Any] | None
) -> Observation:
    values = {
        "value": figure.value,
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "status": Observation.Status.PROVISIONAL,
        "source": figure.source,
        "note": figure.note,
    }
    lookup = {"indicator": figure.indicator, "period": figure.period}
    computed = replace(writer, via=figure.via)
    instance = computed.upsert(Observation, lookup, values, period=figure.period, entity="value", existing=existing)
    if not isinstance(instance, Observation):
        raise AssertionError("isinstance(instance, Observation)")
    return instance


@dataclass(frozen=True)
class BreakdownFigure:
    """One category of a computed breakdown, as ``breakdowns_computed`` records it."""

    category: str
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None


@dataclass(frozen=True)
class ComputedBreakdown:
    """A computed figure's breakdown by one dimension, as ``breakdowns_computed`` records it."""

    dimension: str
    figures: tuple[BreakdownFigure, ...]
    note: str
    via: str


@dataclass(frozen=True)
class ComputedFigure:
    """A figure computed by the casework engine, with its breakdowns, as ``figures_computed`` records it."""

    indicator: Indicator
    period: str
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    source: str
    note: str
    via: str
    breakdowns: tuple[ComputedBreakdown, ...] = ()


@transaction.atomic
def breakdowns_computed(
    *,
    indicator: Indicator,
    period: str,
    dimension: str,
    figures: Iterable[BreakdownFigure],
    note: str = "",
    user: User = None,
    via: str,
) -> list[Breakdown]:
    """Record a figure's breakdown by one dimension, computed by the casework engine, in the order given.

    A category an earlier computation had and this one does not (no child under 1 any more, say) is set to none
    (0, or 0 of 0) and put after the others, through the same writer, so that the categories still add up to the
    figure and a period that may not change is not changed behind the writer's back."""
    breakdown = ComputedBreakdown(dimension, tuple(figures), note, via)
    return _breakdown_computed(_Writer(user, via), indicator, period, breakdown, existing=None)


def _breakdown_computed(
    writer: _Writer,
    indicator: Indicator,
    period: str,
    breakdown: ComputedBreakdown,
    *,
    existing: dict[tuple[Any, ...], Any] | None,
) -> list[Breakdown]:
    """``breakdowns_computed``'s writes; with ``existing`` (the rows held, by natural key) the categories no longer
    given are found among them, not in the database."""
    computed = replace(writer, via=breakdown.via)
    dimension, note = breakdown.dimension, breakdown.note
    written: list[Breakdown] = []
    for order, figure in enumerate(breakdown.figures, start=1):
        values = {"value": figure.value, "numerator": figure.numerator, "denominator": figure.denominator}
        written.append(
            _breakdown_write(computed, indicator, period, dimension, figure.category, order, values, note, existing)
        )
    shown = {row.category for row in written}
    if existing is None:
        stale = list(
            Breakdown.objects.filter(indicator=indicator, period=period, dimension=dimension)
            .exclude(category__in=shown)
            .order_by("order")
        )
    else:
        stale = sorted(
            (
                row
                for (indicator_id, held_period, held_dimension, category), row in existing.items()
                if (indicator_id, held_period, held_dimension) == (indicator.pk, period, dimension)
                and category not in shown
            ),
            key=lambda row: row.order,
        )
    for order, row in enumerate(stale, start=len(written) + 1):
        counted = row.denominator is not None or row.numerator is not None
        values = {
            "value": None if counted else Decimal(0),
            "numerator": Decimal(0) if counted else None,
            "denominator": Decimal(0) if row.denominator is not None else None,
        }
        _breakdown_write(computed, indicator, period, dimension, row.category, order, values, note, existing)
    return written


def _breakdown_write(
    writer: _Writer, indicator: Indicator, period: str, dimension: str, category: str, order: int,
    values: dict[str, Any], note: str, existing: dict[tuple[Any, ...], Any] | None = None,
) -> Breakdown:  # fmt: skip
    lookup = {"indicator": indicator, "period": period, "dimension": dimension, "category": category}
    cell = replace(writer, via=f"{writer.via} ({dimension}: {category})"[:300])
    instance = cell.upsert(
        Breakdown, lookup, {**values, "order": order, "note": note}, period=period, entity="breakdown",
        existing=existing,
    )  # fmt: skip
    if not isinstance(instance, Breakdown):
        raise AssertionError("isinstance(instance, Breakdown)")
    return instance


@transaction.atomic
def figures_computed(figures: Sequence[ComputedFigure], *, user: User = None) -> list[Observation]:
    """Record figures computed by the casework engine, each after its breakdowns, as ``breakdowns_computed`` and
    ``observation_computed`` would one at a time (the same rows, the same history, the same refusal of an
    approved period, all or nothing), in a few statements: the approved periods and the rows held are read once,
    and what is written is written in bulk."""
    indicators = {figure.indicator.pk: figure.indicator for figure in figures}
    periods = {figure.period for figure in figures}
    observations = _held(Observation, indicators, periods)
    breakdowns = _held(Breakdown, indicators, periods, "dimension", "category")
    pending = _Pending()
    writer = _Writer(user, "", locks=Locks.load(), pending=pending)
    recorded = []
    for figure in figures:
        for breakdown in figure.breakdowns:
            _breakdown_computed(writer, figure.indicator, figure.period, breakdown, existing=breakdowns)
        recorded.append(_observation_computed(writer, figure, existing=observations))
    pending.write()
    return recorded


def _held(
    model: type[PeriodValue], indicators: Mapping[int, Indicator], periods: Iterable[str], *fields: str
) -> dict[tuple[Any, ...], Any]:
    """The rows held for the indicators in the periods, fetched in one query and keyed as ``_Writer.upsert`` looks
    them up, each with its indicator (which its history names) already in hand."""
    held: dict[tuple[Any, ...], Any] = {}
    for row in model._default_manager.filter(indicator__in=list(indicators), period__in=list(periods)):
        row.indicator = indicators[row.indicator_id]
        held[(row.indicator_id, row.period, *(getattr(row, f) for f in fields))] = row
    return held


@transaction.atomic
def indicator_assign_owner(
    *, indicator: Indicator, owner: str, owner_user: Any, user: User, via: str = "web form"
) -> Indicator:
    """Set who owns an indicator (the name shown, and the account that may edit its commentary)."""
    writer = _Writer(user, via)
    current = Indicator.objects.get(pk=indicator.pk)
    instance = writer.upsert(
        Indicator, {"code": current.code}, {"owner": owner, "owner_user": owner_user}, entity="indicator"
    )
    if not isinstance(instance, Indicator):
        raise AssertionError("isinstance(instance, Indicator)")
    return instance


def scorecard_set_council(*, slug: str, council: str, actor: User, reason: str) -> Scorecard:
    """Give the scorecard ``slug`` to a council (its ONS code; '' for the service's own): its drafts and unapproved
    figures are then for that council's users alone (ADR 26). Audited, with the reason."""
    if not Scorecard.objects.filter(slug=slug).exists():
        raise ApplicationError(f"There is no scorecard '{slug}'.")
    return council_set(Scorecard, {"slug": slug}, council=council, actor=actor, reason=reason, what="the scorecard")
