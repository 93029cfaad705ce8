"""The start page and its job's page, with the job run in the request (the thread it gets in use is the same call)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from oversight.onboarding import worker
from oversight.onboarding.models import StartJob
from tests.casework.conftest import LA, LONGITUDINAL, TEST_KEY

YEAR = ("2017-header.csv", "2017-episodes.csv", "2017-reviews.csv", "2017-missing.csv")  # enough for a year


@pytest.fixture
def inline(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The job runs in the request, against a store and an uploads folder of the test's own."""
    settings.OVERSIGHT_PSEUDONYM_KEY = TEST_KEY.decode()
    settings.OVERSIGHT_CASEWORK_STORE = tmp_path / "casework.duckdb"
    settings.OVERSIGHT_UPLOADS = tmp_path / "uploads"
    monkeypatch.setattr(worker, "job_launch", lambda job: worker.job_run(job.pk))


def _uploads(*names: str, folder: Path = LONGITUDINAL) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(name, (folder / name).read_bytes()) for name in names]


def _council_id() -> int:
    from oversight.benchmarks.selectors import authority_by_code

    found = authority_by_code(LA)
    assert found is not None
    return found.pk


def test_the_start_page_asks_for_the_council_and_the_files(officer_client: Client) -> None:
    page = officer_client.get("/start/").content.decode()
    assert "<h1>Start with your council's returns</h1>" in page
    assert '<option value="' in page
    assert ">Cheshire East</option>" in page
    assert 'name="returns"' in page
    assert 'name="published"' in page
    assert 'enctype="multipart/form-data"' in page


def test_a_start_lands_on_the_computed_scorecard(officer_client: Client, inline: None, tmp_path: Path) -> None:
    officer_client.get("/start/")  # loads the councils
    response = officer_client.post("/start/", {"council": _council_id(), "returns": _uploads(*YEAR)})
    assert response.status_code == 302
    job = StartJob.objects.get()
    assert response["Location"] == f"/start/jobs/{job.pk}/"
    assert (job.state, job.scorecard, job.period) == (StartJob.State.DONE, "childrens-services", "2017-18")
    assert not Path(job.folder).exists()  # the uploads are gone once loaded
    landed = officer_client.get(response["Location"], follow=True)
    assert landed.redirect_chain[-1][0] == "/scorecards/childrens-services/2017-18/"
    page = landed.content.decode()
    assert "Scorecard &#x27;childrens-services&#x27; for Cheshire East (E06000049): 43 indicators created." in page
    assert "Children looked after at the end of the period" in page
    stay = officer_client.get(f"/start/jobs/{job.pk}/?stay=1").content.decode()
    assert "<h2>Done</h2>" in stay
    assert "Stop refreshing" not in stay


def test_problems_are_listed_file_by_file_in_the_words_of_the_command_line(
    officer_client: Client, inline: None, tmp_path: Path
) -> None:
    officer_client.get("/start/")
    bad = tmp_path / "2017-episodes.csv"
    lines = (LONGITUDINAL / "2017-episodes.csv").read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[lines[0].split(",").index("DECOM")] = "31/02/2017"
    bad.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    uploads = [*_uploads("2017-header.csv"), *_uploads("2017-episodes.csv", folder=tmp_path)]
    response = officer_client.post("/start/", {"council": _council_id(), "returns": uploads}, follow=True)
    page = response.content.decode()
    assert StartJob.objects.get().state == StartJob.State.FAILED
    assert "Stopped at loading the returns: 1 problem to fix" in page
    assert "<h3>2017-episodes.csv</h3>" in page
    assert "2017-episodes.csv, row 2, field &#x27;DECOM&#x27;: &#x27;31/02/2017&#x27; is not a date" in page


def test_a_running_job_refreshes_itself_and_shows_its_step(officer_client: Client) -> None:
    job = StartJob.objects.create(la=LA, state=StartJob.State.RUNNING, step="Loading the returns", step_number=2,
                                  done=3, total=8, returns=["a.csv"])  # fmt: skip
    response = officer_client.get(f"/start/jobs/{job.pk}/")
    assert response["Refresh"] == "2"
    page = response.content.decode()
    assert '<a href="?stay=1">Stop refreshing</a>' in page
    assert "Running: step 2 of 5, loading the returns" in page
    assert '<progress id="job-progress" max="8" value="3">' in page


def test_the_form_needs_a_council_and_returns(officer_client: Client) -> None:
    page = officer_client.post("/start/", {}).content.decode()
    assert "Choose the council" in page
    assert "Choose the return files to load" in page
    assert not StartJob.objects.exists()


def test_an_empty_home_page_points_a_performance_officer_at_the_start(officer_client: Client) -> None:
    page = officer_client.get("/").content.decode()
    assert "There are no scorecards yet" in page
    assert '<a href="/start/">Start with your council\'s returns</a>' in page


def test_two_returns_of_one_name_are_refused(officer_client: Client) -> None:
    officer_client.get("/start/")
    uploads = [*_uploads("2017-header.csv"), *_uploads("2017-header.csv")]
    page = officer_client.post("/start/", {"council": _council_id(), "returns": uploads}).content.decode()
    assert "Two files are named 2017-header.csv: rename one and choose them again" in page
    assert not StartJob.objects.exists()
