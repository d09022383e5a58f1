"""Reading PainPath's configuration from the environment, strictly.

A typo in a setting is an error at start-up, not a silent default. Pure Python (no Django
import) so that the CLI can use it before Django is configured.

Environment variables:

* ``PAINPATH_DATA_DIR``: folder for the SQLite database, the generated secret key, sent mail
  and collected static files. Default: ``~/.local/share/painpath``.
* ``DATABASE_URL``: ``sqlite:///path`` or ``postgresql://user@host:port/db``. Default: SQLite
  file ``painpath.sqlite3`` in the data folder.
* ``PAINPATH_SECRET_KEY`` (or ``PAINPATH_SECRET_KEY_FILE``): Django's secret key. Default: one
  generated once and kept in ``secret_key`` in the data folder (mode 0600).
* ``PAINPATH_DEBUG``: ``true``/``false`` (default ``false``).
* ``PAINPATH_ALLOWED_HOSTS``: comma-separated host names (default ``127.0.0.1,localhost``).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(RuntimeError):
    """A setting in the environment is malformed; the message names the variable."""


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean variable; raise ``ConfigError`` for anything but true/false words."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean; use true or false")


def env_list(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated list; blank items are dropped."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def data_dir() -> Path:
    """The data folder (created if missing)."""
    raw = os.environ.get("PAINPATH_DATA_DIR")
    path = Path(raw).expanduser() if raw else Path.home() / ".local" / "share" / "painpath"
    path.mkdir(parents=True, exist_ok=True)
    return path.resolve()


def database_url() -> str:
    """``DATABASE_URL`` or the SQLite file in the data folder."""
    raw = os.environ.get("DATABASE_URL", "").strip()
    if raw:
        if not raw.startswith(("sqlite://", "postgres://", "postgresql://")):
            raise ConfigError(
                f"DATABASE_URL={raw!r}: only sqlite:// and postgresql:// URLs are supported"
            )
        return raw
    return f"sqlite:///{data_dir() / 'painpath.sqlite3'}"


def secret_key() -> str:
    """The secret key from the environment, a ``*_FILE``, or generated once in the data folder."""
    raw = os.environ.get("PAINPATH_SECRET_KEY")
    if raw:
        if len(raw) < 32:
            raise ConfigError("PAINPATH_SECRET_KEY must be at least 32 characters")
        return raw
    file_name = os.environ.get("PAINPATH_SECRET_KEY_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    key_file = data_dir() / "secret_key"
    if not key_file.exists():
        # O_EXCL: two processes starting together must not overwrite each other's key.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(secrets.token_urlsafe(50))
    return key_file.read_text(encoding="utf-8").strip()
