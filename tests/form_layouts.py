"""Build 项目支出绩效自评表 workbooks in layouts other than the reference file's, with openpyxl.

Each form is described by a FormSpec; ``write_form`` places it at any row and column, with options
for merged 一级 cells, a two-row budget header, 合计 numbers under their own columns, and so on.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook

TITLE = "部门预算项目支出绩效自评表（2023年度）"
INDICATOR_HEADER = [
    "一级指标",
    "二级指标",
    "三级指标",
    "指标性质",
    "指标值",
    "度量单位",
    "完成值",
    "权重",
    "得分",
    "未完成原因分析",
]
SUBROWS = ["其中：财政资金", "财政专户管理资金", "单位资金", "其他资金"]


def default_indicators() -> list[list[Any]]:
    # Weights add to 90; every target met, so the form is clean.
    return [
        ["产出指标", "数量指标", "培训人数", "≥", 100, "人", 100, 20, 20, ""],
        ["产出指标", "质量指标", "培训合格率", "≥", 95, "%", "95%", 10, 10, ""],
        ["产出指标", "时效指标", "按时完成", "≤", 1, "年", 1, 10, 10, ""],
        ["效益指标", "社会效益指标", "受益人次", "≥", 1000, "人次", 1000, 10, 10, ""],
        ["效益指标", "可持续影响指标", "持续影响", "≥", 3, "年", 3, 10, 10, ""],
        ["满意度指标", "服务对象满意度指标", "参训人员满意度", "≥", 90, "%", 95, 10, 10, ""],
        ["成本指标", "经济成本指标", "培训费用", "≤", 100, "万元", 95, 20, 20, ""],
    ]


@dataclass
class FormSpec:
    label: Any = "51340099T000000000001-测试项目甲"
    department: str = "测试主管部门"
    unit: str = "测试实施单位"
    money_unit: str | None = "万元"  # None: the budget header names no unit
    above: str | None = None  # a line of its own two rows above the title, e.g. "单位：元"
    # 年初预算, 调整后预算数, 预算执行数, 预算执行率, 权重, 得分, 原因
    budget: list[Any] = field(default_factory=lambda: [100, 100, 95, "95.00%", 10, 9.5, ""])
    subrows: bool = True
    indicators: list[list[Any]] = field(default_factory=default_indicators)
    total: list[Any] | None = field(default_factory=lambda: [100, 99.5])
    conclusion: str = "项目完成情况良好。"
    problems: str = "无"
    measures: str = "继续加强管理。"
    title: bool = True


def write_form(
    ws,
    top: int,
    spec: FormSpec,
    *,
    col: int = 1,
    merge_level1: bool = False,
    blank_level1: bool = False,
    total_in_columns: bool = False,
    two_row_budget: bool = False,
    repeat_header_after: int | None = None,
) -> int:
    """Write one form with its top-left at (top, col); return the first free row after it (1-based)."""
    r = top

    def put(row: int, offset: int, value: Any) -> None:
        if value is not None and value != "":
            ws.cell(row=row, column=col + offset, value=value)

    said = f"（{spec.money_unit}）" if spec.money_unit else ""
    if spec.above:
        put(r, 8, spec.above)
        r += 2

    if spec.title:
        put(r, 0, TITLE)
        ws.merge_cells(start_row=r, start_column=col, end_row=r, end_column=col + 10)
        r += 1
    put(r, 0, "项目名称")
    put(r, 1, spec.label)
    r += 1
    put(r, 0, "主管部门")
    put(r, 1, spec.department)
    put(r, 5, "实施单位（盖章）")
    put(r, 6, spec.unit)
    r += 1
    budget_top = r
    if two_row_budget:
        put(r, 0, "预算执行情况（10分）")
        put(r, 1, "资金来源")
        put(r, 2, f"年度预算数{said}")
        ws.merge_cells(start_row=r, start_column=col + 2, end_row=r, end_column=col + 4)
        for k, text in enumerate(["预算执行率", "权重", "得分", "原因"]):
            put(r, 5 + k, text)
        r += 1
        for k, text in enumerate(["年初预算", "调整后预算数", "预算执行数"]):
            put(r, 2 + k, text)
        r += 1
    else:
        put(r, 0, "预算执行情况（10分）")
        put(r, 1, f"年度预算数{said}")
        for k, text in enumerate(
            ["年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重", "得分", "原因"]
        ):
            put(r, 2 + k, text)
        r += 1
    put(r, 1, "总额")
    for k, value in enumerate(spec.budget):
        put(r, 2 + k, value)
    r += 1
    if spec.subrows:
        for k, label in enumerate(SUBROWS):
            put(r, 1, label)
            if k == 0:
                for j, value in enumerate(spec.budget[:4]):
                    put(r, 2 + j, value)
            put(r, 6, "/")
            put(r, 7, "/")
            r += 1
    ws.merge_cells(start_row=budget_top, start_column=col, end_row=r - 1, end_column=col)

    put(r, 0, "绩效指标（90分）")
    for k, text in enumerate(INDICATOR_HEADER):
        put(r, 1 + k, text)
    r += 1
    group_start = r
    previous = None
    for n, row in enumerate(spec.indicators):
        if repeat_header_after is not None and n == repeat_header_after:
            put(r, 0, "绩效指标（90分）")
            for k, text in enumerate(INDICATOR_HEADER):
                put(r, 1 + k, text)
            r += 1
            group_start, previous = r, None
        level1 = row[0]
        if merge_level1 and level1 != previous and previous is not None and r - 1 > group_start:
            ws.merge_cells(start_row=group_start, start_column=col + 1, end_row=r - 1, end_column=col + 1)
        if level1 != previous:
            group_start = r
        for k, value in enumerate(row):
            if k == 0 and (merge_level1 or blank_level1) and level1 == previous:
                continue
            put(r, 1 + k, value)
        previous = level1
        r += 1
    if merge_level1 and r - 1 > group_start:
        ws.merge_cells(start_row=group_start, start_column=col + 1, end_row=r - 1, end_column=col + 1)
    if spec.total is not None:
        put(r, 0, "合计")
        if total_in_columns:
            put(r, 8, spec.total[0])
            put(r, 9, spec.total[1])
        else:
            put(r, 1, spec.total[0])
            put(r, 2, spec.total[1])
        r += 1
    for label, text in (
        ("评价结论", spec.conclusion),
        ("存在问题", spec.problems),
        ("改进措施", spec.measures),
    ):
        put(r, 0, label)
        put(r, 1, text)
        r += 1
    return r


def workbook_bytes(sheets: dict[str, list[tuple[FormSpec, dict[str, Any]]]], gap: int = 2) -> bytes:
    """{sheet name: [(spec, write_form options), ...]} -> xlsx bytes, forms stacked down each sheet."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, forms in sheets.items():
        ws = wb.create_sheet(name)
        r = 1
        for spec, options in forms:
            r = write_form(ws, r, spec, **options) + gap
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def one_form(spec: FormSpec | None = None, **options: Any) -> bytes:
    return workbook_bytes({"自评表": [(spec or FormSpec(), options)]})
