"""The values of the report workbook's cells (jixiao.export.xlsx): rates stored as fractions, amounts
without float noise, scores half-up, 序号 as numbers where they are whole; and 项目明细 a column at a
time (column_values), as the row-by-row writer made each cell."""

from __future__ import annotations

from typing import Any

from jixiao import model as m
from jixiao.fmt import is_missing, round_half_up, to_float


def _fraction(percent: Any) -> float | None:
    """86.2273 (percent) → 0.8623: the rate as the dashboard prints it, stored as Excel's fraction."""
    v = round_half_up(to_float(percent), 2)
    return None if v is None else round(v / 100.0, 6)


def _amount(x: Any) -> float | None:
    """万元 as computed, without float noise (6780.620000000001 → 6780.62); 元 tables keep 6 decimals."""
    v = to_float(x)
    return None if v is None else round(v, 6)


def _score(x: Any) -> float | None:
    return round_half_up(to_float(x), 2)


def _seq(x: Any) -> Any:
    """序号 as printed; a whole number becomes a number (no "number stored as text" marks in Excel)."""
    if x is None or is_missing(x):
        return None
    text = str(x).strip()
    return int(text) if text.isdigit() and len(text) < 10 else text


def _self_flag(x: Any) -> str:
    if x is None or is_missing(x):
        return "未填"
    return "是" if bool(x) else "否"


def _na_comp(col: str) -> str | None:
    for comp, c in m.COMPONENT_COLUMNS.items():
        if c == col:
            return comp
    return None


def _each(fn, raw: list[Any]) -> list[Any]:
    """[fn(v) for v in raw], once per distinct number (a column of rates holds a handful)."""
    memo: dict[float, Any] = {}
    out = []
    for v in raw:
        if v.__class__ is float and v == v and v:  # not NaN, and 0.0 apart from -0.0
            r = memo.get(v, memo)
            if r is memo:
                r = memo[v] = fn(v)
        else:
            r = fn(v)
        out.append(r)
    return out


def column_values(c: Any, raw: list[Any], na: list[Any], red: list[bool]) -> list[Any]:
    """A column of 项目明细 as written (before clean_value); ``red`` marks the rates below 100%."""
    if c.kind == "rate":
        values = _each(_fraction, raw)
        comp = _na_comp(c.key)
        if comp is not None:
            below = _each(lambda v: (f := to_float(v)) is not None and f < 100 - 1e-9, raw)
            for i, v in enumerate(raw):
                if comp in na[i] and is_missing(v):
                    values[i] = "/"
                elif below[i]:
                    red[i] = True
        return values
    if c.key == m.SELF_FLAG:
        return [_self_flag(v) for v in raw]
    if c.key == m.SEQ:
        return [_seq(v) for v in raw]
    if c.kind == "int":
        return [None if is_missing(v) else int(v) for v in raw]
    if c.kind in ("amount", "score"):
        return _each(_amount if c.kind == "amount" else _score, raw)
    if c.kind == "text":
        return [v if v is None or is_missing(v) else str(v) for v in raw]
    return raw
