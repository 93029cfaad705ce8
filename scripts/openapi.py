"""Write the REST API's OpenAPI document, as /api/v1/openapi.json serves it, to docs/openapi.json.

A test fails when the committed document and the served one differ: run this after changing the API, from the
repository root: ``.venv/bin/python scripts/openapi.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

DOCUMENT = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"


def openapi_text() -> str:
    """The served document, as the file holds it: indented, in the API's own order, ending with a newline."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings.test")
    import django

    django.setup()
    from oversight.api.views import api

    return json.dumps(api.get_openapi_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    DOCUMENT.write_text(openapi_text(), encoding="utf-8")
    print(f"Wrote {DOCUMENT}")
