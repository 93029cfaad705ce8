"""docs/architecture.md draws the dependency graph the code has, as scripts/dependency_graph.py prints it."""

from __future__ import annotations

import re
from pathlib import Path

from scripts.dependency_graph import dependency_mermaid

ARCHITECTURE = Path(__file__).resolve().parents[1] / "docs" / "architecture.md"


def test_the_architecture_doc_draws_the_graph_the_code_has() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    drawn = re.search(r"## Dependency graph\n.*?```mermaid\n(.*?)```", text, re.DOTALL)
    assert drawn is not None, "docs/architecture.md has no '## Dependency graph' section with a mermaid block"
    assert drawn[1] == dependency_mermaid(), "run scripts/dependency_graph.py and paste its output into the doc"
