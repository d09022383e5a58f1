"""``painpath serve``: gunicorn with several worker processes, no access log, private links
redacted from its error log."""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from painpath.cli.serve import gunicorn_options, usable_cores

PAINPATH = str(Path(sys.executable).parent / "painpath")


def _options(**given: object) -> dict[str, object]:
    args = argparse.Namespace(host="127.0.0.1", port=8000, workers=None, threads=4)
    for key, value in given.items():
        setattr(args, key, value)
    return gunicorn_options(args)


def test_one_worker_process_per_usable_core_by_default() -> None:
    options = _options()
    assert options["workers"] == usable_cores() == len(os.sched_getaffinity(0))
    assert options["worker_class"] == "gthread" and options["threads"] == 4
    assert options["bind"] == "127.0.0.1:8000"
    assert options["accesslog"] is None  # a request line can hold a private link


def test_counts_below_one_are_refused_naming_the_option() -> None:
    with pytest.raises(ValueError, match="--workers"):
        _options(workers=0)
    with pytest.raises(ValueError, match="--threads"):
        _options(threads=0)


def test_an_ipv6_address_is_bracketed() -> None:
    assert _options(host="::1", port=9000)["bind"] == "[::1]:9000"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_serve_answers_from_several_processes_and_logs_no_private_link(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "PAINPATH_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "painpath.web.settings",
    }
    env.pop("DATABASE_URL", None)  # its own SQLite file in tmp_path
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [PAINPATH, "serve", "--port", str(port), "--workers", "2", "--threads", "2"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    status, body = _get(port, "/")
                    break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise AssertionError(log.read_text()) from None
                    time.sleep(0.2)
            assert status == 200 and b"PainPath" in body
            secret = "Q" * 43
            assert _get(port, f"/r/{secret}/")[0] == 404
            workers = subprocess.run(
                ["pgrep", "-P", str(server.pid)], capture_output=True, text=True, check=False
            ).stdout.split()
            assert len(workers) == 2
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    text = log.read_text()
    assert "2 worker processes x 2 threads" in text
    assert "Not Found: /r/[private]/" in text
    assert secret not in text
