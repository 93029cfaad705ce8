"""``oversight`` commands run as a user runs them, each in a process of its own, without paying each time for the
libraries' imports.

A command started with ``python -m oversight`` spends most of a second importing Django, DuckDB, SQLGlot,
openpyxl and WeasyPrint before it does anything, and the command-line tests start about eighty of them. Here
one process per test worker imports those libraries once and forks a child for each command. The child is
still the command as a user runs it: its own process, environment, working directory, standard streams and
exit status, and ``python -m oversight`` run afresh in it. Nothing that reads settings is imported before the
fork (the libraries, and oversight.core, which imports no Django: an import contract holds it), so the data
directory and Django's settings come from the command's own environment.

Run as ``python -m tests.processes``, this module is that process: it reads one request per line on its
standard input and answers each with the child's exit status.
"""

from __future__ import annotations

import atexit
import compileall
import fcntl
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# None reads Django's settings, so what they import is the same whichever data directory a command is for.
_PRELOAD = (
    "django",
    "django.db.models",
    "django.core.management",
    "django.urls",
    "django.forms",
    "django.template",
    "django.test",
    "duckdb",
    "sqlglot",
    "sqlglot.dialects.duckdb",
    "openpyxl",
    "docx",
    "yaml",
    "lxml.etree",
    "defusedxml",
    "weasyprint",
    "vl_convert",
)


def _child(request: dict[str, Any]) -> None:
    """In the forked child: become ``python -m oversight ARGS`` with the request's streams and environment."""
    import runpy
    import traceback

    os.chdir(request["cwd"])
    if request.get("file_size_limit") is not None:  # as a full disk refuses a write past it
        limit = request["file_size_limit"]
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    for fd, (name, flags) in enumerate(
        [
            ("stdin", os.O_RDONLY),
            ("stdout", os.O_WRONLY | os.O_TRUNC),
            ("stderr", os.O_WRONLY | os.O_TRUNC),
        ]
    ):
        target = os.open(request[name], flags)
        os.dup2(target, fd)
        os.close(target)
    # New streams over the new descriptors, as a fresh interpreter makes them (nothing buffered is inherited).
    sys.stdin = open(0, encoding=sys.stdin.encoding, errors=sys.stdin.errors, closefd=False)  # noqa: SIM115
    sys.stdout = open(1, "w", encoding=sys.stdout.encoding, errors=sys.stdout.errors, closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", encoding=sys.stderr.encoding, errors="backslashreplace", closefd=False)  # noqa: SIM115
    os.environ.clear()
    os.environ.update(request["env"])
    sys.argv = ["-m", *request["args"]]
    code: object = 0
    try:
        runpy.run_module("oversight", run_name="__main__", alter_sys=True)
    except SystemExit as exit_:
        code = exit_.code
    except BaseException:  # noqa: BLE001 - reported as the interpreter reports an uncaught exception
        traceback.print_exc()
        code = 1
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    try:
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


def serve() -> None:
    """Import the libraries, then fork a child for each request read from standard input."""
    import importlib
    import pkgutil

    for name in _PRELOAD:
        importlib.import_module(name)
    core = importlib.import_module("oversight.core")
    for module in pkgutil.iter_modules(core.__path__, "oversight.core."):
        importlib.import_module(module.name)
    # Every command imports oversight's own modules afresh, a hundred of them. Compiled here once (those not compiled
    # already), as installing the package compiles them, each command reads them rather than compiling them again,
    # which is a quarter of a short command's time where the environment asks Python not to write bytecode
    # (PYTHONDONTWRITEBYTECODE) and no command leaves it behind.
    compileall.compile_dir(Path(core.__path__[0]).parent, quiet=2)
    from django.conf import settings

    # Each command must configure Django from its own environment, as a fresh process does.
    assert not settings.configured, "a library imported before the fork configured Django"
    assert not any(name.startswith("oversight.settings") for name in sys.modules)
    requests = sys.stdin.buffer
    answers = sys.stdout.buffer
    while line := requests.readline():
        request = json.loads(line)
        answers.flush()
        pid = os.fork()
        if pid == 0:
            _child(request)
        answers.write(json.dumps({"pid": pid}).encode() + b"\n")
        answers.flush()
        _, status = os.waitpid(pid, 0)
        answers.write(json.dumps({"returncode": os.waitstatus_to_exitcode(status)}).encode() + b"\n")
        answers.flush()


class OversightProcesses:
    """Runs ``oversight`` commands in children of one process that has imported the libraries."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._lock = threading.Lock()
        self._count = 0
        env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
        self._server = subprocess.Popen(
            [sys.executable, "-m", "tests.processes"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            cwd=Path(__file__).resolve().parent.parent,
        )
        assert self._server.stdin is not None
        assert self._server.stdout is not None
        self._requests, self._answers = self._server.stdin, self._server.stdout

    def run(
        self,
        args: Sequence[str],
        *,
        env: Mapping[str, str],
        input: str = "",
        timeout: float = 300,
        file_size_limit: int | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """As ``subprocess.run([sys.executable, "-m", "oversight", *args], env=env, input=input,
        capture_output=True, text=True, timeout=timeout, check=False)``; with ``file_size_limit``, as with a
        ``preexec_fn`` that sets RLIMIT_FSIZE to it."""
        with self._lock:
            self._count += 1
            streams = {name: self._folder / f"{self._count}.{name}" for name in ("stdin", "stdout", "stderr")}
            streams["stdin"].write_text(input)
            for name in ("stdout", "stderr"):
                streams[name].touch()
            request = {
                "args": list(args),
                "env": dict(env),
                "cwd": os.getcwd(),
                "file_size_limit": file_size_limit,
                **{name: str(path) for name, path in streams.items()},
            }
            self._requests.write(json.dumps(request).encode() + b"\n")
            self._requests.flush()
            started = self._answers.readline()
            if not started:
                raise RuntimeError("the process that forks the commands has ended; its error is above")
            pid = json.loads(started)["pid"]
            finished = threading.Timer(timeout, os.kill, (pid, 9))
            finished.start()
            try:
                answer = self._answers.readline()
            finally:
                timed_out = not finished.is_alive()
                finished.cancel()
            if timed_out:
                raise subprocess.TimeoutExpired(_command(args), timeout)
            returncode = json.loads(answer)["returncode"]
            # As text=True reads a child's output: decoded, with universal newlines.
            stdout, stderr = (_text(streams[name]) for name in ("stdout", "stderr"))
            for path in streams.values():
                path.unlink()
        return subprocess.CompletedProcess(_command(args), returncode, stdout=stdout, stderr=stderr)

    def close(self) -> None:
        self._requests.close()
        self._server.wait(timeout=30)
        shutil.rmtree(self._folder, ignore_errors=True)


def _text(path: Path) -> str:
    with open(path, encoding=None, newline=None) as stream:
        return stream.read()


_started: OversightProcesses | None = None


def oversight_run(
    args: Sequence[str],
    *,
    env: Mapping[str, str],
    input: str = "",
    timeout: float = 300,
    file_size_limit: int | None = None,
) -> subprocess.CompletedProcess[str]:
    """``oversight ARGS`` run in a process of its own, as ``subprocess.run`` runs it with ``capture_output=True,
    text=True, check=False`` (and files larger than ``file_size_limit`` bytes refused to it, if given); the forking
    process starts on the first command and stops when the tests end."""
    global _started  # noqa: PLW0603 - one forking process per test worker
    if _started is None:
        _started = OversightProcesses(Path(tempfile.mkdtemp(prefix="oversight-processes-")))
        atexit.register(_started.close)
    return _started.run(args, env=env, input=input, timeout=timeout, file_size_limit=file_size_limit)


def oversight_env(home: Path) -> dict[str, str]:
    """The test run's environment with ``home`` as the data directory, and Django's settings left to the command."""
    env = {**os.environ, "OVERSIGHT_HOME": str(home)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


@dataclass(frozen=True)
class DemoHome:
    """A data directory an ``oversight`` command made (``oversight demo --no-serve``, or ``oversight manage migrate``
    for an empty one), and what the command said."""

    home: Path
    result: subprocess.CompletedProcess[str]

    def copy(self, folder: Path) -> tuple[Path, subprocess.CompletedProcess[str]]:
        """The same data directory, copied into ``folder`` (emptied first, if it is there) for a test to change, and
        what the command said when it made it."""
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(self.home, folder)
        return folder, self.result


def _made_once(shared: Path, name: str, args: Sequence[str]) -> DemoHome:
    """``oversight ARGS`` run once into the data directory ``shared/NAME`` by whichever test worker asks first; the
    others wait for it and read what it made."""
    home, said = shared / name, shared / f"{name}.json"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not said.exists():
            result = oversight_run(args, env=oversight_env(home))
            said.write_text(json.dumps([result.returncode, result.stdout, result.stderr]), encoding="utf-8")
        returncode, stdout, stderr = json.loads(said.read_text(encoding="utf-8"))
    return DemoHome(home, subprocess.CompletedProcess(_command(args), returncode, stdout, stderr))


def demo_home_build(shared: Path) -> DemoHome:
    """``oversight demo --no-serve`` run once into ``shared``. The demo takes several seconds to load and the
    command-line tests of every app start from it, each on a copy of its own."""
    return _made_once(shared, "demo-home", ["demo", "--no-serve"])


def empty_home_build(shared: Path) -> DemoHome:
    """``oversight manage migrate`` run once into ``shared``: a data directory whose database holds the reference
    data and nothing else, as a council's first command leaves it. Migrating a new database takes a few seconds;
    the tests that start from an empty one (but do not test its making) each take a copy instead."""
    return _made_once(shared, "empty-home", ["manage", "migrate", "--no-input"])


def _command(args: Sequence[str]) -> list[str]:
    """The command line a user would type, as `subprocess.run` reports it."""
    return [sys.executable, "-m", "oversight", *args]


if __name__ == "__main__":
    serve()
