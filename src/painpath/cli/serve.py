"""``painpath serve``: migrate the database, then serve the web app with waitress.

waitress is a production-grade, pure-Python WSGI server (multi-threaded); static files are
served locally by WhiteNoise, so nothing comes from a CDN.
"""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")


def run(args: argparse.Namespace) -> int:
    import os

    from painpath.cli.django_setup import migrate_database, setup_django

    # Links in emails and .ics files must point at this server unless told otherwise.
    public_host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    os.environ.setdefault("PAINPATH_BASE_URL", f"http://{public_host}:{args.port}")

    setup_django()
    migrate_database()

    import waitress
    from django.conf import settings

    from painpath.web.wsgi import application

    vendor = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"PainPath on http://{args.host}:{args.port}/  (database: {vendor})")
    print(f"Data folder: {settings.DATA_DIR}")
    waitress.serve(
        application, host=args.host, port=args.port, threads=args.threads, ident="PainPath"
    )
    return 0
