"""Write one table of projects in the habits real workbooks have, so tests can check that every
layout reads back to the same figures.

The writer only decides *presentation* (titles, synonyms, column order, header shape, units, rate
style, subtotal rows, notes, sheet, file format); the figures themselves are the caller's.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field

from openpyxl import Workbook

SYNONYMS = {
    "seq": ["序号", "编号"],
    "unit": ["单位", "单位名称", "实施单位", "预算单位"],
    "project": ["项目名称", "项目"],
    "budget": ["全年预算数", "调整后预算数", "预算数", "年度预算", "调整预算数"],
    "executed": ["全年执行数", "实际执行数", "执行数", "支出数", "预算执行数"],
    "rate": ["预算执行率", "支出进度", "执行进度"],
    "funds": ["资金管理情况得分率", "资金管理得分率"],
    "output": ["产出指标得分率", "产出得分率"],
    "benefit": ["效益指标得分率", "效益得分率"],
    "satisfaction": ["满意度指标得分率", "满意度得分率"],
    "score": ["自评得分", "得分", "综合得分"],
    "self_flag": ["是否有较大偏差", "是否存在较大偏差"],
}
GROUP_CHILD = {  # labels under a two-row header's merged group cell
    "budget": "预算数",
    "executed": "执行数",
    "rate": "执行率",
    "funds": "资金管理",
    "output": "产出指标",
    "benefit": "效益指标",
    "satisfaction": "满意度指标",
}
COMPONENTS = ("funds", "output", "benefit", "satisfaction")
WEIGHTS = {"funds": 20, "output": 40, "benefit": 20, "satisfaction": 10}  # 河南 口径, as headers print them


@dataclass
class Project:
    unit: str
    name: str
    budget: float  # 万元, 2 decimals
    executed: float
    funds: float  # fractions 0..1
    output: float
    benefit: float
    satisfaction: float
    score: float
    self_flag: bool


@dataclass
class Layout:
    fmt: str = "xlsx"  # xlsx / csv-utf8 / csv-utf8-sig / csv-gbk
    title_rows: int = 2
    amount_unit: str = "万元"  # 万元 / 元
    unit_where: str = "header"  # header / line / none (none only with 万元)
    rate_style: str = "fraction"  # fraction / text_pct / number_pct
    order_seed: int = 0  # shuffles the columns
    synonym_seed: int = 0
    two_row_header: bool = False
    unit_column: bool = True
    merge_units: bool = True
    subtotals: bool = False
    grand_total: str = "bottom"  # bottom / top / none
    notes: bool = True
    second_sheet: bool = False
    blank_row: bool = False
    # habits the reader must see through (issue 11)
    prior_columns: bool = False  # 上年预算数 / 上年执行数 beside this year's
    initial_budget: bool = False  # 年初预算数 beside the budget the rate uses
    hidden_rows: bool = False  # stale draft rows hidden in Excel (xlsx only)
    hidden_column: bool = False  # a stale 执行数 column hidden in Excel, leftmost (xlsx only)
    unit_block: str = "none"  # none / above / below: a block of unit totals (单位 / 项目个数 / 预算 / 执行)
    parent_rows: str = "none"  # none / 其中 / numbered: a parent row above its first unit's projects
    points: bool = False  # component columns hold points out of the 河南 weights ("产出指标得分（40分）")
    signature: bool = False  # a signing line under the table with a telephone number in the 执行数 column
    extra: dict = field(default_factory=dict)


def _fmt_rate(fraction: float, style: str) -> object:
    if style == "fraction":
        return fraction
    pct = round(fraction * 100, 2)
    if style == "text_pct":
        return f"{pct:.2f}%"
    return pct


def _money(x: float, unit: str) -> float:
    return round(x * 10000, 2) if unit == "元" else x


def render(projects: list[Project], layout: Layout) -> tuple[bytes, str]:
    """Return (file bytes, file name)."""
    rnd = random.Random(layout.synonym_seed)
    fields = ["seq", "unit", "project", "budget", "executed", "rate", *COMPONENTS, "score", "self_flag"]
    if not layout.unit_column:
        fields.remove("unit")
    if layout.prior_columns:
        fields += ["prior_budget", "prior_executed"]
    if layout.initial_budget:
        fields.append("initial")
    order = list(fields)
    random.Random(layout.order_seed).shuffle(order)
    if layout.two_row_header:
        # Keep each group's columns adjacent so one merged parent can sit above them.
        money = [f for f in order if f in ("budget", "executed", "rate")]
        comps = [f for f in order if f in COMPONENTS]
        rest = [f for f in order if f not in money and f not in comps]
        order = rest[:2] + money + comps + rest[2:]
    if layout.hidden_column and layout.fmt == "xlsx":
        order.insert(0, "stale")  # left of the real 执行数: it would win a tie if it were read
    labels = {f: rnd.choice(SYNONYMS[f]) for f in fields if f in SYNONYMS}
    labels.update({"prior_budget": "上年预算数", "prior_executed": "上年执行数", "initial": "年初预算数"})
    if layout.unit_where == "header":
        for f in ("budget", "executed", "prior_budget", "prior_executed", "initial"):
            if f in labels:
                labels[f] += f"（{layout.amount_unit}）"
    if layout.rate_style == "number_pct":
        labels["rate"] += "（%）"
        if not layout.points:
            for f in COMPONENTS:
                labels[f] += "(%)"
    if layout.points:
        for f in COMPONENTS:
            labels[f] = f"{GROUP_CHILD[f]}得分（{WEIGHTS[f]}分）"
    labels["stale"] = labels["executed"]  # the same header as the real one
    group_label = "各项指标得分" if layout.points else "各项指标得分率"

    rows: list[list[object]] = []
    merges: list[tuple[int, int, int, int]] = []  # 1-based r0, c0, r1, c1
    if layout.title_rows >= 1:
        rows.append(["某某市科学技术协会"])
    if layout.title_rows >= 2:
        rows.append(["2023年度项目单位自评汇总表"])
    if layout.unit_where == "line":
        rows.append([f"金额单位：{layout.amount_unit}"])
    if layout.unit_block == "above":
        rows += unit_block_rows(projects, layout)
        rows.append([])
    header_top = len(rows) + 1
    if layout.two_row_header:
        top, bottom = [], []
        for f in order:
            if f in ("budget", "executed", "rate"):
                top.append("预算执行情况")
                child = GROUP_CHILD[f]
                if f != "rate" and layout.unit_where == "header":
                    child += f"（{layout.amount_unit}）"
                if f == "rate" and layout.rate_style == "number_pct":
                    child += "（%）"
                bottom.append(child)
            elif f in COMPONENTS:
                top.append(group_label)
                if layout.points:
                    bottom.append(labels[f])
                else:
                    bottom.append(GROUP_CHILD[f] + ("(%)" if layout.rate_style == "number_pct" else ""))
            else:
                top.append(labels[f])
                bottom.append("")
        # merged cells keep their value in the first cell only
        for group in ("预算执行情况", group_label):
            cols = [i + 1 for i, t in enumerate(top) if t == group]
            if cols:
                merges.append((header_top, cols[0], header_top, cols[-1]))
                for c in cols[1:]:
                    top[c - 1] = ""
        for i, f in enumerate(order):
            if f not in ("budget", "executed", "rate", *COMPONENTS):
                merges.append((header_top, i + 1, header_top + 1, i + 1))
        rows += [top, bottom]
    else:
        rows.append([labels[f] for f in order])

    def data_row(p: Project, seq: int | str) -> list[object]:
        values = {
            "seq": seq,
            "unit": p.unit,
            "project": p.name,
            "budget": _money(p.budget, layout.amount_unit),
            "executed": _money(p.executed, layout.amount_unit),
            "rate": _fmt_rate(p.executed / p.budget, layout.rate_style),
            "score": p.score,
            "self_flag": "是" if p.self_flag else "否",
            "prior_budget": _money(round(p.budget * 1.1, 2), layout.amount_unit),
            "prior_executed": _money(round(p.budget * 1.1, 2), layout.amount_unit),
            "initial": _money(round(p.budget * 0.9, 2), layout.amount_unit),
            "stale": 0,
        }
        for c in COMPONENTS:
            if layout.points:
                values[c] = WEIGHTS[c] * getattr(p, c)
            else:
                values[c] = _fmt_rate(getattr(p, c), layout.rate_style)
        return [values[f] for f in order]

    def total_row(label: str, group: list[Project]) -> list[object]:
        b = round(sum(p.budget for p in group), 2)
        e = round(sum(p.executed for p in group), 2)
        values = {f: "" for f in order}
        values["project"] = label
        values["budget"] = _money(b, layout.amount_unit)
        values["executed"] = _money(e, layout.amount_unit)
        values["rate"] = _fmt_rate(e / b, layout.rate_style) if b else ""
        return [values[f] for f in order]

    if layout.grand_total == "top":
        rows.append(total_row("合计", projects))
    units: dict[str, list[Project]] = {}
    for p in projects:
        units.setdefault(p.unit, []).append(p)
    seq = 1
    unit_col = order.index("unit") + 1 if "unit" in order else None
    hidden: list[int] = []  # 1-based sheet rows hidden in Excel
    project_col = order.index("project")
    for g, (unit, group) in enumerate(units.items()):
        start = len(rows) + 1
        parent = layout.parent_rows != "none" and g == 0
        if parent:
            row = total_row(f"{unit}专项经费", group)  # a parent row: the sum of the projects below it
            if unit_col:
                row[unit_col - 1] = unit
            rows.append(row)
        for i, p in enumerate(group):
            row = data_row(p, seq)
            if unit_col and layout.merge_units and (i > 0 or parent):
                row[unit_col - 1] = ""  # merged (or exported-from-merged) cells are blank below the first
            if parent:
                marker = ("其中：" if i == 0 else "") if layout.parent_rows == "其中" else f"（{i + 1}）"
                row[project_col] = marker + row[project_col]
                if "seq" in order:
                    row[order.index("seq")] = ""
            rows.append(row)
            seq += 1
            if layout.hidden_rows and layout.fmt == "xlsx" and i == 0:
                stale = data_row(p, "")
                stale[project_col] = f"{p.name}（旧稿）"
                if unit_col and layout.merge_units:
                    stale[unit_col - 1] = ""
                rows.append(stale)
                hidden.append(len(rows))
        if unit_col and layout.merge_units and len(group) > 1:
            merges.append((start, unit_col, len(rows), unit_col))
        if layout.subtotals:
            rows.append(total_row(f"{unit}小计", group))
        if layout.blank_row:
            rows.append([])
    if layout.grand_total == "bottom":
        rows.append(total_row("合计", projects))
    if layout.unit_block == "below":
        rows.append([])
        rows += unit_block_rows(projects, layout)
    if layout.notes:
        rows.append([])
        rows.append(["注：预算执行率 = 全年执行数 ÷ 全年预算数。"])
        rows.append(["填报人：王五", "", "联系电话：0834-1234567"])

    width = len(order)
    if layout.signature:
        line: list[object] = [""] * width
        line[0] = "填表人：张三"
        at = order.index("executed") if order.index("executed") else order.index("budget")
        line[at] = 13812345678
        rows.append(line)
    rows = [r + [""] * (width - len(r)) for r in rows]
    if layout.fmt.startswith("csv"):
        buf = io.StringIO()
        csv.writer(buf).writerows(rows)
        text = buf.getvalue()
        encoding = {"csv-utf8": "utf-8", "csv-utf8-sig": "utf-8-sig", "csv-gbk": "gbk"}[layout.fmt]
        return text.encode(encoding), "table.csv"
    wb = Workbook()
    ws = wb.active
    if layout.second_sheet:
        ws.title = "填报说明"
        ws.append(["本表由各单位财务填报，第二个工作表为汇总表。"])
        ws = wb.create_sheet("汇总表")
    else:
        ws.title = "汇总表"
    for r in rows:
        ws.append([None if x == "" else x for x in r])
    for r0, c0, r1, c1 in merges:
        ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)
    for r in hidden:
        ws.row_dimensions[r].hidden = True
    if "stale" in order:
        ws.column_dimensions["A"].hidden = True
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), "table.xlsx"


def unit_block_rows(projects: list[Project], layout: Layout) -> list[list[object]]:
    """Totals per unit, as some offices print above or below the project table: checked, never added."""
    rows: list[list[object]] = [["单位", "项目个数", "预算数", "执行数"]]
    units: dict[str, list[Project]] = {}
    for p in projects:
        units.setdefault(p.unit, []).append(p)
    for unit, group in units.items():
        b = round(sum(p.budget for p in group), 2)
        e = round(sum(p.executed for p in group), 2)
        rows.append([unit, len(group), _money(b, layout.amount_unit), _money(e, layout.amount_unit)])
    return rows


def henan_score(p: Project) -> float:
    """The weights that reproduce the Henan table (execution capped at 100%)."""
    rate = min(p.executed / p.budget, 1.0)
    return 10 * rate + 20 * p.funds + 40 * p.output + 20 * p.benefit + 10 * p.satisfaction
