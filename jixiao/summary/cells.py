"""Cells the table gives no number for although it has one (formulas never calculated, formulas
ending in an error), and component columns that hold points rather than 得分率."""

from __future__ import annotations

import re
from typing import Any

from jixiao import model as m
from jixiao.fmt import col_letter
from jixiao.ingest.workbook import Sheet

_ERROR_TEXT = frozenset({"#DIV/0!", "#N/A", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!"})
_WEIGHT_IN_LABEL = re.compile(r"[(（]?\s*(\d{1,3}(?:\.\d+)?)\s*分\s*[)）]?")
# The full marks a component has in the usual schemes (河南口径, 财政部口径, 自评表口径), for a points
# column whose header does not say its weight.
_PRESET_WEIGHTS = {
    m.RATE_FUNDS: (20.0,),
    m.RATE_COST: (20.0,),
    m.RATE_OUTPUT: (40.0, 50.0),
    m.RATE_BENEFIT: (20.0, 30.0),
    m.RATE_SATISFACTION: (10.0,),
}
_MAX_CELLS_NAMED = 8


# --- error cells and formulas without a stored value ----------------------------------------------
def cell_problems(
    sheet: Sheet,
    first: int,
    cols: dict[str, int],
    offset: int = 0,
    suspects: list[tuple[int, int]] | tuple = (),
) -> list[m.Finding]:
    """Cells of the table the file gives no number for although it has one: a formula never
    calculated (no stored value) or a formula that ends in an error. Never silently blank.

    Error cells come from the workbook's own record (xlsx) and, for formats without one, from the
    ``suspects``: the (row, column) of cells the value parser could not read, so a 50,000-row table
    is never scanned a second time."""
    wanted = {c + offset: f for f, c in cols.items() if f not in (m.PROJECT, m.UNIT, m.SEQ, m.CODE)}
    uncached = sorted(
        (r, c) for r, c in (getattr(sheet, "uncached_formulas", ()) or ()) if r >= first and c in wanted
    )
    errors = dict(getattr(sheet, "errors", {}) or {})
    for r, c in suspects:
        x = sheet.rows[r][c] if r < len(sheet.rows) and c < sheet.width else ""
        if isinstance(x, str) and x.strip() in _ERROR_TEXT:
            errors.setdefault((r, c), x.strip())
    errors = {k: t for k, t in errors.items() if k[0] >= first and k[1] in wanted}
    out = []
    if uncached:
        cells = "、".join(f"{col_letter(c)}{r + 1}" for r, c in uncached[:_MAX_CELLS_NAMED])
        more = f"等 {len(uncached)} 个单元格" if len(uncached) > _MAX_CELLS_NAMED else ""
        out.append(
            m.Finding(
                "error",
                "FORMULA_WITHOUT_VALUE",
                f"工作表「{sheet.name}」{cells}{more}",
                f"{cells}{more}是公式，但文件里没有保存计算结果（文件可能由程序生成、未在 Excel 中打开过），"
                "这些单元格按缺失处理，相关合计和执行率不完整。请在 Excel 或 WPS 中打开该文件并保存一次，再重新上传。",
                uncached[0][0] + 1,
            )
        )
    computed = sorted(
        (k, t)
        for k, t in (getattr(sheet, "computed_formulas", {}) or {}).items()
        if k[0] >= first and k[1] in wanted
    )
    if computed:
        cells = "、".join(f"{col_letter(c)}{r + 1}" for (r, c), _ in computed[:_MAX_CELLS_NAMED])
        more = f"等 {len(computed)} 个单元格" if len(computed) > _MAX_CELLS_NAMED else ""
        (r, c), text = computed[0]
        out.append(
            m.Finding(
                "info",
                "FORMULA_COMPUTED",
                f"工作表「{sheet.name}」{cells}{more}",
                f"{cells}{more}是公式，文件里没有保存计算结果（文件可能由程序生成）；它们都是简单的四则运算或求和，"
                f"已按公式算出（如 {col_letter(c)}{r + 1} = {text}）。",
                r + 1,
            )
        )
    if errors:
        keys = sorted(errors)
        cells = "、".join(f"{col_letter(c)}{r + 1}（{errors[(r, c)]}）" for r, c in keys[:_MAX_CELLS_NAMED])
        more = f"等 {len(keys)} 个单元格" if len(keys) > _MAX_CELLS_NAMED else ""
        out.append(
            m.Finding(
                "error",
                "FORMULA_ERROR",
                f"工作表「{sheet.name}」",
                f"{cells}{more}的公式计算出错，没有数值，按缺失处理。请在 Excel 或 WPS 中修正公式后保存，再重新上传。",
                keys[0][0] + 1,
            )
        )
    return out


# --- points instead of 得分率 -------------------------------------------------------------------------
def weight_in_label(label: str) -> float | None:
    """ "产出指标得分（40分）" names full marks of 40; "得分率" columns never do."""
    if "得分率" in label or "%" in label:
        return None
    hit = _WEIGHT_IN_LABEL.search(label)
    if hit and 0 < float(hit.group(1)) <= 100:
        return float(hit.group(1))
    return None


def may_hold_points(label: str) -> bool:
    """Whether ``points_weight`` could find points under this header at all (it names a weight, or
    says 得分 without 率): the cells need not be read otherwise."""
    return weight_in_label(label) is not None or ("得分" in label and "得分率" not in label)


def points_weight(fieldname: str, label: str, numbers: list[float]) -> tuple[float | None, bool]:
    """(full marks, assumed) when a component column holds points, else (None, False).

    Points: the header names the weight (or says 得分 without 率) and the values are above 1 (so
    not fractions) and at most the weight."""
    values = [x for x in numbers if x is not None and x == x]
    if not values or max(values) <= 1.0 or min(values) < 0:
        return None, False
    named = weight_in_label(label)
    if named is not None:
        return (named, False) if max(values) <= named + 1e-9 else (None, False)
    if "得分" in label and "得分率" not in label:
        for w in _PRESET_WEIGHTS.get(fieldname, ()):
            if max(values) <= w + 1e-9:
                return w, True
    return None, False


def points_finding(sheet: str, label: str, fieldname: str, weight: float, assumed: bool) -> m.Finding:
    name = m.FIELD_LABELS.get(fieldname, fieldname)
    if assumed:
        return m.Finding(
            "warning",
            "POINTS_AS_RATE",
            f"工作表「{sheet}」，列「{label}」",
            f"列「{label}」填的是分值而不是得分率，表头没有注明满分，按常见口径的满分 {weight:g} 分换算："
            f"{name} = 得分 ÷ {weight:g}。如满分不同，请在数据导入页改选或更正表头。",
            None,
            fieldname,
        )
    return m.Finding(
        "info",
        "POINTS_AS_RATE",
        f"工作表「{sheet}」，列「{label}」",
        f"列「{label}」填的是分值（满分 {weight:g} 分），已换算为得分率：{name} = 得分 ÷ {weight:g}。",
        None,
        fieldname,
    )


def extra_columns(reader: Any, cells: list[list[Any]], parsed: Any, factor: dict[str, float]) -> None:
    """What the value parser does not know of: 年初预算数 as its own amount, and component columns
    that hold points (得分率 = points ÷ full marks, said as a finding; the rate parse's complaints
    about such a column no longer apply)."""
    from jixiao.summary import columns as value_columns

    n = len(cells)
    c = reader.cols.get(m.INITIAL_BUDGET)
    if c is None:
        parsed.columns[m.INITIAL_BUDGET] = [None] * n
    else:
        raw = [row[c] for row in cells]
        values = value_columns.amount_column(
            raw, m.INITIAL_BUDGET, factor[m.INITIAL_BUDGET], parsed.issues, parsed.own_units
        )
        parsed.columns[m.INITIAL_BUDGET] = [None if x != x else float(x) for x in values.tolist()]
    named: dict[str, float | None] = {}
    present = [f for f in m.COMPONENT_COLUMNS.values() if f in reader.cols]
    for fieldname in present:
        c = reader.cols.get(fieldname)
        label = reader.headers.get(fieldname, "")
        if not may_hold_points(label):
            continue  # a 得分率 header: nothing to look at in 50,000 cells
        numbers = value_columns.numbers_of([row[c] for row in cells])
        weight, assumed = points_weight(fieldname, label, numbers)
        if weight is None:
            continue
        reader.findings.append(points_finding(reader.sheet.name, label, fieldname, weight, assumed))
        named[fieldname] = None if assumed else weight
        parsed.columns[fieldname] = [None if x is None else x / weight * 100.0 for x in numbers]
        parsed.issues = [i for i in parsed.issues if i.field != fieldname]
    reader.header_weights = header_weights(named, present, reader.headers.get(m.REPORTED_RATE, ""))


def header_weights(named: dict[str, float | None], present: list[str], rate_label: str) -> dict[str, float]:
    """The scheme a table of points states: every component column names its full marks, and the
    execution rate has the rest of 100 (or the marks its own header names)."""
    if not present or set(named) != set(present) or any(w is None for w in named.values()):
        return {}
    by_component = {
        comp: float(named[col] or 0.0) for comp, col in m.COMPONENT_COLUMNS.items() if col in named
    }
    execution = weight_in_label(rate_label) or 100.0 - sum(by_component.values())
    if not (0 < execution <= 50) or abs(execution + sum(by_component.values()) - 100.0) > 1e-6:
        return {}
    return {"execution": execution, **{c: by_component.get(c, 0.0) for c in m.COMPONENT_COLUMNS}}
