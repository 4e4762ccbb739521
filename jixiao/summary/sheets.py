"""One table per unit, each on its own sheet: found, read sheet by sheet, and put together.

Offices that fill in per unit often send a workbook with a sheet per unit (科协本级, 科工中心, 科技馆…),
every sheet with the same header. Reading one of them would make the headline the total of one unit.
Sheets are read together only when their tables have the same amount columns and their projects do not
repeat each other's (two copies of one table, or last year's sheet beside this year's, share them).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd

from jixiao import model as m
from jixiao.fmt import col_letter, round_half_up, wan
from jixiao.ingest.header import (
    HeaderGuess,
    ReadOptions,
    combine_rows,
    guess_for_labels,
    label_period,
    normalize_label,
)
from jixiao.ingest.workbook import Sheet
from jixiao.summary import blocks
from jixiao.summary.blocks import check_unit_blocks, other_sheet_blocks
from jixiao.summary.units import factor_of

if TYPE_CHECKING:  # layout imports this module
    from jixiao.summary.layout import Prepared

# sheet names that say nothing about a unit
_PLAIN_NAME = re.compile(r"^(sheet|工作表|表)\s*\d*$", re.IGNORECASE)
# sheets that hold a whole, a copy or another year: never one unit's part
_NOT_A_PART = re.compile(r"(汇总|合计|总表|全部|备份|副本|草稿|旧|上年|去年|\(\d+\)|（\d+）)")
# sheet names of one table's pages or parts ("第1页", "下半部分", "续表", "2"): never a unit's name
_PAGE_NAME = re.compile(
    r"^(第\s*[\d一二三四五六七八九十]+\s*(页|部分|张|节)|[上中下]半?部分|[上下]半|[（(]?续表?\s*\d*[)）]?|"
    r"(page|part|p)\s*\d+|\d+\s*[/-]\s*\d+|\d+)$",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(19|20)\d\d")
_YEAR_ONLY = re.compile(r"^[\s(（]*(19|20)\d\d\s*(年度?)?[\s)）]*$")  # "2023", "2023年", "（2023年度）"
_BLOCK_CODES = ("UNIT_TOTALS_BLOCK", "TOTAL_MISMATCH")
OVERLAP = 0.2  # more shared project names than this (of the smaller sheet) is a copy, not a part
# 支出经济分类 items (302 商品和服务支出, 310 资本性支出 …): units that list their spending by these share
# the names without being copies of each other
ECONOMIC_ITEMS = frozenset(
    [
        "办公费",
        "印刷费",
        "咨询费",
        "手续费",
        "水费",
        "电费",
        "邮电费",
        "物业管理费",
        "差旅费",
        "因公出国（境）费用",
        "维修（护）费",
        "维修费",
        "维护费",
        "租赁费",
        "会议费",
        "培训费",
        "公务接待费",
        "专用材料费",
        "被装购置费",
        "专用燃料费",
        "劳务费",
        "委托业务费",
        "工会经费",
        "福利费",
        "公务用车运行维护费",
        "其他交通费用",
        "其他交通费",
        "税金及附加费用",
        "其他商品和服务支出",
        "办公设备购置",
        "专用设备购置",
        "信息网络及软件购置更新",
        "其他资本性支出",
        "取暖费",
        "宣传费",
        "材料费",
        "燃料费",
        "车辆运行费",
    ]
)


def sibling_tables(
    sheets: list[Sheet],
    guess: HeaderGuess,
    alternatives: list[HeaderGuess],
    table: m.ProjectTable,
    read_sheet: Callable[[str], m.ProjectTable],
) -> dict[int, m.ProjectTable]:
    """The other sheets' tables that are more units of the chosen one, by sheet index. Their projects
    are compared as the reader reads them (a 合计, an indicator table under them are no projects)."""
    others = [a for a in alternatives if a.sheet_index != guess.sheet_index]
    if not others or not may_be_part(sheets[guess.sheet_index].name):
        return {}
    year = _YEAR.search(sheets[guess.sheet_index].name)
    money = {m.BUDGET, m.EXECUTED} & set(guess.columns)
    out: dict[int, m.ProjectTable] = {}
    seen: list[set[str]] = [set(table.projects[m.PROJECT].astype(str))]
    for alt in others:
        name = sheets[alt.sheet_index].name
        if alt.is_unit_block or m.PROJECT not in alt.columns or not may_be_part(name):
            continue
        their_year = _YEAR.search(name)
        if (year and year.group()) != (their_year and their_year.group()):
            continue  # "科协本级2023" beside "科协本级2022": another year, never a part
        if not money or {m.BUDGET, m.EXECUTED} & set(alt.columns) != money:
            continue
        try:
            theirs_table = read_sheet(name)
        except m.IngestError:
            continue
        theirs = set(theirs_table.projects[m.PROJECT].astype(str))
        if theirs and not copies(theirs, seen):
            out[alt.sheet_index] = theirs_table
            seen.append(theirs)
    return out


def may_be_part(name: str) -> bool:
    """A sheet name that could be one unit's: not a whole, a copy, or a year alone."""
    return not _NOT_A_PART.search(name) and not _YEAR_ONLY.match(name)


def copies(names: set[str], others: list[set[str]]) -> bool:
    """The projects of one sheet repeat another's (a copy, last year's sheet), rather than being
    another unit's: more than OVERLAP of the smaller one's names shared, 支出经济分类 items aside."""
    return any(
        len((names & other) - ECONOMIC_ITEMS) > OVERLAP * min(len(names), len(other)) for other in others
    )


def names_a_unit(name: str) -> bool:
    """A sheet name that is a unit's: not "Sheet2", not a page or part ("第2页", "续表")."""
    return not _PLAIN_NAME.match(name.strip()) and not _PAGE_NAME.match(name.strip())


def combine_sheets(
    sheets: list[Sheet],
    guess: HeaderGuess,
    alternatives: list[HeaderGuess],
    table: m.ProjectTable,
    read_sheet: Callable[[str], m.ProjectTable],
    opts: ReadOptions,
) -> m.ProjectTable:
    """The chosen table with the tables of its sibling sheets, in sheet order; or the chosen table."""
    parts = sibling_tables(sheets, guess, alternatives, table, read_sheet)
    if not parts:
        return table
    parts[guess.sheet_index] = table
    ordered = [parts[i] for i in sorted(parts)]
    names = [t.source.sheet for t in ordered]
    pages = all(_PAGE_NAME.match(x.strip()) or _PLAIN_NAME.match(x.strip()) for x in names)
    projects, totals, findings = [], [], []
    said: set[tuple[str, str]] = set()
    for t in ordered:
        sheet = t.source.sheet
        p = t.projects.copy()
        p[m.SHEET] = sheet
        if names_a_unit(sheet):
            if m.UNIT in t.source.columns:
                p[m.UNIT] = p[m.UNIT].where(p[m.UNIT].notna(), sheet)  # the sheet is the unit
            else:  # headings inside a unit's sheet ("一、项目支出") are groups of that unit
                p[m.UNIT] = sheet
        projects.append(p)
        tt = t.totals.copy()
        tt[m.SHEET] = sheet
        totals.append(tt)
        for f in t.findings:
            if f.code == "TABLE_CHOSEN":  # the choice among these sheets: none was left out
                continue
            if f.code in _BLOCK_CODES and not f.where.startswith(f"工作表「{sheet}」"):
                continue  # a 汇总 sheet checked against one unit's sheet: checked below against all
            if f.sheet_row is None and (f.code, f.message) in said:
                continue  # "没有注明金额单位" once, not once per sheet: the sheets share their header
            said.add((f.code, f.message))
            findings.append(replace(f, sheet=sheet) if f.sheet_row is not None else f)
    listed = "".join(f"「{x}」" for x in names)
    named = not pages and any(not _PLAIN_NAME.match(x.strip()) for x in names)
    count = sum(len(p) for p in projects)
    how = "看来是同一张表分页（续表）填写" if pages else "看来是按单位分表填报"
    findings.insert(
        0,
        m.Finding(
            "info",
            "SHEETS_COMBINED",
            f"工作表{listed}",
            f"工作表{listed}是结构相同的项目表，项目互不重复，{how}：已合并为一张表"
            f"（共 {count} 个项目）{'，各表的单位取工作表名' if named else ''}，合计与执行率包含全部工作表。"
            "如只需其中一张，请在数据导入页“识别有误？”中选择工作表。",
        ),
    )
    first = ordered[0]
    combined = pd.concat(projects, ignore_index=True)
    findings += _total_of_all(ordered, totals, combined)
    blocks = [
        b
        for b in other_sheet_blocks(sheets, guess.sheet_index, opts, guess.unit_lists)
        if b.sheet not in names
    ]
    if blocks:
        recs = [{m.UNIT: u} for u in combined[m.UNIT].tolist()]
        money = {
            f: [None if pd.isna(x) else float(x) for x in combined[f].tolist()]
            for f in (m.BUDGET, m.EXECUTED)
        }
        factor = factor_of(first.source.amount_unit)
        findings += check_unit_blocks(
            blocks,
            recs,
            money[m.BUDGET],
            money[m.EXECUTED],
            dict.fromkeys((m.BUDGET, m.EXECUTED), factor),
            "、".join(names),
        )
    return m.ProjectTable(
        projects=combined,
        totals=pd.concat(totals, ignore_index=True),
        # the first sheet's title names its unit ("科协本级2023年…"): not the whole table's
        source=replace(
            first.source, combined_sheets=names, title=first.source.title.replace(first.source.sheet, "")
        ),
        findings=findings,
    )


def _total_of_all(
    ordered: list[m.ProjectTable], totals: list[pd.DataFrame], combined: pd.DataFrame
) -> list[m.Finding]:
    """A 合计 on the last sheet that is the sum of every sheet's projects (a table continued over
    sheets, its 合计 at the end): checked here against all of them, and taken out of the per-sheet
    checks, which would compare it with its own sheet's projects alone."""
    grand = [i for i, t in enumerate(totals) if t[m.TOTAL_KIND].isin(["合计", "总计"]).any()]
    if grand != [len(totals) - 1]:
        return []
    t = totals[-1]
    row = t.index[t[m.TOTAL_KIND].isin(["合计", "总计"])][-1]
    own = ordered[-1].projects
    out = {}
    for f in (m.BUDGET, m.EXECUTED):
        x = t.at[row, f]
        if x is None or pd.isna(x):
            continue
        every, mine = float(combined[f].sum()), float(own[f].sum())
        if abs(float(x) - every) > 0.005 or abs(float(x) - mine) <= 0.005:
            return []
        out[f] = float(x)
    if not out:
        return []
    t.at[row, m.SHEET] = ""  # no sheet's own: the per-sheet checks pass it by
    where = f"工作表「{ordered[-1].source.sheet}」第{t.at[row, m.SHEET_ROW]}行「{t.at[row, m.TOTAL_LABEL]}」"
    said = "、".join(f"{m.FIELD_LABELS[f]} {wan(x)} 万元" for f, x in out.items())
    found = [
        m.Finding(
            "info",
            "TOTAL_COVERS_SHEETS",
            where,
            f"这一合计行是全部 {len(ordered)} 张工作表共 {len(combined)} 个项目之和（{said}），核对一致。",
        )
    ]
    score = t.at[row, m.REPORTED_SCORE] if m.REPORTED_SCORE in t else None
    if score is not None and not pd.isna(score):
        scores, budget = combined[m.REPORTED_SCORE].astype(float), combined[m.BUDGET].astype(float)
        have = scores.notna() & budget.notna()
        weighted = float((scores[have] * budget[have]).sum() / budget[have].sum()) if have.any() else None
        means = [x for x in (weighted, float(scores.mean())) if x is not None and not pd.isna(x)]
        if means and all(abs(float(score) - round_half_up(x, 2)) > 0.01 for x in means):
            found.append(
                m.Finding(
                    "warning",
                    "TOTAL_MISMATCH",
                    where,
                    f"合计行得分 {float(score):g} 既不等于全部 {len(combined)} 个项目的金额加权平均分 "
                    f"{round_half_up(means[0], 2)}，也不等于简单平均分 {round_half_up(means[-1], 2)}。",
                )
            )
    return found


def headerless_continuations(
    sheets: list[Sheet], alternatives: list[HeaderGuess], table: m.ProjectTable
) -> list[m.Finding]:
    """Sheets without a header whose rows go on with the table's (the 序号 carries on, money under the
    same columns: a table pasted on over two sheets): not read — there is no header to read them by —
    but named with what they hold, never passed over in silence."""
    src = table.source
    cols = src.columns
    if m.PROJECT not in cols or m.BUDGET not in cols:
        return []
    with_header = {a.sheet_index for a in alternatives}
    read = {src.sheet, *src.combined_sheets}
    seqs: list[int] | None = None
    out = []
    for i, sheet in enumerate(sheets):
        if sheet.name in read or i in with_header or getattr(sheet, "hidden", False) or not sheet.rows:
            continue
        if seqs is None:  # only when there is another sheet to look at: 50,000 序号 cost 25 ms
            seqs = [x for x in map(_seq, table.projects.get(m.SEQ, pd.Series(dtype=object)).tolist()) if x]
        width = max(cols.values()) + 1
        rows = [r for r in sheet.rows if len(r) >= width and isinstance(r[cols[m.PROJECT]], str)]
        money = [
            r for r in rows if r[cols[m.PROJECT]].strip() and isinstance(r[cols[m.BUDGET]], (int, float))
        ]
        if len(money) < 2:
            continue
        if m.SEQ in cols and seqs:
            first = next((_seq(r[cols[m.SEQ]]) for r in money if _seq(r[cols[m.SEQ]])), None)
            if first != max(seqs) + 1:
                continue
        elif sheet.width != len(src.headers):
            continue
        projects = [r for r in money if not _TOTAL_WORD.search(r[cols[m.PROJECT]])]
        budget = sum(float(r[cols[m.BUDGET]]) for r in projects)
        factor = factor_of(src.amount_unit)
        out.append(
            m.Finding(
                "warning",
                "CONTINUATION_SHEET_NOT_READ",
                f"工作表「{sheet.name}」",
                f"工作表「{sheet.name}」没有表头，但它的行与「{src.sheet}」的项目表同列排列"
                f"{'、序号接着往下编' if m.SEQ in cols and seqs else ''}，像是续表：未读取（{len(projects)} 行有金额，"
                f"预算数共 {wan(budget * factor)} 万元）。请把这些行粘贴到「{src.sheet}」的表格下方，"
                f"或在「{sheet.name}」加上同样的表头后再上传。",
            )
        )
    return out


def side_by_side(sheets: list[Sheet], table: m.ProjectTable) -> list[m.Finding]:
    """A second 项目名称 and 预算数 to the right of the ones read, with projects under them: the table
    printed in two halves side by side (报纸式). Not read — nothing says the halves are one table
    rather than two — but named, with what the right half holds."""
    src = table.source
    names, budgets = src.candidates.get(m.PROJECT, []), src.candidates.get(m.BUDGET, [])
    if not names or not budgets or src.sheet not in {s.name for s in sheets}:
        return []
    sheet = next(s for s in sheets if s.name == src.sheet)
    name_col, budget_col = names[0], next((c for c in budgets if c > names[0]), None)
    if budget_col is None or name_col < src.columns.get(m.BUDGET, 0):
        return []
    first = max(src.header_rows)  # 1-based: the rows under it (0-based) start here
    rows = [
        r
        for r in sheet.rows[first:]
        if budget_col < len(r)
        and isinstance(r[name_col], str)
        and r[name_col].strip()
        and isinstance(r[budget_col], (int, float))
        and not _TOTAL_WORD.search(r[name_col])
    ]
    if len(rows) < 2:
        return []
    factor = factor_of(src.amount_unit)
    budget = sum(float(r[budget_col]) for r in rows) * factor
    return [
        m.Finding(
            "warning",
            "SIDE_BY_SIDE_NOT_READ",
            f"工作表「{sheet.name}」",
            f"表头在{col_letter(name_col)}列又有一个「{src.headers[name_col]}」，右侧像是同一张表分两栏排的另一半"
            f"（{len(rows)} 个项目，预算数共 {wan(budget)} 万元）：未读取，合计和执行率不含这些项目。"
            "请把右侧的行移到左侧表格下方后再上传。",
        )
    ]


_TOTAL_WORD = re.compile(r"(合\s*计|总\s*计|小\s*计)")


def _seq(x: object) -> int | None:
    try:
        k = float(x)
    except (TypeError, ValueError):
        return None
    return int(k) if k.is_integer() and 0 < k < 1_000_000 else None


def to_absolute(src: m.Source, guess: HeaderGuess, prepared: Prepared, opts: ReadOptions) -> None:
    """Columns as the user sees them in the sheet (a block beside another starts further right)."""
    src.columns = {f: c + prepared.offset for f, c in src.columns.items()}
    src.headers = list(guess.labels)
    src.candidates = {ch.field: list(ch.passed_over) for ch in guess.choices if ch.field in m.FIELD_LABELS}
    # the year matters (and is shown) only when the header names years or 上年/本年
    src.report_year = guess.report_year if any(label_period(x, None) != 1 for x in guess.labels) else None
    src.include_hidden = opts.include_hidden
    src.hidden_left_out = len(prepared.hidden_rows) + len(prepared.hidden_cols)
    above = [
        b.first_row
        for b in prepared.unit_blocks
        if b.sheet == src.sheet and b.first_row <= guess.header_rows[0]
    ]
    if above:
        # the title is what stands above the first block, not the unit totals under it
        rows = prepared.sheet.rows[: min(above) - 1]
        src.title = " ".join(str(x).strip() for row in rows for x in row if isinstance(x, str) and x.strip())


def choose_table(
    sheets: list[Sheet], sheet: str | None, header_rows: list[int] | None, opts: ReadOptions
) -> tuple[HeaderGuess | None, list[HeaderGuess]]:
    """The table to read: the best of every sheet, or where the user pointed (a sheet, header rows)."""
    # A hidden sheet (an old year, a backup copy) is read only when no sheet people see has a table,
    # or when the user asks for it (by name, or by taking hidden content in).
    hidden = (
        frozenset(i for i, s in enumerate(sheets) if getattr(s, "hidden", False))
        if not opts.include_hidden
        else frozenset()
    )
    if sheet is None:
        if header_rows is None:
            ranked = blocks.rank_tables(sheets, opts, skip=hidden)
            if not ranked and hidden:
                ranked = blocks.rank_tables(sheets, opts)
            return (ranked[0] if ranked else None), ranked[1:]
        shown = [i for i, s in enumerate(sheets) if s.rows and i not in hidden]
        index = shown[0] if shown else 0
    else:
        names = [s.name for s in sheets]
        if sheet not in names:
            raise m.IngestError(f"工作簿中没有名为“{sheet}”的工作表。")
        index = names.index(sheet)
    target = sheets[index]
    if header_rows is None:
        return blocks.best_on_sheet(target, index, opts), []
    rows0 = [r - 1 for r in header_rows]
    if not rows0 or any(not (0 <= r < len(target.rows)) for r in rows0):
        raise m.IngestError("表头行号超出了工作表的范围。")
    depth = min(len(rows0), 3, len(target.rows) - rows0[0])
    if depth >= 2:
        labels = combine_rows(target, rows0[0], depth)
    else:
        labels = [normalize_label(x) if isinstance(x, str) else "" for x in target.rows[rows0[0]]]
    return guess_for_labels(target, index, rows0[:depth], labels, opts), []
