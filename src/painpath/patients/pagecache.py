"""An in-process cache of rendered result pages, keyed by the token's digest.

A stored intake and its assessment never change, so the page of a result depends only on the
intake (and rows linked to it), the language and the links around it. Keeping the rendered bytes
lets a repeat visit skip the database and the template (README, "Patient web app": result page
p95 < 100 ms with 20 concurrent clients).

Bounds: at most ``MAX_PAGES`` pages (~12 kB each: ~6 MB per process), least recently used
first out, and each page for at most ``TTL_SECONDS``. Saving or deleting an intake, or writing
any row that points at it (a check-in, a booking, a review: the page may show them), evicts its
pages in this process at once (signals, see ``apps.py``); in another process a stale page can be
served for at most ``TTL_SECONDS`` more.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Hashable

MAX_PAGES = 512
TTL_SECONDS = 60.0

Key = tuple[Hashable, ...]


class PageCache:
    """Thread-safe LRU of ``key -> bytes`` with a time to live.

    ``key[0]`` is the token digest; each page also carries a ``tag`` (the intake's primary key)
    so that a change to a row linked to the intake can evict its pages without a query.
    """

    def __init__(self, max_pages: int = MAX_PAGES, ttl: float = TTL_SECONDS) -> None:
        self._pages: OrderedDict[Key, tuple[float, bytes, Hashable]] = OrderedDict()
        self._lock = threading.Lock()
        self.max_pages = max_pages
        self.ttl = ttl

    def get(self, key: Key) -> bytes | None:
        """The page for ``key`` if cached and fresh, else None."""
        now = time.monotonic()
        with self._lock:
            entry = self._pages.get(key)
            if entry is None:
                return None
            if entry[0] <= now:
                del self._pages[key]
                return None
            self._pages.move_to_end(key)
            return entry[1]

    def put(self, key: Key, page: bytes, tag: Hashable = None) -> None:
        """Keep ``page`` for ``key`` (evicting the least recently used beyond the bound)."""
        with self._lock:
            self._pages[key] = (time.monotonic() + self.ttl, page, tag)
            self._pages.move_to_end(key)
            while len(self._pages) > self.max_pages:
                self._pages.popitem(last=False)

    def evict(self, token_hash: str) -> int:
        """Drop every page of the intake with this token digest; returns how many."""
        with self._lock:
            doomed = [k for k in self._pages if k and k[0] == token_hash]
            for key in doomed:
                del self._pages[key]
            return len(doomed)

    def evict_tag(self, tag: Hashable) -> int:
        """Drop every page stored with ``tag``; returns how many."""
        with self._lock:
            doomed = [k for k, entry in self._pages.items() if entry[2] == tag]
            for key in doomed:
                del self._pages[key]
            return len(doomed)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()

    def __len__(self) -> int:
        return len(self._pages)


#: The process-wide cache of result pages.
result_pages = PageCache()
