"""How a 自评表 names things: the label tables of the budget and indicator blocks, cell normalisation,
value parsing (完成值 such as "89%", "≥3项"), and the scanning helpers the form reader uses."""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import Any

from jixiao.forms.compute import (
    COMPONENT_LEVEL1,
    NATURE_EQ,
    NATURE_GE,
    NATURE_LE,
    NATURE_QUAL,
    component_of,
    component_of_level2,
    squash,
)
from jixiao.grading import GRADE_PATTERN
from jixiao.ingest import values
from jixiao.ingest.workbook import Sheet

# --- labels -----------------------------------------------------------------------------------
# Each field lists the label texts (after normalisation: NFKC, no whitespace) that name it; the
# first match in a header row wins, so more specific texts come first.
BUDGET_FIELDS: dict[str, tuple[str, ...]] = {
    "initial": ("年初预算",),
    "adjusted": ("调整后预算", "全年预算数", "调整预算数", "预算调整数", "预算数"),
    "executed": ("预算执行数", "全年执行数", "实际执行数", "执行数", "实际支出"),
    "rate": ("预算执行率", "执行率"),
    "weight": ("权重", "分值"),
    "score": ("得分",),
    "reason": ("原因", "偏差原因", "说明"),
}
INDICATOR_FIELDS: dict[str, tuple[str, ...]] = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "level3": ("三级指标", "指标名称", "绩效指标名称"),
    "nature": ("指标性质", "指标方向", "计算符号", "指标类型"),
    "target": ("指标值", "年度指标值", "目标值", "预期值", "计划值", "年度目标值"),
    "unit": ("度量单位", "计量单位", "单位"),
    "actual": ("完成值", "实际完成值", "实际值", "全年实际值", "实际完成"),
    "weight": ("权重", "分值", "标准分"),
    "score": ("得分", "自评得分", "实际得分"),
    "reason": ("未完成原因", "偏差原因", "原因分析", "扣分原因", "扣分理由", "原因"),
}
# the 合计 row under the indicators, in the words forms use for it (a header cell "自评得分" is told
# apart by the header check that comes first)
NO_FORMS = (
    "文件里没有找到项目支出绩效自评表：每张表需要“项目名称”一栏和“一级指标、二级指标、三级指标、"
    "指标值、完成值、权重、得分”表头。"
)
TOTAL_LABELS = (
    "合计",
    "总计",
    "总分",
    "合计得分",
    "总得分",
    "综合得分",
    "自评总分",
    "得分合计",
    "自评得分",
    "评价总分",
)
GRADE_LABELS = ("自评等级", "评价等级", "绩效等级", "等级")
TEXT_LABELS = {
    "conclusion": ("评价结论", "总体评价结论", "自评结论"),
    "problems": ("存在问题",),
    "measures": ("改进措施", "整改措施"),
}
STOP_LABELS = (
    "评价结论",
    "总体评价结论",
    "自评结论",
    "存在问题",
    "改进措施",
    "整改措施",
    "项目负责人",
    "财务负责人",
    "填报人",
    "填表人",
    "项目名称",
)

PROJECT_LABELS = (
    "项目名称",
    "项目(政策)名称",
    "政策(项目)名称",
)  # NFKC: the 财政部 template's 项目（政策）名称
# 部门整体支出绩效自评表: one form for a whole department, named by its 部门（单位）名称 (NFKC makes the
# brackets half-width) rather than a 项目名称.
DEPARTMENT_NAME_LABELS = (
    "部门(单位)名称",
    "部门(单位)",
    "部门名称",
    "单位名称",
    "预算部门名称",
)
DEPARTMENT_TITLE_WORDS = ("整体支出", "部门整体")
# The 年度总体目标 block (预期目标 / 实际完成情况): text between the budget and indicator blocks.
GOAL_LABELS = ("年度总体目标", "总体目标", "年度绩效目标")
# Blocks of text or tasks between the money and the indicators: the budget rows end at them.
BUDGET_END_LABELS = (*GOAL_LABELS, "年度主要任务", "主要任务")
GOAL_EXPECTED_LABELS = ("预期目标", "年度目标", "目标内容")
GOAL_ACTUAL_LABELS = ("实际完成情况", "实际完成", "完成情况")
CODE_LABELS = ("项目编码", "项目代码", "项目编号")
DEPARTMENT_LABELS = ("主管部门", "主管单位")
UNIT_LABELS = ("实施单位", "项目实施单位", "预算单位")

# 51340022T000000278908-凉山州级科普专项经费: a code of letters and digits (with a run of digits), a dash or
# space, the name (matched on the stripped text: a lazy name before \s*$ backtracked over runs of spaces)
CODE_NAME_RE = re.compile(r"^((?=[0-9A-Za-z]*\d{6})[0-9A-Za-z]{8,})(?:\s*[-－—–_:：]\s*|\s+)(.+)$")
# 州本级单位缴费（51340021R000000033292）: the name, then its code in brackets (the last bracket's content)
CODE_RE = re.compile(r"(?=[0-9A-Za-z]*\d{6})[0-9A-Za-z]{8,}")
WEIGHT_IN_LABEL_RE = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]")
YUAN_RE = re.compile(r"[（(]\s*元\s*[)）]|单位[:：]\s*元(?!\w)|金额单位[:：]?\s*元")
WAN_RE = re.compile(r"[（(]\s*万元\s*[)）]|单位[:：]\s*万元|金额单位[:：]?\s*万元")

# 指标性质 words and signs, normalised (NFKC turns ＝＞＜ into = > <). Checked in order, so the
# negated words (不高于) come before the words they contain (高于), and >= before > and =.
NATURE_WORDS: tuple[tuple[str, str], ...] = (
    ("不低于", NATURE_GE),
    ("不少于", NATURE_GE),
    ("不小于", NATURE_GE),
    ("不高于", NATURE_LE),
    ("不超过", NATURE_LE),
    ("不大于", NATURE_LE),
    ("不多于", NATURE_LE),
    (">=", NATURE_GE),
    ("<=", NATURE_LE),
    ("≥", NATURE_GE),
    ("≧", NATURE_GE),
    ("≤", NATURE_LE),
    ("≦", NATURE_LE),
    (">", NATURE_GE),
    ("<", NATURE_LE),
    ("=", NATURE_EQ),
    ("正向", NATURE_GE),
    ("反向", NATURE_LE),
    ("定性", NATURE_QUAL),
    ("大于", NATURE_GE),
    ("高于", NATURE_GE),
    ("以上", NATURE_GE),
    ("小于", NATURE_LE),
    ("低于", NATURE_LE),
    ("以内", NATURE_LE),
    ("以下", NATURE_LE),
    ("等于", NATURE_EQ),
)
OPERATOR_PREFIX_RE = re.compile(r"^(>=|<=|≥|≧|≤|≦|>|<|=)")
# No form holds a number beyond 万亿; bigger cells are typos or garbage, and would overflow the formats.
MAX_MAGNITUDE = 1e12
MIN_MAGNITUDE = 1e-9
VALUE_SUFFIX_RE = re.compile(r"(以上|以下|以内|左右)$")


# What a budget line's columns are called in findings.
BUDGET_TITLES = {
    "initial": "年初预算",
    "adjusted": "调整后预算数",
    "executed": "预算执行数",
    "weight": "权重",
    "score": "得分",
}
# Cells that say "nothing here": an indicator row of the template left unused (生态效益指标 with "/"
# in every cell) is no indicator.
NOTHING = frozenset({"", "/", "\\", "-", "—", "——", "－", "无"})


def split_code(label: str) -> tuple[str | None, str]:
    """(code, name) of a 项目名称 as printed: "51340022T000000278908-凉山州级科普专项经费" or
    "州本级单位缴费（51340021R000000033292）"; (None, label) when it carries no code."""
    text = label.strip()
    m = CODE_NAME_RE.match(text)
    if m:
        return m.group(1).upper(), m.group(2)
    if text.endswith((")", "）")):
        at = max(text.rfind("("), text.rfind("（"))
        code = text[at + 1 : -1].strip()
        if at > 0 and text[:at].strip() and CODE_RE.fullmatch(code):
            return code.upper(), text[:at].strip()
    return None, label


# The total a 评价结论 states when the form has no 合计 row: "自评得分为98分", "综合得分98.5分"; the
# last one counts (a conclusion may quote the 预算执行 points first). 预算执行得分 is no total.
SCORE_IN_TEXT_RE = re.compile(
    r"(?:自评总?得分|自评总分|综合得分|总得分|评价得分|(?<!执行)得分合计|总分)\s*(?:为|是|:|：)?\s*"
    r"(\d{1,3}(?:\.\d+)?)\s*分"
)


def score_in_text(text: str, most: float) -> tuple[float, str] | None:
    """(score, the words that state it) of the last total a text states, within 0 … ``most``; None."""
    found = [m for m in SCORE_IN_TEXT_RE.finditer(text or "") if float(m.group(1)) <= most]
    return (float(found[-1].group(1)), found[-1].group(0)) if found else None


def says_nothing(v: Any) -> bool:
    return norm(v) in NOTHING


# --- cell helpers ---------------------------------------------------------------------------
def norm(v: Any) -> str:
    """Label form of a cell: NFKC (full-width to half-width), no whitespace at all (incl. U+3000)."""
    if v is None or v == "":
        return ""
    if isinstance(v, str):
        return _norm_text(v)
    return squash(_raw(v))


@functools.lru_cache(maxsize=8192)
def _norm_text(text: str) -> str:
    return squash(text.replace("\u3000", " ").strip())


def _label_keys(row: list[Any]) -> list[str]:
    """norm() of the text cells of a row, "" for numbers and blanks: labels are never numbers."""
    return [_norm_text(v) if isinstance(v, str) and v else "" for v in row]


def _raw(v: Any) -> str:
    """A cell as the user typed it: numbers without a trailing .0, text stripped of padding."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, int):
        return str(v)
    return str(v).replace("\u3000", " ").strip()


def is_label(v: Any, labels: tuple[str, ...], slack: int = 6) -> bool:
    """A short cell that starts with one of ``labels`` (so 实施单位（盖章） is 实施单位, 存在问 题 is 存在问题)."""
    return isinstance(v, str) and _is_label_key(norm(v), labels, slack)


def _is_label_key(k: str, labels: tuple[str, ...], slack: int) -> bool:
    if ":" in k:  # "部门名称：某区文化旅游体育局": the label is what comes before the colon
        k = k.split(":", 1)[0]
    return bool(k) and any(k.startswith(lab) and len(k) <= len(lab) + slack for lab in labels)


def parse_number(v: Any) -> tuple[float | None, bool, bool]:
    """(value, ok, had_percent_sign). Blank and '/' are (None, True, False); text is (None, False, False)."""
    x, status, has_pct, _ = values.parse_rate(v)
    if status in (values.BLANK, values.NA):
        return None, True, False
    if status != values.OK:
        x, status = values.parse_number(v)  # '12万元', '(3.50)'
    if status != values.OK or x is None or not math.isfinite(x) or abs(x) > MAX_MAGNITUDE:
        return None, False, False
    # Float dust (1e-300) would turn ratios into numbers no report can print; it is zero.
    return (0.0 if abs(x) < MIN_MAGNITUDE else x), True, has_pct


# A 合计 row's score often carries the grade it earns ("98 优", "95分 良好", "等级：优") and its
# weight the word 满分 ("满分100"); the number is the figure, the words are the grade read by eye.
_GRADE_TAIL_RE = re.compile(
    rf"^(.*?\d.*?)\s*[,，、;；/]?\s*(?:(?:自评)?等级\s*[:：]?\s*)?(?:{GRADE_PATTERN})\s*$"
)
_GRADE_ONLY_RE = re.compile(
    rf"^(?:(?:自评)?(?:等级|结论|评价等级)\s*[:：为]?\s*)?(?:{GRADE_PATTERN})(?:等级|等)?$"
)
_GRADE_LEAD_RE = re.compile(r"^(?:自评|评价|绩效)?(?:等级|结论)\s*[:：为]?\s*")
_FULL_MARK_RE = re.compile(r"^满分\s*[:：为]?\s*(?=\d)")


def says_grade(v: Any) -> bool:
    """A cell holding only a grade ("优", "自评等级：良好"): a remark on a 合计 row, not a number."""
    return isinstance(v, str) and bool(_GRADE_ONLY_RE.match(norm(v)))


def grade_in(v: Any) -> str:
    """The grade a 合计 row's cell prints, alone ("优", "自评等级：良好") or after its score ("98 优"); ""."""
    if not isinstance(v, str):
        return ""
    if says_grade(v):
        return _GRADE_LEAD_RE.sub("", v.strip())
    m = _GRADE_TAIL_RE.match(_FULL_MARK_RE.sub("", v.strip()))
    return m.string[len(m.group(1)) :].strip(" ,，、;；/") if m else ""


def total_figure(v: Any) -> Any:
    """A 合计 row's weight cell without "满分" before its number (a grade after a score, "98 优", is left
    to the cell parsers of ``jixiao.ingest.values``, which read it off every score)."""
    return _FULL_MARK_RE.sub("", v.strip()) if isinstance(v, str) else v


_FIGURE_RE = re.compile(r"[\d０-９零〇一二三四五六七八九十百]")


def total_figures(cells: list[tuple[int, Any]], unknown: set[int]) -> tuple[list[float | None], list[Any]]:
    """The figures of a 合计 row's cells after its label, in order (the 权重, then the 得分), and the cells
    that could not be read. A grade ("优") is no figure; words after two figures are a remark ("见附件");
    a figure that cannot be read ("九十八") keeps its place, so the weight beside it is not taken for the
    score. ``unknown``: columns holding a formula saved without its value (a slot all the same)."""
    values: list[float | None] = []
    unread: list[Any] = []
    for c, v in cells:
        if says_grade(v):
            continue
        x, ok, _ = parse_number(total_figure(v))
        if ok and (x is not None or c in unknown):
            values.append(x)
        elif not ok:
            figure = _FIGURE_RE.search(_raw(v)) is not None
            if figure or len(values) < 2:
                unread.append(v)
            if figure:
                values.append(None)
    return values, unread


def parse_nature(raw: Any, target_raw: Any = "") -> str | None:
    """指标性质 from its cell, or from the 指标值 itself when it says so (≥95%, 95%以上)."""
    for text in (norm(raw), norm(target_raw) if isinstance(target_raw, str) else ""):
        for word, nature in NATURE_WORDS:
            if word in text:
                return nature
    return None


# A target or result as written: a number, then its unit ("≥3万人次", "30场左右", "60余篇", "363").
_QUANTITY_RE = re.compile(r"^(?P<num>[+-]?(?:\d+\.?\d*|\.\d+))(?:余|多)?(?P<unit>[^\d.+-]{0,8})$")
_MULTIPLIERS = {"万": 1e4, "亿": 1e8}
_UNIT_SPLIT_RE = re.compile(r"[()/、,，]")
# Words for the same unit: a 度量单位 of 百分比 with a "95%" in the cell, 场次 beside 场.
_UNIT_ALIASES = {"百分比": "%", "百分率": "%", "场次": "场"}


@dataclass(frozen=True)
class Quantity:
    """A parsed 指标值/完成值: the number as written, its unit (the written one, else the 度量单位
    column's), the comparator it carries (≥3项), and whether the cell could be read at all."""

    value: float | None
    unit: str = ""
    comparator: str | None = None
    ok: bool = True
    percent: bool = False

    @property
    def scale(self) -> float:
        return unit_scale(self.unit)[0]

    @property
    def base(self) -> str:
        return unit_scale(self.unit)[1]


def unit_scale(unit: str) -> tuple[float, str]:
    """'万人次' -> (10000, '人次'); '万元' -> (10000, '元'); '次（项）' -> (1, '次(项)')."""
    u = norm(unit)
    if u[:1] in _MULTIPLIERS:
        return _MULTIPLIERS[u[0]], u[1:]
    return 1.0, u


def units_agree(a: str, b: str) -> bool:
    """Two base units name the same thing: equal, one of them blank (a bare number takes the row's
    unit), or sharing an alternative ('次（项）' and '项')."""
    if not a or not b or a == b:
        return True
    alt_a = {_UNIT_ALIASES.get(x, x) for x in _UNIT_SPLIT_RE.split(a) if x}
    alt_b = {_UNIT_ALIASES.get(x, x) for x in _UNIT_SPLIT_RE.split(b) if x}
    return bool(alt_a & alt_b)


def parse_quantity(v: Any, unit: str = "") -> Quantity:
    """指标值/完成值 with its unit: '≤5次', '＞2年', '≥3万人次', '16.2万人次', '30场左右', or a bare number
    whose unit is the 度量单位 column's ('363' with '次（项）'). Text such as '约20万' is not a number."""
    row_unit = norm(unit)
    if not isinstance(v, str):
        value, ok, pct = parse_number(v)
        return Quantity(value, row_unit if value is not None else "", None, ok, pct)
    k = norm(v)
    comparator = None
    m = OPERATOR_PREFIX_RE.match(k)
    if m:
        comparator = parse_nature(m.group(1))
    text = VALUE_SUFFIX_RE.sub("", OPERATOR_PREFIX_RE.sub("", k)).replace(",", "")
    q = _QUANTITY_RE.match(text)
    if q and q.group("unit") not in ("", "%"):
        written = q.group("unit")
        value, ok, _ = parse_number(q.group("num"))
        if ok and value is not None:
            return Quantity(value, written, comparator, True, False)
    value, ok, pct = parse_number(text)
    if ok:
        shown = "%" if pct else (row_unit if value is not None else "")
        return Quantity(value, shown, comparator, True, pct)
    return Quantity(None, "", comparator, False, False)


def compare_units(
    target: Quantity, actual: Quantity, row_unit: str
) -> tuple[float | None, float | None, str]:
    """(target, actual) in one scale, the 度量单位 column's, else the target's own unit ("≥3万人次" vs
    "16.2万人次" compare as 3 and 16.2; "≥30000人次" vs "16.2万人次" as 30000 and 162000), and a Chinese
    note when the units name different things, in which case no formula applies."""
    ref_scale, ref_base = unit_scale(row_unit or target.unit or actual.unit)
    out: list[float | None] = []
    for q in (target, actual):
        if q.value is None:
            out.append(None)
            continue
        scale, base = (q.scale, q.base) if q.unit else (ref_scale, ref_base)
        if not units_agree(base, ref_base):
            t_unit = target.unit or norm(row_unit)
            a_unit = actual.unit or norm(row_unit)
            return target.value, actual.value, f"单位不一致（指标值「{t_unit}」，完成值「{a_unit}」）"
        out.append(q.value * scale / ref_scale if scale != ref_scale else q.value)
    return out[0], out[1], ""


def _levels(own1: str, own2: str, level1: str, level2: str) -> tuple[str, str]:
    """一级/二级 of a row from its own cells, carrying the rows above down where a cell is blank."""
    if own1:
        if own1 != level1:
            level2 = ""  # a new 一级 does not inherit the previous 一级's 二级
        level1 = own1
    else:
        inferred = component_of_level2(own2) if own2 else None
        if inferred and inferred != component_of(level1):
            # A blank 一级 cell next to 可持续影响指标 belongs to 效益指标, not to the 产出指标 above it.
            level1, level2 = COMPONENT_LEVEL1[inferred], ""
    return level1, own2 or level2


def merged_level1(printed: str, filled: str, own2: str) -> tuple[str, str | None]:
    """(一级 to use, note): a blank 一级 cell merged down from a standard component yields to the row's
    own 二级 when that names another component (成本指标 under a merged 产出指标), as an unmerged blank
    does in ``_levels``; a department's own groups (履职效能 …) are kept."""
    if printed or not filled:
        return filled, None
    inferred = component_of_level2(own2) if own2 else None
    merged_into = component_of(filled)
    if inferred and merged_into and inferred != merged_into:
        target = COMPONENT_LEVEL1[inferred]
        return "", f"本行一级指标单元格为空（与上方“{filled}”合并），按二级指标“{own2}”归入“{target}”。"
    return filled, None


# --- sheet scanning ---------------------------------------------------------------------------
@dataclass
class _Grid:
    sheet: Sheet
    filled: list[list[Any]]  # merged ranges filled with their top-left value

    @property
    def rows(self) -> list[list[Any]]:
        return self.sheet.rows

    @property
    def name(self) -> str:
        return self.sheet.name


def _fill_merged(sheet: Sheet) -> list[list[Any]]:
    filled = [list(r) for r in sheet.rows]
    for r0, c0, r1, c1 in sheet.merged:
        if r0 >= len(filled) or c0 >= sheet.width:
            continue
        value = filled[r0][c0]
        for r in range(r0, min(r1, len(filled) - 1) + 1):
            for c in range(c0, min(c1, sheet.width - 1) + 1):
                if filled[r][c] == "":
                    filled[r][c] = value
    return filled


def _row_has(row: list[Any], labels: tuple[str, ...], slack: int = 6) -> int | None:
    for c, v in enumerate(row):
        if isinstance(v, str) and v and _is_label_key(_norm_text(v), labels, slack):
            return c
    return None


def _mentions(row: list[Any], chars: str) -> bool:
    """Cheap pre-check before normalising a row: does any text cell contain one of these characters?"""
    return any(isinstance(v, str) and any(ch in v for ch in chars) for v in row)


def _has(keys: list[str], names: tuple[str, ...]) -> bool:
    return any(k.startswith(n) for k in keys if k for n in names)


def _is_indicator_header(row: list[Any]) -> bool:
    if not _mentions(row, "级"):
        return False
    keys = _label_keys(row)
    return (
        _has(keys, ("一级指标",))
        and _has(keys, INDICATOR_FIELDS["score"])
        # a 评价指标表 (部门整体支出 scored against 评分标准) has no 指标值/完成值, only 分值 and 得分
        and _has(keys, ("完成值", "实际完成", "实际值", "指标值", "评分标准", "评价标准", "指标解释"))
    )


def _is_budget_header(row: list[Any]) -> bool:
    if not _mentions(row, "执支"):  # 执行数, 实际支出
        return False
    keys = _label_keys(row)
    executed = any(k.startswith(n) for k in keys for n in BUDGET_FIELDS["executed"])
    budget = any(k.startswith(n) for k in keys for n in (*BUDGET_FIELDS["adjusted"], "年初预算"))
    return executed and budget and not any(k.startswith("一级指标") for k in keys)


def _map_columns(rows: list[list[Any]], fields: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """field -> column, from one header row or two (a merged group label over its sub-labels)."""
    cols: dict[str, int] = {}
    for row in rows:
        for c, v in enumerate(row):
            k = norm(v)
            if not k or len(k) > 14:
                continue
            for name, labels in fields.items():
                if name in cols or c in cols.values():
                    continue
                if any(k.startswith(lab) for lab in labels):
                    cols[name] = c
                    break
    return cols


def joined_header(top: list[Any], below: list[Any]) -> list[Any] | None:
    """An indicator header printed over two rows — 「绩效指标」 (or 「指标」) over 一级/二级/三级指标 on the
    second row, the other labels on the first (merged down, or not) — as one row: each column's label
    from the second row where it has one, else from the first. None when the two rows are no such header
    (either alone is one, a row holds a number, or together they still lack 一级指标 … 完成值 … 得分)."""
    if not (_mentions(top, "级") or _mentions(below, "级")):
        return None
    if any(v != "" and not isinstance(v, str) for v in (*top, *below)):
        return None
    if not any(v != "" for v in below) or _is_indicator_header(top) or _is_indicator_header(below):
        return None
    joined = [b if b != "" else t for t, b in zip(top, below, strict=False)]
    return joined if _is_indicator_header(joined) else None


def looks_like_forms(sheets: list[Sheet]) -> bool:
    """True when some sheet carries an indicator header (一级指标 … 完成值 … 得分, on one row or over two)
    and a 项目名称 label or a budget header (调整后预算数 … 预算执行数): what a self-evaluation form has and a
    summary table has not."""
    for sheet in sheets:
        has_name = has_header = False
        for r, row in enumerate(
            sheet.rows[:500]
        ):  # a form opens with its header; a 50,000-row table is not one
            if not has_name and (
                _row_has(row, PROJECT_LABELS) is not None
                or _row_has(row, DEPARTMENT_NAME_LABELS) is not None
                or _is_budget_header(row)
            ):
                has_name = True
            if not has_header and (
                _is_indicator_header(row) or (r > 0 and joined_header(sheet.rows[r - 1], row) is not None)
            ):
                has_header = True
            if has_name and has_header:
                return True
    return False
