"""Numbers an import refuses, each with its row and column: what Python reads as a number but a figure is not,
counts below 0, and percentages that cannot be."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from oversight.performance.models import Indicator, Observation
from oversight.performance.services import LoadResult, import_files

CORE = "CSC-CORE-35WD"  # a percentage in the demo


def _problems(write_csv: Callable[[str, str], Path], text: str) -> list[str]:
    result = import_files([write_csv("values.csv", text)])
    assert not result.ok
    assert not Observation.objects.filter(period="2011-12-Q3").exists()  # nothing written
    return [str(issue) for issue in result.issues]


@pytest.mark.parametrize("written", ["1_000", "٣٤", "６３"])
def test_digits_a_figure_never_has_are_refused(
    demo: LoadResult, write_csv: Callable[[str, str], Path], written: str
) -> None:
    problems = _problems(write_csv, f"indicator,period,value\n{CORE},2011-12-Q3,{written}\n")
    assert problems == [
        f"values.csv, row 2, column 'value': '{written}' is not a number; put text such as 'n/a' or 'below 5%' in "
        "the note column"
    ]


def test_a_negative_numerator_or_denominator_is_refused(
    demo: LoadResult, write_csv: Callable[[str, str], Path]
) -> None:
    problems = _problems(write_csv, f"indicator,period,value,numerator,denominator\n{CORE},2011-12-Q3,50,-3,-6\n")
    assert problems == [
        "values.csv, row 2, column 'numerator': '-3' is below 0; a numerator cannot be",
        "values.csv, row 2, column 'denominator': '-6' is below 0; a denominator cannot be",
    ]


def test_a_percentage_over_100_or_below_0_or_above_its_denominator_is_refused(
    demo: LoadResult, write_csv: Callable[[str, str], Path]
) -> None:
    problems = _problems(
        write_csv,
        f"indicator,period,value,numerator,denominator\n{CORE},2011-12-Q3,112,56,50\n{CORE},2011-12-Q4,-2,,\n",
    )
    assert problems == [
        "values.csv, row 2, column 'value': '112' is over 100 for a percentage; if this indicator's values may be, "
        "say so with may_exceed_100: yes in its catalogue row",
        "values.csv, row 2, column 'numerator': '56' is above the denominator '50'; a percentage's numerator cannot be",
        "values.csv, row 3, column 'value': '-2' is below 0; if this indicator's values may be, say so with "
        "may_be_negative: yes in its catalogue row",
    ]


def test_an_indicator_that_says_its_values_may_exceed_100_or_be_negative_takes_them(
    demo: LoadResult, write_csv: Callable[[str, str], Path]
) -> None:
    Indicator.objects.filter(code=CORE).update(may_exceed_100=True, may_be_negative=True)
    result = import_files(
        [write_csv("values.csv", f"indicator,period,value\n{CORE},2011-12-Q3,112\n{CORE},2011-12-Q4,-2\n")]
    )
    assert result.ok, [str(issue) for issue in result.issues]
    assert Observation.objects.get(indicator__code=CORE, period="2011-12-Q3").value == 112


def test_the_catalogue_row_declares_it(demo: LoadResult, write_csv: Callable[[str, str], Path]) -> None:
    from oversight.performance.models import Priority

    priority = Priority.objects.filter(scorecard__slug="strategic").first()
    assert priority is not None
    catalogue = write_csv(
        "indicators.csv",
        "code,scorecard,priority,title,unit,polarity,may_exceed_100\n"
        f"NEW-PCT,strategic,{priority.code},A share that can pass 100,percent,higher,yes\n",
    )
    values = write_csv("values.csv", "indicator,period,value\nNEW-PCT,2011-12-Q2,104\n")
    result = import_files([catalogue, values])
    assert result.ok, [str(issue) for issue in result.issues]
    assert Indicator.objects.get(code="NEW-PCT").may_exceed_100
