"""Benchmark: result page time with 20 concurrent clients against ``painpath serve``.

Run as a script (prints the figures quoted in README.md, section "Patient web app")::

    .venv/bin/python benchmarks/bench_result_page.py
    .venv/bin/python benchmarks/bench_result_page.py --clients 20 --requests 50 --intakes 200

What it does:

1. Makes a fresh data folder (SQLite) or uses ``DATABASE_URL`` when set, migrates it and stores
   ``--intakes`` intakes (answers from ``../shared/cases``) through the same service the web app
   uses, keeping their private tokens.
2. Starts ``painpath serve`` on a free port of 127.0.0.1 (gunicorn: ``--workers`` processes,
   default one per usable core, each with ``--threads`` threads), waits until it answers.
3. Runs ``--clients`` asyncio clients; each opens its own keep-alive HTTP connection and GETs
   ``--requests`` result pages (random intakes, so the database is really read). Every response
   must be ``200``.
   With ``--cold`` every request is the first visit of its intake (``clients * requests``
   intakes are stored). The server keeps no rendered pages, so repeat visits differ from first
   visits only by what the database and the operating system keep warm.
4. Prints the latency (send to last byte, on the loopback interface, so essentially server
   time plus queueing) as median, p95, p99 and max, the throughput, and the machine's load
   average before the run (other work on a shared machine shows in the figures). Target: p95 <
   100 ms. ``--rounds N`` repeats the measurement against the same server and prints each round.

The client is bounded (a fixed number of threads and requests): it measures, it does not flood.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CASES_DIR = ROOT.parent / "shared" / "cases"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _seed(env: dict[str, str], intakes: int) -> list[str]:
    """Store ``intakes`` intakes in the benchmark database (child process); return tokens."""
    code = (
        "import json, sys\n"
        "from painpath.cli.django_setup import migrate_database, setup_django\n"
        "setup_django(); migrate_database()\n"
        "from painpath.patients.services import submit_answers\n"
        "from painpath.patients.tokens import new_secret\n"
        "cases = json.load(sys.stdin)\n"
        "out = []\n"
        "for i in range(int(sys.argv[1])):\n"
        "    out.append(submit_answers(cases[i % len(cases)], new_secret()).token)\n"
        "print(json.dumps(out))\n"
    )
    cases = []
    for path in sorted(CASES_DIR.glob("*.json")):
        cases.append(json.loads(path.read_text(encoding="utf-8"))["answers"])
    done = subprocess.run(
        [sys.executable, "-c", code, str(intakes)],
        input=json.dumps(cases),
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    tokens: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return tokens


def _wait_until_up(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/")
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("painpath serve did not start")


async def _client(port: int, paths: list[str], out: list[float], errors: list[str]) -> None:
    """One keep-alive HTTP/1.1 connection GETting ``paths`` in turn (asyncio streams: a
    coroutine per client costs far less CPU than a thread, so the client disturbs the server
    it measures as little as possible on a small machine)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for path in paths:
        start = time.perf_counter()
        writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode("ascii"))
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        await reader.readexactly(length)
        out.append(time.perf_counter() - start)
        if status != 200:
            errors.append(f"{status} for a result page")
    writer.close()
    await writer.wait_closed()


async def _run_clients(port: int, plans: list[list[str]]) -> tuple[list[float], list[str], float]:
    latencies: list[float] = []
    errors: list[str] = []
    began = time.perf_counter()
    await asyncio.gather(*(_client(port, plan, latencies, errors) for plan in plans))
    return latencies, errors, time.perf_counter() - began


def _figures(samples_s: list[float], wall: float) -> dict[str, Any]:
    samples = sorted(x * 1000 for x in samples_s)
    cuts = statistics.quantiles(samples, n=100)
    return {
        "requests": len(samples),
        "median_ms": round(statistics.median(samples), 1),
        "p95_ms": round(cuts[94], 1),
        "p99_ms": round(cuts[98], 1),
        "max_ms": round(samples[-1], 1),
        "throughput_rps": round(len(samples) / wall, 1),
        "load_average_before": round(os.getloadavg()[0], 2),
    }


def run(
    clients: int,
    requests: int,
    intakes: int,
    workers: int | None,
    threads: int,
    cold: bool = False,
    rounds: int = 1,
) -> list[dict[str, Any]]:
    """Run the benchmark ``rounds`` times against one server; returns each round's figures
    (milliseconds, requests per second). With ``cold`` every request of every round is the
    first visit of an intake nobody has opened yet."""
    env = dict(os.environ)
    data_dir = tempfile.mkdtemp(prefix="painpath-bench-")
    env["PAINPATH_DATA_DIR"] = data_dir
    env.setdefault("DJANGO_SETTINGS_MODULE", "painpath.web.settings")
    per_round = clients * requests
    # Cold: one intake per request of every round, plus one per client for the warm-up.
    tokens = _seed(env, max(intakes, per_round * rounds + clients) if cold else intakes)
    warm_up_pages = [f"/r/{t}/" for t in tokens[len(tokens) - clients :]]
    port = _free_port()
    command = [str(Path(sys.executable).parent / "painpath"), "serve", "--port", str(port),
               "--threads", str(threads)]  # fmt: skip
    if workers is not None:
        command += ["--workers", str(workers)]
    quiet = subprocess.DEVNULL
    server = subprocess.Popen(command, env=env, stdout=quiet, stderr=quiet)
    results: list[dict[str, Any]] = []
    try:
        _wait_until_up(port)
        rng = random.Random(4)
        # Warm-up: templates, knowledge base and connections in every worker and thread (the
        # result pages of the last intakes, which no round opens when cold).
        asyncio.run(_run_clients(port, [["/", "/conditions/", p] * 5 for p in warm_up_pages]))
        if not cold:
            asyncio.run(_run_clients(port, [[f"/r/{t}/" for t in tokens]]))
        for number in range(rounds):
            if cold:
                fresh = [f"/r/{t}/" for t in tokens[number * per_round : (number + 1) * per_round]]
                plans = [fresh[i * requests : (i + 1) * requests] for i in range(clients)]
            else:
                plans = [
                    [f"/r/{rng.choice(tokens)}/" for _ in range(requests)] for _ in range(clients)
                ]
            load = os.getloadavg()[0]
            samples_s, errors, wall = asyncio.run(_run_clients(port, plans))
            if errors:
                raise SystemExit(f"{len(errors)} failed requests, e.g. {errors[0]}")
            figures = _figures(samples_s, wall)
            figures["load_average_before"] = round(load, 2)
            results.append(figures)
    finally:
        server.terminate()
        server.wait(timeout=20)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=50, help="per client")
    parser.add_argument("--intakes", type=int, default=200)
    parser.add_argument(
        "--workers", type=int, default=None, help="server processes (default: one per core)"
    )
    parser.add_argument("--threads", type=int, default=4, help="threads per server process")
    parser.add_argument(
        "--cold", action="store_true", help="every request a first visit of its intake"
    )
    parser.add_argument("--rounds", type=int, default=1, help="measurements against one server")
    args = parser.parse_args()
    rounds = run(
        args.clients, args.requests, args.intakes, args.workers, args.threads, args.cold,
        args.rounds,
    )  # fmt: skip
    print(json.dumps({
        "clients": args.clients,
        "server": f"painpath serve: {args.workers or 'one per core'} x {args.threads} threads",
        "cores": os.cpu_count(),
        "pages": "first visits (cold)" if args.cold else "repeat visits (warm)",
        "rounds": rounds,
    }, indent=2))  # fmt: skip
    worst = max(r["p95_ms"] for r in rounds)
    target = "met" if worst < 100 else "NOT met"
    print(f"worst p95 {worst} ms over {len(rounds)} round(s), {args.clients} concurrent clients:"
          f" target p95 < 100 ms {target}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
