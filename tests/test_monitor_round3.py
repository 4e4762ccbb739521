"""Round 3 of 绩效运行监控 habits, on the 唐山 sample's real numbers: a month split by 资金来源 or into
拨付 / 支付 / 执行 columns, a project over two rows (资金来源), "其中：财政拨款 / 其他资金" under a project,
units' 小计 above their rows under a section heading, and units and projects renamed between snapshots.
Each was read wrong without a word before."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pandas as pd
from openpyxl import Workbook

from jixiao import model as m
from jixiao.monitor import compute as c
from jixiao.monitor.read import read_monthly
from tests.conftest import SAMPLE_DATA

MONTHLY = SAMPLE_DATA / "tangshan_2023_monthly_execution.xlsx"
TITLE = ["2023年唐山市科协项目支出月度执行表"]
WAN = ["单位：万元"]


def _truth(months: int = 6) -> list[tuple[str, str, float, list[float | None]]]:
    """(单位, 项目, 调整预算数, cumulative 1..months) of the sample's first 11 projects (科协本级)."""
    ws = openpyxl.load_workbook(MONTHLY).active
    rows = [r for r in ws.iter_rows(min_row=5, values_only=True)][:11]
    return [(r[0], r[1], float(r[2]), list(r[3 : 3 + months])) for r in rows]


def _book(rows: list[list], merges: tuple[str, ...] = ()) -> bytes:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(list(r))
    for rg in merges:
        ws.merge_cells(rg)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _june(t) -> dict[str, tuple[float, float]]:
    return {
        p: (round(b, 2), round(x, 2))
        for p, b, x in zip(t.projects[m.PROJECT], t.projects[m.BUDGET], t.projects["m6"])
    }


def _expected() -> dict[str, tuple[float, float]]:
    return {p: (b, round(cum[5] or 0.0, 2)) for _, p, b, cum in _truth()}


def _two_rows(lower: list[str], split) -> bytes:
    """1月…6月 merged over ``lower`` sub-columns; ``split(x)`` gives each sub-column's amount."""
    from openpyxl.utils import get_column_letter as col

    n = len(lower)
    top, under = ["单位", "项目名称", "调整预算数"], [None, None, None]
    for k in range(1, 7):
        top += [f"{k}月累计"] + [None] * (n - 1)
        under += lower
    merges = tuple(f"{col(4 + n * i)}3:{col(3 + n * (i + 1))}3" for i in range(6))
    rows = [TITLE, WAN, top, under]
    for u, p, b, cum in _truth():
        rows.append([u, p, b] + [y for x in cum for y in ([None] * n if x is None else split(x))])
    return _book(rows, merges + ("A3:A4", "B3:B4", "C3:C4"))


def test_a_month_split_by_fund_source_adds_its_columns():
    t = read_monthly(
        _two_rows(["财政拨款", "其他资金"], lambda x: [round(x * 0.7, 2), round(x - round(x * 0.7, 2), 2)]),
        "a.xlsx",
    )
    assert _june(t) == _expected()
    assert "MONTH_SUBCOLUMNS" in [f.code for f in t.findings]


def test_a_month_split_by_fund_source_with_its_total_reads_the_total():
    t = read_monthly(
        _two_rows(
            ["财政拨款", "其他资金", "合计"],
            lambda x: [round(x * 0.7, 2), round(x - round(x * 0.7, 2), 2), x],
        ),
        "a.xlsx",
    )
    assert _june(t) == _expected()


def test_under_a_month_the_executed_column_wins_over_passed_on_and_paid():
    t = read_monthly(
        _two_rows(["拨付数", "支付数", "执行数"], lambda x: [round(x * 1.5, 2), round(x * 0.9, 2), x]),
        "a.xlsx",
    )
    assert _june(t) == _expected()
    (said,) = [f for f in t.findings if f.code == "MONTH_SUBCOLUMNS"]
    assert "按「执行数」读取" in said.message and "「拨付数」" in said.message


def _over_two_rows(merged: bool) -> bytes:
    rows = [TITLE, WAN, ["单位", "项目名称", "资金来源", "调整预算数"] + [f"{k}月累计" for k in range(1, 7)]]
    merges = []
    for u, p, b, cum in _truth():
        r0 = len(rows) + 1
        rows.append(
            [u, p, "财政拨款", round(b * 0.6, 2)] + [None if x is None else round(x * 0.6, 2) for x in cum]
        )
        rest = [None if x is None else round(x - round(x * 0.6, 2), 2) for x in cum]
        rows.append([None, None, "其他资金", round(b - round(b * 0.6, 2), 2)] + rest)
        merges += [f"A{r0}:A{r0 + 1}", f"B{r0}:B{r0 + 1}"]
    return _book(rows, tuple(merges) if merged else ())


def test_a_project_over_two_rows_by_fund_source_is_one_project():
    for merged in (True, False):
        t = read_monthly(_over_two_rows(merged), "a.xlsx")
        assert _june(t) == _expected()
        (said,) = [f for f in t.findings if f.code == "PROJECT_CONTINUED"]
        assert "11 行没有项目名称" in said.message


def test_a_nameless_row_with_money_is_said_not_dropped_silently():
    rows = [TITLE, WAN, ["单位", "项目名称", "调整预算数"] + [f"{k}月" for k in range(1, 7)]]
    rows += [[u, p, b, *cum] for u, p, b, cum in _truth()]
    rows.insert(5, [None, None, 7.0, 1, 2, 3, 4, 5, 6])
    t = read_monthly(_book(rows), "a.xlsx")
    assert _june(t) == _expected()
    assert [f.sheet_row for f in t.findings if f.code == "NAMELESS_ROW" and f.severity == "warning"] == [6]


def test_fund_sources_under_a_project_are_not_projects():
    rows = [TITLE, WAN, ["单位", "项目名称", "调整预算数"] + [f"{k}月累计" for k in range(1, 7)]]
    for u, p, b, cum in _truth():
        rows.append([u, p, b, *cum])
        rows.append(
            [u, "其中：财政拨款", round(b * 0.6, 2)] + [None if x is None else round(x * 0.6, 2) for x in cum]
        )
        rows.append(
            [u, "其他资金", round(b - round(b * 0.6, 2), 2)]
            + [None if x is None else round(x - round(x * 0.6, 2), 2) for x in cum]
        )
    t = read_monthly(_book(rows), "a.xlsx")
    assert _june(t) == _expected()
    assert "FUNDING_BREAKDOWN" in [f.code for f in t.findings]


def test_unit_subtotals_above_their_rows_under_a_section_heading_name_the_units():
    truth = _truth()
    rows = [TITLE, WAN, ["项目名称", "调整预算数"] + [f"{k}月" for k in range(1, 7)], ["一、按单位", None]]
    for unit, part in (("科协本级", truth[:6]), ("科协机关", truth[6:])):
        sums = [round(sum(x[3][k] or 0 for x in part), 2) for k in range(6)]
        rows.append([f"{unit}小计", round(sum(x[2] for x in part), 2), *sums])
        rows += [[p, b, *cum] for _, p, b, cum in part]
    t = read_monthly(_book(rows), "a.xlsx")
    assert _june(t) == _expected()
    assert list(t.projects[m.UNIT]) == ["科协本级"] * 6 + ["科协机关"] * 5


def _snapshot(k: int, *, unit_as: dict | None = None, project_as: dict | None = None) -> c.Snapshot:
    truth = _truth(12)
    units = ["科协本级"] * 6 + ["科工中心"] * 5
    rows = [
        {
            m.UNIT: (unit_as or {}).get(u, u),
            m.CODE: None,
            m.PROJECT: (project_as or {}).get(p, p),
            m.BUDGET: b,
            m.EXECUTED: cum[k - 1],
        }
        for u, (_, p, b, cum) in zip(units, truth)
    ]
    end = {3: date(2023, 3, 31), 6: date(2023, 6, 30), 9: date(2023, 9, 30)}[k]
    return c.Snapshot(end, pd.DataFrame(rows), f"s{k}.xlsx")


def test_a_unit_renamed_between_snapshots_is_followed():
    mon = c.build(
        "唐山市科协", 2023, [_snapshot(3), _snapshot(6), _snapshot(9, unit_as={"科协本级": "市科协本级"})]
    )
    assert (mon.projects[c.STATUS] == "").all() and mon.gone.empty
    assert sorted(set(mon.unit_lines[m.UNIT])) == ["市科协本级", "科工中心"]
    assert mon.said == ["单位「科协本级」在后一期表中名为「市科协本级」，按同一单位连续监控。"]
    assert c.to_doc(mon)["renamed"] == mon.said


def test_a_project_renamed_slightly_between_snapshots_is_followed():
    for new in ("唐山市科普专项经费（省级）", "科普专项经费"):
        mon = c.build(
            "唐山市科协",
            2023,
            [_snapshot(3), _snapshot(6), _snapshot(9, project_as={"唐山市科普专项经费": new})],
        )
        assert (mon.projects[c.STATUS] == "").all() and mon.gone.empty, new
        line = mon.project_lines[mon.project_lines[m.PROJECT].isin(["唐山市科普专项经费", new])]
        assert line[c.PID].nunique() == 1 and len(line) == 3
        assert mon.said == [f"项目「唐山市科普专项经费」在后一期表中名为「{new}」，按同一项目连续监控。"]
