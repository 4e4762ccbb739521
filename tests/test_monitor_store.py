"""Snapshots and 偏差原因 in the store (SQLite and a real PostgreSQL), the schema migrated in place, and
the CLI: ``import FILE --as-of`` and ``monitor --json``."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import date

import openpyxl
import pytest
from sqlalchemy import inspect, text

from jixiao import model as m
from jixiao.monitor import compute as c
from jixiao.monitor import sample
from jixiao.monitor.series import import_snapshot, load, save_reason
from jixiao.store import monitor as sm
from jixiao.store.db import SCHEMA_VERSION, Store, StoreError
from tests import test_store as _store_tests
from tests.conftest import HENAN_XLSX, ROOT, SAMPLE_DATA

# the store fixtures (SQLite and a real PostgreSQL) of tests/test_store.py
postgres, store_url, store = _store_tests.postgres, _store_tests.store_url, _store_tests.store

UNIT, YEAR = sample.UNIT, sample.YEAR
MONTHLY = (SAMPLE_DATA / sample.MONTHLY_FILE).read_bytes()


def snapshot_file(month: int) -> tuple[bytes, str]:
    name = sample.SNAPSHOT_FILE.format(month=month)
    return (SAMPLE_DATA / name).read_bytes(), name


def month_end(k: int) -> date:
    return {3: date(YEAR, 3, 31), 6: date(YEAR, 6, 30), 9: date(YEAR, 9, 30)}[k]


def test_three_snapshots_form_a_series(store):
    for k in (3, 6, 9):
        data, name = snapshot_file(k)
        r = import_snapshot(store, data, name, unit=UNIT, year=YEAR, as_of=month_end(k))
        assert not r.duplicate and f"截至 {month_end(k).isoformat()}" in r.message
    infos = sm.snapshots(store, UNIT, YEAR)
    assert [i.as_of for i in infos] == [month_end(k) for k in (3, 6, 9)]
    assert len({i.dataset_id for i in infos}) == 1 and [i.version for i in infos] == [1, 2, 3]
    assert sm.series(store) == [(UNIT, YEAR, 3)]
    mon, notes = load(store, UNIT, YEAR)
    assert notes == [] and list(mon.snapshots[c.AS_OF]) == [month_end(k) for k in (3, 6, 9)]
    # the 汇总表 snapshots give what the 月度执行表 gives for the same months
    t_mon, _ = _monthly_monitor()
    for k in (3, 6, 9):
        a = mon.snapshots[mon.snapshots[c.AS_OF] == month_end(k)].iloc[0]
        b = t_mon.snapshots[t_mon.snapshots[c.AS_OF] == month_end(k)].iloc[0]
        assert a[c.RATE] == pytest.approx(b[c.RATE]) and a["projects"] == b["projects"]


def _monthly_monitor():
    s = Store("sqlite://")
    try:
        import_snapshot(s, MONTHLY, sample.MONTHLY_FILE, unit=UNIT, year=YEAR, as_of=None)
        return load(s, UNIT, YEAR)
    finally:
        s.dispose()


def test_same_bytes_other_date_is_a_new_snapshot_and_an_older_one_keeps_the_current(store):
    data, name = snapshot_file(9)
    first = import_snapshot(store, data, name, unit=UNIT, year=YEAR, as_of=date(YEAR, 9, 30))
    again = import_snapshot(store, data, name, unit=UNIT, year=YEAR, as_of=date(YEAR, 9, 30))
    assert again.duplicate and again.version == first.version
    older, older_name = snapshot_file(6)
    back = import_snapshot(store, older, older_name, unit=UNIT, year=YEAR, as_of=date(YEAR, 6, 30))
    assert back.version == 2 and not back.duplicate
    [info] = store.list_datasets()
    assert info.version == 1  # the dataset still shows its latest state, 9月
    with pytest.raises(StoreError, match="不在 2023 年内"):
        import_snapshot(store, data, name, unit=UNIT, year=YEAR, as_of=date(2024, 1, 31))
    # no date given: the title's "2023年1–9月" gives 2023-09-30, and the import says so
    inferred = import_snapshot(store, data, name, unit=UNIT, year=YEAR, as_of=None)
    assert inferred.duplicate and "2023-09-30 取自表格标题" in inferred.message
    with pytest.raises(StoreError, match="请填写截至日期"):  # a title and a name without a date
        import_snapshot(store, HENAN_XLSX.read_bytes(), "汇总表.xlsx", unit=UNIT, year=YEAR, as_of=None)


def _snapshot_said(title: str | None, header: str, note: str | None = None) -> bytes:
    """The 6月 snapshot retyped: its own title (or none), its 执行数 column headed ``header``, a note
    under the table."""
    src = openpyxl.load_workbook(SAMPLE_DATA / sample.SNAPSHOT_FILE.format(month=6)).active
    rows = [[c.value for c in row] for row in src.iter_rows()]
    head = next(r for r, row in enumerate(rows) if "项目名称" in row)
    rows[head] = [header if isinstance(v, str) and "执行数" in v else v for v in rows[head]]
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in ([[title]] if title else []) + rows[head:] + ([[note]] if note else []):
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("title", "header", "note", "where"),
    [
        (
            "唐山市科协2023年项目支出执行情况",
            "截至6月30日执行数（万元）",
            None,
            "表头「截至6月30日执行数(万元)」",
        ),
        ("唐山市科协2023年项目支出执行情况", "1-6月累计执行（万元）", None, "表头「1-6月累计执行(万元)」"),
        ("唐山市科协2023年项目支出执行情况", "上半年执行数", None, "表头「上半年执行数」"),
        ("唐山市科协2023年项目支出执行情况（截至6月30日）", "实际执行数", None, "表格标题"),
        ("唐山市科协2023年项目支出执行情况", "实际执行数", "注：数据截至2023年6月30日。", "表中文字"),
        ("唐山市科协2023年项目支出执行情况", "已支付", "注：数据截止到6月底。", "表中文字"),
    ],
)
def test_the_as_of_date_the_header_or_a_note_states(store, title, header, note, where):
    data = _snapshot_said(title, header, note)
    # before: "请填写截至日期" — only a title or file name stating the year with the date was read
    r = import_snapshot(store, data, "执行情况.xlsx", unit=UNIT, year=None, as_of=None)
    assert r.year == YEAR and "截至日期 2023-06-30 取自" + where in r.message
    mon = load(store, UNIT, YEAR)[0]
    assert len(mon.snapshots) == 1 and mon.as_of == date(YEAR, 6, 30)


def test_a_header_without_a_date_still_asks_for_one(store):
    data = _snapshot_said("唐山市科协2023年项目支出执行情况", "6月执行数", "注：单位为万元。")
    with pytest.raises(StoreError, match="请填写截至日期"):  # a month alone says too little
        import_snapshot(store, data, "执行情况.xlsx", unit=UNIT, year=None, as_of=None)
    assert store.list_datasets() == []


def test_a_monthly_table_is_a_series_up_to_its_as_of(store):
    r = import_snapshot(store, MONTHLY, sample.MONTHLY_FILE, unit=UNIT, year=YEAR, as_of=date(YEAR, 7, 31))
    [info] = store.list_datasets()
    assert info.kind == m.KIND_MONTHLY_EXECUTION and r.version == 1
    mon, _ = load(store, UNIT, YEAR)
    assert [d.month for d in mon.snapshots[c.AS_OF]] == list(range(1, 8))


def test_reasons_are_kept_across_a_new_snapshot(store):
    for k in (3, 6):
        data, name = snapshot_file(k)
        import_snapshot(store, data, name, unit=UNIT, year=YEAR, as_of=month_end(k))
    mon, _ = load(store, UNIT, YEAR)
    red = mon.projects[mon.projects[c.BAND] == c.RED].iloc[0]
    save_reason(
        store,
        UNIT,
        YEAR,
        inner_unit=red[c.INNER],
        code=None,
        project=red[m.PROJECT],
        text="合同未签。",
        author="张三",
    )
    save_reason(
        store,
        UNIT,
        YEAR,
        inner_unit=red[c.INNER],
        code=None,
        project=red[m.PROJECT],
        text="招标中，10月付款。",
        author="李四",
    )
    data, name = snapshot_file(9)
    import_snapshot(store, data, name, unit=UNIT, year=YEAR, as_of=month_end(9))
    mon9, _ = load(store, UNIT, YEAR)
    row = mon9.projects[
        (mon9.projects[m.PROJECT] == red[m.PROJECT]) & (mon9.projects[m.UNIT] == red[m.UNIT])
    ].iloc[0]
    assert (row[c.REASON], row[c.REASON_AUTHOR]) == ("招标中，10月付款。", "李四")
    assert row[c.REASON_AT] is not None and row[c.REASON_AT].tzinfo is not None
    history = sm.reason_history(store, UNIT, YEAR)
    assert [h.author for h in history] == ["李四", "张三"]
    # another year of the same unit does not see it
    assert sm.reasons(store, UNIT, YEAR + 1) == []
    # an empty text withdraws it; the history keeps all three
    save_reason(
        store, UNIT, YEAR, inner_unit=red[c.INNER], code=None, project=red[m.PROJECT], text=" ", author=""
    )
    assert sm.reasons(store, UNIT, YEAR) == [] and len(sm.reason_history(store, UNIT, YEAR)) == 3
    with pytest.raises(StoreError, match="说明人"):
        save_reason(store, UNIT, YEAR, inner_unit=None, code=None, project="x", text="原因", author=" ")


def test_an_old_database_is_migrated_in_place(store_url):
    s = Store(store_url)
    data, name = snapshot_file(3)
    s.import_file(data, name, unit=UNIT, year=YEAR)
    with s.engine.begin() as conn:  # back to what schema 1 looked like
        conn.execute(text("DROP TABLE jx_reasons"))
        conn.execute(text("ALTER TABLE jx_versions DROP COLUMN as_of"))
        conn.execute(text("UPDATE jx_schema_version SET version = 1"))
    s.dispose()
    s = Store(store_url)
    try:
        assert s.schema_version() == SCHEMA_VERSION == 2
        cols = {col["name"] for col in inspect(s.engine).get_columns("jx_versions")}
        assert "as_of" in cols and inspect(s.engine).has_table("jx_reasons")
        [info] = s.list_datasets()
        assert info.versions == 1 and s.load(info.id).data == data  # nothing lost
        assert sm.snapshots(s, UNIT, YEAR) == []  # an old version has no 截至日期
        r = import_snapshot(s, data, name, unit=UNIT, year=YEAR, as_of=date(YEAR, 3, 31))
        assert r.version == 2
    finally:
        s.dispose()
    Store(store_url).dispose()  # opening a migrated database again changes nothing


# --- CLI ----------------------------------------------------------------------------------------------
def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "jixiao", *args], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


def test_cli_import_as_of_and_monitor_json(tmp_path):
    db = f"sqlite:///{tmp_path / 'm.db'}"
    for k in (3, 6, 9):
        path = SAMPLE_DATA / sample.SNAPSHOT_FILE.format(month=k)
        r = _run(
            "import",
            str(path),
            "--unit",
            UNIT,
            "--year",
            str(YEAR),
            "--as-of",
            month_end(k).isoformat(),
            "--db",
            db,
            "--json",
        )
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["duplicate"] is False
    r = _run("monitor", "--unit", UNIT, "--year", str(YEAR), "--db", db, "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    s = Store(db)
    try:
        mon, _ = load(s, UNIT, YEAR)
    finally:
        s.dispose()
    assert doc == json.loads(json.dumps(c.to_doc(mon), ensure_ascii=False))
    assert doc["unit"] == UNIT and doc["year"] == YEAR
    assert [x["as_of"] for x in doc["snapshots"]] == ["2023-03-31", "2023-06-30", "2023-09-30"]
    last = doc["snapshots"][-1]
    assert last["gap_points"] == round(last["execution_rate"] - last["time_progress"], 2)
    assert len(doc["projects"]) == 26 and all(
        p["band"] in ("red", "yellow", "green") for p in doc["projects"]
    )


def test_cli_monthly_table_needs_no_date_and_bad_input_is_chinese(tmp_path):
    db = f"sqlite:///{tmp_path / 'm.db'}"
    r = _run(
        "import", str(SAMPLE_DATA / sample.MONTHLY_FILE), "--unit", UNIT, "--year", str(YEAR), "--db", db
    )
    assert r.returncode == 0 and "截至 2023-12-31" in r.stdout, r.stderr
    r = _run("monitor", "--unit", UNIT, "--year", str(YEAR), "--db", db, "--json")
    assert len(json.loads(r.stdout)["snapshots"]) == 12
    r = _run(
        "import", str(SAMPLE_DATA / sample.MONTHLY_FILE), "--unit", UNIT, "--as-of", "2023-13-01", "--db", db
    )
    assert r.returncode == 2 and "不是 YYYY-MM-DD" in r.stderr and "Traceback" not in r.stderr
    r = _run("monitor", "--unit", "没有的单位", "--year", "2023", "--db", db, "--json")
    assert r.returncode == 2 and "没有 没有的单位 2023年 的监控数据" in r.stderr


def test_versions_name_their_as_of(store):
    for k in (6, 3):
        data, name = snapshot_file(k)
        import_snapshot(store, data, name, unit=UNIT, year=YEAR, as_of=month_end(k))
    [info] = store.list_datasets()
    by_version = {v.version: v for v in store.versions(info.id)}
    assert (by_version[1].as_of, by_version[2].as_of) == (month_end(6), month_end(3))
    assert by_version[1].current and not by_version[2].current


def test_a_monthly_table_without_a_year_is_stored_under_the_year_it_states(store):
    """No year given: the 月度执行表's own (title, header, months); one given that differs is kept and said;
    none anywhere and no 截至日期 is a Chinese error, nothing stored."""
    r = import_snapshot(store, MONTHLY, sample.MONTHLY_FILE, unit=UNIT, year=None, as_of=None)
    assert r.year == YEAR and f"{UNIT} {YEAR}年" in r.message
    assert sm.series(store) == [(UNIT, YEAR, 1)]
    other = import_snapshot(store, MONTHLY, sample.MONTHLY_FILE, unit="另一单位", year=YEAR + 1, as_of=None)
    assert other.year == YEAR + 1 and f"文件中标明的年度是 {YEAR} 年" in other.message
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目名称", "全年预算（万元）", "1月", "2月"])
    ws.append(["科普活动", 100, 10, 20])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(StoreError, match="无法从文件中判断年度"):
        import_snapshot(store, buf.getvalue(), "月度执行.xlsx", unit="第三单位", year=None, as_of=None)
    assert all(u != "第三单位" for u, _, _ in sm.series(store))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("唐山市科协截至2023年9月30日项目支出执行情况", date(2023, 9, 30)),
        ("截止到2023年6月底预算执行表", date(2023, 6, 30)),
        ("（数据截至2023-08-15）", date(2023, 8, 15)),
        ("2023年1-9月项目执行进度", date(2023, 9, 30)),
        ("2023年度1至3月执行情况", date(2023, 3, 31)),
        ("2024年1－2月", date(2024, 2, 29)),
        ("2023年上半年执行情况", date(2023, 6, 30)),
        ("2023年前三季度执行情况", date(2023, 9, 30)),
        # before: None, each of these (the 截至日期 then had to be typed by hand)
        ("唐山市科协2023年1月至6月项目支出执行情况", date(2023, 6, 30)),
        ("2023年1月-9月执行进度", date(2023, 9, 30)),
        ("2023年一至十一月预算执行", date(2023, 11, 30)),
        ("数据截至：2023年6月30日", date(2023, 6, 30)),
        ("截至目前（2023年8月15日）", date(2023, 8, 15)),
        ("2023年6月末项目执行表", date(2023, 6, 30)),
        ("2023年11月底执行情况", date(2023, 11, 30)),
        ("2023年第四季度执行情况", date(2023, 12, 31)),
        ("2023年第1季度执行情况", date(2023, 3, 31)),
        ("2023年半年执行情况", date(2023, 6, 30)),
        ("2023年9月执行情况", None),  # a month alone: its end, or a day in it?
        ("2023年10-12月执行情况", None),  # a quarter's own spending, not the year's to date
        ("2023年12月31日", None),  # a date without 截至 may be the day it was printed
        ("截至2023年2月30日", None),
        ("河南省科学技术协会2023年度项目单位自评汇总表", None),
    ],
)
def test_the_as_of_date_a_title_states(text, expected):
    from jixiao.naming import as_of_in

    assert as_of_in(text) == expected
