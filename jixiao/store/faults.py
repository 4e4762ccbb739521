"""The store's defences, kept apart from the schema so both can grow: one lock around creating and
upgrading the schema, lengths checked before writing, and database failures told apart in Chinese.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DataError, IntegrityError, OperationalError, ProgrammingError, SQLAlchemyError

KEEP_USING = "已上传的数据仍可在本次会话中使用，但暂时不能保存或读取历史数据。"


def unreachable(url: str) -> str:
    where = "本地数据库文件" if url.startswith("sqlite") else "数据库服务器"
    return f"无法连接{where}，{KEEP_USING}"


def failure_message(url: str | None, exc: BaseException) -> str:
    """Why the database failed, in words a user can act on: a URL that is not one (or names a driver
    not installed), a folder that does not exist, a read-only database, a full disk, text longer than
    a column, or a server that cannot be reached."""
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    url = url or ""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).lower()
    sqlstate = str(getattr(orig, "sqlstate", "") or "")
    if isinstance(exc, ArgumentError | NoSuchModuleError | ImportError | ValueError):
        return (
            "数据库地址（JIXIAO_DB_URL 或 --db）无法使用：格式不对，或所需的数据库驱动没有安装。"
            "应类似 sqlite:///data/jixiao.db 或 postgresql+psycopg://用户:密码@主机/库名。" + KEEP_USING
        )
    if "database or disk is full" in text or "no space left" in text or sqlstate == "53100":
        return "数据库所在的磁盘已满，这次没有保存任何内容。请清理磁盘空间后再试。" + KEEP_USING
    if "readonly database" in text or "read-only" in text or sqlstate == "25006":
        return (
            "数据库是只读的，不能保存或修改数据（请检查文件或文件夹的写入权限，或数据库账号的权限）。"
            + KEEP_USING
        )
    if isinstance(exc, DataError) or sqlstate.startswith("22"):
        return "要保存的内容超出了数据库允许的长度或格式，这次没有保存任何内容。"
    path = _sqlite_path(url)
    if path is not None and "unable to open database file" in text:
        if not path.parent.is_dir():
            return (
                f"数据库文件所在的文件夹不存在：{path.parent}。请先创建该文件夹，或修改 JIXIAO_DB_URL。"
                + KEEP_USING
            )
        if not os.access(path.parent, os.W_OK):
            return f"数据库文件夹 {path.parent} 不可写，无法创建或打开数据库文件。" + KEEP_USING
    return unreachable(url)


def _sqlite_path(url: str) -> Path | None:
    if not url.startswith("sqlite"):
        return None
    from sqlalchemy.engine import make_url

    try:
        database = make_url(url).database
    except Exception:  # a malformed URL has no path to report
        return None
    if not database or database == ":memory:":
        return None
    return Path(database.removeprefix("file:").split("?")[0])


# --- limits --------------------------------------------------------------------------------------------
NAMES = {"unit": "单位名称", "label": "名称", "file_name": "文件名"}


def over_length(table: Any, **values: str | None) -> str | None:
    """The message for the first value longer than its column of ``table``, or None. Checked before
    anything is written: PostgreSQL would refuse the transaction and SQLite store it, so both databases
    now behave alike."""
    for key, value in values.items():
        limit = getattr(table.c[key].type, "length", None)
        if value and limit and len(value) > limit:
            return f"{NAMES.get(key, key)}过长：{len(value)} 个字符，最多 {limit} 个字符。请缩短后再保存。"
    return None


def fit_to_column(name: str, column: Any) -> str:
    """A file name as stored: cut to its column, keeping the extension (the name is for display and
    downloads; the bytes are what matter)."""
    limit = getattr(column.type, "length", None) or 500
    name = name or "file"
    if len(name) <= limit:
        return name
    suffix = Path(name).suffix[:20]
    return name[: limit - len(suffix) - 1] + "…" + suffix


# --- the migration lock --------------------------------------------------------------------------------
MIGRATION_LOCK = 0x6A69_7869_616F  # "jixiao": the PostgreSQL advisory lock around schema changes
MIGRATION_ATTEMPTS = 8


def migrate_under_lock(engine: Engine, migrate: Any) -> None:
    """Run ``migrate`` (create and upgrade the schema) so that processes starting at the same time on
    a brand-new database take turns: on PostgreSQL under a session advisory lock held on its own
    connection; on SQLite each step already runs under BEGIN IMMEDIATE (the engine's "begin" hook),
    the database's write lock. A step that still loses a race (a duplicate key or "already exists"
    from a process that does not take the lock, a busy SQLite file) is retried, never lost."""
    postgres = engine.dialect.name == "postgresql"
    for attempt in range(MIGRATION_ATTEMPTS):
        try:
            if postgres:
                with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as lock:
                    lock.exec_driver_sql(f"SELECT pg_advisory_lock({MIGRATION_LOCK})")
                    try:
                        migrate()
                    finally:
                        lock.exec_driver_sql(f"SELECT pg_advisory_unlock({MIGRATION_LOCK})")
            else:
                migrate()
            return
        except (IntegrityError, ProgrammingError, OperationalError) as exc:
            if attempt == MIGRATION_ATTEMPTS - 1 or not _lost_a_race(exc):
                raise
            time.sleep(0.05 * 2**attempt)


def _lost_a_race(exc: SQLAlchemyError) -> bool:
    """A duplicate key, a table or type another process created a moment earlier, a busy SQLite file:
    worth another try. Anything else (no permission, no server) is not."""
    orig = getattr(exc, "orig", None)
    if isinstance(exc, IntegrityError):
        return True
    if isinstance(exc, OperationalError):
        return "locked" in str(orig).lower() or "busy" in str(orig).lower()
    return str(getattr(orig, "sqlstate", "") or "") in ("42P07", "42710", "23505")
