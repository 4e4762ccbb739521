"""Who may change data. With JIXIAO_ADMIN_PASSWORD_HASH set (an scrypt hash made by
``python -m jixiao hash-password``), importing, renaming and deleting need the admin password and
everyone else can only browse. Unset means single-user local mode, which the app says on screen.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets

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
