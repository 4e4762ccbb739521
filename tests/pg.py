"""A real PostgreSQL server for the store tests, started from the Debian packages `make test` installs.

No server is assumed to be running: the fixture runs initdb into a temporary folder, starts the
server on a Unix socket (no TCP), and stops it at the end of the session. When PostgreSQL is not
installed the tests that need it fail with a clear message; they are never skipped.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest


def _as_server_user(cmd: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root; Debian's package creates the 'postgres' user.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


class PostgresServer:
    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            pytest.fail(
                "PostgreSQL 未安装：`make test` 会安装 Debian 的 postgresql 软件包（/usr/lib/postgresql/*/bin）。"
            )
        self.bin = Path(found[-1]).parent
        self.base = Path(tempfile.mkdtemp(prefix="jixiao-pg-"))
        os.chmod(self.base, 0o777)
        self.data = self.base / "data"
        self.port = 5433 + (os.getpid() % 1000)

    def run(self, *cmd: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            _as_server_user([str(c) for c in cmd]), capture_output=True, text=True, timeout=120
        )

    def start(self) -> None:
        r = self.run(
            self.bin / "initdb", "-D", self.data, "-U", "jixiao", "--auth=trust", "-E", "UTF8", "--no-locale"
        )
        if r.returncode != 0:
            pytest.fail(f"initdb failed: {r.stderr}")
        opts = f"-p {self.port} -k {self.base} -c listen_addresses='' -c fsync=off"
        r = self.run(
            self.bin / "pg_ctl",
            "-D",
            self.data,
            "-o",
            opts,
            "-w",
            "-t",
            "60",
            "-l",
            self.base / "log",
            "start",
        )
        if r.returncode != 0:
            log = (self.base / "log").read_text() if (self.base / "log").exists() else ""
            pytest.fail(f"PostgreSQL did not start: {r.stderr}\n{log}")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://jixiao@/{database}?host={self.base}&port={self.port}"

    def new_database(self) -> str:
        name = "jx_" + uuid.uuid4().hex[:12]
        r = self.run(self.bin / "createdb", "-h", self.base, "-p", str(self.port), "-U", "jixiao", name)
        if r.returncode != 0:
            pytest.fail(f"createdb failed: {r.stderr}")
        return self.url(name)

    def stop(self) -> None:
        self.run(self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "stop")
        shutil.rmtree(self.base, ignore_errors=True)
