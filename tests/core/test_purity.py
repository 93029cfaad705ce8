"""core/ is pure Python: it imports neither Django nor any part of oversight outside core."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import oversight.core

CORE = Path(oversight.core.__file__).parent
MODULES = sorted(CORE.glob("*.py"))


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_has_modules_to_check() -> None:
    assert len(MODULES) > 5


@pytest.mark.parametrize("path", MODULES, ids=lambda path: path.name)
def test_a_core_module_imports_no_django_and_no_app(path: Path) -> None:
    outside = {
        name
        for name in _imported(path)
        if name == "django"
        or name.startswith("django.")
        or (name.startswith("oversight") and name != "oversight.core" and not name.startswith("oversight.core."))
    }
    assert outside == set()
