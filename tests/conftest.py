"""Shared test configuration.

``PAINPATH_DATA_DIR`` is pointed at a temporary folder before Django settings load, so tests
never read or write a user's own data.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ.setdefault("PAINPATH_DATA_DIR", tempfile.mkdtemp(prefix="painpath-test-"))

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = REPO_ROOT.parent / "shared"
CASES_DIR = SHARED_DIR / "cases"
SPEC_DIR = SHARED_DIR / "spec"
