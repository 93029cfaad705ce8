"""How a start reports its progress; no Django, so the command line can draw it before Django is set up."""

from __future__ import annotations


class Steps:
    """What a start reports as it goes: each step's name and size, then how far along it is. This one says
    nothing; the command line draws progress bars and the start page's job keeps it for the page to show."""

    def step(self, name: str, total: int | None) -> None:
        """A step begins: ``total`` things to do, or None where that is not known in advance."""

    def advance(self, done: int = 1) -> None:
        """``done`` more things of the step are done."""
