from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from oversight.core.periods import parse_period
from oversight.demo.loader import demo_load
from oversight.performance.models import Scorecard
from oversight.performance.selectors import ScorecardView, scorecard_view
from oversight.performance.services import LoadResult

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def demo(db: None) -> LoadResult:
    """The demo scorecard (seed 001, Appendix A–C), loaded through the real importer."""
    result = demo_load()
    assert result.ok, [str(issue) for issue in result.issues]
    return result


@pytest.fixture
def q1_view(demo: LoadResult) -> ScorecardView:
    return scorecard_view(Scorecard.objects.get(slug="strategic"), parse_period("2011-12-Q1"))


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[[str, str], Path]:
    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text.strip() + "\n", encoding="utf-8")
        return path

    return write
