"""部门决算公开表: one table's layout — its header (joined over merged rows), body, amount unit and columns.

Used by official.py, which tells the tables apart and reads each kind. A table may carry more than one
year (上年数 | 本年数, 2022年决算数 | 2023年决算数): ``year_views`` gives one table per year, the other
years' amounts blanked, so that a reader never takes last year's column for this year's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from jixiao.final_accounts.figures import in_wan
from jixiao.final_accounts.read import _UNIT_FACTORS, _unit_in, normalize_label
from jixiao.ingest.header import SIGNATURE
from jixiao.ingest.values import BAD, OK, parse_number
from jixiao.ingest.workbook import Sheet

_SKIP_COLUMN = ("行次", "栏次", "编码", "代码", "科目编码")
_TOTAL_WORDS = ("合计", "总计", "本年合计", "合计数")
_SIDE_WORDS = ("收入", "支出", "收入项目", "支出项目")  # 收入 | 金额 | 支出 | 金额


@dataclass
class _Table:
    rows: list[list[Any]]  # merged cells filled
    header: int  # the header's first row
    body: int  # the first row under the header
    labels: list[str]  # each column's header, its rows joined ("决算数|合计")
    bad: dict[tuple[int, int], str] = field(default_factory=dict)  # text where an amount belongs
    notes: list[tuple[str, str]] = field(default_factory=list)  # (code, message) of info findings

    def amount(self, r: int, c: int | None, factor: float) -> float | None:
        """The amount in 万元 at (r, c); text that is not a number is noted and read as blank."""
        if c is None or r >= len(self.rows) or c >= len(self.rows[r]):
            return None
        value, status = parse_number(self.rows[r][c])
        if status == BAD:
            self.bad[(r, c)] = _text(self.rows[r][c])
        return in_wan(value, factor) if status == OK else None


def _text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return "" if v is None else re.sub(r"[\s\u3000\xa0]+", "", str(v))


def _filled(sheet: Sheet) -> list[list[Any]]:
    rows = [list(r) for r in sheet.rows[:2000]]
    for r0, c0, r1, c1 in sheet.merged:
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1 + 1, len(rows))):
            for c in range(c0, min(c1 + 1, len(rows[r]))):
                if rows[r][c] == "":
                    rows[r][c] = value
    return rows


def _signed(row: list[Any]) -> bool:
    first = next((t for t in map(_text, row) if t), "")
    return bool(SIGNATURE.match(first))


def _number(v: Any) -> float | None:
    value, status = parse_number(v)
    return value if status == OK else None


def _is_data(row: list[Any]) -> bool:
    """A row with an amount in it (a 栏次 row of 1, 2, 3 … under the header is not)."""
    texts = [_text(x) for x in row if _text(x)]
    if any(t in ("栏次", "行次") for t in texts):
        return False
    numbers = [x for x in map(_number, row) if x is not None]
    if len(numbers) >= 3 and numbers == list(range(1, len(numbers) + 1)):
        return False  # 1, 2, 3 … : the columns' numbers without the word 栏次
    return bool(numbers)


def _table(sheet: Sheet) -> _Table | None:
    rows = _filled(sheet)
    header = next(
        (
            r
            for r, row in enumerate(rows[:15])
            if any(
                t in ("项目", "科目名称", "支出功能分类科目") or t.startswith(("项目", "科目"))
                for t in map(_text, row)
            )
            or sum(1 for t in map(_text, row) if t in _SIDE_WORDS) >= 2
            or sum(
                1
                for t in map(_text, row)
                if t and (t.endswith(("费", "合计", "小计")) or t in ("预算数", "决算数"))
            )
            >= 3
        ),
        None,
    )
    if header is None:
        return None
    body = next((r for r in range(header + 1, len(rows)) if _is_data(rows[r])), len(rows))
    # the signing lines under the table (单位负责人：…, 填表人：…) end it: their names are no amounts
    end = next((r for r in range(body, len(rows)) if _signed(rows[r])), len(rows))
    rows = rows[:end]
    # the header again under its rows (Word repeats it over a table's part on the next page): no amounts
    heads = {key for r in range(body) if (key := _words(rows[r]))}
    rows[body:] = [[""] * len(row) if _words(row) in heads else row for row in rows[body:]]
    width = max((len(r) for r in rows), default=0)
    labels = []
    for c in range(width):
        parts: list[str] = []
        for r in range(header, min(body, header + 8)):  # a header is a few rows
            t = _text(rows[r][c]) if c < len(rows[r]) else ""
            if t and t not in parts and not re.fullmatch(r"\d+|栏次|[甲乙丙丁]", t):
                parts.append(t)
        labels.append("|".join(parts))
    return _Table(rows, header, body, labels)


def _words(row: list[Any]) -> tuple[str, ...]:
    words: list[str] = []
    for t in map(_text, row):
        if t and (not words or words[-1] != t):  # a merged cell's text once
            words.append(t)
    return tuple(words)


def _factor(table: _Table, default: float = 1.0) -> float:
    """万元 per unit of the table's amounts: its own units line or header, else ``default`` (the unit
    the workbook's other tables state, when they agree: "单位：元" printed over 公开01 only)."""
    stated = stated_factor(table)
    return default if stated is None else stated


def stated_factor(table: _Table) -> float | None:
    for row in table.rows[: table.body]:
        for c, x in enumerate(row):
            t = _text(x)
            unit = _unit_in(t)
            if unit is None and re.fullmatch(r"(?:金额)?单位[:：]?", t):
                unit = next((_text(y) for y in row[c + 1 :] if _text(y) in _UNIT_FACTORS), None)
            if unit:
                return _UNIT_FACTORS[unit]
    for label in table.labels:  # "金额（元）" in the header
        hit = re.search(r"[（(](万元|元|亿元)[)）]", label)
        if hit:
            return _UNIT_FACTORS[hit.group(1)]
    return None


def _total_row(table: _Table) -> int | None:
    for r in range(table.body, len(table.rows)):
        texts = [normalize_label(_text(x)) for x in table.rows[r][:4]]
        if any(t in _TOTAL_WORDS for t in texts) and _is_data(table.rows[r]):
            return r
    return None


def _column(table: _Table, *words: str, avoid: tuple[str, ...] = ()) -> int | None:
    """The first column whose header holds every word (and none of ``avoid``)."""
    for c, label in enumerate(table.labels):
        if label and all(w in label for w in words) and not any(a in label for a in avoid):
            return c
    return None


# --- tables that hold two years ----------------------------------------------------------------------
# A column (or row) of one year's amounts: "上年数", "本年决算数", "2022年决算数", "上年金额（万元）". Only the
# whole header part counts: "本年收入合计" or "本年支出" name items, not years.
_YEAR_MARK = re.compile(
    r"(?:(上|本)年度?|((?:19|20)\d{2})\s*年度?)(?:决算)?(?:数|金额|数额)?(?:[（(](?:万元|元|亿元)[)）])?"
)


def marked_year(text: str, year: int) -> int | None:
    """The year a header part names (上年 = year - 1, 本年 = year), or None."""
    for part in text.split("|"):
        hit = _YEAR_MARK.fullmatch(part.replace("(", "（").replace(")", "）"))
        if hit:
            return year - 1 if hit.group(1) == "上" else year if hit.group(1) == "本" else int(hit.group(2))
    return None


def _row_year(row: list[Any], year: int) -> int | None:
    first = next((t for t in map(_text, row[:2]) if t), "")
    return marked_year(first, year)


def _amount_column(table: _Table, c: int) -> bool:
    label = table.labels[c]
    if any(w in label for w in _SKIP_COLUMN) or label.split("|")[-1] in ("类", "款", "项"):
        return False
    return any(c < len(row) and _number(row[c]) is not None for row in table.rows[table.body :])


def year_views(table: _Table, year: int) -> dict[int, _Table]:
    """{year: the table as that year's} for a table whose columns (or rows) are marked with years; the
    table's own year first. Its own year keeps every column not marked with another year; another year
    keeps only the amounts marked with it. A table of one year gives {year: table}."""
    cols = {c: y for c, label in enumerate(table.labels) if (y := marked_year(label, year)) is not None}
    rows = {
        r: y for r in range(table.body, len(table.rows)) if (y := _row_year(table.rows[r], year)) is not None
    }
    others = sorted((set(cols.values()) | set(rows.values())) - {year}, reverse=True)
    if not others:
        return {year: table}
    out = {}
    for y in (year, *others):
        if y == year:
            drop_cols = {c for c, marked in cols.items() if marked != y}
            drop_rows = {r for r, marked in rows.items() if marked != y}
        else:
            drop_cols = (
                {c for c in range(len(table.labels)) if cols.get(c) != y and _amount_column(table, c)}
                if y in cols.values()
                else set()
            )
            drop_rows = (
                {r for r in range(table.body, len(table.rows)) if rows.get(r) != y}
                if y in rows.values()
                else set()
            )
        out[y] = _blanked(table, drop_cols, drop_rows)
    return out


def _blanked(table: _Table, cols: set[int], rows: set[int]) -> _Table:
    body = [
        [""] * len(row) if r in rows else [("" if c in cols else x) for c, x in enumerate(row)]
        for r, row in enumerate(table.rows[table.body :], table.body)
    ]
    labels = ["" if c in cols else label for c, label in enumerate(table.labels)]
    return _Table(table.rows[: table.body] + body, table.header, table.body, labels)


# --- 功能分类 codes --------------------------------------------------------------------------------
_CODE = r"[\[【［〔]?(\d{3}(?:\d{2}){0,2})[\]】］〕]?"


def function_code(cells: list[Any]) -> str | None:
    """The 功能分类 code a row starts with: "2060101", "[2060101]行政运行", "2060101行政运行", or 类 | 款 | 项
    in columns of their own ("206" | "01" | "01")."""
    texts = [t for t in map(_text, cells) if t]
    if not texts:
        return None
    hit = re.fullmatch(_CODE, texts[0])
    if hit:
        code = hit.group(1)
        for part in texts[1:3]:
            if len(code) >= 7 or not re.fullmatch(r"\d{2}", part):
                break
            code += part
        return code
    hit = re.match(_CODE + r"(?=\D)", texts[0])
    return hit.group(1) if hit else None


def rolled_up(details: list[tuple[str, float]]) -> dict[str, float]:
    """类 code -> amount from 类, 款 and 项 rows ((code, amount)): each 类 by its own row, else by its 款
    rows, each 款 by its own row, else by its 项 rows, so that nothing is counted twice."""
    classes = {code: v for code, v in details if len(code) == 3}
    kuan = {code: v for code, v in details if len(code) == 5}
    out: dict[str, float] = dict(classes)
    for code, v in details:
        if code[:3] not in classes and (len(code) == 5 or (len(code) == 7 and code[:5] not in kuan)):
            out[code[:3]] = round(out.get(code[:3], 0.0) + v, 6)
    return out
