"""Where is the header, and which column is which field.

The synonyms are one table (``SYNONYMS``); a column matches the first field whose pattern fits its
label, so order matters: '预算执行率' must be a rate before it can look like a budget.
Two-row headers are read by joining each column's parent label (from a merged cell, or the nearest
label to the left when the row below is split) with its own.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from jixiao import model as m
from jixiao.ingest.workbook import Sheet

PROJECT_COUNT = "project_count"  # not a project field: a header naming it is a block of unit totals

# field -> [(pattern, priority)]; a higher priority wins when two columns match the same field.
SYNONYMS: list[tuple[str, list[tuple[str, float]]]] = [
    (m.SEQ, [(r"^(序号|编号|行次|no\.?|序)$", 1)]),
    (m.CODE, [(r"(项目编码|项目代码|项目编号|项目id)", 1)]),
    (m.SELF_FLAG, [(r"(是否.*偏差|较大偏差|偏差情况|^偏差$|^是否偏差)", 1)]),
    (m.REPORTED_GRADE, [(r"(自评等级|评价等级|绩效等级|考核等级|评定等级|^等级$)", 1)]),
    # 项目个数 counts a unit's projects: it marks a block of unit totals, never a project name
    (PROJECT_COUNT, [(r"(项目个数|项目数|项目数量|^个数$)", 1)]),
    (
        m.UNIT,
        [
            (
                r"(单位名称|实施单位|预算单位|所属单位|责任单位|项目单位|主管单位|部门名称|处室|^单位$|^部门$)",
                1,
            )
        ],
    ),
    (
        m.REPORTED_RATE,
        [
            (r"(执行率|支出进度|执行进度|支出率|执行比例|支付进度|完成率|完成比例|使用率|支付率|^比例$)", 1),
            (r"^(execution|expenditure|spending)\s*rate", 1),
            (r"(执行|支出|完成|使用|支付)[^占]{0,4}占[^比]{0,6}预算", 1),  # "执行数占预算数比例": the rate
        ],
    ),
    (m.RATE_FUNDS, [(r"资金管理", 1)]),
    (m.RATE_COST, [(r"成本", 1)]),
    (m.RATE_OUTPUT, [(r"产出", 1)]),
    (m.RATE_BENEFIT, [(r"效益", 1)]),
    (m.RATE_SATISFACTION, [(r"满意", 1)]),
    (
        m.REPORTED_SCORE,
        [(r"(自评得分|综合得分|总得分|自评分|总分|评价得分|自评分数)", 2), (r"(得分|评分|分值|分数)$", 1)],
    ),
    (
        m.EXECUTED,
        [
            (r"(全年执行数|实际执行数|预算执行数|实际支出数|实际执行|实际支出)", 3),
            # 预算 / 实际, 计划数 / 完成数, 下达资金 / 资金使用: the other halves of those pairs
            (r"(实际数|实际完成数|实际完成|完成数|资金使用数|资金使用)$", 2),
            (r"^实际$", 1),
            (r"^(expenditure|actual|spent|spending|executed|expenses?)\b", 1),  # English headers
            (
                r"(执行数|执行金额|执行额|支出数|支出金额|已支出|已执行|决算数|支出进度金额|执行进度金额|支出进度数|执行进度数)",
                2,
            ),
            # other ways offices say it: 全年支出, 实际使用资金, 完成金额
            (
                r"(累计支出|全年支出|本年支出|当年支出|实际使用|已使用|使用金额|使用资金|完成金额|支出合计|支出总额)",
                2,
            ),
            # money paid out (支付) and money passed down (拨付) are the spending only where the table has no
            # 执行数 beside them: 执行 before 支付 before 拨付
            (r"(实际支付|已支付|支付数|支付金额)", 1.5),
            (r"(拨付数|已拨付|拨付金额)", 1.2),
            (
                r"(执行合计|执行小计|执行总计|执行总额|执行|执行进度|支出进度|^支出)$",
                1,
            ),  # "财政拨款执行", "执行合计": split by source of funds
        ],
    ),
    (m.INITIAL_BUDGET, [(r"(年初预算|年初批复|年初安排|年初数)", 1)]),
    (
        m.BUDGET,
        [
            (r"(调整后预算|全年预算|变动后预算)", 4),
            # "调整预算数" is the budget as adjusted, unless an 调整后 column stands beside it: then it
            # is the adjustment (年初 + 调整 = 调整后)
            (r"调整预算", 3),
            (r"(年度预算|预算数|预算金额|预算额|批复金额|批复数|预算资金|资金总额|预算安排)", 2),
            (r"(下达资金|下达数|下达金额|指标金额|可用指标|指标总额|计划数|计划金额)$", 2),
            (r"^(本年安排|本年下达|本年批复|当年安排|当年下达|当年批复)", 1),  # beside 上年结转
            (r"预算", 1),
            (r"^(budget|allocated|allocation)\b", 1),
        ],
    ),
    (
        m.PROJECT,
        [
            (r"(项目名称|^项目$|项目名|^名称$|二级项目|资金名称|项目\(政策\)名称|政策名称)", 2),
            # one cell for both: "单位/项目", "单位（项目）名称", "项目及单位"
            (r"(单位[/／、及和]项目|项目[/／、及和]单位|单位\(项目\)|支出项目|专项名称)", 2),
            (r"^项目", 1),
            (r"^project(\s*name)?$", 1),
        ],
    ),
]
_COMPILED = [(f, [(re.compile(p, re.IGNORECASE), pr) for p, pr in pats]) for f, pats in SYNONYMS]
# Component 得分率 columns must say they are rates or scores; "产出" alone could be anything.
_COMPONENT_FIELDS = {m.RATE_FUNDS, m.RATE_COST, m.RATE_OUTPUT, m.RATE_BENEFIT, m.RATE_SATISFACTION}
_MONEY_FIELDS = {m.BUDGET, m.INITIAL_BUDGET, m.EXECUTED}
# a share of the table's total ("预算数占比", "执行数比重"): a percentage, not an amount
_SHARE = re.compile(r"(占比|比重|占.{0,8}(比例|百分比|%))")
_NOT_SPENT = re.compile(r"((未|尚未|待)(执行|支出|拨付|支付|使用|完成)|结余|剩余|余额|差额)")
_UNIT_IN_LABEL = re.compile(r"[(（\[【]\s*(亿元|百万元|万元|千元|元|万|%|％)\s*[)）\]】]")
# The signing lines under a table: 填表人：张三, 联系电话, 单位负责人：, 填报日期 — a label alone or with a colon.
SIGNATURE = re.compile(
    r"^((单位|部门|财务|分管|主要)?(负责人|领导)|填表人?|填报人|制表人?|审核人?|复核人?|经办人|联系人|联系电话|电话|手机"
    r"|(填报|填表|制表|报送)?日期|填报时间|(单位)?盖章|[（(]盖章[)）])\s*([:：]|$)"
)


_BLANKS = re.compile(r"\s+")


def normalize_label(text: object) -> str:
    if type(text) is str:
        return _normalized(text)
    return _normalized(str(text) if text is not None else "")


# A reader asks again for every row whether it is a header repeated over a page break: a sheet of
# 50,000 rows × 200 columns is ten million labels, nearly all of them the same few cell texts.
@functools.lru_cache(maxsize=1 << 16)
def _normalized(s: str) -> str:
    return _BLANKS.sub("", s).replace("（", "(").replace("）", ")")


@functools.lru_cache(maxsize=1 << 16)
def match_field(label: str) -> tuple[str | None, float]:
    """The field a header label names, and how sure (priority)."""
    fieldname, priority = _match_one(label)
    if "·" in label:
        # "预算数·年初", "预算数·调整后", "执行数·上年": a child that names nothing alone qualifies its
        # parent, so the pair reads as "年初预算数" (it would read as plain 预算数 otherwise).
        parent, _, child = label.rpartition("·")
        if child and _match_one(child)[0] is None:
            qualified = _match_one(child + parent)
            if qualified[0] is not None:
                return qualified
    return fieldname, priority


def _match_one(label: str) -> tuple[str | None, float]:
    if not label or label.startswith(("单位:", "单位：", "金额单位")):
        return None, 0
    core = _UNIT_IN_LABEL.sub("", label)
    for fieldname, patterns in _COMPILED:
        for pattern, priority in patterns:
            if pattern.search(core):
                if fieldname in _COMPONENT_FIELDS and not re.search(r"(率|得分|分值|%|\d+分)", label):
                    break
                if fieldname == m.REPORTED_RATE and re.search(r"(得分|分值)", core) and "得分率" not in core:
                    break
                # "支出进度金额", "执行进度（万元）": money, not a rate — by the column's own label: under a
                # group "预算执行情况（万元）" the 预算执行率 is still the rate
                if fieldname == m.REPORTED_RATE and re.search(
                    r"(金额|万元|元\)|数$|额$)", label.rpartition("·")[2]
                ):
                    break
                if fieldname in _MONEY_FIELDS and _NOT_SPENT.search(core):
                    break  # "未执行数", "待支付数", "预算结余": what is left, not the budget or the spending
                if fieldname in _MONEY_FIELDS and _SHARE.search(core):
                    break
                if fieldname == m.EXECUTED and _ONE_MONTH.search(core) and not _SO_FAR.search(core):
                    return fieldname, max(1, priority - 1)  # "12月执行数" beside "累计执行数": one month's
                return fieldname, priority
    return None, 0


# one month's spending ("12月执行数", "当月支出"), not a range ("1-12月") or the amount so far
_ONE_MONTH = re.compile(r"(当月|本月|(?<![-－–—~～至到\d])\d{1,2}月(?!末))")
_SO_FAR = re.compile(r"(累计|截至|截止|全年|至今)")
_PRIOR = re.compile(r"(上年|上期|去年|上一年|前一年)")
_CURRENT = re.compile(r"(本年|本期|当年|今年)")
_YEAR = re.compile(r"(20\d{2})\s*年")


def label_period(label: str, report_year: int | None) -> int:
    """2 for the report year's column (本年/本期/2023年), 1 for a column that names no year,
    0 for another year's (上年/上期/2022年)."""
    if _PRIOR.search(label):
        return 0
    if _CURRENT.search(label):
        return 2
    years = {int(y) for y in _YEAR.findall(label)}
    if not years:
        return 1
    return 2 if report_year in years else 0


def label_years(labels: list[str]) -> set[int]:
    return {int(y) for label in labels for y in _YEAR.findall(label)}


def year_in_text(text: str, loose: bool = False) -> int | None:
    """The report year a title states ("2023年度…"); a file name may say it bare ("汇总表2023.xlsx")."""
    hit = _YEAR.search(text or "") or (re.search(r"(?<!\d)(20\d{2})(?!\d)", text or "") if loose else None)
    return int(hit.group(1)) if hit else None


@dataclass
class Choice:
    """Which column a field was given when several fit, and why."""

    field: str
    chosen: int
    passed_over: list[int]
    reason: str  # "period" / "whole" / "priority" / "same_label" / "tie"


# An amount split by source of funds: the 合计/小计 column is the amount, the others are parts of it.
_WHOLE = re.compile(r"(合计|小计|总计|总额)")
_PART = re.compile(
    r"(财政拨款|财政资金|财政性资金|一般公共预算|政府性基金|其他资金|自筹|上级补助|上级资金|本级财政|"
    r"中央|省级|市级|县级|单位资金|事业收入|经营收入|结转|结余|其中|一级项目)"
)
_CARRY = re.compile(r"(结转|结余)")
_CARRY_ALONE = re.compile(r"^(上年|以前年度|往年)结转(资金|数|金额|额)?$")


def part_rank(label: str) -> int:
    """0 for a column that is the whole of an amount split by source, 2 for a part of one (or for an
    一级项目 column beside the 二级项目 that are the projects), else 1."""
    if _WHOLE.search(label):
        return 0
    return 2 if _PART.search(label) else 1


def choose_columns(
    labels: list[str], report_year: int | None = None, skip: frozenset[int] | set[int] = frozenset()
) -> tuple[dict[str, int], dict[str, int], list[Choice]]:
    """Every field's column: the report year's column before one that names no year before another
    year's, then a 合计 column before the parts of an amount split by source of funds (财政拨款,
    其他资金 …), then the surer wording, then the leftmost. Also what else fitted, for the user to see."""
    found: dict[str, list[tuple[int, int, int]]] = {}
    for c, label in enumerate(labels):
        if c in skip:
            continue
        fieldname, priority = match_field(label)
        if fieldname is None:
            continue
        found.setdefault(fieldname, []).append(
            (label_period(label, report_year), priority, c, part_rank(label))
        )
    columns: dict[str, int] = {}
    priorities: dict[str, int] = {}
    choices: list[Choice] = []
    # a 上年结转 column beside 本年预算 and 合计: one year's money by source (unless another year's
    # columns stand there too)
    carry = bool(found) and any(_CARRY.search(label) for c, label in enumerate(labels) if c not in skip)
    for fieldname, cands in found.items():
        if carry and not any(_PRIOR.search(labels[t[2]]) and not _CARRY.search(labels[t[2]]) for t in cands):
            cands = _carry_over(labels, cands)
        ranked = sorted(cands, key=lambda t: (-t[0], t[3], -t[1], t[2]))
        period, priority, col, part = ranked[0]
        columns[fieldname], priorities[fieldname] = col, priority
        if len(ranked) > 1:
            runner = ranked[1]
            if labels[runner[2]] == labels[col]:
                reason = "same_label"
            elif runner[0] != period:
                reason = "period"
            elif runner[3] != part:
                reason = "whole"
            elif runner[1] != priority:
                reason = "priority"
            else:
                reason = "tie"
            choices.append(Choice(fieldname, col, [t[2] for t in ranked[1:]], reason))
    return columns, priorities, choices


def _carry_over(labels: list[str], cands: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """上年结转 beside 本年安排 and 合计: one year's money by source, not two years. No column is
    another year's, and 本年安排 is a part like the carry-over."""
    out = []
    for _, priority, c, part in cands:
        if part != 0 and _CURRENT.search(labels[c]):
            part = 2
        out.append((1, priority, c, part))
    return out


def part_columns(
    labels: list[str], columns: dict[str, int], report_year: int | None, skip: frozenset[int] | set[int]
) -> dict[str, list[int]]:
    """An amount split by source of funds with no 合计 column (预算数 → 财政拨款 / 其他资金, or
    上年结转 / 本年预算): the other parts of the column taken, to be added to it."""
    out: dict[str, list[int]] = {}
    for fieldname in (m.BUDGET, m.EXECUTED, m.INITIAL_BUDGET):
        c = columns.get(fieldname)
        if c is None:
            continue
        same = [k for k, label in enumerate(labels) if k not in skip and match_field(label)[0] == fieldname]
        if fieldname == m.BUDGET:  # "上年结转（万元）" names no amount: the other part of 本年预算's
            alone = [k for k, label in enumerate(labels) if _CARRY_ALONE.match(_UNIT_IN_LABEL.sub("", label))]
            same += [k for k in alone if k not in skip and k not in same]
        carry = any(_CARRY.search(labels[k]) for k in same)
        # beside a carry-over, 本年预算 is a part like it (as in ``_carry_over``)
        rank = {k: 2 if carry and _CURRENT.search(labels[k]) else part_rank(labels[k]) for k in same}
        if rank[c] != 2:
            continue
        period = label_period(labels[c], report_year)
        others = [
            k
            for k in same
            if k != c and rank[k] == 2 and (carry or label_period(labels[k], report_year) == period)
        ]
        if others:
            out[fieldname] = others
    return out


@dataclass
class ReadOptions:
    """What the user set on the import page that changes which columns and rows are read."""

    report_year: int | None = None  # the year of the report, when 上年 and 本年 columns both exist
    include_hidden: bool = False  # read hidden rows and columns too
    filename: str = ""


@dataclass
class HeaderGuess:
    sheet_index: int
    header_rows: list[int]  # 0-based
    labels: list[str]  # one combined label per column
    columns: dict[str, int]  # field -> column index
    priorities: dict[str, int] = field(default_factory=dict)
    choices: list[Choice] = field(default_factory=list)  # fields that had more than one column
    report_year: int | None = None
    year_source: str = ""  # where the report year came from, in words
    span: tuple[int, int] | None = None  # first and last column of a block beside another block
    skipped_cols: frozenset[int] = frozenset()  # hidden columns left out
    # field -> the other columns of an amount split by source with no 合计 column: added to it
    parts: dict[str, list[int]] = field(default_factory=dict)
    unit_lists: list[HeaderGuess] = field(
        default_factory=list
    )  # same-sheet tables whose "projects" are units

    @property
    def score(self) -> int:
        return len(self.columns)

    @property
    def is_unit_block(self) -> bool:
        """单位 / 项目个数 / 预算 / 执行: totals per unit, not a table of projects."""
        return PROJECT_COUNT in self.columns

    @property
    def usable(self) -> bool:
        has_amount = (
            m.BUDGET in self.columns or m.EXECUTED in self.columns or m.REPORTED_SCORE in self.columns
        )
        return m.PROJECT in self.columns and has_amount and not self.is_unit_block


def assign_columns(
    labels: list[str], report_year: int | None = None, skip: frozenset[int] | set[int] = frozenset()
) -> tuple[dict[str, int], dict[str, int]]:
    columns, priorities, _ = choose_columns(labels, report_year, skip)
    return columns, priorities


def _row_labels(row: list[object]) -> list[str]:
    return [normalize_label(v) if isinstance(v, str) else "" for v in row]


def _is_label_row(row: list[object]) -> bool:
    """Mostly text, hardly any numbers: the second row of a header, not a data row."""
    texts = sum(1 for v in row if isinstance(v, str) and v.strip())
    numbers = sum(1 for v in row if isinstance(v, (int, float)) and not isinstance(v, bool))
    return texts >= 2 and numbers <= 1


_NUMERIC_TEXT = re.compile(r"^[\s+\-−]*[\d０-９][\d０-９,，.．\s]*(%|％|万元|元|分)?$")


def _sub_header(sheet: Sheet, r: int) -> bool:
    """Row r+1 names the parts of a label of row r spread over several columns ("预算数" over
    "小计 / 财政拨款 / 其他资金"): a second header row even though it names no field of its own."""
    top, bottom = sheet.rows[r], sheet.rows[r + 1]
    if any(isinstance(v, str) and _NUMERIC_TEXT.match(v) for v in bottom):
        return False

    def labelled(c: int) -> bool:
        return c < len(bottom) and isinstance(bottom[c], str) and bool(bottom[c].strip())

    for r0, c0, r1, c1 in sheet.merged:
        if r0 == r and r1 == r and c1 > c0 and sum(labelled(c) for c in range(c0, c1 + 1)) >= 2:
            return True

    # no merge (CSV, some .xls, "centre across selection"): a label with blank cells after it, all
    # labelled below
    def text(c: int) -> bool:
        return isinstance(top[c], str) and bool(top[c].strip())

    return any(text(c) and not text(c + 1) and labelled(c) and labelled(c + 1) for c in range(len(top) - 1))


def combine_two_rows(sheet: Sheet, r: int) -> list[str]:
    """Labels for a header spanning rows r and r+1: parent label + child label per column."""
    return combine_rows(sheet, r, 2)


def combine_rows(sheet: Sheet, r: int, depth: int) -> list[str]:
    """Labels for a header spanning ``depth`` rows from r ("预算执行情况 → 预算数 → 合计" reads
    "预算执行情况·预算数·合计")."""
    labels = _row_labels(sheet.rows[r])
    for k in range(1, depth):
        labels = _join_row(sheet, r + k - 1, labels, _row_labels(sheet.rows[r + k]))
    return labels


def _join_row(sheet: Sheet, r: int, upper: list[str], bottom: list[str]) -> list[str]:
    """``upper`` (the labels down to row r) joined with row r+1's labels."""
    top = _row_labels(sheet.rows[r])
    width = max(len(upper), len(bottom))
    upper = upper + [""] * (width - len(upper))
    bottom = bottom + [""] * (width - len(bottom))
    top = top + [""] * (width - len(top))
    parent = list(upper)
    # A parent merged across columns is stored in its first cell only: spread it.
    for r0, c0, r1, c1 in sheet.merged:
        if r0 <= r and r1 == r and c1 > c0 and c0 < width and upper[c0]:
            for c in range(c0, min(c1 + 1, width)):
                parent[c] = upper[c0]
    if not sheet.merged:
        # Without merge information (CSV, some .xls), a blank parent above a child label belongs
        # to the nearest parent on its left that also has children.
        current = ""
        for c in range(width):
            if top[c]:
                current = upper[c] if bottom[c] else ""
            elif bottom[c] and current:
                parent[c] = current
    labels = []
    for c in range(width):
        p, b = parent[c], bottom[c]
        if p and b and p != b:
            labels.append(b if b.startswith(p) else f"{p}·{b}")
        else:
            labels.append(b or p)
    return labels


def report_year_for(
    sheet: Sheet, header_row: int, labels: list[str], opts: ReadOptions
) -> tuple[int | None, str]:
    """The report year: the user's setting, else the title above the header, else the file name,
    else the latest year the header names spending for, else the latest year it names."""
    if opts.report_year:
        return opts.report_year, "导入页设置"
    years = label_years(labels)
    title = " ".join(str(x) for row in sheet.rows[:header_row] for x in row if isinstance(x, str))
    for year, source in (
        (year_in_text(title), "表格标题"),
        (year_in_text(opts.filename, loose=True), "文件名"),
    ):
        if year and (not years or year in years):
            return year, source
    # a later year's budget beside this year's spending ("2024年预算数" planned next to "2023年执行数")
    # is no report year: the year is the latest one that has spending
    spent = label_years([label for label in labels if match_field(label)[0] == m.EXECUTED])
    if spent and max(spent) < max(years):
        return max(spent), "表头中有执行数的最近年份"
    if years:
        return max(years), "表头中最近的年份"
    return None, ""


def _spans(labels: list[str]) -> list[tuple[int, int]]:
    """Runs of labelled columns separated by blank ones: blocks printed side by side."""
    spans, start = [], None
    for c, label in enumerate([*labels, ""]):
        if label and start is None:
            start = c
        elif not label and start is not None:
            spans.append((start, c - 1))
            start = None
    return spans


_BLOCK_START = (m.SEQ, m.UNIT, m.PROJECT)


def guess_for_labels(
    sheet: Sheet, sheet_index: int, rows: list[int], labels: list[str], opts: ReadOptions
) -> HeaderGuess:
    """The guess for one header: the whole row, or, when the row holds a block of unit totals
    beside the project table, the block that is the project table."""
    skip = frozenset() if opts.include_hidden else frozenset(getattr(sheet, "hidden_cols", ()) or ())
    year, source = report_year_for(sheet, rows[0], labels, opts)
    columns, priorities, choices = choose_columns(labels, year, skip)
    parts = part_columns(labels, columns, year, skip)
    choices = [ch for ch in choices if ch.field not in parts]  # nothing was passed over: all are added
    guess = HeaderGuess(
        sheet_index, rows, labels, columns, priorities, choices, year, source, None, skip, parts=parts
    )
    if guess.is_unit_block:
        spans = _spans([x if c not in skip else "" for c, x in enumerate(labels)])
        if len(spans) <= 1 and m.PROJECT in columns:
            # the blocks touch: a new block starts where a 序号/单位/项目 column follows the count
            count, width = columns[PROJECT_COUNT], len(labels)
            starts = [c for c in range(1, width) if match_field(labels[c])[0] in _BLOCK_START]
            spans = [(0, k - 1) for k in starts if k > count] + [(k, width - 1) for k in starts if k > count]
        for c0, c1 in spans if len(spans) > 1 else []:
            part = [x if c0 <= c <= c1 else "" for c, x in enumerate(labels)]
            cols, prios, ch = choose_columns(part, year, skip)
            adds = part_columns(part, cols, year, skip)
            ch = [x for x in ch if x.field not in adds]
            cand = HeaderGuess(
                sheet_index, rows, labels, cols, prios, ch, year, source, (c0, c1), skip, parts=adds
            )
            if cand.usable and (not guess.usable or cand.score > guess.score):
                guess = cand
    return guess


def guess_header(
    sheet: Sheet, sheet_index: int, scan_rows: int = 40, opts: ReadOptions | None = None
) -> HeaderGuess | None:
    best: HeaderGuess | None = None
    for guess in usable_guesses(sheet, sheet_index, scan_rows, opts):
        if best is None or guess.score > best.score:
            best = guess
    return best


def usable_guesses(
    sheet: Sheet, sheet_index: int, scan_rows: int = 40, opts: ReadOptions | None = None
) -> list[HeaderGuess]:
    """Every row of the sheet's top that could head a project table, top to bottom."""
    opts = opts or ReadOptions()
    out: list[HeaderGuess] = []
    limit = min(scan_rows, len(sheet.rows))
    for r in range(limit):
        labels = _row_labels(sheet.rows[r])
        if sum(1 for x in labels if x) < 2:
            continue
        guess = guess_for_labels(sheet, sheet_index, [r], labels, opts)
        if r + 1 < len(sheet.rows) and _is_label_row(sheet.rows[r + 1]):
            labels2 = combine_two_rows(sheet, r)
            guess2 = guess_for_labels(sheet, sheet_index, [r, r + 1], labels2, opts)
            more = len(guess2.columns) > len(guess.columns)
            if more or (len(guess2.columns) == len(guess.columns) and _sub_header(sheet, r)):
                guess = guess2
                if r + 2 < len(sheet.rows) and _is_label_row(sheet.rows[r + 2]) and _sub_header(sheet, r + 1):
                    # 预算执行情况 → 预算数 / 执行数 → 合计 / 财政拨款 / 其他资金
                    labels3 = combine_rows(sheet, r, 3)
                    guess3 = guess_for_labels(sheet, sheet_index, [r, r + 1, r + 2], labels3, opts)
                    if len(guess3.columns) >= len(guess.columns):
                        guess = guess3
        if guess.usable:
            out.append(guess)
    return out


def guess_best(sheets: list[Sheet], opts: ReadOptions | None = None) -> HeaderGuess | None:
    """The sheet and header that name the most fields; ties go to the earlier sheet."""
    return (ranked_guesses(sheets, opts) or [None])[0]


def ranked_guesses(sheets: list[Sheet], opts: ReadOptions | None = None) -> list[HeaderGuess]:
    """Every sheet's best header, best first (most fields; ties to the earlier sheet)."""
    found = []
    for i, sheet in enumerate(sheets):
        if not sheet.rows:
            continue
        guess = guess_header(sheet, i, opts=opts)
        if guess:
            found.append(guess)
    return sorted(found, key=lambda g: (-g.score, g.sheet_index))
