"""Year-end projection from the year to date: where an indicator is heading, said with its method and its
uncertainty. A projection is never a rating: nothing here is compared with a target.

Two methods, each stated with the figure it gives:

- **run rate**: for a count over the year, the count so far × 12 ÷ the months elapsed; for a rate or
  percentage, the rate so far carried forward to the year end;
- **same period last year**: this year so far × last year's full year ÷ last year's figure for the same months,
  when last year's figures exist (the year's shape, such as a busy winter, is assumed to repeat).

The uncertainty is the range between the two methods where both can be worked out, widened by an approximate
95% interval for the run rate where the counts behind it are known: for a count, the rest of the year as a
Poisson count at the rate so far (with that rate's own uncertainty); for a percentage with its denominator, the
rest of the year as that many more cases at the proportion so far.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

MONTHS_IN_YEAR = 12
Z_95 = Decimal("1.96")


class Method(StrEnum):
    RUN_RATE = "run_rate"
    LAST_YEAR = "last_year"

    @property
    def label(self) -> str:
        return {Method.RUN_RATE: "run rate", Method.LAST_YEAR: "same period last year"}[self]


@dataclass(frozen=True)
class Estimate:
    method: Method
    value: Decimal
    working: str  # how the figure was reached, in words


@dataclass(frozen=True)
class Projection:
    estimates: tuple[Estimate, ...]  # run rate first
    low: Decimal
    high: Decimal
    complete: bool  # the year is over: the projection is the year's figure
    sentence: str  # the projection, each method and the uncertainty, in words

    @property
    def value(self) -> Decimal:
        """The run rate's figure: the method that needs nothing but this year's figures."""
        return self.estimates[0].value


Format = Callable[[Decimal], str]


def _plain(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.1')).normalize():f}"


def _months(months: int) -> str:
    return "1 month" if months == 1 else f"{months} months"


def _check(months_elapsed: int) -> None:
    if not 1 <= months_elapsed <= MONTHS_IN_YEAR:
        raise ValueError(f"months elapsed must be 1 to {MONTHS_IN_YEAR}, not {months_elapsed}")


def count_project(
    year_to_date: Decimal,
    months_elapsed: int,
    *,
    last_year_total: Decimal | None = None,
    last_year_same_period: Decimal | None = None,
    fmt: Format = _plain,
) -> Projection:
    """The year-end total of a count over the year (in-period counts summed), from the total so far."""
    _check(months_elapsed)
    if months_elapsed == MONTHS_IN_YEAR:
        return _complete(year_to_date, fmt)
    run_rate = year_to_date * MONTHS_IN_YEAR / months_elapsed
    estimates = [
        Estimate(
            Method.RUN_RATE,
            run_rate,
            f"{fmt(year_to_date)} in the first {_months(months_elapsed)} × 12 ÷ {months_elapsed}",
        )
    ]
    if last_year_total is not None and last_year_same_period:
        estimates.append(
            Estimate(
                Method.LAST_YEAR,
                # never less than is counted already, whatever last year's figures say
                max(year_to_date * last_year_total / last_year_same_period, year_to_date),
                f"{fmt(year_to_date)} × last year's {fmt(last_year_total)} ÷ the {fmt(last_year_same_period)} of "
                "its same months",
            )
        )
    # The rest of the year as a Poisson count at the rate so far, with that rate's own uncertainty:
    # variance λ·r + r²·λ/m for r months to come at λ a month estimated from m months, = 12·YTD·r ÷ m².
    rest = MONTHS_IN_YEAR - months_elapsed
    spread = Z_95 * (MONTHS_IN_YEAR * year_to_date * rest / months_elapsed**2).sqrt()
    interval = (max(run_rate - spread, year_to_date), run_rate + spread)
    return _projection(estimates, interval, fmt)


def rate_project(
    year_to_date: Decimal,
    months_elapsed: int,
    *,
    last_year_rate: Decimal | None = None,
    last_year_same_period: Decimal | None = None,
    denominator: Decimal | None = None,
    scale: Decimal | None = None,
    fmt: Format = _plain,
) -> Projection:
    """The year-end figure of a rate or percentage, from the rate so far. With ``denominator`` (the cases counted
    so far) and ``scale`` (100 for a percentage: the rate is a proportion × scale) it has an interval too."""
    _check(months_elapsed)
    if months_elapsed == MONTHS_IN_YEAR:
        return _complete(year_to_date, fmt)
    estimates = [
        Estimate(Method.RUN_RATE, year_to_date, f"the {fmt(year_to_date)} of the first {_months(months_elapsed)}")
    ]
    if last_year_rate is not None and last_year_same_period:
        estimates.append(
            Estimate(
                Method.LAST_YEAR,
                year_to_date * last_year_rate / last_year_same_period,
                f"{fmt(year_to_date)} × last year's {fmt(last_year_rate)} ÷ the {fmt(last_year_same_period)} of "
                "its same months",
            )
        )
    interval = None
    if denominator and scale:
        # The year's proportion mixes the cases so far with as many again a month for the rest of the year, each
        # at the proportion so far: variance p(1 − p)·r ÷ (12·n) for r months to come and n cases so far.
        p = min(max(year_to_date / scale, Decimal(0)), Decimal(1))
        rest = MONTHS_IN_YEAR - months_elapsed
        spread = Z_95 * (p * (1 - p) * rest / (MONTHS_IN_YEAR * denominator)).sqrt() * scale
        interval = (max(year_to_date - spread, Decimal(0)), min(year_to_date + spread, scale))
    return _projection(estimates, interval, fmt)


def _complete(value: Decimal, fmt: Format) -> Projection:
    estimate = Estimate(Method.RUN_RATE, value, "the whole year's figure")
    sentence = f"The year is complete: its figure is {fmt(value)}, so there is nothing left to project."
    return Projection((estimate,), value, value, True, sentence)


def _projection(estimates: list[Estimate], interval: tuple[Decimal, Decimal] | None, fmt: Format) -> Projection:
    figures = [estimate.value for estimate in estimates]
    low, high = min(figures), max(figures)
    said = "; ".join(
        f"{fmt(estimate.value)} by the {estimate.method.label} ({estimate.working})" for estimate in estimates
    )
    parts = []
    if len(estimates) > 1:
        parts.append(f"the two methods give {fmt(low)} to {fmt(high)}")
    if interval is not None:
        parts.append(
            f"roughly {fmt(interval[0])} to {fmt(interval[1])} is an approximate 95% interval if the rest of the "
            "year is like the year so far"
        )
        low, high = min(low, interval[0]), max(high, interval[1])
    if not parts:
        parts.append("there is no second method or count to say how uncertain it is, so treat it as a rough guide")
    sentence = f"Projected year end: {said}. How sure: {'; '.join(parts)}. A projection is not a rating."
    return Projection(tuple(estimates), low, high, False, sentence)
