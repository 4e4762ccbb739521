"""The monitoring sample in sample_data/: a made-up month-by-month series for 唐山-like units.

Only the year-end figures are real: 调整预算数 and 实际执行数 of the 27 projects of four units as the
2023 唐山市科学技术协会 整体绩效自评报告 prints them. Everything before December is invented: each
project spends along a curve of the kind finance bureaus see (slow first quarter, rent in two
instalments, events in their month, works and 鉴定 at the year's end), scaled so December lands
exactly on the reported 实际执行数. Two projects join mid-year (their budgets were added then).

``python -m jixiao.monitor.sample`` rewrites the files; tests check they agree with this module.
"""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from jixiao.fmt import round_half_up

UNIT = "唐山市科学技术协会"
YEAR = 2023
MONTHLY_FILE = "tangshan_2023_monthly_execution.xlsx"
SNAPSHOT_FILE = "tangshan_2023_snapshot_{month:02d}.xlsx"
SNAPSHOT_MONTHS = (3, 6, 9)

# (内部单位, 项目, 调整预算数, 实际执行数 at year end, curve, first month) — the figures are the report's
PROJECTS: list[tuple[str, str, float, float, str, int]] = [
    ("科协本级", "科技工作者之家建设活动", 10.0, 6.0, "late", 1),
    ("科协本级", "唐山市老科协经费", 39.0, 39.0, "even", 1),
    ("科协本级", "唐山市老科协会议费", 5.0, 5.0, "even", 1),
    ("科协本级", "唐山市老科协培训费", 2.0, 2.0, "even", 1),
    ("科协本级", "唐山市老科协印刷费", 4.0, 4.0, "even", 1),
    ("科协本级", "唐山市总工会房屋租金", 832.52, 802.51, "rent", 1),
    ("科协本级", "唐山科技馆运营服务费", 325.88, 325.88, "quarterly", 1),
    ("科协本级", "唐山市科普专项经费", 60.0, 59.99, "typical", 1),
    ("科协本级", "办公家具购置", 0.60, 0.60, "once_march", 1),
    ("科协本级", "科创中国及科创河北试点城市建设", 40.0, 39.9, "typical", 1),
    ("科协本级", "全国科技工作者日河北主场活动", 30.5, 30.4, "event_may", 4),
    ("科工中心", "维修费", 40.0, 12.33, "works", 1),
    ("科工中心", "委托业务费", 5.0, 5.0, "quarterly", 1),
    ("科工中心", "其他交通费", 1.28, 0.64, "even", 1),
    ("科工中心", "科学演讲展示项目", 15.0, 14.68, "typical", 1),
    ("进修学院", "其他商品和服务支出", 2.0, 2.0, "even", 1),
    ("进修学院", "其他交通费", 1.28, 0.44, "even", 1),
    ("进修学院", "邮电费", 1.2, 1.2, "even", 1),
    ("进修学院", "印刷费", 1.0, 0.89, "typical", 1),
    ("进修学院", "劳务费", 9.2, 8.86, "even", 1),
    ("进修学院", "办公费", 1.0, 1.0, "even", 1),
    ("进修学院", "维修费", 30.0, 21.67, "works", 1),
    ("进修学院", "委托业务费", 120.0, 71.65, "quarterly", 1),
    ("科技馆", "科技馆免费开放中央补助资金", 619.0, 400.74, "typical", 1),
    ("科技馆", "唐山科技馆装修布展工程", 1081.95, 109.47, "works", 1),
    ("科技馆", "唐山科技馆装修布展工程司法鉴定费", 60.0, 60.0, "year_end", 10),
    ("科技馆", "其他交通费", 1.28, 0.72, "even", 1),
]

# share of the year's spending per month, January first (normalized below)
CURVES: dict[str, list[float]] = {
    "even": [1] * 12,
    "typical": [2, 3, 6, 7, 8, 10, 8, 8, 10, 10, 12, 16],
    "late": [0, 0, 1, 1, 2, 2, 2, 2, 3, 4, 8, 25],
    "rent": [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1],
    "quarterly": [0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1],
    "once_march": [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    "event_may": [0, 0, 0, 1, 6, 2, 0, 0, 0, 0, 0, 1],
    "works": [0, 0, 0, 1, 1, 2, 2, 2, 3, 4, 8, 17],
    "year_end": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 7],
}


def cumulative(executed: float, curve: str, first_month: int) -> list[float | None]:
    """Cumulative 执行数 per month (None before the project exists), ending exactly on ``executed``."""
    w = CURVES[curve]
    total = sum(w[first_month - 1 :])
    out: list[float | None] = [None] * (first_month - 1)
    run = 0.0
    for k in range(first_month, 13):
        run += w[k - 1]
        out.append(round_half_up(executed * run / total, 2))
    out[-1] = executed
    return out


def rows() -> list[dict]:
    return [
        {"unit": u, "project": p, "budget": b, "executed": e, "months": cumulative(e, c, f)}
        for u, p, b, e, c, f in PROJECTS
    ]


def monthly_workbook(habit: str = "cumulative", months: int = 12) -> bytes:
    """The 月度执行表: 单位 | 项目名称 | 调整预算数 | 累计执行数 (or 当月执行数) → 1月 … 12月."""
    wb = Workbook()
    ws = wb.active
    ws.title = "月度执行"
    word = "累计执行数" if habit == "cumulative" else "当月执行数"
    ws["A1"] = f"{YEAR}年{UNIT}项目支出月度执行表（示例数据：仅年末数取自自评报告，逐月数据为虚构）"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "单位：万元"
    ws.append([])
    ws["A3"], ws["B3"], ws["C3"], ws["D3"] = "单位", "项目名称", "调整预算数", f"{word}（万元）"
    for c, text in enumerate(["单位", "项目名称", "调整预算数"], start=1):
        ws.merge_cells(start_row=3, start_column=c, end_row=4, end_column=c)
        ws.cell(3, c).value = text
    ws.merge_cells(start_row=3, start_column=4, end_row=3, end_column=3 + months)
    for k in range(1, months + 1):
        ws.cell(4, 3 + k).value = f"{k}月"
    for cell in (*ws[3], *ws[4]):
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r in rows():
        values = r["months"][:months]
        if habit != "cumulative":
            prev = 0.0
            monthly = []
            for x in values:
                monthly.append(None if x is None else round_half_up(x - prev, 2))
                prev = prev if x is None else x
            values = monthly
        ws.append([r["unit"], r["project"], r["budget"], *values])
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 34
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def snapshot_workbook(month: int) -> bytes:
    """A plain 汇总表 as a unit would send it at the end of ``month``: one row per project then."""
    wb = Workbook()
    ws = wb.active
    ws.title = "执行情况"
    ws["A1"] = f"{UNIT}{YEAR}年1–{month}月项目支出执行情况（示例数据，虚构）"
    ws.append(["序号", "单位", "项目名称", "调整预算数（万元）", "实际执行数（万元）", "支出进度"])
    n = 0
    for r in rows():
        x = r["months"][month - 1]
        if x is None:
            continue
        n += 1
        rate = f"{round_half_up(x / r['budget'] * 100, 2):.2f}%"
        ws.append([n, r["unit"], r["project"], r["budget"], x, rate])
    ws.column_dimensions["C"].width = 34
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / MONTHLY_FILE]
    written[0].write_bytes(monthly_workbook())
    for month in SNAPSHOT_MONTHS:
        p = folder / SNAPSHOT_FILE.format(month=month)
        p.write_bytes(snapshot_workbook(month))
        written.append(p)
    return written


if __name__ == "__main__":
    for path in write(Path(__file__).resolve().parents[2] / "sample_data"):
        print(path)
