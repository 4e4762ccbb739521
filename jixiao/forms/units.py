"""The money unit of a form: what the form says (元 or 万元), or, when it says nothing, what the size of
its 总额 makes plain — said as a finding either way a doubt remains."""

from __future__ import annotations

from typing import Any

from jixiao.forms.compute import Form
from jixiao.forms.labels import WAN_RE, YUAN_RE, _raw
from jixiao.ingest.money_units import ASSUMED_YUAN_MEDIAN, YUAN_MEDIAN
from jixiao.model import Finding

AMOUNTS = ("initial", "adjusted", "executed")


def said_unit(rows: list[list[Any]], first: int, header: int, above: list[Any]) -> str | None:
    """元 or 万元 as the form says it: in the budget header or the rows above it down to the title,
    else on a short line of its own just above the title ("单位：元" over the form); None when the
    form says nothing."""
    header_text = " ".join(_raw(v) for v in [*rows[header], *above, *rows[first:header]])
    for text in (header_text, _line_above(rows, first)):
        if YUAN_RE.search(text):
            return "元"
        if WAN_RE.search(text):
            return "万元"
    return None


def _line_above(rows: list[list[Any]], first: int) -> str:
    lines = []
    for row in rows[max(0, first - 3) : first]:
        cells = [_raw(v) for v in row if v != ""]
        if cells and all(isinstance(v, str) for v in row if v != "") and max(map(len, cells)) <= 20:
            lines.append(" ".join(cells))
    return " ".join(lines)


def check_unit(form: Form, unit: str | None, own_unit: set[tuple[int, str]]) -> Finding | None:
    """A form that says no unit is in 万元 unless its 总额 would then be over 1 亿元: it is in 元, and its
    amounts are converted here. A said unit that makes the project over 10 亿元 or under 1,000 元 is
    doubted. A department's whole budget is allowed ten times a project's. ``own_unit`` holds the
    (row, amount) cells that write their own unit: they are left as read."""
    scale = 10 if form.is_department or any("整体" in x.label for x in form.budget_lines) else 1
    amounts = [
        abs(x)
        for line in form.budget_lines[:1]
        for k in AMOUNTS
        if (line.sheet_row - 1, k) not in own_unit and (x := getattr(line, k)) is not None and x
    ]
    size = max(amounts, default=None)
    if size is None:
        return None
    row = form.budget_lines[0].sheet_row

    def said(code: str, message: str) -> Finding:
        return Finding("warning", code, form.where(row, "预算执行情况"), message, sheet_row=row)

    if unit is None and size > ASSUMED_YUAN_MEDIAN * scale:
        for line in form.budget_lines:
            for k in AMOUNTS:
                x = getattr(line, k)
                if x is not None and (line.sheet_row - 1, k) not in own_unit:
                    setattr(line, k, x / 10000)
        form.amount_unit = "元"
        return said(
            "AMOUNT_UNIT_ASSUMED",
            f"自评表没有注明金额单位。按“万元”理解，预算达 {size:,.2f} 万元（超过 {scale} 亿元），已按“元”读取。"
            "如实际是万元，请在表中注明“单位：万元”后重新上传。",
        )
    if unit == "万元" and size > YUAN_MEDIAN * scale:
        return said(
            "AMOUNT_UNIT_SUSPECT",
            f"按“万元”理解，预算达 {size:,.2f} 万元（超过 {10 * scale} 亿元），金额可能是以“元”为单位，请核实。",
        )
    if unit == "元" and size < 0.1:
        return said(
            "AMOUNT_UNIT_SUSPECT",
            f"按“元”理解，预算只有 {size * 10000:,.2f} 元，金额可能是以“万元”为单位，请核实。",
        )
    return None
