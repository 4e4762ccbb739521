"""Where is the header, and which column is which field.

The synonyms are one table (``SYNONYMS``); a column matches the first field whose pattern fits its
label, so order matters: '预算执行率' must be a rate before it can look like a budget.
Two-row headers are read by joining each column's parent label (from a merged cell, or the nearest
label to the left when the row below is split) with its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from jixiao import model as m
from jixiao.ingest.workbook import Sheet

# field -> [(pattern, priority)]; a higher priority wins when two columns match the same field.
SYNONYMS: list[tuple[str, list[tuple[str, int]]]] = [
    (m.SEQ, [(r"^(序号|编号|行次|no\.?|序)$", 1)]),
    (m.CODE, [(r"(项目编码|项目代码|项目编号|项目id)", 1)]),
    (m.SELF_FLAG, [(r"(是否.*偏差|较大偏差|偏差情况|^偏差$|^是否偏差)", 1)]),
    (
        m.UNIT,
        [
            (
                r"(单位名称|实施单位|预算单位|所属单位|责任单位|项目单位|主管单位|部门名称|处室|^单位$|^部门$)",
                1,
            )
        ],
    ),
    (m.REPORTED_RATE, [(r"(执行率|支出进度|执行进度|支出率|执行比例|支付进度)", 1)]),
    (m.RATE_FUNDS, [(r"资金管理", 1)]),
    (m.RATE_COST, [(r"成本", 1)]),
    (m.RATE_OUTPUT, [(r"产出", 1)]),
    (m.RATE_BENEFIT, [(r"效益", 1)]),
    (m.RATE_SATISFACTION, [(r"满意", 1)]),
    (m.REPORTED_SCORE, [(r"(自评得分|综合得分|总得分|自评分|总分|评价得分)", 2), (r"(得分|评分|分值)$", 1)]),
    (
        m.EXECUTED,
        [
            (r"(全年执行数|实际执行数|预算执行数|实际支出数|实际执行|实际支出)", 3),
            (r"(执行数|执行金额|执行额|支出数|支出金额|已支出|已执行|决算数|拨付数)", 2),
        ],
    ),
    (
        m.BUDGET,
        [
            (r"(调整后预算|调整预算|全年预算|变动后预算)", 3),
            (r"(年度预算|预算数|预算金额|预算额|批复金额|批复数|预算资金|资金总额)", 2),
            (r"(年初预算|预算)", 1),
        ],
    ),
    (m.PROJECT, [(r"(项目名称|^项目$|项目名|^名称$|二级项目|资金名称)", 2), (r"^项目", 1)]),
]
_COMPILED = [(f, [(re.compile(p, re.IGNORECASE), pr) for p, pr in pats]) for f, pats in SYNONYMS]
# Component 得分率 columns must say they are rates or scores; "产出" alone could be anything.
_COMPONENT_FIELDS = {m.RATE_FUNDS, m.RATE_COST, m.RATE_OUTPUT, m.RATE_BENEFIT, m.RATE_SATISFACTION}
_UNIT_IN_LABEL = re.compile(r"[(（\[【]\s*(万元|元|%|％)\s*[)）\]】]")
_AMOUNT_UNIT_LINE = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|元)")


def normalize_label(text: object) -> str:
    s = str(text) if text is not None else ""
    s = re.sub(r"\s+", "", s)
    return s.replace("（", "(").replace("）", ")")


def match_field(label: str) -> tuple[str | None, int]:
    """The field a header label names, and how sure (priority)."""
    if not label or label.startswith(("单位:", "单位：", "金额单位")):
        return None, 0
    core = _UNIT_IN_LABEL.sub("", label)
    for fieldname, patterns in _COMPILED:
        for pattern, priority in patterns:
            if pattern.search(core):
                if fieldname in _COMPONENT_FIELDS and not re.search(r"(率|得分|分值|%)", label):
                    break
                if fieldname == m.REPORTED_RATE and re.search(r"(得分|分值)", core) and "得分率" not in core:
                    break
                return fieldname, priority
    return None, 0


def amount_unit_of_label(label: str) -> str | None:
    if "万元" in label:
        return "万元"
    if re.search(r"[(（]\s*元\s*[)）]|金额\s*元|\(元\)", label) or label.endswith("元)"):
        return "元"
    return None


def find_amount_unit_line(rows: list[list[object]], upto: int) -> str | None:
    for row in rows[:upto]:
        for v in row:
            if isinstance(v, str):
                hit = _AMOUNT_UNIT_LINE.search(v.replace(" ", ""))
                if hit:
                    return hit.group(1)
    return None


@dataclass
class HeaderGuess:
    sheet_index: int
    header_rows: list[int]  # 0-based
    labels: list[str]  # one combined label per column
    columns: dict[str, int]  # field -> column index
    priorities: dict[str, int] = field(default_factory=dict)

    @property
    def score(self) -> int:
        return len(self.columns)

    @property
    def usable(self) -> bool:
        has_amount = (
            m.BUDGET in self.columns or m.EXECUTED in self.columns or m.REPORTED_SCORE in self.columns
        )
        return m.PROJECT in self.columns and has_amount


def assign_columns(labels: list[str]) -> tuple[dict[str, int], dict[str, int]]:
    columns: dict[str, int] = {}
    priorities: dict[str, int] = {}
    for c, label in enumerate(labels):
        fieldname, priority = match_field(label)
        if fieldname is None:
            continue
        if fieldname not in columns or priority > priorities[fieldname]:
            columns[fieldname] = c
            priorities[fieldname] = priority
    return columns, priorities


def _row_labels(row: list[object]) -> list[str]:
    return [normalize_label(v) if isinstance(v, str) else "" for v in row]


def _is_label_row(row: list[object]) -> bool:
    """Mostly text, hardly any numbers: the second row of a header, not a data row."""
    texts = sum(1 for v in row if isinstance(v, str) and v.strip())
    numbers = sum(1 for v in row if isinstance(v, (int, float)) and not isinstance(v, bool))
    return texts >= 2 and numbers <= 1


def combine_two_rows(sheet: Sheet, r: int) -> list[str]:
    """Labels for a header spanning rows r and r+1: parent label + child label per column."""
    top = _row_labels(sheet.rows[r])
    bottom = _row_labels(sheet.rows[r + 1])
    parent = list(top)
    # A parent merged across columns is stored in its first cell only: spread it.
    for r0, c0, r1, c1 in sheet.merged:
        if r0 == r and r1 == r and top[c0]:
            for c in range(c0, min(c1 + 1, len(parent))):
                parent[c] = top[c0]
    if not sheet.merged:
        # Without merge information (CSV, some .xls), a blank parent above a child label belongs
        # to the nearest parent on its left that also has children.
        current = ""
        for c in range(len(parent)):
            if top[c]:
                current = top[c] if bottom[c] else ""
            elif bottom[c] and current:
                parent[c] = current
    labels = []
    for c in range(len(parent)):
        p, b = parent[c], bottom[c]
        if p and b and p != b:
            labels.append(b if b.startswith(p) else f"{p}·{b}")
        else:
            labels.append(b or p)
    return labels


def guess_header(sheet: Sheet, sheet_index: int, scan_rows: int = 40) -> HeaderGuess | None:
    best: HeaderGuess | None = None
    limit = min(scan_rows, len(sheet.rows))
    for r in range(limit):
        labels = _row_labels(sheet.rows[r])
        if sum(1 for x in labels if x) < 2:
            continue
        columns, priorities = assign_columns(labels)
        guess = HeaderGuess(sheet_index, [r], labels, columns, priorities)
        if r + 1 < len(sheet.rows) and _is_label_row(sheet.rows[r + 1]):
            labels2 = combine_two_rows(sheet, r)
            columns2, priorities2 = assign_columns(labels2)
            if len(columns2) > len(columns):
                guess = HeaderGuess(sheet_index, [r, r + 1], labels2, columns2, priorities2)
        if not guess.usable:
            continue
        if best is None or guess.score > best.score:
            best = guess
    return best


def guess_best(sheets: list[Sheet]) -> HeaderGuess | None:
    """The sheet and header that name the most fields; ties go to the earlier sheet."""
    best: HeaderGuess | None = None
    for i, sheet in enumerate(sheets):
        if not sheet.rows:
            continue
        guess = guess_header(sheet, i)
        if guess and (best is None or guess.score > best.score):
            best = guess
    return best
