"""The guarded worker's limits and failures, each turned into the Chinese message, and reads from
several sessions at once."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from jixiao.ingest import worker
from jixiao.ingest.caps import STOPPED, ReadError
from tests import hostile_corpus as hc


@pytest.fixture
def fresh_workers(monkeypatch):
    """Limits are handed to a child when it starts: drop the spare before and after changing them."""
    worker._close_spare()
    yield monkeypatch
    monkeypatch.undo()
    worker._close_spare()


def test_wall_clock_limit(fresh_workers):
    fresh_workers.setattr(worker, "WALL_SECONDS", 0.001)
    with pytest.raises(ReadError) as exc:
        worker.run("xlsx", hc.good_xlsx(), "slow.xlsx")
    assert exc.value.message.startswith(STOPPED) and "耗时" in exc.value.message


def test_memory_limit(fresh_workers):
    # The interpreter with calamine takes ~20 MB; a 20,000-row sheet of long strings needs far more.
    fresh_workers.setattr(worker, "MEMORY", 48 * 1024**2)
    rows = hc.good_rows() + [[f"项目{i}-" + "长" * 300, 1, 1] for i in range(20_000)]
    data = hc.xlsx([("S", f"<sheetData>{hc.table_rows(rows)}</sheetData>")])
    with pytest.raises(ReadError) as exc:
        worker.run("xlsx", data, "big.xlsx")
    assert exc.value.message.startswith(STOPPED) and "内存" in exc.value.message


def test_a_child_that_dies_is_a_message(fresh_workers):
    fresh_workers.setattr(worker, "_BOOT", "import os; os.abort()")
    with pytest.raises(ReadError) as exc:
        worker.run("xlsx", hc.good_xlsx(), "abort.xlsx")
    assert exc.value.message.startswith(STOPPED) and "异常退出" in exc.value.message


def test_a_garbled_reply_is_a_message(fresh_workers):
    fresh_workers.setattr(worker, "_BOOT", "import sys; sys.stdin.buffer.read(); sys.stdout.write('junk')")
    with pytest.raises(ReadError) as exc:
        worker.run("xlsx", hc.good_xlsx(), "junk.xlsx")
    assert "异常退出" in exc.value.message


def test_reads_from_several_sessions_at_once():
    data = hc.good_xlsx()
    results: list = []

    def read() -> None:
        results.append(worker.run("xlsx", data, "good.xlsx"))

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    expected = worker.parse("xlsx", data, "good.xlsx")
    assert len(results) == 4 and all(r == expected for r in results)


def test_a_reply_over_the_cap_is_refused_not_read(fresh_workers):
    fresh_workers.setattr(worker, "MAX_REPLY", 1000)
    rows = hc.good_rows() + [[f"项目{i}", 1, 1] for i in range(200)]
    with pytest.raises(ReadError) as exc:
        worker.run("xlsx", hc.xlsx([("S", f"<sheetData>{hc.table_rows(rows)}</sheetData>")]), "x.xlsx")
    assert exc.value.message.startswith(STOPPED) and "内存" in exc.value.message


def test_reads_beyond_the_concurrent_cap_wait_their_turn(monkeypatch):
    monkeypatch.setattr(worker, "_slots", threading.BoundedSemaphore(1))
    test_reads_from_several_sessions_at_once()


def test_a_read_that_cannot_get_a_slot_is_told_the_server_is_busy(monkeypatch):
    monkeypatch.setattr(worker, "_slots", threading.BoundedSemaphore(1))
    monkeypatch.setattr(worker, "WALL_SECONDS", 0.05)
    worker._slots.acquire()
    try:
        with pytest.raises(ReadError) as exc:
            worker.run("xlsx", hc.good_xlsx(), "good.xlsx")
    finally:
        worker._slots.release()
    assert "请稍后再上传" in exc.value.message


def _large_rows(n: int) -> list[list]:
    # distinct numbers, so the compressed file passes excel.OVERLAP_FROM
    return hc.good_rows() + [[f"项目{i}", i * 7.31 + 0.123456789, i * 3.17 + 0.987654321] for i in range(n)]


def test_a_large_file_is_read_while_it_is_scanned_and_gives_the_same_sheets(monkeypatch):
    from jixiao.ingest import excel

    data = hc.facts_workbook()
    monkeypatch.setattr(excel, "OVERLAP_FROM", 0)
    assert excel.read_xlsx(data, overlap=True) == excel.read_xlsx(data)
    big = hc.xlsx([("S", f"<sheetData>{hc.table_rows(_large_rows(30_000))}</sheetData>")])
    assert len(big) >= excel.OVERLAP_FROM
    assert worker.run("xlsx", big, "big.xlsx") == worker.parse("xlsx", big, "big.xlsx")


def test_a_large_file_with_a_far_cell_is_still_refused_when_read_alongside_the_scan():
    body = hc.table_rows(_large_rows(30_000)) + '<row r="1048576"><c r="GR1048576"><v>1</v></c></row>'
    data = hc.xlsx([("S", f"<sheetData>{body}</sheetData>")])
    with pytest.raises(ReadError) as exc:
        worker.run("xlsx", data, "far.xlsx")
    # the scan usually refuses first; calamine running into the worker's memory cap is the other outcome
    assert "范围过大" in exc.value.message or exc.value.message == worker.TOO_BIG


def test_dates_and_times_reach_the_parent_as_the_in_process_read_gives_them():
    """In the child dates are turned into text only when the reply cannot carry them: the result
    is the in-process read's, for .xlsx and legacy .xls alike."""
    import datetime as dt
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目名称", "开始日期", "时间", "预算数"])
    ws.append(["甲项目", dt.date(2023, 3, 1), dt.time(9, 30), 100])
    ws.append(["乙项目", dt.datetime(2023, 4, 2, 8, 15), "", 200])
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    got = worker.run("xlsx", data, "dates.xlsx")
    assert got == worker.parse("xlsx", data, "dates.xlsx")
    rows = got[0][1]
    assert rows[1][1] == "2023-03-01" and rows[2][1] == "2023-04-02 08:15:00" and rows[1][2] == "09:30:00"
    legacy = Path("tests/data/henan_units_legacy.xls").read_bytes()
    assert worker.run("xls", legacy, "legacy.xls") == worker.parse("xls", legacy, "legacy.xls")
