from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from jixiao import auth

ROOT = Path(__file__).resolve().parent.parent


def test_hash_and_verify():
    stored = auth.hash_password("科协2023!")
    assert stored.startswith("scrypt$")
    assert auth.verify_password("科协2023!", stored)
    assert not auth.verify_password("科协2024!", stored)
    assert auth.hash_password("x") != auth.hash_password("x")  # salted


def test_malformed_or_costly_hash_never_matches():
    assert not auth.verify_password("x", "")
    assert not auth.verify_password("x", "md5$abc")
    assert not auth.verify_password("x", "scrypt$notanumber$8$1$AA==$AA==")
    assert not auth.verify_password("x", "scrypt$1073741824$8$1$AA==$AA==")


def test_mode_follows_the_environment(monkeypatch):
    monkeypatch.delenv(auth.ENV_HASH, raising=False)
    assert not auth.protected() and not auth.check_admin("anything")
    monkeypatch.setenv(auth.ENV_HASH, auth.hash_password("secret"))
    assert auth.protected()
    assert auth.check_admin("secret") and not auth.check_admin("guess")


def test_cli_hash_password():
    r = subprocess.run(
        [sys.executable, "-m", "jixiao", "hash-password", "--stdin"],
        input="管理员口令\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    value = r.stdout.strip().split("=", 1)[1].strip("'")
    assert auth.verify_password("管理员口令", value)
