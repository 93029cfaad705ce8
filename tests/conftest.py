from __future__ import annotations

import dataclasses
import gc
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.test import Client
from pytest_django import DjangoDbBlocker

import tests.properties  # noqa: F401 - registers and loads the hypothesis profiles
from oversight.core.periods import parse_period
from oversight.demo.casework import DEMO_COUNCILS, CaseworkDemo, demo_casework_load
from oversight.demo.loader import demo_load
from oversight.performance.models import Scorecard
from oversight.performance.selectors import ScorecardView, scorecard_view
from oversight.performance.services import LoadResult
from tests.postgres import sequences_reset
from tests.processes import DemoHome, demo_home_build, empty_home_build
from tests.snapshot import IMAGES, DatabaseSnapshot, Images

DATA = Path(__file__).resolve().parent / "data"
T = TypeVar("T")

# The runner puts a worker on each core already, so each store's DuckDB works with one thread, as do the commands the
# tests run (they inherit this environment). With one for each core, every worker's DuckDB threads would contend for
# the same cores: the casework tests took about a tenth more CPU. A run gives the same results whatever the number of
# threads (tests/casework/test_shared_tables.py), and bench/ loads and computes with DuckDB's own number.
os.environ.setdefault("OVERSIGHT_CASEWORK_THREADS", "1")


def pytest_collection_finish(session: pytest.Session) -> None:
    """Python's collector of reference cycles, set for a long run of short tests in one process.

    By the time the tests start, a worker holds Django, the libraries and every test module: about 300,000 objects
    that live as long as the worker. Every full collection walked them all again (0.1 to 0.2 CPU-s each), and the
    young collections ran every 700 allocations: together about a tenth of a worker's CPU. They are set aside once
    (``gc.freeze``: never walked again), and the collections run less often. Cycles are still collected, only later,
    and pytest collects once more at the end of the run, where what an unclosed file or connection left behind is
    reported as before."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The browser tests first, the rest after them, each in the order collected. A worker runs whole modules as
    they come (``--dist loadfile``), and Chromium runs for as long as a worker is in the browser tests' package, so a
    worker that went in and out of that package would start Chromium each time."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is None)


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> DatabaseSnapshot:
    """The demo loaded once through the real importer, kept as rows and rolled back.

    Loading the demo takes about a second; a hundred tests and every browser test need it. Each of them gets
    the rows written back (a few milliseconds) instead; ``test_the_demo_snapshot_is_what_the_importer_writes``
    checks that the rows written back are the rows the importer writes.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        sequences_reset()  # keys as a fresh database gives them, whichever tests ran on this worker before
        result = demo_load()
        assert result.ok, [str(issue) for issue in result.issues]
        snapshot = DatabaseSnapshot.take(result)
        transaction.set_rollback(True)
    return snapshot


@pytest.fixture(autouse=True)
def _demo_before_anything_else(request: pytest.FixtureRequest) -> None:
    """Write the demo back before any other fixture writes, since writing it back replaces every table."""
    for name in ("demo", "demo_live", "demo_casework", "demo_casework_first"):
        if name in request.fixturenames:
            request.getfixturevalue(name)


def _shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run's folder: under pytest-xdist each worker has its own folder inside it, and the workers share it."""
    made = tmp_path_factory.getbasetemp()
    return made.parent if os.environ.get("PYTEST_XDIST_WORKER") else made


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> DemoHome:
    """A data directory made by ``oversight demo --no-serve``, once for the whole run; copy it before changing it."""
    return demo_home_build(_shared_folder(tmp_path_factory))


@pytest.fixture(scope="session")
def empty_home(tmp_path_factory: pytest.TempPathFactory) -> DemoHome:
    """A data directory made by ``oversight manage migrate``, once for the whole run: a migrated database with the
    reference data alone. Copy it before changing it."""
    return empty_home_build(_shared_folder(tmp_path_factory))


def _written(write: Callable[[], T], blocker: DjangoDbBlocker) -> Iterator[T | None]:
    """Over in-memory SQLite, ``write`` run before the test's transaction begins (it writes an image into the
    database) and the database as the test found it written back after the transaction is rolled back: what
    ``write`` returns. None where that cannot be (PostgreSQL, or a transaction already begun): the test's own fixture
    then writes the rows inside its transaction."""
    if not Images.apply() or connection.in_atomic_block:
        yield None
        return
    with blocker.unblock():
        found = Images.copy()
        try:
            written = write()
        except BaseException:
            Images.write(found)  # nothing a failed image committed is left for the next test
            raise
    yield written
    with blocker.unblock():
        Images.write(found)


def demo_image(snapshot: DatabaseSnapshot) -> LoadResult:
    """Write the demo into the database as an image (its rows written the first time on this worker); what its
    load reported."""
    IMAGES.put("demo", snapshot.restore)
    return snapshot.result_copy()


_CASEWORK_LOADED: dict[int, CaseworkDemo] = {}  # on this worker, by the number of synthetic councils loaded


def demo_casework_image(councils: int, snapshot: DatabaseSnapshot, factory: pytest.TempPathFactory) -> CaseworkDemo:
    """Write the demo with the first ``councils`` synthetic councils' casework into the database as an image (loaded
    the first time on this worker); what the load reported, its store the one kept on this worker, for a test to
    copy."""

    def make() -> None:
        snapshot.restore()
        kept = factory.getbasetemp() / f"demo-casework-{councils}.duckdb"
        _CASEWORK_LOADED[councils] = demo_casework_load(kept, councils=DEMO_COUNCILS[:councils])

    IMAGES.put(f"demo-casework-{councils}", make)
    return _CASEWORK_LOADED[councils]


@pytest.fixture
def _demo_image(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker, demo_snapshot: DatabaseSnapshot
) -> Iterator[LoadResult | None]:
    yield from _written(lambda: demo_image(demo_snapshot), django_db_blocker)


@pytest.fixture
def demo(_demo_image: LoadResult | None, db: None, demo_snapshot: DatabaseSnapshot) -> LoadResult:
    """The demo scorecard (seed 001, Appendix A–C), as the real importer loads it."""
    return _demo_image if _demo_image is not None else demo_snapshot.restore()


def _casework_image(
    councils: int, blocker: DjangoDbBlocker, snapshot: DatabaseSnapshot, factory: pytest.TempPathFactory
) -> Iterator[CaseworkDemo | None]:
    yield from _written(lambda: demo_casework_image(councils, snapshot, factory), blocker)


def _casework_copy(built: CaseworkDemo | None, councils: int, snapshot: DatabaseSnapshot, folder: Path) -> CaseworkDemo:
    """The test's own copy of the store written with the image, or (with no image) the casework loaded afresh."""
    store = folder / "casework.duckdb"
    if built is None:
        snapshot.restore()
        return demo_casework_load(store, councils=DEMO_COUNCILS[:councils])
    shutil.copyfile(built.store, store)
    return dataclasses.replace(built, store=store)


@pytest.fixture
def _casework_image_all(
    django_db_setup: None,
    django_db_blocker: DjangoDbBlocker,
    demo_snapshot: DatabaseSnapshot,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[CaseworkDemo | None]:
    yield from _casework_image(len(DEMO_COUNCILS), django_db_blocker, demo_snapshot, tmp_path_factory)


@pytest.fixture
def _casework_image_first(
    django_db_setup: None,
    django_db_blocker: DjangoDbBlocker,
    demo_snapshot: DatabaseSnapshot,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[CaseworkDemo | None]:
    yield from _casework_image(1, django_db_blocker, demo_snapshot, tmp_path_factory)


@pytest.fixture
def demo_casework(
    _casework_image_all: CaseworkDemo | None, db: None, demo_snapshot: DatabaseSnapshot, tmp_path: Path
) -> CaseworkDemo:
    """The demo with every synthetic council's returns loaded into a store of the test's own (``casework.duckdb`` in
    its folder) and their figures on their scorecards, as ``demo_casework_load`` writes them."""
    return _casework_copy(_casework_image_all, len(DEMO_COUNCILS), demo_snapshot, tmp_path)


@pytest.fixture
def demo_casework_first(
    _casework_image_first: CaseworkDemo | None, db: None, demo_snapshot: DatabaseSnapshot, tmp_path: Path
) -> CaseworkDemo:
    """As ``demo_casework``, with the first synthetic council's returns alone (``councils=DEMO_COUNCILS[:1]``)."""
    return _casework_copy(_casework_image_first, 1, demo_snapshot, tmp_path)


@pytest.fixture
def demo_live(transactional_db: None, demo_snapshot: DatabaseSnapshot) -> None:
    """The demo scorecard, committed so that a live server's thread can read it (the browser and API tests)."""
    demo_snapshot.restore()


@pytest.fixture
def q1_view(demo: LoadResult) -> ScorecardView:
    return scorecard_view(Scorecard.objects.get(slug="strategic"), parse_period("2011-12-Q1"))


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[[str, str], Path]:
    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text.strip() + "\n", encoding="utf-8")
        return path

    return write


PASSWORD = "a-long-test-password"


def make_user(username: str, *roles: str) -> User:
    """A user with the given roles (role names as in oversight.accounts.roles.Role)."""
    from oversight.accounts.roles import Role
    from oversight.accounts.services import user_create

    return user_create(username=username, password=PASSWORD, roles={Role(role) for role in roles})


@pytest.fixture
def anonymous_client() -> Client:
    return Client()


@pytest.fixture
def client(db: None) -> Client:
    """A client signed in as a reader, as most pages need; tests that change things sign in as more."""
    signed_in = Client()
    signed_in.force_login(make_user("reader", "reader"))
    return signed_in


@pytest.fixture
def officer_client(db: None) -> Client:
    signed_in = Client()
    signed_in.force_login(make_user("officer", "performance officer"))
    return signed_in


@pytest.fixture
def q1_open(demo: LoadResult) -> None:
    """The demo's 2011-12 Q1, approved when the demo loads, reopened by an approver so a test may change it."""
    from oversight.performance.signoff import signoff_reopen

    signoff_reopen(
        scorecard=Scorecard.objects.get(slug="strategic"),
        period=parse_period("2011-12-Q1"),
        user=make_user("reopener", "approver"),
        reason="a test changes the quarter",
    )
