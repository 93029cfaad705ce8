"""Which way is better for an indicator."""

from __future__ import annotations

from enum import StrEnum


class Polarity(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"
    NEITHER = "neither"

    @property
    def phrase(self) -> str:
        return {
            Polarity.HIGHER: "higher is better",
            Polarity.LOWER: "lower is better",
            Polarity.NEITHER: "neither higher nor lower is better",
        }[self]
