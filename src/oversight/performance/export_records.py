"""What every scorecard export says, whatever its format: the columns, one row as plain strings, the rules.

The CSV and the XLSX renderers import this module; it imports neither of them.
"""

from __future__ import annotations

import re
from decimal import Decimal

from oversight.core import rag as rag_module
from oversight.performance.disclosure import WITHHELD, figure_for_publication
from oversight.performance.selectors import ScorecardRow, ScorecardView

CSV_COLUMNS = [
    "scorecard", "priority", "indicator_code", "title", "period", "value", "unit", "status", "caution",
    "target", "target_operator", "target_upper", "target_words", "target_basis", "rag", "rag_reason",
    "direction", "direction_reason", "direction_last_year",
    "outturn_1_period", "outturn_1", "outturn_2_period", "outturn_2", "annual_target", "comparator",
    "legacy_ni_ref", "service_plan_code", "commentary", "note",
]  # fmt: skip


def row_record(view: ScorecardView, row: ScorecardRow) -> dict[str, str]:
    """One scorecard row as plain strings: the shared shape of the CSV and the XLSX data."""
    indicator = row.indicator
    actual = row.actual
    target = row.target
    rule = target.rule if target is not None else None
    outturns = [(p.code, f.text if f else "") for p, f in zip(row.outturn_years, row.outturns, strict=True)]
    return {
        "scorecard": view.scorecard.slug,
        "priority": f"{indicator.priority.code}: {indicator.priority.title}",
        "indicator_code": indicator.code,
        "title": indicator.title,
        "period": actual.period.code if actual else view.period.code,
        "value": _number(actual.value if actual is not None else None),
        "unit": indicator.unit,
        "status": actual.status_label if actual else "",
        "caution": actual.caution if actual else "",
        "target": _number(rule.value if rule is not None else None),
        "target_operator": rule.operator.value if rule is not None and rule.stated else "",
        "target_upper": _number(rule.upper if rule is not None else None),
        "target_basis": target.period.code if target is not None else "",
        "target_words": target.text if target is not None else "",
        "rag": row.rag.rating.label,
        "rag_reason": row.rag.reason,
        "direction": row.versus_previous.direction.label,
        "direction_reason": row.versus_previous.description,
        "direction_last_year": row.versus_last_year.description,
        "outturn_1_period": outturns[0][0],
        "outturn_1": outturns[0][1],
        "outturn_2_period": outturns[1][0],
        "outturn_2": outturns[1][1],
        "annual_target": row.annual_target.text if row.annual_target else "",
        "comparator": row.comparator_summary,
        "legacy_ni_ref": indicator.legacy_ni_ref,
        "service_plan_code": indicator.service_plan_code,
        "commentary": row.commentary.text if row.commentary else "",
        "note": actual.note if actual else "",
    }


def _number(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def publication_record(view: ScorecardView, row: ScorecardRow) -> dict[str, str]:
    """``row_record`` with small numbers withheld, and every sentence that would repeat them withheld too."""
    record = row_record(view, row)
    if figure_for_publication(row, row.actual).suppressed:
        record.update(value="c", rag="Not shown", rag_reason=WITHHELD, direction="Not shown", note="")
        record.update(direction_reason=WITHHELD, direction_last_year=WITHHELD)
    for index, figure in enumerate(row.outturns, start=1):
        verdict = figure_for_publication(row, figure)
        if verdict.suppressed:
            record[f"outturn_{index}"] = "c"
            record.update(direction_reason=WITHHELD, direction_last_year=WITHHELD)
    return record


def rag_rules() -> tuple[str, list[str]]:
    """The rating rules as ``core.rag`` documents them: the lead sentence and the numbered steps, in order."""
    doc = rag_module.__doc__ or ""
    paragraphs = [re.sub(r"\s+", " ", part).strip() for part in doc.strip().split("\n\n")][1:]  # skip summary
    lead = next((p for p in paragraphs if not re.match(r"\d+\.", p)), "")
    steps_text = " ".join(p for p in paragraphs if re.match(r"\d+\.", p))
    steps = [re.sub(r"^\d+\.\s*", "", step).rstrip(".").strip() for step in re.split(r";\s*(?=\d+\.)", steps_text)]
    return lead, [step[:1].upper() + step[1:] for step in steps if step]


EXTRA_EXPLANATIONS = [
    "Unless an indicator sets its own tolerance, amber means the target is missed by no more than 5 percentage "
    "points for a percentage, or by no more than 5% of the target for any other measure.",
    "Every rating comes with its reason in words ('Why this rating'). The rating word is always written out; "
    "the colour only repeats it.",
    "Direction of travel compares like with like: the previous period of the same length, and the same period last "
    "year. A change within the indicator's tolerance, or one that is not statistically significant where the "
    "numbers behind the figures are known, is no significant change.",
    "Each comparison with England, the region or statistical neighbours names the council's figure and period and "
    "the comparator's, and says when the periods differ.",
]


def rag_explanation() -> list[str]:
    """How a rating is decided, as lines of text: the rules from ``core.rag`` and the default tolerance."""
    lead, steps = rag_rules()
    return [lead, *[f"{number}. {step}." for number, step in enumerate(steps, start=1)], *EXTRA_EXPLANATIONS]
