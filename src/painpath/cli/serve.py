"""``painpath serve``: migrate the database, then serve the web app with gunicorn.

gunicorn runs several worker processes (``--workers``, default: one per usable CPU core), each
with a few threads (``--threads``, the ``gthread`` worker, which keeps connections alive). More
than one process is what lets the server use more than one core: Django renders pages in
Python, and one process runs Python on one core at a time (the GIL). Nothing that decides what
a person sees is kept in a process's memory (README, "Patient web app"), so any worker can
answer any request. Static files are served by WhiteNoise, so nothing comes from a CDN.

The application is loaded once in the master process, after the migration (``preload_app``),
and the master's database connections are closed before the workers are forked: a connection
must never be shared between processes.

No access log: a request line can hold a private link. gunicorn's own error log goes through
the same redaction filter as Django's (``painpath.audit.logging.RedactPrivateLinks``).
"""

from __future__ import annotations

import argparse
import os
from typing import Any


def usable_cores() -> int:
    """How many CPU cores this process may run on (its affinity mask), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes (default: one per usable CPU core)",
    )
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (default 4)")


def gunicorn_options(args: argparse.Namespace) -> dict[str, Any]:
    """gunicorn settings for ``args`` (``--host``, ``--port``, ``--workers``, ``--threads``).

    Raises ``ValueError`` naming the option when a count is below 1.
    """
    workers = usable_cores() if args.workers is None else args.workers
    if workers < 1:
        raise ValueError(f"--workers must be at least 1, not {workers}")
    if args.threads < 1:
        raise ValueError(f"--threads must be at least 1, not {args.threads}")
    host = f"[{args.host}]" if ":" in args.host else args.host
    return {
        "bind": f"{host}:{args.port}",
        "workers": workers,
        "threads": args.threads,
        "worker_class": "gthread",
        "preload_app": True,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "painpath",
        # Take a client's request even if it waits a while in a worker's queue.
        "timeout": 60,
        "graceful_timeout": 20,
        # gunicorn >= 25 opens a runtime control socket in $HOME; PainPath does not use it, and
        # two servers on one machine (tests, benchmarks) would fight over the one path.
        "control_socket_disable": True,
        "logconfig_dict": {
            "version": 1,
            "disable_existing_loggers": False,
            # gunicorn applies this after Django's LOGGING and replaces the root logger's
            # handlers, so the root gets the same filters as in painpath.web.settings.
            "filters": {
                "private_links": {"()": "painpath.audit.logging.RedactPrivateLinks"},
                "no_client_error_tracebacks": {
                    "()": "painpath.web.logfilters.NoTracebackForClientErrors"
                },
            },
            "formatters": {
                "generic": {"format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s"}
            },
            "handlers": {
                "error_console": {
                    "class": "logging.StreamHandler",
                    "stream": "ext://sys.stderr",
                    "filters": ["private_links", "no_client_error_tracebacks"],
                    "formatter": "generic",
                }
            },
            "root": {"level": "WARNING", "handlers": ["error_console"]},
            "loggers": {
                "gunicorn.error": {
                    "level": "INFO",
                    "handlers": ["error_console"],
                    "propagate": False,
                }
            },
        },
    }


def run(args: argparse.Namespace) -> int:
    from painpath.cli.django_setup import migrate_database, setup_django

    try:
        options = gunicorn_options(args)
    except ValueError as exc:
        print(f"painpath serve: {exc}")
        return 2

    # Links in emails and .ics files must point at this server unless told otherwise.
    public_host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    os.environ.setdefault("PAINPATH_BASE_URL", f"http://{public_host}:{args.port}")

    setup_django()
    migrate_database()

    from django.conf import settings
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    from painpath.web.wsgi import application

    connections.close_all()  # before the fork: each worker opens its own connections

    class PainPathServer(BaseApplication):
        """gunicorn's documented embedding API: settings from a dict, the app already loaded."""

        def load_config(self) -> None:
            for key, value in options.items():
                if key in self.cfg.settings:  # older gunicorn releases lack some settings
                    self.cfg.set(key, value)

        def load(self) -> Any:
            return application

    vendor = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"PainPath on http://{args.host}:{args.port}/  (database: {vendor})")
    print(f"Data folder: {settings.DATA_DIR}")
    print(f"{options['workers']} worker processes x {options['threads']} threads", flush=True)
    PainPathServer().run()
    return 0
