"""The clinical core must not depend on the web framework."""

from __future__ import annotations

import subprocess
import sys


def test_engine_and_careplan_import_without_django() -> None:
    code = (
        "import sys, importlib\n"
        "for name in ('painpath.engine', 'painpath.careplan', 'painpath.cli'):\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ModuleNotFoundError as exc:\n"
        "        if exc.name != name: raise\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
