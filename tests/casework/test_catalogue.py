"""The documentation's measure catalogue is generated from the cards, so code and documentation cannot drift."""

from pathlib import Path

import pytest

from oversight.casework.catalogue import END, START, catalogue_markdown, with_catalogue
from oversight.casework.engine import measure_card, measure_cards

DOCS = Path(__file__).resolve().parents[2] / "docs" / "casework.md"


def test_the_documented_catalogue_is_the_one_the_cards_generate() -> None:
    document = DOCS.read_text(encoding="utf-8")
    assert document == with_catalogue(document, measure_cards()), (
        "docs/casework.md is out of date: run python -m oversight.casework.catalogue docs/casework.md"
    )
    assert f"{START}\n\n{catalogue_markdown(measure_cards())}\n{END}" in document


def test_each_card_appears_with_its_definition_and_unverified_rules() -> None:
    text = catalogue_markdown([measure_card("cla_reviews_on_time")])
    assert "| `cla_reviews_on_time` | Looked-after children's cases reviewed within the required timescales |" in text
    assert "- **Working days:** working days after the start day up to and including the end day" in text
    assert "- **Legacy NI:** NI 66. **DfE measure:** none" in text
    assert "- A review due on the last day of the period and not held that day is late." in text


def test_a_document_without_the_markers_is_refused() -> None:
    with pytest.raises(ValueError, match="has no"):
        with_catalogue("# Casework\n", measure_cards())
