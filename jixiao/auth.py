"""Who may change data. With JIXIAO_ADMIN_PASSWORD_HASH set (an scrypt hash made by
``python -m jixiao hash-password``), importing, renaming and deleting need the admin password and
everyone else can only browse. Unset means single-user local mode, which the app says on screen.

Wrong passwords are counted per browser session and per client address (``LoginThrottle``): after
five, each further attempt waits longer, and every failure is logged.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

ENV_HASH = "JIXIAO_ADMIN_PASSWORD_HASH"
# scrypt cost: about 50 ms here, a few MB of memory; stored in the hash so it can be raised later.
N, R, P = 2**14, 8, 1


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    if not password:
        raise ValueError("password must not be empty")
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=N, r=R, p=P, dklen=32)
    b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
    return f"scrypt${N}${R}${P}${b64(salt)}${b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """Constant-time check; a malformed stored hash never matches (and never raises)."""
    try:
        scheme, n, r, p, salt_b64, digest_b64 = stored.strip().split("$")
        if scheme != "scrypt":
            return False
        salt, expected = base64.b64decode(salt_b64), base64.b64decode(digest_b64)
        n_, r_, p_ = int(n), int(r), int(p)
        if n_ > 2**20 or r_ > 32 or p_ > 16:  # refuse a hash that would make each login a DoS
            return False
        got = hashlib.scrypt(
            password.encode("utf-8"), salt=salt, n=n_, r=r_, p=p_, dklen=len(expected), maxmem=2**27
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def admin_hash() -> str | None:
    value = os.environ.get(ENV_HASH, "").strip()
    return value or None


def protected() -> bool:
    """True when changes need the admin login; False in single-user local mode."""
    return admin_hash() is not None


def check_admin(password: str) -> bool:
    stored = admin_hash()
    return stored is not None and verify_password(password, stored)


# --- failed logins ---------------------------------------------------------------------------------
FREE_ATTEMPTS = 5  # wrong passwords allowed before any wait
FIRST_DELAY = 2.0  # seconds after the 6th wrong password, doubling with each further one
MAX_DELAY = 15 * 60.0
FORGET_AFTER = 24 * 3600.0  # a key's count starts again this long after its last wrong password
MAX_KEYS = 50_000  # beyond this the oldest keys are forgotten, so the table cannot grow without end

log = logging.getLogger("jixiao.auth")


@dataclass
class _Count:
    failures: int = 0
    last: float = 0.0
    until: float = 0.0  # no attempt is checked before this time


@dataclass(frozen=True)
class LoginResult:
    ok: bool
    wait: float = 0.0  # seconds before the next attempt is checked; 0 when there is no wait
    refused: bool = False  # True when the password was not even checked (still waiting)


class LoginThrottle:
    """Counts wrong passwords per key (a browser session, a client address) and makes every further
    attempt wait, growing: after FREE_ATTEMPTS wrong passwords the next is checked only after
    FIRST_DELAY seconds, then twice that, up to MAX_DELAY. The wait of an attempt is the longest of its
    keys' waits, so a new session (a page reload) from the same address waits as long as the old one.

    Process-wide and in memory: the app keeps one (``THROTTLE``); the clock is injectable for tests."""

    def __init__(
        self,
        *,
        free: int = FREE_ATTEMPTS,
        first_delay: float = FIRST_DELAY,
        max_delay: float = MAX_DELAY,
        forget_after: float = FORGET_AFTER,
        max_keys: int = MAX_KEYS,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.free, self.first_delay, self.max_delay = free, first_delay, max_delay
        self.forget_after, self.max_keys, self.clock = forget_after, max_keys, clock
        self._counts: dict[str, _Count] = {}
        self._lock = threading.Lock()

    def delay_after(self, failures: int) -> float:
        if failures <= self.free:
            return 0.0
        return min(self.first_delay * 2.0 ** min(failures - self.free - 1, 60), self.max_delay)

    def failures(self, key: str) -> int:
        with self._lock:
            c = self._live(key, self.clock())
            return c.failures if c else 0

    def wait(self, keys: Iterable[str]) -> float:
        now = self.clock()
        with self._lock:
            return max([0.0, *((c.until - now) for k in keys if (c := self._live(k, now)))])

    def attempt(self, keys: Sequence[str], check: Callable[[], bool]) -> LoginResult:
        """Check a password (``check``) unless one of ``keys`` must still wait; count the outcome."""
        keys = [k for k in keys if k]
        waiting = self.wait(keys)
        if waiting > 0:
            log.warning("admin login refused, %.0f s still to wait: %s", waiting, ", ".join(keys))
            return LoginResult(False, waiting, refused=True)
        if check():
            with self._lock:
                for k in keys:
                    self._counts.pop(k, None)
            log.info("admin login: %s", ", ".join(keys))
            return LoginResult(True)
        now = self.clock()
        with self._lock:
            worst = 0
            for k in keys:
                c = self._live(k, now) or self._counts.setdefault(k, _Count())
                c.failures += 1
                c.last = now
                c.until = now + self.delay_after(c.failures)
                worst = max(worst, c.failures)
            self._prune(now)
        wait = self.delay_after(worst)
        log.warning(
            "admin login failed (%d wrong in a row, next in %.0f s): %s", worst, wait, ", ".join(keys)
        )
        return LoginResult(False, wait)

    def _live(self, key: str, now: float) -> _Count | None:
        c = self._counts.get(key)
        if c is not None and now - c.last > self.forget_after:
            del self._counts[key]
            return None
        return c

    def _prune(self, now: float) -> None:
        if len(self._counts) <= self.max_keys:
            return
        for k in [k for k, c in self._counts.items() if now - c.last > self.forget_after]:
            del self._counts[k]
        if len(self._counts) > self.max_keys:
            oldest = sorted(self._counts, key=lambda k: self._counts[k].last)
            # down to nine tenths, so a flood of new keys does not sort the table on every failure
            for k in oldest[: len(self._counts) - int(self.max_keys * 0.9)]:
                del self._counts[k]


THROTTLE = LoginThrottle()


def login(password: str, keys: Sequence[str], throttle: LoginThrottle | None = None) -> LoginResult:
    """The admin login with the process's throttle: (ok, seconds to wait before the next try)."""
    return (throttle or THROTTLE).attempt(keys, lambda: check_admin(password))
