"""Print which of oversight's packages import which, as a Mermaid flowchart (docs/architecture.md holds it).

An arrow ``a --> b`` says some module of ``a`` imports some module of ``b``, at the top of a file or inside a
function. The graph is grimp's, the one import-linter checks the contracts in pyproject.toml against.
Run from the repository root: ``.venv/bin/python scripts/dependency_graph.py``.
"""

from __future__ import annotations

import grimp

ROOT = "oversight"
# Plumbing rather than parts: the entry points and the settings.
LEFT_OUT = frozenset({"__main__", "settings", "urls", "wsgi"})


def dependency_edges() -> list[tuple[str, str]]:
    """Each (importer, imported) pair of oversight's packages, by name, sorted."""
    graph = grimp.build_graph(ROOT)
    names = sorted(child.removeprefix(f"{ROOT}.") for child in graph.find_children(ROOT))
    parts = [name for name in names if name not in LEFT_OUT]
    return [
        (importer, imported)
        for importer in parts
        for imported in parts
        if importer != imported
        and graph.direct_import_exists(importer=f"{ROOT}.{importer}", imported=f"{ROOT}.{imported}", as_packages=True)
    ]


def dependency_mermaid() -> str:
    lines = ["flowchart TD", *(f"    {importer} --> {imported}" for importer, imported in dependency_edges())]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(dependency_mermaid(), end="")
