"""Formulas in a 自评表 that the file saved without a result (written by a program that does not
calculate): the cell is unknown, not blank, so the reader neither takes the next number for it nor
reports "没有填写"; formulas the workbook reader could work out (SUM, plain arithmetic) are used and
said, as the 汇总表 reader says them (summary/cells.py)."""

from __future__ import annotations

from jixiao.fmt import col_letter
from jixiao.forms.compute import Form
from jixiao.ingest.workbook import Sheet
from jixiao.model import Finding

_NAMED = 8


def _cells(keys: list[tuple[int, int]]) -> str:
    named = "、".join(f"{col_letter(c)}{r + 1}" for r, c in keys[:_NAMED])
    return named + (f"等 {len(keys)} 个单元格" if len(keys) > _NAMED else "")


def formula_findings(form: Form, sheet: Sheet) -> list[Finding]:
    """FORMULA_WITHOUT_VALUE (警告) and FORMULA_COMPUTED (提示) for the cells of one form."""
    first, last = form.first_row - 1, form.last_row - 1
    out: list[Finding] = []
    uncached = sorted(k for k in sheet.uncached_formulas if first <= k[0] <= last)
    if uncached:
        total = form.total_row is not None and any(r + 1 == form.total_row for r, _ in uncached)
        form.total_unknown = form.total_unknown or total
        cells = _cells(uncached)
        what = "合计得分无法核对" if total else "相关得分无法核对"
        row = uncached[0][0] + 1
        out.append(
            Finding(
                "warning",
                "FORMULA_WITHOUT_VALUE",
                form.where(row, cells),
                f"{cells}是公式，但文件里没有保存计算结果（文件可能由程序生成、未在 Excel 中打开过），按未知处理"
                f"（不当作空白，也不取旁边的数字），{what}。请在 Excel 或 WPS 中打开该文件并保存一次，再重新上传。",
                row,
            )
        )
    computed = sorted((k, t) for k, t in sheet.computed_formulas.items() if first <= k[0] <= last)
    if computed:
        cells = _cells([k for k, _ in computed])
        (r, c), text = computed[0]
        out.append(
            Finding(
                "info",
                "FORMULA_COMPUTED",
                form.where(r + 1, cells),
                f"{cells}是公式，文件里没有保存计算结果（文件可能由程序生成）；它们都是简单的四则运算或求和，"
                f"已按公式算出（如 {col_letter(c)}{r + 1} = {text}）。",
                r + 1,
            )
        )
    return out
