"""The store on SQLite and on a real PostgreSQL: versions, soft delete, no loss, concurrency."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from openpyxl import load_workbook

from jixiao import model as m
from jixiao.naming import guess_unit_year
from jixiao.read import read_dataset
from jixiao.store.db import SCHEMA_VERSION, Store, StoreError, summary_of
from tests.pg import PostgresServer

ROOT = Path(__file__).resolve().parent.parent
HENAN = (ROOT / "sample_data" / "henan_2023_summary.xlsx").read_bytes()


@pytest.fixture(scope="session")
def postgres():
    server = PostgresServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'jixiao.db'}"
    return request.getfixturevalue("postgres").new_database()


@pytest.fixture
def store(store_url):
    s = Store(store_url)
    yield s
    s.dispose()


def _variant(budget: float) -> bytes:
    """The Henan workbook with the first project's budget changed: other bytes, same layout."""
    wb = load_workbook(io.BytesIO(HENAN))
    wb.active["C4"] = budget
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _import(store: Store, data: bytes = HENAN, unit="河南省科学技术协会", year=2023, **kw):
    table = read_dataset(data, "henan.xlsx").table
    return store.import_file(
        data,
        "henan.xlsx",
        unit=unit,
        year=year,
        mapping=table.source.mapping,
        summary=summary_of(table),
        **kw,
    )


def test_schema_version_table(store):
    assert store.schema_version() == SCHEMA_VERSION == 2


def test_import_versions_and_identical_bytes(store):
    first = _import(store)
    assert (first.version, first.duplicate) == (1, False)
    again = _import(store)
    assert again.duplicate and again.version == 1 and "已经导入过" in again.message
    second = _import(store, _variant(21))
    assert (second.dataset_id, second.version, second.duplicate) == (first.dataset_id, 2, False)
    [info] = store.list_datasets()
    assert (info.unit, info.year, info.kind, info.version, info.versions, info.projects) == (
        "河南省科学技术协会",
        2023,
        m.KIND_PROJECT_TABLE,
        2,
        2,
        15,
    )
    assert round(info.budget, 2) == 7864.66  # version 2: first budget 20 -> 21
    assert [v.version for v in store.versions(info.id)] == [2, 1]
    # An older version can be shown and made current again.
    old = store.load(info.id, 1)
    assert old.data == HENAN and old.mapping["project"] == "项目名称"
    store.set_current_version(info.id, 1)
    assert store.list_datasets()[0].version == 1
    assert store.load(info.id).data == HENAN


def test_years_and_units_are_separate_datasets(store):
    _import(store, year=2022)
    _import(store, year=2023)
    _import(store, unit="科技馆", year=2023)
    listed = [(d.unit, d.year) for d in store.list_datasets()]
    assert sorted(listed) == [("河南省科学技术协会", 2022), ("河南省科学技术协会", 2023), ("科技馆", 2023)]


def test_rename_soft_delete_and_restore(store):
    r = _import(store)
    store.rename(r.dataset_id, "2023 汇总（终版）")
    assert store.list_datasets()[0].label == "2023 汇总（终版）"
    store.delete(r.dataset_id)
    assert store.list_datasets() == []
    [hidden] = store.list_datasets(include_deleted=True)
    assert hidden.deleted
    store.restore(r.dataset_id)
    assert [d.id for d in store.list_datasets()] == [r.dataset_id]
    with pytest.raises(StoreError):
        store.rename(r.dataset_id, "  ")


def test_failure_half_way_leaves_the_store_as_it_was(store):
    _import(store)
    before = [(d.id, d.version, d.versions) for d in store.list_datasets()]

    def boom(step):
        if step == "version":
            raise RuntimeError("disk full (simulated)")

    with pytest.raises(RuntimeError):
        _import(store, _variant(99), _between_steps=boom)
    with pytest.raises(RuntimeError):
        _import(store, unit="新单位", _between_steps=lambda step: (_ for _ in ()).throw(RuntimeError(step)))
    assert [(d.id, d.version, d.versions) for d in store.list_datasets()] == before
    assert store.load(before[0][0]).data == HENAN


def test_concurrent_imports_all_succeed(store_url):
    stores = [Store(store_url) for _ in range(2)]
    errors: list[BaseException] = []
    results = []

    def work(i: int):
        try:
            results.append(_import(stores[i % 2], _variant(100 + i)))
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(r.version for r in results) == list(range(1, 9))
    assert len({r.dataset_id for r in results}) == 1
    assert stores[0].list_datasets()[0].versions == 8
    for s in stores:
        s.dispose()


def test_restart_keeps_everything(store_url):
    s1 = Store(store_url)
    _import(s1)
    s1.dispose()
    s2 = Store(store_url)
    assert [d.projects for d in s2.list_datasets()] == [15]
    s2.dispose()


def test_unreachable_database_is_a_clear_message():
    with pytest.raises(StoreError) as exc:
        Store("postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2")
    assert "无法连接" in exc.value.message and "本次会话" in exc.value.message


def test_guess_unit_and_year():
    assert guess_unit_year("河南省科学技术协会 项目单位自评汇总表", "henan_2023_summary.xlsx") == (
        "河南省科学技术协会",
        2023,
    )
    assert guess_unit_year("", "凉山州科协2022年部门决算.xlsx") == ("凉山州科协", 2022)


def test_cli_import_and_datasets(tmp_path):
    db = f"sqlite:///{tmp_path / 'cli.db'}"

    def cli(*args):
        return subprocess.run(
            [sys.executable, "-m", "jixiao", *args], capture_output=True, text=True, cwd=ROOT, timeout=120
        )

    r = cli("import", "sample_data/henan_2023_summary.xlsx", "--year", "2023", "--db", db, "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["version"] == 1 and "dataset_id" in json.loads(r.stdout)
    r = cli("datasets", "--db", db, "--json")
    [row] = json.loads(r.stdout)
    assert {k: row[k] for k in ("unit", "year", "kind", "version", "projects")} == {
        "unit": "河南省科学技术协会",
        "year": 2023,
        "kind": "project_table",
        "version": 1,
        "projects": 15,
    }
    assert "imported_at" in row and "id" in row
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"nope")
    r = cli("import", str(bad), "--unit", "甲", "--year", "2023", "--db", db, "--json")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert len(json.loads(cli("datasets", "--db", db, "--json").stdout)) == 1  # nothing lost


def test_twenty_concurrent_writers_and_readers(store_url):
    """Issue-8 load: 20 writers importing new versions while 20 readers list and load."""
    store = Store(store_url)
    variants = [_variant(200 + i) for i in range(20)]
    errors: list[BaseException] = []
    versions: list[int] = []
    seen_counts: list[int] = []
    start = threading.Barrier(40)

    def writer(i: int):
        try:
            start.wait()
            versions.append(_import(store, variants[i], unit=f"单位{i % 4}").version)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    def reader(_: int):
        try:
            start.wait()
            for _ in range(3):
                infos = store.list_datasets()
                seen_counts.append(sum(d.versions for d in infos))
                for d in infos[:2]:
                    assert store.load(d.id).data[:2] == b"PK"
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(20)]
    threads += [threading.Thread(target=reader, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert len(versions) == 20
    infos = store.list_datasets()
    assert sorted(d.unit for d in infos) == ["单位0", "单位1", "单位2", "单位3"]
    assert all(d.versions == 5 for d in infos)  # 5 writers per unit, each a new version
    assert all(0 <= n <= 20 for n in seen_counts)
    store.dispose()


def test_same_bytes_read_with_other_corrections_is_a_new_version(store):
    first = _import(store)
    again = _import(store, parse_options={"amount_unit": "元"})
    assert (again.duplicate, again.version) == (False, 2)
    assert store.load(first.dataset_id).parse_options == {"amount_unit": "元"}
    assert _import(store, parse_options={"amount_unit": "元"}).duplicate
