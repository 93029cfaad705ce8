"""``oversight serve``: oversight on a council's server, as gunicorn with the production settings.

Static files (the admin's included) are served by WhiteNoise inside each worker, so an app server needs nothing but
the package and its environment; sessions, sign-in failures and locks are in the database, so any number of app
servers in front of one PostgreSQL behave as one service (docs/deploy.md).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from oversight.commandline import setup


def _from_environment(name: str, default: str) -> str:
    return os.environ.get(name, default) or default


def register(commands: Any) -> None:
    serve = commands.add_parser(
        "serve", help="serve oversight in production: gunicorn, production settings, static files (docs/deploy.md)"
    )
    serve.add_argument(
        "--bind",
        default=_from_environment("OVERSIGHT_BIND", "127.0.0.1:8000"),
        help="address and port to listen on, behind the reverse proxy (OVERSIGHT_BIND; default 127.0.0.1:8000)",
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=int(_from_environment("OVERSIGHT_WORKERS", "2")),
        help="worker processes (OVERSIGHT_WORKERS; default 2): about one for each core",
    )
    serve.add_argument(
        "--threads",
        type=int,
        default=int(_from_environment("OVERSIGHT_THREADS", "4")),
        help="threads in each worker (OVERSIGHT_THREADS; default 4): requests that wait on the database overlap",
    )
    serve.add_argument(
        "--timeout",
        type=int,
        default=int(_from_environment("OVERSIGHT_REQUEST_TIMEOUT", "120")),
        help="seconds a request may take before its worker is restarted (OVERSIGHT_REQUEST_TIMEOUT; default 120): "
        "long enough for a large import or a committee pack",
    )
    serve.set_defaults(func=cmd_serve)


def database_unmigrated() -> list[str]:
    """The migrations not yet applied to the database, as ``app.name``."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def _worker_ready(worker: Any) -> None:
    from oversight.reports.charts import charts_warm

    charts_warm()


def cmd_serve(args: argparse.Namespace) -> int:
    # Always the production settings: a shell left with the demo's settings must not serve them to a council.
    os.environ["DJANGO_SETTINGS_MODULE"] = "oversight.settings.production"
    from django.core.exceptions import ImproperlyConfigured

    try:
        setup()
    except ImproperlyConfigured as error:
        print(f"oversight serve did not start: {error}", file=sys.stderr)
        return 2
    from django.db import connections

    from oversight.settings.base import HOME

    HOME.mkdir(parents=True, exist_ok=True)  # the embedded database's folder, on a first start
    # Several app servers start at once; one migration run, before them, brings the database up to date.
    unmigrated = database_unmigrated()
    connections.close_all()  # each worker opens its own, after the fork
    if unmigrated:
        print(
            f"oversight serve did not start: the database lacks {len(unmigrated)} migration(s) "
            f"({', '.join(unmigrated[:3])}{' …' if len(unmigrated) > 3 else ''}). "
            "Run `oversight manage migrate` once, then start the servers.",
            file=sys.stderr,
        )
        return 1

    from django.core.wsgi import get_wsgi_application
    from gunicorn.app.base import BaseApplication

    application = get_wsgi_application()
    options = {
        "bind": args.bind,
        "workers": args.workers,
        "threads": args.threads,
        "worker_class": "gthread",
        "timeout": args.timeout,
        "accesslog": "-",
        "errorlog": "-",
        "proc_name": "oversight",
        # gunicorn's runtime control socket is one path per account: several servers on one machine would share it.
        "control_socket_disable": True,
        # Each worker starts the charts' JavaScript engine before it takes a request, not in a reader's first chart.
        "post_worker_init": _worker_ready,
    }

    class Server(BaseApplication):  # type: ignore[misc]  # gunicorn ships no type information
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return application

    print(f"oversight is serving on {args.bind} ({args.workers} workers × {args.threads} threads)", flush=True)
    Server().run()
    return 0
