"""The measure catalogue in Markdown, generated from the cards so that the documentation cannot drift.

``python -m oversight.casework.catalogue docs/casework.md`` rewrites the section between the markers.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from oversight.casework.engine import MeasureCard, measure_cards

START = "<!-- measures: generated from the cards by oversight.casework.catalogue; do not edit by hand -->"
END = "<!-- end of measures -->"


def _cell(text: str | None) -> str:
    return (text or "–").replace("|", "\\|")


def _list(items: Sequence[str]) -> list[str]:
    return [f"- {item}" for item in items] or ["- none"]


def card_markdown(card: MeasureCard) -> str:
    working_days = card.working_day_convention.description if card.working_day_convention else "not used"
    lines = [
        f"### {card.title}",
        "",
        f"`{card.id}` version {card.version}. {card.definition}",
        "",
        f"- **Numerator:** {card.numerator}",
        f"- **Denominator:** {card.denominator or 'none: the figure is a count'}"
        + (f" It is {card.denominator_source.description}." if card.denominator_source else ""),
        f"- **Time basis:** {card.time_basis.description}"
        + (" (the return records it once a year: periods must end on 31 March)" if card.year_end_only else ""),
        f"- **Working days:** {working_days}",
        f"- **Polarity:** {card.polarity.phrase}. **Unit:** {card.unit.label}, "
        f"published to {card.decimal_places} decimal place{'' if card.decimal_places == 1 else 's'}",
        f"- **Legacy NI:** {card.legacy_ni or 'none'}. **DfE measure:** {card.dfe_measure_id or 'none'}",
        f"- **Published as:** {card.published_as or 'not published'}",
        f"- **Source tables:** {', '.join(card.source_tables)}",
        *(
            [f"- **Broken down by:** {', '.join(d.name.replace('_', ' ') for d in card.breakdown)}"]
            if card.breakdown
            else []
        ),
        "",
        "Included:",
        "",
        *_list(card.inclusions),
        "",
        "Excluded:",
        "",
        *_list(card.exclusions),
        "",
        "Rules not yet verified against DfE's guidance ([R]):",
        "",
        *_list(card.rules_unverified),
    ]
    return "\n".join(lines)


def catalogue_markdown(cards: Sequence[MeasureCard]) -> str:
    """The measures section: a summary table, then each card in full."""
    table = [
        "| measure | title | unit | polarity | legacy NI | DfE measure |",
        "|---|---|---|---|---|---|",
        *(
            f"| `{c.id}` | {_cell(c.title)} | {c.unit.label} | {c.polarity.value} | {_cell(c.legacy_ni)} "
            f"| {_cell(c.dfe_measure_id)} |"
            for c in cards
        ),
    ]
    return "\n\n".join(["\n".join(table), *(card_markdown(card) for card in cards)]) + "\n"


def with_catalogue(document: str, cards: Sequence[MeasureCard]) -> str:
    """``document`` with the text between the markers replaced by the catalogue."""
    before, start, rest = document.partition(START)
    _, end, after = rest.partition(END)
    if not start or not end:
        raise ValueError(f"the document has no '{START}' … '{END}' section")
    return f"{before}{START}\n\n{catalogue_markdown(cards)}\n{END}{after}"


def main(argv: Sequence[str]) -> int:
    for name in argv:
        path = Path(name)
        path.write_text(with_catalogue(path.read_text(encoding="utf-8"), measure_cards()), encoding="utf-8")
        print(f"Rewrote the measures section of {path}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
