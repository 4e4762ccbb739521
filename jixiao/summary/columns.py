"""The value columns of a project table, parsed a column at a time.

The reader (``summary.read``) decides which rows are projects and which column holds which field;
this module turns each chosen column into numbers at once. A column of a real 汇总表 repeats itself
(the same '100.00%', '/', '是' thousands of times, and a number cell is already a number), so number
cells go through numpy as one array and each *distinct* text is parsed once, by the same per-cell
parsers the forms reader uses (``ingest.values``), then spread back over its rows. The raw text is
kept only for the cells that become findings.

Cells that parse but cannot be real (an amount beyond a trillion 万元, inf, a 自评得分 of 1000, a
得分率 of 130%, an execution rate of 50,000%) are left out of the figures and reported, so one typo
cannot move a total or a mean unnoticed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd

from jixiao import model as m
from jixiao.ingest import values as v

RATE_FIELDS = (m.REPORTED_RATE, *m.COMPONENT_COLUMNS.values())
COMPONENT_BY_COLUMN = {col: comp for comp, col in m.COMPONENT_COLUMNS.items()}

# Plausibility bounds. A province's whole budget is far below a trillion 万元; a score is out of 100;
# a 得分率 cannot pass 100%; a printed execution rate above 1,000% is a typo or a unit slip.
MAX_AMOUNT = 1e12  # 万元
AMOUNT_FIELDS = (m.BUDGET, m.INITIAL_BUDGET, m.EXECUTED)
SCORE_RANGE = (0.0, 100.0)
COMPONENT_RANGE = (0.0, 100.0)  # percent
MAX_RATE = 1000.0  # percent, either sign
_SLACK = 1e-6  # 100.0000001% from a fraction times 100 is still 100%

NONFINITE_TEXT = frozenset(
    {"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "nan", "+nan", "-nan"}
)

UNPARSEABLE = "UNPARSEABLE_VALUE"
WITHOUT_PERCENT = "RATE_WITHOUT_PERCENT"
IMPLAUSIBLE = "IMPLAUSIBLE_VALUE"


@dataclass
class Issue:
    """One cell that becomes a finding: its position among the project rows, and its raw text."""

    index: int
    field: str
    code: str
    raw: str  # the cell as the user typed it
    what: str  # the rest of the sentence, in Chinese


@dataclass
class Parsed:
    columns: dict[str, Any]  # field -> values for the project DataFrame
    issues: list[Issue] = field(default_factory=list)
    rate_style: str = "fraction"  # of the reported rate column, for the total rows' rates
    own_units: dict[str, int] = field(default_factory=dict)  # field -> cells whose written unit won
    dashes: dict[str, int] = field(default_factory=dict)  # field -> amount cells "-" read as 0


def implausible(fieldname: str, x: float) -> str | None:
    """Why a parsed value cannot be real, or None. Amounts in 万元, rates and 得分率 in percent."""
    if x - x != 0.0:
        return "不是有限的数值"
    if fieldname in AMOUNT_FIELDS:
        if abs(x) > MAX_AMOUNT:
            return f"折合 {x:.6g} 万元，超出合理范围（绝对值不超过 1 万亿万元）"
    elif fieldname == m.REPORTED_SCORE:
        if not (SCORE_RANGE[0] - _SLACK <= x <= SCORE_RANGE[1] + _SLACK):
            return "自评得分应在 0–100 分之间"
    elif fieldname == m.REPORTED_RATE:
        if abs(x) > MAX_RATE:
            return "执行率超过 1000%，不可能是实际执行率"
    elif fieldname in COMPONENT_BY_COLUMN and not (
        COMPONENT_RANGE[0] - _SLACK <= x <= COMPONENT_RANGE[1] + _SLACK
    ):
        return "得分率应在 0%–100% 之间"
    return None


def _bad_mask(fieldname: str, x: np.ndarray) -> np.ndarray:
    """``implausible`` for a whole column (NaN is missing, not implausible)."""
    with np.errstate(invalid="ignore"):
        bad = np.isinf(x)
        if fieldname in AMOUNT_FIELDS:
            bad |= np.abs(x) > MAX_AMOUNT
        elif fieldname == m.REPORTED_SCORE:
            bad |= (x < SCORE_RANGE[0] - _SLACK) | (x > SCORE_RANGE[1] + _SLACK)
        elif fieldname == m.REPORTED_RATE:
            bad |= np.abs(x) > MAX_RATE
        elif fieldname in COMPONENT_BY_COLUMN:
            bad |= (x < COMPONENT_RANGE[0] - _SLACK) | (x > COMPONENT_RANGE[1] + _SLACK)
    return bad


_NUMBER_KINDS = frozenset({"floating", "integer", "mixed-integer-float", "empty"})


class _Column:
    """One column's cells split by type: number cells as an array, the rest to parse by distinct text.

    Most columns are all numbers or all text; ``infer_dtype`` (one pass in C) finds those, and only
    a mixed column pays for telling its cells apart one by one."""

    def __init__(self, cells: np.ndarray | list[Any]):
        n = len(cells)
        self.n = n
        if isinstance(cells, np.ndarray):
            obj = np.ascontiguousarray(cells)
        else:
            obj = np.empty(n, dtype=object)
            obj[:] = cells
        self.cells = obj
        self.obj = obj
        self._codes: np.ndarray | None = None
        self._uniques: list[Any] = []
        kind = pd.api.types.infer_dtype(obj, skipna=False)
        if kind in _NUMBER_KINDS:
            self.number = np.ones(n, dtype=bool)
            self.other = np.empty(0, dtype=np.intp)
        elif kind == "string":
            self.number = np.zeros(n, dtype=bool)
            codes, uniques = pd.factorize(obj)
            filled = np.array([u != "" for u in uniques], dtype=bool)
            self.other = np.flatnonzero(filled[codes])
            self._codes, self._uniques = codes[self.other], list(uniques)
        else:
            types = np.fromiter(map(type, cells), dtype=object, count=n)
            self.number = (types == float) | (types == int)  # noqa: E721 -- exact types: a bool is not a number
            self.other = np.flatnonzero(~self.number & ~(obj == ""))
            self.text = types == str  # noqa: E721

    def numbers(self) -> np.ndarray:
        if self.number.all():
            return self.obj.astype(float)
        out = np.full(self.n, np.nan)
        if self.number.any():
            out[self.number] = self.obj[self.number].astype(float)
        return out

    def distinct(self) -> tuple[np.ndarray, list[Any]]:
        """(code per cell of ``other``, the distinct cells). Only text is pooled: 1, 1.0 and True are
        equal to a hash table but not to a reader."""
        if self._codes is not None:
            return self._codes, self._uniques
        if not len(self.other):
            return np.empty(0, dtype=np.intp), []
        sub = self.obj[self.other]
        if self.text[self.other].all():
            codes, uniques = pd.factorize(sub)
            return codes, list(uniques)
        uniques: list[Any] = []
        codes = np.empty(len(sub), dtype=np.intp)
        seen: dict[str, int] = {}
        for i, x in enumerate(sub.tolist()):
            if type(x) is str:
                k = seen.setdefault(x, len(uniques))
                if k == len(uniques):
                    uniques.append(x)
            else:
                k = len(uniques)
                uniques.append(x)
            codes[i] = k
        return codes, uniques


def nonfinite_text(x: Any) -> bool:
    if type(x) is not str:
        return False
    t = x.strip().lower()
    if t in NONFINITE_TEXT:
        return True
    parsed, status = v.parse_number(x)
    if status != v.BAD:
        return False
    # '1e400' is a number too large for a double: a finding of its own, not "not a number"
    t = v._clean(x).rstrip("%")
    return bool(v._NUMBER.match(t)) and float(t) - float(t) != 0.0


def _nonfinite(uniques: list[Any], bad: np.ndarray) -> np.ndarray:
    """Which distinct cells are non-finite numbers; only cells that did not parse are looked at."""
    out = np.zeros(len(uniques), dtype=bool)
    for k in np.flatnonzero(bad).tolist():
        out[k] = nonfinite_text(uniques[k])
    return out


def numbers_of(cells) -> list[float | None]:
    """What ``values.parse_number`` makes of each cell (None where it gives no number), a column at
    a time, with no findings."""
    col = _Column(cells)
    out = col.numbers()
    codes, uniques = col.distinct()
    if uniques:
        values = np.array(
            [np.nan if (x := v.parse_number(u)[0]) is None else x for u in uniques], dtype=float
        )
        out[col.other] = values[codes]
    out[np.isinf(out)] = np.nan
    return [None if x != x else x for x in out.tolist()]


def amount_column(
    cells,
    fieldname: str,
    factor: float,
    issues: list[Issue],
    own_units: dict[str, int] | None = None,
    dashes: dict[str, int] | None = None,
) -> np.ndarray:
    """Amounts (万元 after ``factor``) or scores; NaN where blank, '/', unreadable or implausible.
    An amount cell that writes its own unit ("39万元" in a 元 column) is taken in that unit; how
    many did so against the column's unit goes in ``own_units``. An amount written "-" is 0, as
    Excel's 会计专用 format shows a zero and as accountants type one; how many, in ``dashes``."""
    col = _Column(cells)
    out = col.numbers() * factor
    codes, uniques = col.distinct()
    if uniques:
        parsed = [v.parse_number(u) for u in uniques]
        values = np.array([np.nan if x is None else x for x, _ in parsed], dtype=float)
        scale = np.full(len(uniques), factor)
        if fieldname in AMOUNT_FIELDS:
            zero = np.array([type(u) is str and u.strip() in v.DASHES for u in uniques], dtype=bool)
            if zero.any():
                values[zero] = 0.0
                if dashes is not None:
                    dashes[fieldname] = dashes.get(fieldname, 0) + int(zero[codes].sum())
            own = [v.written_factor(u) for u in uniques]
            scale = np.array([factor if f is None else f for f in own], dtype=float)
            differs = np.array([f is not None and f != factor for f in own], dtype=bool)[codes]
            differs &= ~np.isnan(values[codes])
            if differs.any() and own_units is not None:
                own_units[fieldname] = own_units.get(fieldname, 0) + int(differs.sum())
        out[col.other] = (values * scale)[codes]
        bad_u = np.array([s == v.BAD for _, s in parsed], dtype=bool)
        bad = bad_u[codes]
        nonfinite = _nonfinite(uniques, bad_u)[codes]
        for k in np.flatnonzero(bad & ~nonfinite).tolist():
            raw = col.cells[col.other[k]]
            issues.append(Issue(int(col.other[k]), fieldname, UNPARSEABLE, v.text_of(raw), "不是数字"))
        for k in np.flatnonzero(nonfinite).tolist():
            raw = col.cells[col.other[k]]
            issues.append(Issue(int(col.other[k]), fieldname, IMPLAUSIBLE, v.text_of(raw), "不是有限的数值"))
    _exclude(out, fieldname, cells, issues)
    return out


def _exclude(out: np.ndarray, fieldname: str, cells, issues: list[Issue]) -> None:
    bad = _bad_mask(fieldname, out)
    if bad.any():
        for i in np.flatnonzero(bad).tolist():
            issues.append(
                Issue(
                    i,
                    fieldname,
                    IMPLAUSIBLE,
                    v.text_of(cells[i]),
                    implausible(fieldname, float(out[i])) or "",
                )
            )
        out[bad] = np.nan


@dataclass
class RateColumn:
    values: np.ndarray  # percent
    style: str
    na: np.ndarray  # cells marked '/' (not applicable)
    decimals: np.ndarray | None = None  # printed decimals of the reported rate, NaN where none


def rate_column(cells, fieldname: str, issues: list[Issue]) -> RateColumn:
    """One rate column to percent. Whether a bare number is a fraction or a percent is decided for
    the whole column; a forgotten % sign is a finding."""
    col = _Column(cells)
    n = col.n
    bare = col.numbers()
    signed = np.full(n, np.nan)
    na = np.zeros(n, dtype=bool)
    text = np.zeros(n, dtype=bool)  # a text cell that parsed: it shows its own printed precision
    text_dec = np.full(n, np.nan)
    codes, uniques = col.distinct()
    if uniques:
        parsed = [v.parse_rate(u) for u in uniques]
        value = np.array([np.nan if p[0] is None else p[0] for p in parsed], dtype=float)[codes]
        status = np.array([p[1] for p in parsed], dtype=object)[codes]
        has_pct = np.array([p[2] for p in parsed], dtype=bool)[codes]
        dec = np.array([np.nan if p[3] is None else p[3] for p in parsed], dtype=float)[codes]
        ok = status == v.OK
        idx = col.other
        signed[idx[ok & has_pct]] = value[ok & has_pct]
        bare[idx[ok & ~has_pct]] = value[ok & ~has_pct]
        text[idx[ok]] = True
        text_dec[idx[ok]] = dec[ok]
        nonfinite = _nonfinite(uniques, np.array([p[1] == v.BAD for p in parsed], dtype=bool))[codes]
        for k in np.flatnonzero((status == v.BAD) & ~nonfinite).tolist():
            raw = col.cells[idx[k]]
            issues.append(Issue(int(idx[k]), fieldname, UNPARSEABLE, v.text_of(raw), "不是百分比或数字"))
        for k in np.flatnonzero(nonfinite).tolist():
            raw = col.cells[idx[k]]
            issues.append(Issue(int(idx[k]), fieldname, IMPLAUSIBLE, v.text_of(raw), "不是有限的数值"))
        if fieldname in COMPONENT_BY_COLUMN:
            na[idx[status == v.NA]] = True
    style = v.rate_style(bare, int((~np.isnan(signed)).sum()))
    out = np.where(~np.isnan(signed), signed, bare)
    as_fraction = np.zeros(n, dtype=bool)
    if style == "fraction":
        with np.errstate(invalid="ignore"):
            as_fraction = np.abs(bare) <= v.FRACTION_MAX
        out = np.where(as_fraction, bare * 100.0, out)
        for i in np.flatnonzero(~np.isnan(bare) & ~as_fraction & ~np.isinf(bare)).tolist():
            raw = v.text_of(cells[i]) if isinstance(cells[i], str) else v.text_of(float(bare[i]))
            issues.append(
                Issue(
                    i,
                    fieldname,
                    WITHOUT_PERCENT,
                    raw,
                    f"缺少百分号（同列其他单元格是百分比），已按 {raw}% 理解",
                )
            )
    decimals = None
    if fieldname == m.REPORTED_RATE:
        decimals = _printed_decimals(out, text, text_dec, as_fraction & np.isnan(signed))
    _exclude(out, fieldname, cells, issues)
    if decimals is not None:
        decimals[np.isnan(out)] = np.nan
    return RateColumn(out, style, na, decimals)


def _printed_decimals(out: np.ndarray, text: np.ndarray, text_dec: np.ndarray, fraction_text: np.ndarray):
    """Decimals each printed rate shows. A number cell has no printed precision of its own: it shows
    what the column shows; a text cell shows its own ('96.3%' has one decimal, a text fraction
    '0.9875' shows 98.75: two decimals fewer in percent)."""
    typed = ~np.isnan(out) & ~text
    column = column_decimals(out[typed])
    decimals = np.where(np.isnan(out), np.nan, float(column))
    own = text & ~np.isnan(text_dec)
    shown = np.where(fraction_text, np.maximum(text_dec - 2, 0), text_dec)
    decimals[own] = np.minimum(shown[own], 4)
    return decimals


def column_decimals(percents: np.ndarray) -> int:
    """How many decimals (0–2) number cells of a rate column show, judged from their values."""
    a = np.asarray(percents, dtype=float)
    a = a[~np.isnan(a)]
    if not len(a):
        return 0
    for d in (0, 1):
        if np.all(np.abs(a * 10**d - np.round(a * 10**d)) <= 1e-6):
            return d
    return 2


def yes_no_column(cells, issues: list[Issue]) -> list[bool | None]:
    col = _Column(cells)
    out: list[bool | None] = [None] * col.n
    numbers = np.flatnonzero(col.number).tolist()
    for i in numbers:
        out[i] = v.parse_yes_no(cells[i])[0]
        if v.parse_yes_no(cells[i])[1] == v.BAD:
            issues.append(Issue(i, m.SELF_FLAG, UNPARSEABLE, v.text_of(cells[i]), ""))
    codes, uniques = col.distinct()
    if uniques:
        parsed = [v.parse_yes_no(u) for u in uniques]
        flags = [p[0] for p in parsed]
        for k, c in zip(col.other.tolist(), codes.tolist()):
            out[k] = flags[c]
        bad = np.array([p[1] == v.BAD for p in parsed], dtype=bool)[codes]
        for k in np.flatnonzero(bad).tolist():
            i = int(col.other[k])
            issues.append(Issue(i, m.SELF_FLAG, UNPARSEABLE, v.text_of(cells[i]), ""))
    return out


def text_column(cells) -> list[str | None]:
    """序号 / 项目编码 as printed ('12', not '12.0'); None where blank. Each distinct cell is
    written once (a 序号 column is 50,000 whole numbers)."""
    col = _Column(cells)
    out = np.full(col.n, None, dtype=object)
    numbers = col.numbers()
    whole = col.number & (numbers == np.floor(numbers)) & (np.abs(numbers) < 2**53)
    if whole.any():
        out[whole] = list(map(str, numbers[whole].astype(np.int64).tolist()))
    for i in np.flatnonzero(col.number & ~whole).tolist():
        out[i] = v.text_of(cells[i])
    codes, uniques = col.distinct()
    if uniques:
        out[col.other] = np.array([v.text_of(u) for u in uniques], dtype=object)[codes]
    return out.tolist()


def _float_column(a: np.ndarray) -> Any:
    """A column as the DataFrame has always held it: float64 with NaN, or all None when no row has
    a value (an object column, as before)."""
    if np.isnan(a).all():
        return [None] * len(a)
    return a


def parse(cells: list[list[Any]], cols: dict[str, int], factor: dict[str, float]) -> Parsed:
    """Every value column of the project rows. ``cells`` are the project rows (merge-filled);
    ``factor`` turns each amount column into 万元."""
    n = len(cells)
    issues: list[Issue] = []
    out: dict[str, Any] = {}

    grid = np.array(cells, dtype=object) if n else np.empty((0, 0), dtype=object)
    if grid.ndim != 2:  # rows of unequal width: take each column on its own
        grid = None

    def column(fieldname: str) -> np.ndarray | list[Any] | None:
        c = cols.get(fieldname)
        if c is None:
            return None
        return grid[:, c] if grid is not None else list(map(itemgetter(c), cells))

    for fieldname in (m.SEQ, m.CODE):
        raw = column(fieldname)
        out[fieldname] = [None] * n if raw is None else text_column(raw)
    own_units: dict[str, int] = {}
    dashes: dict[str, int] = {}
    for fieldname, f in (
        (m.BUDGET, factor[m.BUDGET]),
        (m.EXECUTED, factor[m.EXECUTED]),
        (m.REPORTED_SCORE, 1.0),
    ):
        raw = column(fieldname)
        out[fieldname] = (
            [None] * n
            if raw is None
            else _float_column(amount_column(raw, fieldname, f, issues, own_units, dashes))
        )
    na_bits = np.zeros(n, dtype=np.int64)
    comps = list(m.COMPONENT_COLUMNS)
    style = "fraction"
    out[m.REPORTED_RATE_DECIMALS] = [None] * n
    for fieldname in RATE_FIELDS:
        raw = column(fieldname)
        if raw is None:
            out[fieldname] = [None] * n
            continue
        rc = rate_column(raw, fieldname, issues)
        out[fieldname] = _float_column(rc.values)
        if fieldname in COMPONENT_BY_COLUMN:
            na_bits |= rc.na.astype(np.int64) << comps.index(COMPONENT_BY_COLUMN[fieldname])
        else:
            style = rc.style
            out[m.REPORTED_RATE_DECIMALS] = _decimals_column(rc.decimals)
    out[m.NA_COMPONENTS] = _na_tuples(na_bits, comps, column_order=_na_order(cols))
    raw = column(m.SELF_FLAG)
    out[m.SELF_FLAG] = [None] * n if raw is None else yes_no_column(raw, issues)
    raw = column(m.REPORTED_GRADE)
    if raw is not None:
        out[m.REPORTED_GRADE] = text_column(raw)
    return Parsed(out, issues, style, own_units, dashes)


def _na_order(cols: dict[str, int]) -> list[str]:
    """Components in the order their '/' was found before: the order of RATE_FIELDS."""
    return [COMPONENT_BY_COLUMN[f] for f in RATE_FIELDS if f in COMPONENT_BY_COLUMN and f in cols]


def _na_tuples(bits: np.ndarray, comps: list[str], column_order: list[str]) -> list[tuple[str, ...]]:
    """The tuple of '/' components per row; rows share one tuple per distinct pattern."""
    if not bits.any():
        return [()] * len(bits)
    codes, patterns = pd.factorize(bits)
    tuples = [tuple(c for c in column_order if p >> comps.index(c) & 1) for p in patterns.tolist()]
    return [tuples[k] for k in codes.tolist()]


def _decimals_column(decimals: np.ndarray) -> Any:
    """Printed decimals as ints: an int64 column when every row has one, float with NaN when some
    do (what pandas makes of ints and None), all None when none do."""
    if np.isnan(decimals).all():
        return [None] * len(decimals)
    if not np.isnan(decimals).any():
        return decimals.astype(np.int64)
    return decimals
