from __future__ import annotations

from datetime import date

import pytest

from oversight.improvement.models import Plan, Recommendation, Source


@pytest.fixture
def source(db: None) -> Source:
    return Source.objects.create(
        slug="report-2011", kind=Source.Kind.INSPECTION, title="Inspection report", published_on=date(2011, 8, 19)
    )


@pytest.fixture
def recommendation(source: Source) -> Recommendation:
    plan = Plan.objects.create(slug="plan", title="A plan")
    return Recommendation.objects.create(
        plan=plan,
        source=source,
        order=1,
        text="Ensure that visits are recorded",
        timescale="IMMEDIATE",
        due_on=date(2011, 8, 19),
        reporting_schedule="Quarterly report to LSCB",
    )
