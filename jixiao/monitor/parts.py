"""Several columns under one month, and one project over several rows, in a 月度执行表.

Under a month an office may print the plan beside the spending ("计划数 | 执行数"), money passed on
beside money paid ("拨付数 | 支付数 | 执行数"), or the month split by 资金来源 ("财政拨款 | 其他资金", with
or without a 合计). The month's spending is then the spent column, the 合计, or the sources added up — not
the first column. Likewise a project split over two rows by 资金来源 (its name merged down, or blank on
the second row) is one project whose two rows add up. Each choice is said as a finding.
"""

from __future__ import annotations

import re

from jixiao import model as m
from jixiao.ingest.workbook import Sheet
from jixiao.monitor.rows import cell_text
from jixiao.summary.blocks import TOTAL
from jixiao.summary.layout import FUND_SOURCE

# Under one month, the spending beside a plan: "1月·计划数 | 1月·执行数" (the plan was read as spending)
_SPENT_WORDS = re.compile(r"(执行|支出|实际|完成|支付|使用)")
_EXECUTED_WORDS = re.compile(r"(执行数|执行金额|实际执行|执行额)")  # what the 执行表 is about, over 支付
_PLAN_WORDS = re.compile(r"(计划|预算|指标|安排|下达|应)")
# money passed to a unit or a payee is not money spent: 拨付 ranks below 支付/执行 and above a plan
_PASSED_WORDS = re.compile(r"(拨付|拨款数|划拨|调拨)")
_WHOLE = re.compile(r"(合计|小计|总计|总额|汇总)")


def _part(label: str) -> str:
    """The lower part of a two-row label ("1月·财政拨款" → "财政拨款"), else the label without its month."""
    if "·" in label:
        return label.rsplit("·", 1)[-1]
    return re.sub(r"^.*?\d{1,2}\s*月(份)?", "", label)


def spending_rank(label: str) -> int:
    """0 for a plan, 1 for money passed on or a label that says neither, 2 for the spending, 3 for
    the 执行数 itself (beside 支付数)."""
    if _FUND_PART.match(_part(label)):
        return 1  # "财政拨款" names a source: its 拨款 is not a plan nor a transfer
    if _PLAN_WORDS.search(label):
        return 0
    if _PASSED_WORDS.search(label):
        return 1
    if _EXECUTED_WORDS.search(label):
        return 3
    return 2 if _SPENT_WORDS.search(label) else 1


_FUND_PART = re.compile(FUND_SOURCE.pattern + r"\S{0,4}$")


def choose(
    labels: list[str], candidates: dict[int, list[int]]
) -> tuple[dict[int, int], dict[int, list[int]]]:
    """month -> the column read, and month -> the columns added to it (sources without a 合计)."""
    found: dict[int, int] = {}
    parts: dict[int, list[int]] = {}
    for month, cols in candidates.items():
        whole = [c for c in cols if _WHOLE.search(_part(labels[c]))]
        sources = [c for c in cols if _FUND_PART.match(_part(labels[c]))]
        if whole:
            found[month] = max(whole, key=lambda c: spending_rank(labels[c]))
        elif len(sources) >= 2 and len(sources) == len(cols):
            found[month], parts[month] = sources[0], sources[1:]
        else:
            found[month] = max(cols, key=lambda c: (spending_rank(labels[c]), -c))
    return found, parts


def columns_said(labels: list[str], candidates: dict[int, list[int]], found, parts, sheet: str):
    """What was done with several columns under a month (said once, for the first such month)."""
    for month in sorted(candidates):
        cols = candidates[month]
        if len(cols) < 2:
            continue
        if month in parts:
            added = "、".join(f"「{_part(labels[c])}」" for c in [found[month], *parts[month]])
            said = f"每个月下按资金来源分列（{added}）：各列相加作为当月的执行数。"
        else:
            left = "、".join(f"「{_part(labels[c])}」" for c in cols if c != found[month])
            said = f"每个月下有多列：按「{_part(labels[found[month]])}」读取执行数，{left}未计入。"
        return m.Finding("info", "MONTH_SUBCOLUMNS", f"工作表「{sheet}」", said)
    return None


def nameless(sheet: Sheet, r: int, name_col: int, row, records, budget, amounts, findings) -> None:
    """A row with money and no project name (r 0-based): the project above over a second row (资金来源),
    added to it; a total labelled in another cell, passed over; else left out with a warning (it was
    left out silently)."""
    texts = [cell_text(x) for x in row if isinstance(x, str) and cell_text(x)]
    if any(TOTAL.search(x) for x in texts):
        return
    where = f"第{r + 1}行"
    if continues_above(sheet, r, name_col, texts):
        add_to(records[-1], budget, amounts)
        # one finding for all such rows: a table split by 资金来源 has one on every other row
        earlier = [f for f in findings if f.code == "PROJECT_CONTINUED"]
        rows = [*(earlier[0].where.strip("第行").split("、") if earlier else []), str(r + 1)]
        shown = "、".join(rows[:5]) + ("等" if len(rows) > 5 else "")
        said = (
            f"{len(rows)} 行没有项目名称，是其上一行项目的另一部分资金（如按资金来源分两行填写）："
            f"金额已并入上一行的项目（第{shown}行）。"
        )
        done = m.Finding("info", "PROJECT_CONTINUED", f"第{'、'.join(rows)}行", said, sheet_row=int(rows[0]))
        findings[:] = [f for f in findings if f.code != "PROJECT_CONTINUED"] + [done]
    else:
        said = "这一行有金额但没有项目名称，无法判断属于哪个项目：未计入，请补填项目名称。"
        findings.append(m.Finding("warning", "NAMELESS_ROW", where, said, sheet_row=r + 1))


def continues_above(sheet: Sheet, r: int, name_col: int, texts: list[str]) -> bool:
    """Row r (0-based) has money but no project name: it is the project above split by 资金来源 when the
    name cell is merged down from above, or a cell of the row names a 资金来源 ("其他资金")."""
    for r0, c0, r1, c1 in sheet.merged:
        if r0 < r <= r1 and c0 <= name_col <= c1:
            return True
    return any(FUND_SOURCE.match(x) for x in texts)


def add_to(record: dict, budget: float | None, amounts: dict[int, float | None]) -> None:
    """Add a continuation row's money to the project record above it."""

    def plus(a, b):
        return a if b is None else b if a is None else a + b

    record[m.BUDGET] = plus(record[m.BUDGET], budget)
    for k, x in amounts.items():
        record[f"m{k}"] = plus(record[f"m{k}"], x)
