"""Which rows and columns of a workbook are the project table, and what the reader says about its
choices: the column taken when two fit a field, hidden rows and columns left out, a block of unit
totals (above, below or beside the projects, or on a 汇总 sheet) kept as reported totals and checked,
a parent row above its "其中：" children, formulas without stored values, and component columns that
hold points rather than 得分率.

How cell values are parsed lives in ``read.py`` and ``columns.py``; this module only decides what is read.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from typing import Any

from jixiao import fmt
from jixiao import model as m
from jixiao.fmt import col_letter
from jixiao.ingest import values as v
from jixiao.ingest.header import PROJECT_COUNT, HeaderGuess, ReadOptions, label_period
from jixiao.ingest.hidden import ALL_HIDDEN
from jixiao.ingest.workbook import Sheet, hidden_sheets_finding
from jixiao.summary import edges
from jixiao.summary.blocks import (
    UnitBlock,
    best_on_sheet,
    check_unit_blocks,
    find_unit_blocks,
    other_sheet_blocks,
    read_unit_block,
    version_rank,
)
from jixiao.summary.cells import cell_problems

_CHILD = re.compile(r"^([（(]?其中[)）]?\s*[:：]?\s*|含\s*[:：]\s*|[（(]\d{1,2}[)）]\s*|\d{1,2}[)）]\s*)")
_EXPLICIT = edges.BREAKDOWN  # "其中：" says it is a part; "（1）" may just number
_MAX_CELLS_NAMED = 8
_ANY_CHILD = re.compile(r"^([（(]?其中|含\s*[:：]|[（(]\d{1,2}[)）]|\d{1,2}[)）])", re.M)
_HEADING = re.compile(r"^([一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）])\s*")


def _label(guess: HeaderGuess, c: int) -> str:
    return guess.labels[c] if c < len(guess.labels) and guess.labels[c] else "（无表头）"


# --- the column taken when several fit ------------------------------------------------------------
def choice_findings(guess: HeaderGuess, sheet: str) -> list[m.Finding]:
    out = []
    for ch in guess.choices:
        if ch.field == PROJECT_COUNT:
            continue
        name = m.FIELD_LABELS.get(ch.field, ch.field)
        taken = f"{col_letter(ch.chosen)}列「{_label(guess, ch.chosen)}」"
        others = "、".join(f"{col_letter(c)}列「{_label(guess, c)}」" for c in ch.passed_over)
        where = f"工作表「{sheet}」，列「{_label(guess, ch.chosen)}」"
        if ch.reason == "period":
            year = f"{guess.report_year}年" if guess.report_year else "本年"
            why = f"报告年度为{year}（来自{guess.year_source or '表头'}），取本年度的列"
            # a year read from the header alone is a guess: said louder
            severity = (
                "info"
                if guess.year_source in ("导入页设置", "表格标题", "文件名")
                or label_period(_label(guess, ch.chosen), None) == 2  # 本年/本期 need no year
                else "warning"
            )
        elif ch.reason == "whole" and ch.field == m.PROJECT:
            why = "取二级项目（一级项目是它们的上级分类）"
            severity = "info"
        elif ch.reason == "whole":
            why = "金额按资金来源分列时，取合计列（财政拨款、其他资金、上年结转等是它的组成部分）"
            severity = "info"
        elif ch.reason == "priority":
            why = "取表述更明确的一列（如“调整后/全年预算数”优先于“预算数”）"
            if any("调整预算" in _label(guess, c) for c in ch.passed_over):
                why += "；与调整后/全年预算数并列的“调整预算数”是调整的增减额"
            severity = "info"
        elif ch.reason == "same_label":
            why = "这些列的表头完全相同，无法判断哪一列是正确的，暂取最左边的一列"
            severity = "warning"
        else:
            why = "几列都符合，暂取最左边的一列"
            severity = "warning"
        code = "DUPLICATE_HEADER" if ch.reason == "same_label" else "COLUMN_CHOSEN"
        out.append(
            m.Finding(
                severity,
                code,
                where,
                f"“{name}”有多列可用：采用{taken}，未采用{others}。{why}；如不对，请在数据导入页“识别有误？”中改选。",
                None,
                ch.field,
            )
        )
    for fieldname, others in guess.parts.items():
        cols = [guess.columns[fieldname], *others]
        named = "、".join(f"{col_letter(c)}列「{_label(guess, c)}」" for c in cols)
        word = m.FIELD_LABELS.get(fieldname, fieldname)
        out.append(
            m.Finding(
                "info",
                "AMOUNT_PARTS_ADDED",
                f"工作表「{sheet}」，列「{_label(guess, cols[0])}」",
                f"“{word}”没有合计列，按资金来源分为{named}：已逐行相加作为{word}。"
                "如其中一列就是合计，请在数据导入页“识别有误？”中改选。",
                None,
                fieldname,
            )
        )
    if m.INITIAL_BUDGET in guess.columns and guess.columns.get(m.BUDGET) == guess.columns[m.INITIAL_BUDGET]:
        c = guess.columns[m.BUDGET]
        out.append(
            m.Finding(
                "warning",
                "BUDGET_IS_INITIAL",
                f"工作表「{sheet}」，列「{_label(guess, c)}」",
                f"表中只有年初预算数（{col_letter(c)}列「{_label(guess, c)}」），没有调整后/全年预算数，"
                "执行率按年初预算数计算；年中调整过预算的项目，执行率会与按调整后预算计算的不同。",
                None,
                m.BUDGET,
            )
        )
    return out


def with_initial_fallback(guess: HeaderGuess) -> None:
    """Only 年初预算数 in the table: it is the budget the rate can use (and a finding says so)."""
    if m.BUDGET not in guess.columns and m.INITIAL_BUDGET in guess.columns:
        guess.columns[m.BUDGET] = guess.columns[m.INITIAL_BUDGET]


# --- the sheet as the reader should see it ----------------------------------------------------------
@dataclass
class Prepared:
    sheet: Sheet  # what the row reader reads (hidden rows blanked, other blocks cut away)
    guess: HeaderGuess  # columns relative to ``sheet``
    offset: int = 0  # first column of the block in the original sheet
    hidden_rows: list[int] = field(default_factory=list)  # 1-based rows left out
    hidden_cols: list[int] = field(default_factory=list)  # 0-based columns left out
    unit_blocks: list[UnitBlock] = field(default_factory=list)
    every_row_hidden: bool = False  # every filled row under the header was hidden: all were read


def prepare(sheet: Sheet, guess: HeaderGuess, opts: ReadOptions) -> Prepared:
    """Blank the rows the table must not read (hidden ones, a unit block below the projects) and cut
    the sheet to the project block when another block stands beside it. Row numbers never change."""
    rows = sheet.rows
    first = guess.header_rows[-1] + 1
    # An empty hidden row leaves nothing out: under zeroHeight="1" every unused row is hidden.
    hidden = sorted(
        r
        for r in (getattr(sheet, "hidden_rows", ()) or ())
        if first <= r < len(rows) and any(x != "" for x in rows[r])
    )
    every_row_hidden = False
    if (
        hidden
        and not opts.include_hidden
        and len(hidden) == sum(1 for r in range(first, len(rows)) if any(x != "" for x in rows[r]))
    ):
        # Nothing under the header would be left: not what a sheet's author hid rows for (a writer
        # that marks rows hidden by default, zeroHeight without row heights). Read them, and say so.
        every_row_hidden = True
    if opts.include_hidden or every_row_hidden:
        hidden = []
    blocks: list[UnitBlock] = []
    c0, c1 = guess.span if guess.span else (0, max(sheet.width - 1, 0))
    # a unit block above the header, or printed beside the projects
    for block in find_unit_blocks(sheet, 0, guess.header_rows[0], opts):
        blocks.append(block)
    if guess.span:
        outside = [x if not (c0 <= c <= c1) else "" for c, x in enumerate(guess.labels)]
        block = read_unit_block(sheet, guess.header_rows, outside, first, len(rows), opts)
        if block:
            blocks.append(block)
    stop = len(rows)
    for g in guess.unit_lists:
        if g.sheet_index != guess.sheet_index:
            continue  # another sheet's list: checked with the other sheets
        below = g.header_rows[0] > guess.header_rows[-1]
        end = len(rows) if below else guess.header_rows[0]
        block = read_unit_block(
            sheet, g.header_rows, g.labels, g.header_rows[-1] + 1, end, opts, dict(g.columns)
        )
        if block:
            blocks.append(block)
        if below:
            stop = min(stop, g.header_rows[0])
    probe = [guess.columns[f] for f in (m.BUDGET, m.EXECUTED, m.REPORTED_SCORE) if f in guess.columns]
    for block in find_unit_blocks(sheet, first, len(rows), opts, span=(c0, c1), probe=probe):
        blocks.append(block)
        stop = min(stop, block.first_row - 1)
    drop = set(hidden) | set(range(stop, len(rows)))
    new_rows = rows
    if drop or guess.span:
        blank = [""] * (c1 - c0 + 1)
        new_rows = [blank if r in drop else row[c0 : c1 + 1] for r, row in enumerate(rows)]
        for r in range(guess.header_rows[0]):
            # the title and "单位：万元" lines above the table stay readable, whatever column they are in
            text = " ".join(str(x).strip() for x in rows[r] if isinstance(x, str) and x.strip())
            new_rows[r] = [text, *blank[1:]] if guess.span else new_rows[r]
    merged = sheet.merged
    if guess.span:
        merged = [
            (r0, a - c0, r1, b - c0)
            for r0, a, r1, b in sheet.merged
            if a >= c0 and b <= c1 and r0 not in drop
        ]
    if guess.parts:
        if new_rows is rows:
            new_rows = list(rows)
        for fieldname, others in guess.parts.items():
            c = guess.columns[fieldname] - c0
            add = [k - c0 for k in others]
            for r in range(first, len(new_rows)):
                new_rows[r] = _with_parts(new_rows[r], c, add)
    cut = Sheet(name=sheet.name, rows=new_rows, merged=merged, notes=sheet.notes)
    g = guess
    if c0:
        g = replace(
            guess,
            labels=guess.labels[c0 : c1 + 1],
            columns={f: c - c0 for f, c in guess.columns.items()},
            parts={f: [k - c0 for k in ks] for f, ks in guess.parts.items()},
        )
    elif guess.span:
        g = replace(guess, labels=guess.labels[: c1 + 1])
    return Prepared(
        cut,
        g,
        c0,
        [r + 1 for r in hidden],
        sorted(c for c in guess.skipped_cols if c < sheet.width and _has_data(sheet, c, first)),
        blocks,
        every_row_hidden,
    )


def _with_parts(row: list[Any], c: int, others: list[int]) -> list[Any]:
    """The row with the parts of an amount added into column ``c``. A part that is not a number
    stays as it is written, so the reader quotes it; blanks and "/" add nothing."""
    cells = [row[k] if k < len(row) else "" for k in (c, *others)]
    parsed = [v.parse_number(x) for x in cells]
    bad = next((x for x, (_, status) in zip(cells, parsed, strict=True) if status == v.BAD), None)
    numbers = [x for x, status in parsed if status == v.OK and x is not None]
    if bad is None and not numbers:
        return row
    out = list(row)
    out[c] = bad if bad is not None else round(math.fsum(numbers), 6)
    return out


def _has_data(sheet: Sheet, c: int, first: int) -> bool:
    return any(c < len(row) and row[c] != "" for row in sheet.rows[max(first - 2, 0) :])


def hidden_finding(p: Prepared, sheet: str) -> m.Finding | None:
    if p.every_row_hidden:
        return m.Finding(
            "warning",
            "ALL_ROWS_HIDDEN",
            f"工作表「{sheet}」",
            ALL_HIDDEN,
        )
    if not p.hidden_rows and not p.hidden_cols:
        return None
    parts = []
    if p.hidden_rows:
        shown = "、".join(str(r) for r in p.hidden_rows[:_MAX_CELLS_NAMED])
        more = "等" if len(p.hidden_rows) > _MAX_CELLS_NAMED else ""
        parts.append(f"{len(p.hidden_rows)} 个隐藏行（第{shown}行{more}）")
    if p.hidden_cols:
        shown = "、".join(col_letter(c) for c in p.hidden_cols[:_MAX_CELLS_NAMED])
        parts.append(f"{len(p.hidden_cols)} 个隐藏列（{shown}列）")
    return m.Finding(
        "warning",
        "HIDDEN_LEFT_OUT",
        f"工作表「{sheet}」",
        f"表中有{'和'.join(parts)}，已按未隐藏的内容计算，隐藏内容未计入。"
        "如隐藏的内容也应计入，请在数据导入页“识别有误？”中勾选“包含隐藏的行和列”。",
    )


def hidden_sheet_findings(
    sheets: list[Sheet], guess: HeaderGuess | None, *, chosen_by_user: bool, opts: ReadOptions
) -> list[m.Finding]:
    """One finding when the table read is on a hidden sheet (a warning when no sheet people see had
    a table), or one naming the hidden sheets whose tables were passed over."""
    if guess is None:
        return []
    name = sheets[guess.sheet_index].name
    if getattr(sheets[guess.sheet_index], "hidden", False):
        if not (chosen_by_user or opts.include_hidden):
            return [hidden_sheets_finding([name], used=True, what="项目表")]
        message = f"工作表「{name}」是隐藏的工作表，按所选读取了它。"
        return [m.Finding("info", "HIDDEN_SHEET_READ", f"工作表「{name}」", message)]
    if chosen_by_user:
        return []
    passed = [
        s.name
        for i, s in enumerate(sheets)
        if getattr(s, "hidden", False) and s.rows and i != guess.sheet_index and best_on_sheet(s, i, opts)
    ]
    if not passed:
        return []
    names = "、".join(f"「{x}」" for x in passed[:_MAX_CELLS_NAMED]) + (
        "等" if len(passed) > _MAX_CELLS_NAMED else ""
    )
    return [
        m.Finding(
            "info",
            "HIDDEN_SHEET_SKIPPED",
            f"工作表{names}",
            f"工作表{names}是隐藏的工作表，其中的表格未读取，采用了工作表「{name}」。"
            "如要读取隐藏的工作表，请在数据导入页“识别有误？”中改选工作表。",
        )
    ]


# --- parent rows with "其中：" children ------------------------------------------------------------
def child_name(name: str) -> str | None:
    """The name of a "其中：…" / "（1）…" child row without its marker, or None for other rows."""
    hit = _CHILD.match(name)
    if not hit:
        return None
    return name[hit.end() :].strip() or None


# a project's money by 资金来源 ("其中：财政拨款 / 其他资金"): not projects of their own
FUND_SOURCE = re.compile(
    r"^(其中[：:]?)?(财政拨款|财政资金|财政补助|一般公共预算|政府性基金|国有资本经营|财政专户|专户资金|"
    r"其他资金|自有资金|单位资金|自筹资金?|上级补助|中央资金|中央补助|省级资金|市级资金|县级资金|"
    r"本级资金|社会资金|事业收入|经营收入)"
)


FUNDING_SAID = (
    "其下各行是这一项目的资金来源（如财政拨款、其他资金），不是项目：按这一行计入，分项不重复计入。"
)


def funding_spans(spans, names: list[str]) -> tuple[list, list]:
    """(spans, funding): the (parent, first, last) spans whose rows all name a 资金来源, apart. Those rows
    split one project by where its money came from: the parent is the project, they are not."""
    funding = [
        s
        for s in spans
        if all(
            FUND_SOURCE.match(child_name(str(names[k])) or str(names[k]))
            for k in range(s[1], s[2] + 1)
            if k != s[0]
        )
    ]
    return [s for s in spans if s not in funding], funding


def parent_spans(
    names: list[str], budgets: list[float | None], executed: list[float | None] | None = None
) -> tuple[list[tuple[int, int, int]], list[tuple[int, int, int]]]:
    """(parent, first child, last child) indexes of parents whose children are the projects, and of
    parents with a partial "其中：" breakdown. Children are the marked rows after a parent, and after a
    "其中：" row the unmarked rows that follow when, with them, the budgets add up to the parent's.
    Rows merely numbered "（1）…" are children only when their budgets or amounts spent add up to the
    row above: a table that numbers every project has no parents. "其中：" rows whose budgets and
    amounts spent both stay below the parent's are a breakdown of part of it, not its projects."""
    executed = executed or [None] * len(names)
    spans: list[tuple[int, int, int]] = []
    partial: list[tuple[int, int, int]] = []
    i = 0
    n = len(names)
    tol = 0.01 + 1e-9
    while i < n - 1:
        if child_name(names[i]) is None and child_name(names[i + 1]) is not None:
            j = i + 1
            while j + 1 < n and child_name(names[j + 1]) is not None:
                j += 1
            parent = budgets[i]
            running = sum(budgets[k] or 0.0 for k in range(i + 1, j + 1))
            explicit = bool(_EXPLICIT.match(names[i + 1]))
            if explicit and parent is not None and running < parent - tol:
                # unmarked rows join only if they make the sum: else they are the next projects
                k, more = j, running
                cent = 0.005  # unmarked rows join only when they make the parent to the cent
                while k + 1 < n and child_name(names[k + 1]) is None and more < parent - cent:
                    nxt = budgets[k + 1] or 0.0
                    if more + nxt > parent + cent:
                        break
                    k += 1
                    more += nxt
                if k > j and abs(more - parent) <= cent:
                    j, running = k, more
            spent = sum(executed[k] or 0.0 for k in range(i + 1, j + 1))
            # zeros say nothing, and spending within a cent of a few cents neither (0 spent under a
            # parent that spent 0, 0.01 under 0.02): spent is evidence only at a hundred times the tolerance
            budget_adds = parent is not None and abs(parent) > 1e-9 and abs(running - parent) <= tol
            spent_adds = (
                executed[i] is not None and abs(executed[i]) > 100 * tol and abs(spent - executed[i]) <= tol
            )
            below = (parent is None or running < parent - tol) and (
                executed[i] is None or spent <= executed[i] + tol
            )
            if explicit and not (budget_adds or spent_adds) and below and (parent or executed[i]):
                partial.append((i, i + 1, j))
            elif explicit or budget_adds or spent_adds:
                spans.append((i, i + 1, j))
            i = j + 1
        else:
            i += 1
    return spans, partial


# --- hooks the row reader calls -----------------------------------------------------------------------
def reading_findings(reader: Any) -> list[m.Finding]:
    """What the reader chose before it read a row: the columns, the sheet, what it left out."""
    guess: HeaderGuess = reader.guess
    prepared: Prepared | None = getattr(reader, "prepared", None)
    name = reader.sheet.name
    out = choice_findings(_absolute(guess, prepared), name)
    if prepared is not None:
        hidden = hidden_finding(prepared, name)
        if hidden:
            out.append(hidden)
    filtered = edges.filtered_rows_finding(reader.sheets[guess.sheet_index], guess.header_rows[-1], name)
    out += [filtered] if filtered else []
    out += edges.missing_amount_column(guess.columns, name)
    others = [g for g in getattr(reader, "alternatives", []) if g.sheet_index != guess.sheet_index]
    if others:
        other = others[0]
        other_name = reader.sheets[other.sheet_index].name
        tie = other.score == guess.score
        out.append(
            m.Finding(
                "warning" if tie else "info",
                "TABLE_CHOSEN",
                f"工作表「{name}」",
                f"工作表「{name}」和「{other_name}」都可能是项目表，采用了「{name}」"
                f"（识别出 {guess.score} 个字段，「{other_name}」{other.score} 个"
                + _version_said(name, other_name, tie)
                + "）。如不对，请在数据导入页“识别有误？”中改选工作表。",
            )
        )
    return out


def _version_said(name: str, other_name: str, tie: bool) -> str:
    if not tie or version_rank(name) >= version_rank(other_name):
        return ""
    if version_rank(name) < 0:
        return f"；按工作表名称，「{name}」是定稿"
    return f"；按工作表名称，「{other_name}」是草稿或副本"


def _absolute(guess: HeaderGuess, prepared: Prepared | None) -> HeaderGuess:
    """The guess with the columns the user sees (the reader's is relative to a block's first column)."""
    if prepared is None or not prepared.offset:
        return guess
    off = prepared.offset
    return replace(
        guess,
        labels=[""] * off + list(guess.labels),
        columns={f: c + off for f, c in guess.columns.items()},
        parts={f: [k + off for k in ks] for f, ks in guess.parts.items()},
    )


def _amounts(reader: Any, cells: list, fieldname: str, factors: dict[str, float]) -> list[float | None]:
    c = reader.cols.get(fieldname)
    factor = factors[fieldname]
    if c is None:
        return [None] * len(cells)
    return [v.amount_in_wan(row[c], factor) for row in cells]


def _rows_text(first: int, last: int) -> str:
    return f"第{first}行" if first == last else f"第{first}–{last}行"


_CN_SEQ = re.compile(r"^[（(]?[一二三四五六七八九十]+[)）、.．]?$")  # 一 / （二） in a 序号 column: a heading


def split_parents(
    reader: Any, recs: list, cells: list, totals: list, factor: dict[str, float]
) -> tuple[list, list]:
    """A parent row followed by "其中：" / "（1）" rows: the children are the projects, the parent a
    subtotal checked against them (TOTAL_MISMATCH where they differ)."""
    names = [str(r[m.PROJECT]) for r in recs]
    seq = reader.cols.get(m.SEQ)
    if seq is not None:
        # "其中" written in the 序号 column, the part's name in the project column
        for k, row in enumerate(cells):
            x = row[seq]
            if type(x) is str and _EXPLICIT.match(x.strip()) and not _CHILD.match(names[k]):
                names[k] = f"其中：{names[k]}"
    if not _ANY_CHILD.search("\n".join(names)):  # one C-level scan of a 50,000-row table
        return recs, cells
    budgets, spent = _amounts(reader, cells, m.BUDGET, factor), _amounts(reader, cells, m.EXECUTED, factor)
    spans, partial = parent_spans(names, budgets, spent)
    if not spans and not partial:
        return recs, cells
    spans, funding = funding_spans(spans, names)
    dropped = set()  # parent rows that become 小计, and partial breakdowns
    for p, a, b in funding:
        dropped.update(range(a, b + 1))
        rec = recs[p]
        reader.add(
            "info",
            "FUNDING_BREAKDOWN",
            reader.where(rec[m.SHEET_ROW], rec[m.PROJECT]),
            FUNDING_SAID,
            rec[m.SHEET_ROW],
        )
    for p, a, b in partial:
        rec = recs[p]
        dropped.update(range(a, b + 1))
        part = sum(budgets[k] or 0.0 for k in range(a, b + 1))
        whole = budgets[p]
        sums = f"预算合计 {fmt.wan(part)} 万元" + (
            f"，小于这一行的 {fmt.wan(whole)} 万元" if whole is not None else ""
        )
        reader.add(
            "info",
            "PARTIAL_BREAKDOWN",
            reader.where(rec[m.SHEET_ROW], rec[m.PROJECT]),
            f"“{rec[m.PROJECT]}”下的“其中”分项（{_rows_text(recs[a][m.SHEET_ROW], recs[b][m.SHEET_ROW])}，"
            f"{b - a + 1} 个）{sums}，是这一项目的部分明细：按这一行计入，分项不重复计入。",
            rec[m.SHEET_ROW],
        )
    for p, a, b in spans:
        rec = recs[p]
        total = reader.total_record(cells[p], rec[m.SHEET_ROW], rec[m.PROJECT], factor, rec[m.UNIT])
        total[m.TOTAL_KIND] = "小计"
        total[m.UNIT] = rec[m.UNIT]
        total[m.TOTAL_FIRST_ROW] = recs[a][m.SHEET_ROW]
        total[m.TOTAL_LAST_ROW] = recs[b][m.SHEET_ROW]
        totals.append(total)
        dropped.add(p)
        heading = _HEADING.match(str(rec[m.PROJECT]))
        # "二、科工中心" with its money printed (or 二 in the 序号 column): a unit heading whose projects follow
        by_seq = seq is not None and type(cells[p][seq]) is str and _CN_SEQ.match(cells[p][seq].strip())
        unit = rec[m.UNIT] or (str(rec[m.PROJECT])[heading.end() :].strip() if heading else None)
        unit = unit or (str(rec[m.PROJECT]).strip() if by_seq else None)
        if (heading or by_seq) and rec[m.UNIT] is None:
            total[m.UNIT] = unit
        for k in range(a, b + 1):
            recs[k][m.PROJECT] = child_name(recs[k][m.PROJECT]) or recs[k][m.PROJECT]
            if recs[k][m.UNIT] is None:
                recs[k][m.UNIT] = unit
        reader.add(
            "info",
            "PARENT_ROW",
            reader.where(rec[m.SHEET_ROW], rec[m.PROJECT]),
            f"“{rec[m.PROJECT]}”下有分项（第{recs[a][m.SHEET_ROW]}–{recs[b][m.SHEET_ROW]}行，{b - a + 1} 个），"
            "分项作为项目计入，这一行作为小计与分项核对，不重复计入。",
            rec[m.SHEET_ROW],
        )
    totals.sort(key=lambda t: t[m.SHEET_ROW])
    keep = [i for i in range(len(recs)) if i not in dropped]
    return [recs[i] for i in keep], [cells[i] for i in keep]


def check_blocks(
    reader: Any, recs: list, columns: dict[str, list], factor: dict[str, float]
) -> list[m.Finding]:
    """What can be said once the values are read: cells with no value (formulas), and blocks of unit
    totals against the projects."""
    prepared: Prepared | None = getattr(reader, "prepared", None)
    if prepared is None:
        return []
    guess = reader.guess
    off = prepared.offset
    suspects = [
        (f.sheet_row - 1, guess.columns[f.field] + off)
        for f in reader.findings
        if f.code == "UNPARSEABLE_VALUE" and f.sheet_row and f.field in guess.columns
    ]
    original = reader.sheets[guess.sheet_index]
    out = cell_problems(original, guess.header_rows[-1] + 1, dict(guess.columns), off, suspects)
    blocks = list(prepared.unit_blocks)
    opts = getattr(reader, "opts", None) or ReadOptions()
    blocks += other_sheet_blocks(reader.sheets, reader.guess.sheet_index, opts, reader.guess.unit_lists)
    if blocks:
        out += check_unit_blocks(
            blocks, recs, columns[m.BUDGET], columns[m.EXECUTED], factor, reader.sheet.name
        )
    return out
