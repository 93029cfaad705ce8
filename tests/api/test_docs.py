"""docs/api.md's curl examples, run as written against a live server holding the demo."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
from decimal import Decimal
from pathlib import Path

from pytest_django.live_server_helper import LiveServer

from oversight.api.services import token_create
from oversight.performance.models import Observation
from tests.conftest import make_user

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def _blocks(info: str) -> list[tuple[str, str]]:
    """The guide's fenced blocks whose info string starts with ``info``: (the rest of the info string, the text)."""
    pattern = re.compile(rf"^```{info}(?P<rest>[^\n]*)\n(?P<body>.*?)^```", re.MULTILINE | re.DOTALL)
    return [(match["rest"].strip(), match["body"]) for match in pattern.finditer(GUIDE.read_text(encoding="utf-8"))]


def _curls() -> list[str]:
    return [line for _, body in _blocks("sh") for line in body.splitlines() if line.startswith("curl ")]


def test_the_guides_curl_examples_work_as_written(live_server: LiveServer, demo_live: None, tmp_path: Path) -> None:
    for name, body in _blocks("json"):
        if name:
            (tmp_path / name).write_text(body, encoding="utf-8")
    _, secret = token_create(user=make_user("data-team", "performance officer"), name="docs", scope="write", actor=None)
    env = {**os.environ, "OVERSIGHT": live_server.url, "TOKEN": secret}
    curls = _curls()
    assert len(curls) >= 7

    outputs = {}
    for command in curls:
        result = subprocess.run(
            ["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False
        )
        assert result.returncode == 0, (command, result.stdout, result.stderr)
        outputs[command] = result.stdout

    pushed = next(out for command, out in outputs.items() if "@q2.json" in command)
    assert json.loads(pushed) == {"rows": 3, "created": 3, "updated": 0, "unchanged": 0}
    assert Observation.objects.get(indicator__code="CSC-CORE-35WD", period="2011-12-Q2").value == Decimal("71.4")
    broken = json.loads(next(out for command, out in outputs.items() if "@broken.json" in command))
    assert [(e["row"], e["field"]) for e in broken["errors"]] == [(1, "value"), (2, "indicator")]
    documented = GUIDE.read_text(encoding="utf-8")
    assert all(f'"detail": "{e["detail"]}"' in documented for e in broken["errors"]), broken
    assert not Observation.objects.filter(period="2011-12-Q3", indicator__code="CSC-CORE-35WD").exists()
    with (tmp_path / "figures.csv").open(encoding="utf-8") as figures:
        rows = list(csv.DictReader(figures))
    assert rows
    assert {row["state"] for row in rows} <= {"approved", "published"}
    ratings = json.loads(next(out for command, out in outputs.items() if "/ratings?rating=red" in command))
    assert ratings["count"] > 0
    published = json.loads(next(out for command, out in outputs.items() if "/benchmarks/values?" in command))
    assert [(item["series"], item["period"], item["place"]) for item in published["items"]] == [
        ("appendix-d:neet", "June 2010", "895"),
        ("appendix-d:neet", "June 2011", "895"),
    ]
