"""The store under faults: many processes creating the schema at once, text longer than its column,
and each kind of database failure with its own Chinese message (in the store, the CLI and the app)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event
from sqlalchemy.exc import IntegrityError, OperationalError

from jixiao.read import read_dataset
from jixiao.store import db
from jixiao.store.db import Store, StoreError, summary_of
from jixiao.store.faults import failure_message, migrate_under_lock
from tests.pg import PostgresServer

ROOT = Path(__file__).resolve().parent.parent
HENAN = (ROOT / "sample_data" / "henan_2023_summary.xlsx").read_bytes()
TABLE = read_dataset(HENAN, "henan.xlsx").table


@pytest.fixture(scope="module")
def postgres():
    server = PostgresServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def new_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'jixiao.db'}"
    return request.getfixturevalue("postgres").new_database()


def _import(store: Store, data: bytes = HENAN, unit: str = "某单位", name: str = "henan.xlsx", **kw):
    return store.import_file(
        data, name, unit=unit, year=2023, mapping=TABLE.source.mapping, summary=summary_of(TABLE), **kw
    )


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "jixiao", *args], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


# --- the schema under concurrent first use -----------------------------------------------------------
def test_64_concurrent_first_imports_into_a_new_database_all_land(new_url):
    """Each thread is a process of its own as far as the database can tell: its own Store, engine and
    connections, all starting on an empty database at the same moment."""
    n = 64
    start = threading.Barrier(n)
    errors: list[BaseException] = []
    results = []

    def work(i: int) -> None:
        try:
            start.wait()
            s = Store(new_url)
            try:
                results.append(_import(s, HENAN + b"\0" * i, unit=f"单位{i % 8}"))
            finally:
                s.dispose()
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert [repr(e) for e in errors] == []
    assert len(results) == n
    s = Store(new_url)
    infos = s.list_datasets()
    assert len(infos) == 8 and all(d.versions == 8 for d in infos)
    assert s.schema_version() == db.SCHEMA_VERSION
    s.dispose()


def test_a_migration_that_loses_a_race_is_retried_and_other_errors_are_not(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    calls: list[int] = []

    def flaky() -> None:
        calls.append(1)
        if len(calls) < 3:
            raise IntegrityError("INSERT INTO jx_schema_version", {}, Exception("duplicate key"))

    migrate_under_lock(engine, flaky)
    assert len(calls) == 3
    calls.clear()

    def broken() -> None:
        calls.append(1)
        raise OperationalError("SELECT 1", {}, Exception("unable to open database file"))

    with pytest.raises(OperationalError):
        migrate_under_lock(engine, broken)
    assert len(calls) == 1  # not a race: told at once


# --- lengths ------------------------------------------------------------------------------------------
def test_a_unit_name_longer_than_its_column_is_refused_before_writing(new_url):
    s = Store(new_url)
    with pytest.raises(StoreError) as exc:
        _import(s, unit="某" * 250)
    assert exc.value.message == "单位名称过长：250 个字符，最多 200 个字符。请缩短后再保存。"
    with pytest.raises(StoreError, match="名称过长：301 个字符"):
        _import(s, label="名" * 301)
    assert s.list_datasets(include_deleted=True) == []
    # a file name is only for display: cut, keeping its extension
    r = _import(s, name="很长的文件名" * 120 + ".xlsx")
    stored = s.load(r.dataset_id)
    assert len(stored.file_name) <= 500 and stored.file_name.endswith(".xlsx")
    s.dispose()


def test_cli_import_of_a_long_unit_on_postgresql_is_one_chinese_line(postgres):
    url = postgres.new_database()
    r = _cli(
        "import", "sample_data/henan_2023_summary.xlsx", "--unit", "某" * 250, "--year", "2023", "--db", url
    )
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines() == [
        "错误：单位名称过长：250 个字符，最多 200 个字符。请缩短后再保存。"
    ]


# --- failures told apart ---------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["not a url", "nosuchdb://x/y", "postgresql+psycopg://u@h:port/db"])
def test_a_bad_url_says_so(url):
    with pytest.raises(StoreError) as exc:
        Store(url)
    assert "数据库地址" in exc.value.message and "无法连接" not in exc.value.message


def test_a_missing_folder_is_named(tmp_path):
    missing = tmp_path / "没有的文件夹" / "子目录"
    with pytest.raises(StoreError) as exc:
        Store(f"sqlite:///{missing / 'jixiao.db'}")
    assert f"文件夹不存在：{missing}" in exc.value.message


def test_a_read_only_sqlite_database(tmp_path):
    path = tmp_path / "jixiao.db"
    s = Store(f"sqlite:///{path}")
    _import(s)
    s.dispose()
    ro = Store(f"sqlite:///file:{path}?mode=ro&uri=true")
    assert len(ro.list_datasets()) == 1  # reading still works
    with pytest.raises(StoreError) as exc:
        _import(ro, unit="另一单位")
    assert "只读" in exc.value.message and "无法连接" not in exc.value.message
    ro.dispose()


def test_a_read_only_postgresql_database(postgres):
    url = postgres.new_database()
    s = Store(url)
    _import(s)
    name = s.engine.url.database
    with s.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.exec_driver_sql(f"ALTER DATABASE {name} SET default_transaction_read_only = on")
    s.dispose()
    ro = Store(url)
    with pytest.raises(StoreError) as exc:
        _import(ro, unit="另一单位")
    assert "只读" in exc.value.message
    ro.dispose()


def test_a_full_disk(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'jixiao.db'}")

    @event.listens_for(s.engine, "connect")
    def _tiny(dbapi_conn, _record):  # SQLite's own "disk full": no page beyond the first few dozen
        dbapi_conn.execute("PRAGMA max_page_count = 40")

    s.engine.dispose()
    with pytest.raises(StoreError) as exc:
        _import(s, os.urandom(2_000_000), name="大文件.xlsx")
    assert "磁盘已满" in exc.value.message
    s.dispose()


def test_an_unreachable_server_keeps_its_message():
    with pytest.raises(StoreError) as exc:
        Store("postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2")
    assert exc.value.message.startswith("无法连接数据库服务器")


def test_failure_message_of_a_read_error():
    """What the app and the CLI say for a failure outside Store's own checks (a listing, say)."""
    full = OperationalError("INSERT", {}, Exception("database or disk is full"))
    assert "磁盘已满" in failure_message("sqlite:///x.db", full)
    gone = OperationalError("SELECT", {}, Exception("server closed the connection unexpectedly"))
    assert failure_message("postgresql+psycopg://h/db", gone).startswith("无法连接数据库服务器")


def test_cli_tells_the_failures_apart(tmp_path):
    missing = _cli("datasets", "--db", f"sqlite:///{tmp_path / 'nope' / 'j.db'}")
    bad = _cli("datasets", "--db", "not a url")
    for r in (missing, bad):
        assert r.returncode == 2 and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert "文件夹不存在" in missing.stderr and "数据库地址" in bad.stderr


def test_the_app_tells_a_missing_folder(tmp_path, monkeypatch, apptest_navigation):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import APP

    monkeypatch.setenv(db.ENV_URL, f"sqlite:///{tmp_path / 'nope' / 'j.db'}")
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.switch_page("pages/data_manage.py").run()
    assert not at.exception
    assert any("文件夹不存在" in e.value for e in at.main.error)


def test_cli_a_failure_while_reading_is_one_chinese_line(tmp_path, monkeypatch, capsys):
    from jixiao import cli

    def full(*_args, **_kw):
        raise OperationalError("SELECT", {}, Exception("database or disk is full"))

    monkeypatch.setattr(Store, "list_datasets", full)
    assert cli.main(["datasets", "--db", f"sqlite:///{tmp_path / 'j.db'}"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("错误：数据库所在的磁盘已满")
