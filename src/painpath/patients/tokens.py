"""Private-link tokens and draft keys: random secrets, stored only as SHA-256 digests.

* ``new_secret()``: a fresh 256-bit random value, URL-safe text (43 characters), from
  ``secrets.token_urlsafe``. Used for draft keys and submission (idempotency) keys.
* ``result_token(submission_key)``: the private link token of the record created by that
  submission: ``base64url(HMAC-SHA256(SECRET_KEY, submission_key))``. Deriving it (instead of
  drawing a second random value) means a repeated or concurrent submit of the same intake can
  send the person to the same link without the plain token ever being stored anywhere. The
  submission key is itself a 256-bit secret that only the person's browser holds, so the token is
  as unguessable as a random one.
* ``digest(secret)``: hex SHA-256, the only form kept in the database. Lookups go through a unique
  index on the digest; there is nothing for a timing attack to learn because the digest of an
  attacker's guess shares no usable prefix structure with the stored one.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets

from django.utils.crypto import salted_hmac

#: 32 random bytes -> 43 URL-safe characters.
TOKEN_BYTES = 32
TOKEN_LENGTH = 43
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")
_HMAC_SALT = "painpath.patients.result-link"


def new_secret() -> str:
    """A fresh random URL-safe secret of ``TOKEN_LENGTH`` characters."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def result_token(submission_key: str) -> str:
    """The private link token for ``submission_key`` (43 URL-safe characters, deterministic)."""
    mac = salted_hmac(_HMAC_SALT, submission_key, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")


def digest(secret: str) -> str:
    """Hex SHA-256 of ``secret`` (64 characters): what the database stores."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def looks_like_token(value: str) -> bool:
    """True when ``value`` has the shape of a token (cheap check before any query)."""
    return bool(_TOKEN_RE.match(value))
