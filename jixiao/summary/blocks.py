"""Blocks of unit totals (单位 / 项目个数 / 预算 / 执行) above, below or beside the projects, or on a 汇总
sheet: found, kept as reported totals and checked against the projects, never added to them; and
which of two sheets is the project table when both could be."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from jixiao import model as m
from jixiao.fmt import num, wan
from jixiao.ingest import values as v
from jixiao.ingest.header import (
    PROJECT_COUNT,
    HeaderGuess,
    ReadOptions,
    choose_columns,
    combine_two_rows,
    normalize_label,
    usable_guesses,
)
from jixiao.ingest.workbook import Sheet
from jixiao.naming import year_in

_NUMBER_TYPES = (float, int)
# a 合计/小计/总计 label, "小  计" too; not the word inside a name ("综合计划", "数据汇总平台", "总计划")
TOTAL = re.compile(r"(小\s*计|合\s*计|总\s*计|共\s*计|汇\s*总)(?![\u4e00-\u9fff])")


@dataclass
class UnitBlock:
    """A block of reported totals per unit (单位 / 项目个数 / 预算 / 执行), never added to projects."""

    sheet: str
    first_row: int  # 1-based, the header
    last_row: int
    rows: list[dict[str, Any]]  # sheet_row, unit, count, budget, executed (raw numbers)
    amount_label: str = ""


# --- blocks of unit totals ------------------------------------------------------------------------
def _unit_header(labels: list[str], opts: ReadOptions) -> dict[str, int] | None:
    cols, _, _ = choose_columns(labels, opts.report_year)
    money = m.BUDGET in cols or m.EXECUTED in cols or m.INITIAL_BUDGET in cols
    if not money:
        return None
    if PROJECT_COUNT in cols or (m.UNIT in cols and m.PROJECT not in cols):
        return cols
    return None


# Every 预算/执行 synonym of ingest.header contains one of these words. A row none of whose texts does
# cannot be the header of a block of unit totals: 50,000 project rows are passed over with one regex
# search each instead of a header match per cell.
_MONEY_WORD = re.compile(
    r"执\s*行|支\s*出|决\s*算|拨\s*付|年\s*初|预\s*算|批\s*复|资\s*金\s*总\s*额|使\s*用|支\s*付|完\s*成|"
    r"实\s*际|下\s*达|安\s*排|指\s*标|计\s*划|budget|allocat|expen|actual|spen|execut",
    re.IGNORECASE,
)


def _may_be_money_header(row: list[Any]) -> bool:
    texts = [x for x in row if type(x) is str and x]
    if len(texts) < 2:
        return False
    joined = "\x00".join(texts)
    return "·" in joined or _MONEY_WORD.search(joined) is not None


def find_unit_blocks(
    sheet: Sheet,
    start: int,
    stop: int,
    opts: ReadOptions,
    span: tuple[int, int] | None = None,
    probe: list[int] | None = None,
) -> list[UnitBlock]:
    """Blocks of unit totals between rows ``start`` and ``stop``. Under a project table, ``probe`` are
    its amount columns: a row with a number there is a project row, not a block's header, and is
    passed over without reading its labels (a 50,000-row table costs one type check per row)."""
    out: list[UnitBlock] = []
    rows = sheet.rows
    stop = min(stop, len(rows))
    if probe:
        p = probe[0]
        candidates = [r for r in range(start, stop) if type(rows[r][p]) not in _NUMBER_TYPES]
        candidates = [r for r in candidates if not any(type(rows[r][c]) in _NUMBER_TYPES for c in probe)]
    else:
        candidates = list(range(start, stop))
    done = start
    for r in candidates:
        if r < done or not _may_be_money_header(rows[r]):
            continue  # inside a block already read, or no 预算/执行 word in it
        labels = [normalize_label(x) if isinstance(x, str) else "" for x in sheet.rows[r]]
        if span:
            labels = [x if span[0] <= c <= span[1] else "" for c, x in enumerate(labels)]
        if sum(1 for x in labels if x) >= 2 and _unit_header(labels, opts):
            block = read_unit_block(sheet, [r], labels, r + 1, stop, opts)
            if block:
                out.append(block)
                done = block.last_row
    return out


def read_unit_block(
    sheet: Sheet,
    header_rows: list[int],
    labels: list[str],
    first: int,
    stop: int,
    opts: ReadOptions,
    cols: dict[str, int] | None = None,
) -> UnitBlock | None:
    """The rows of a block of unit totals under its header; ``cols`` when the header is known to
    head one (a list whose 项目名称 are units)."""
    cols = cols or _unit_header(labels, opts)
    if not cols and len(header_rows) == 1 and header_rows[0] + 1 < len(sheet.rows):
        labels2 = combine_two_rows(sheet, header_rows[0])
        cols = _unit_header(labels2, opts)
    if cols is None:
        return None
    name_col = cols.get(m.UNIT, cols.get(m.PROJECT))
    if name_col is None:
        name_col = min(c for c, x in enumerate(labels) if x)
    budget_col = cols.get(m.BUDGET, cols.get(m.INITIAL_BUDGET))
    rows: list[dict[str, Any]] = []
    last = first
    for r in range(first, min(stop, len(sheet.rows))):
        row = sheet.rows[r]
        name = row[name_col] if name_col < len(row) else ""
        if not isinstance(name, str) or not name.strip():
            if rows:
                break
            continue
        if _unit_header([normalize_label(x) if isinstance(x, str) else "" for x in row], opts):
            break
        rec = {"sheet_row": r + 1, "unit": name.strip()}
        for key, c in (
            ("count", cols.get(PROJECT_COUNT)),
            ("budget", budget_col),
            ("executed", cols.get(m.EXECUTED)),
        ):
            rec[key] = v.parse_number(row[c])[0] if c is not None and c < len(row) else None
        if rec["budget"] is None and rec["executed"] is None and rec["count"] is None:
            break
        rows.append(rec)
        last = r + 1
    if not rows:
        return None
    amount_label = labels[budget_col] if budget_col is not None else ""
    return UnitBlock(sheet.name, header_rows[0] + 1, last, rows, amount_label)


def other_sheet_blocks(
    sheets: list[Sheet], chosen: int, opts: ReadOptions, lists: list[HeaderGuess] | tuple = ()
) -> list[UnitBlock]:
    """A 汇总 sheet of unit totals beside the 明细 sheet the projects come from (``lists``: other
    sheets' tables whose "projects" are units)."""
    out = []
    for g in lists:
        if g.sheet_index != chosen:
            s = sheets[g.sheet_index]
            first = g.header_rows[-1] + 1
            block = read_unit_block(s, g.header_rows, g.labels, first, len(s.rows), opts, dict(g.columns))
            if block:
                out.append(block)
    done = {g.sheet_index for g in lists}
    for i, s in enumerate(sheets):
        if (
            i == chosen
            or not s.rows
            or i in done
            or (getattr(s, "hidden", False) and not opts.include_hidden)
        ):
            continue  # a hidden sheet (an old year, a backup) holds no totals of this table
        out.extend(find_unit_blocks(s, 0, min(len(s.rows), 200), opts)[:1])
    return out


def check_unit_blocks(
    blocks: list[UnitBlock],
    recs: list[dict[str, Any]],
    budgets,
    executed,
    factor: dict[str, float],
    sheet: str,
) -> list[m.Finding]:
    """Each unit's reported totals against the sum of its projects: said where they differ."""
    out: list[m.Finding] = []
    by_unit: dict[str, list[int]] = {}
    for i, rec in enumerate(recs):
        by_unit.setdefault(rec.get(m.UNIT) or "", []).append(i)
    all_rows = list(range(len(recs)))
    for block in blocks:
        where = f"工作表「{block.sheet}」第{block.first_row}–{block.last_row}行"
        checked = 0
        for row in block.rows:
            name = row["unit"]
            label = normalize_label(name)
            if TOTAL.search(label):
                covered, who = all_rows, "全部项目"
            else:
                covered = by_unit.get(name) or by_unit.get(label)
                who = f"单位“{name}”的项目"
                if not covered:
                    continue
            checked += 1
            at = f"工作表「{block.sheet}」第{row['sheet_row']}行「{name}」"
            for key, word, column in (("budget", "预算数", budgets), ("executed", "执行数", executed)):
                stated = row[key]
                if stated is None:
                    continue
                stated *= factor[m.BUDGET if key == "budget" else m.EXECUTED]
                summed = sum(column[i] or 0.0 for i in covered)
                if abs(stated - summed) > 0.01 + 1e-9:
                    out.append(
                        m.Finding(
                            "error",
                            "TOTAL_MISMATCH",
                            at,
                            f"单位汇总中“{name}”的{word}为 {wan(stated)} 万元，{who}（{len(covered)} 个）相加为 "
                            f"{wan(summed)} 万元，相差 {wan(stated - summed)} 万元。",
                            row["sheet_row"],
                        )
                    )
            if row["count"] is not None and int(row["count"]) != len(covered):
                out.append(
                    m.Finding(
                        "error",
                        "TOTAL_MISMATCH",
                        at,
                        f"单位汇总中“{name}”的项目个数为 {num(row['count'], 0)}，项目表中{who}有 {len(covered)} 个。",
                        row["sheet_row"],
                    )
                )
        out.append(
            m.Finding(
                "info",
                "UNIT_TOTALS_BLOCK",
                where,
                f"这里是按单位汇总的合计（{len(block.rows)} 行），不是项目：作为填报的合计保留，"
                f"已与工作表「{sheet}」的项目逐单位核对（核对了 {checked} 行），未计入项目。",
                block.first_row,
            )
        )
    return out


FINAL_VERSION = re.compile(r"终稿|定稿|最终|正式|修改后|修订后|更新后|最新")
DRAFT_VERSION = re.compile(r"初稿|草稿|备份|副本|作废|废弃|旧表|原表|\b(?:old|bak|backup|draft)\b", re.I)


def version_rank(name: str) -> int:
    """-1 for a sheet named as the final version, 1 for a draft or a copy, 0 otherwise."""
    return -1 if FINAL_VERSION.search(name) else 1 if DRAFT_VERSION.search(name) else 0


def rank_tables(
    sheets: list[Sheet], opts: ReadOptions, skip: frozenset[int] = frozenset()
) -> list[HeaderGuess]:
    """Every sheet's table (but those of the sheets in ``skip``), best first. A table whose "projects"
    are the units of another table (a 汇总 sheet or block listing units) yields to it."""
    # Sheets named by year ("2022年", "2023年") hold one table each year: on a tie the report year the
    # user set, else the latest (the sheet order left the oldest first)
    years = {i: year_in(s.name) for i, s in enumerate(sheets)}
    by_year = sum(1 for y in years.values() if y) >= 2

    def year_rank(i: int) -> int:
        if not by_year or not years[i]:
            return 0
        return -10_000 if years[i] == opts.report_year else -years[i]

    ranked = sorted(
        (
            g
            for i, s in enumerate(sheets)
            if s.rows and i not in skip
            for g in [best_on_sheet(s, i, opts)]
            if g
        ),
        # on a tie a visible sheet before a hidden one (they compete only when hidden content is asked for),
        # then a sheet named as the final version before one named as a draft (初稿 / 终稿), then the year
        key=lambda g: (
            -g.score,
            getattr(sheets[g.sheet_index], "hidden", False),
            version_rank(sheets[g.sheet_index].name),
            year_rank(g.sheet_index),
            g.sheet_index,
        ),
    )
    if len(ranked) >= 2 and _names_are_units(sheets, ranked[0], ranked[1]):
        ranked = [ranked[1], ranked[0], *ranked[2:]]
    if ranked and m.UNIT in ranked[0].columns:
        # other sheets listing the chosen table's units are its reported totals, not rival tables
        lists = [g for g in ranked[1:] if _names_are_units(sheets, g, ranked[0])]
        ranked[0].unit_lists += lists
        ranked = [g for g in ranked if all(g is not x for x in lists)]
    return ranked


def best_on_sheet(sheet: Sheet, index: int, opts: ReadOptions) -> HeaderGuess | None:
    """The sheet's project table. When the best-named header lists units that another header on the
    same sheet has in its 单位 column, the other is the project table and the first a block of unit
    totals (read and checked by ``layout.prepare``)."""
    found = usable_guesses(sheet, index, opts=opts)
    if not found:
        return None
    best = max(found, key=lambda g: g.score)  # ties: the first row, as max keeps the first
    for other in found:
        if other is not best and m.UNIT in other.columns and _names_are_units([sheet], best, other):
            best = other
            break
    if m.UNIT in best.columns:
        best.unit_lists = [g for g in found if g is not best and _names_are_units([sheet], g, best)]
    return best


def _column_texts(sheets: list[Sheet], g: HeaderGuess, fieldname: str, limit: int = 300) -> list[str]:
    """The texts under a header's column, down to the end of its block (a blank row)."""
    c = g.columns.get(fieldname)
    if c is None:
        return []
    out = []
    for row in sheets[0 if len(sheets) == 1 else g.sheet_index].rows[g.header_rows[-1] + 1 :][:limit]:
        if not any(x != "" for x in row):
            if out:
                break
            continue
        x = row[c] if c < len(row) else ""
        if isinstance(x, str) and x.strip():
            out.append(normalize_label(x))
    return [x for x in out if not TOTAL.search(x)]


def _names_are_units(sheets: list[Sheet], a: HeaderGuess, b: HeaderGuess) -> bool:
    names = _column_texts(sheets, a, m.PROJECT)
    units = set(_column_texts(sheets, b, m.UNIT, limit=100_000))
    if len(names) < 2 or not units:
        return False
    return sum(1 for x in names if x in units) >= 0.8 * len(names)


# Words before 合计 that name the whole table, not a unit: 全部合计, 全省合计, 以上合计, 项目合计 …
WHOLE_TABLE = re.compile(
    r"^(?:全部|全省|全市|全县|全区|全州|全系统|所有|以上|本表|各单位|单位|项目|全年|本年|总)+$"
)


def has_prefix(label: str) -> bool:
    """'科协本级合计' covers its unit, like a 小计; a bare '合计' (or '全部合计') covers the table."""
    rest = TOTAL.sub("", normalize_label(label)).strip("：:-—()（）")
    rest = re.sub(r"^[\d一二三四五六七八九十、.．]+$", "", rest)
    return bool(rest) and not WHOLE_TABLE.match(rest)
