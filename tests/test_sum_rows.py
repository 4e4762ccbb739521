"""Rows that carry a sum without saying so (jixiao/summary/sum_rows.py), and cells that write their own
unit. Each used to double or pad the headline: a unit heading printed with its projects' sum ("一、科协
本级 888.52"), "其中：财政拨款" rows under a 合计, "390000元" under a 万元 header. Seed 002's numbers, in the
forms offices write them; and the look-alikes that must stay projects."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.ingest.header import match_field, normalize_label
from jixiao.report import inspect_bytes
from tests.test_reader_choices import BUDGET, EXECUTED, PROJECTS, TANGSHAN, codes, found, xlsx

HEAD = ["序号", "项目名称", "预算数（万元）", "执行数（万元）"]
NUMERALS = "一二三四五六七八九十"
UNITS = list(TANGSHAN)


def _sums(unit: str) -> tuple[float, float]:
    rows = TANGSHAN[unit]
    return round(sum(r[1] for r in rows), 2), round(sum(r[2] for r in rows), 2)


def _doc(rows, head=HEAD):
    return inspect_bytes(xlsx(("Sheet1", [["唐山市科协2023年项目支出执行表"], head, *rows])), "t.xlsx")


def _table(heading=None, total="bottom", after=(), footer=None):
    """The seed's projects numbered 1–12, ``heading(k, unit)`` rows before each unit's and
    ``footer(k, unit)`` rows after them, the 合计 at the bottom, on top or left out, ``after`` rows
    under it all."""
    body, i = [], 0
    for k, (unit, rows) in enumerate(TANGSHAN.items()):
        if heading:
            body += heading(k, unit)
        for name, b, e in rows:
            i += 1
            body.append([i, name, b, e])
        if footer:
            body += footer(k, unit)
    grand = ["合计", None, BUDGET, EXECUTED]
    body = {"bottom": [*body, grand], "top": [grand, *body], None: body}[total]
    return [*body, *after]


def _right(doc, heading_rows=0):
    assert doc["projects"] == len(PROJECTS)
    assert (doc["totals"]["budget"], doc["totals"]["executed"]) == (BUDGET, EXECUTED)
    assert "TOTAL_MISMATCH" not in codes(doc) and "DUPLICATE_PROJECT" not in codes(doc)
    assert len(found(doc, "HEADING_TOTAL")) == heading_rows


def _units(doc) -> dict[str, int]:
    return dict(Counter(r["unit"] for r in doc["rows"]))


SEED_UNITS = {u: len(rows) for u, rows in TANGSHAN.items()}


# --- unit headings printed with their projects' sum --------------------------------------------------
HEADINGS = {
    "numbered name": lambda k, u: [[None, f"{NUMERALS[k]}、{u}", *_sums(u)]],
    "numbered in 序号": lambda k, u: [[NUMERALS[k], u, *_sums(u)]],
    "bare unit name": lambda k, u: [[None, u, *_sums(u)]],
    "（一） style": lambda k, u: [[None, f"（{NUMERALS[k]}）{u}", *_sums(u)]],
}


@pytest.mark.parametrize("total", ["bottom", "top", None], ids=["合计 below", "合计 on top", "no 合计"])
@pytest.mark.parametrize("style", list(HEADINGS))
def test_a_unit_heading_with_its_sum_is_a_subtotal(style, total):
    doc = _doc(_table(HEADINGS[style], total))
    _right(doc, heading_rows=3)
    assert _units(doc) == SEED_UNITS  # the heading names the unit of the rows under it
    subtotals = [
        (t["unit"], t["budget"], t["executed"]) for t in doc["reported_totals"] if t["kind"] == "小计"
    ]
    assert subtotals == [(u, *_sums(u)) for u in UNITS]


@pytest.mark.parametrize("total", ["bottom", None], ids=["合计 below", "no 合计"])
def test_nested_headings_with_sums(total):
    """一、科协本级 → （一）项目支出 → projects, both printed with the same sum."""

    def nested(k, u):
        return [[None, f"{NUMERALS[k]}、{u}", *_sums(u)], [None, "（一）项目支出", *_sums(u)]]

    doc = _doc(_table(nested, total))
    _right(doc, heading_rows=6)
    assert _units(doc) == SEED_UNITS  # the outer heading names the unit, not "项目支出"


def test_headings_with_sums_beside_a_unit_column():
    head = ["序号", "项目名称", "预算数（万元）", "执行数（万元）", "单位"]
    body, i = [], 0
    for unit, rows in TANGSHAN.items():
        body.append([None, unit, *_sums(unit), unit])
        for name, b, e in rows:
            i += 1
            body.append([i, name, b, e, unit])
    doc = _doc([*body, ["合计", None, BUDGET, EXECUTED]], head)
    _right(doc, heading_rows=3)
    assert _units(doc) == SEED_UNITS


def test_a_heading_whose_sum_is_wrong_stays_and_the_total_says_so():
    def typo(k, u):
        b, e = _sums(u)
        return [[None, f"{NUMERALS[k]}、{u}", b + 1, e]]

    doc = _doc(_table(typo))
    assert doc["projects"] == len(PROJECTS) + 3 and "TOTAL_MISMATCH" in codes(doc)


# the look-alikes: a project whose money equals the next projects' is still a project
LOOKALIKE = [("甲项目", 10, 10), ("乙项目", 5, 5), ("丙项目", 5, 5), ("丁项目", 7, 3)]


@pytest.mark.parametrize("with_total", [True, False])
def test_a_project_equal_to_the_next_two_stays_a_project(with_total):
    rows = [[k, n, b, e] for k, (n, b, e) in enumerate(LOOKALIKE, 1)]
    if with_total:
        rows.append(["合计", None, 27, 23])
    doc = _doc(rows)
    assert doc["projects"] == 4 and (doc["totals"]["budget"], doc["totals"]["executed"]) == (27, 23)
    assert not found(doc, "HEADING_TOTAL")


def test_a_table_tiled_by_look_alikes_without_a_total_stays_as_read():
    """甲 = 乙 + 丙 would tile the table; 甲 carries a 序号 like every project, so it is a project."""
    doc = _doc([[k, n, b, e] for k, (n, b, e) in enumerate(LOOKALIKE[:3], 1)])
    assert doc["projects"] == 3 and doc["totals"]["budget"] == 20 and not found(doc, "HEADING_TOTAL")


def test_equal_neighbours_are_not_headings():
    rows = [[1, "会议费", 5, 5], [2, "培训费", 5, 5], [3, "印刷费", 3, 3], [4, "邮寄费", 3, 3]]
    doc = _doc(rows)
    assert doc["projects"] == 4 and doc["totals"]["budget"] == 16


def test_a_look_alike_inside_a_heading_is_left_alone():
    rows = [[None, "一、科协本级", 27, 23], *[[k, n, b, e] for k, (n, b, e) in enumerate(LOOKALIKE, 1)]]
    doc = _doc([*rows, ["合计", None, 27, 23]])
    assert doc["projects"] == 4 and (doc["totals"]["budget"], doc["totals"]["executed"]) == (27, 23)
    assert len(found(doc, "HEADING_TOTAL")) == 1 and "TOTAL_MISMATCH" not in codes(doc)


# --- "其中" rows under a total: its breakdown, not projects ----------------------------------------------
FISCAL = 2000
SPLIT = [
    [None, "其中：财政拨款", FISCAL, 1200],
    [None, "其他资金", round(BUDGET - FISCAL, 2), round(EXECUTED - 1200, 2)],
]
AFTER_TOTAL = {
    "其中 in the name, whole split": SPLIT,
    "其中 in the name, one source": [[None, "其中：中央补助资金", 619, 400.74]],
    "其中 on a row of its own": [["其中："], [None, "财政拨款", FISCAL, 1200], SPLIT[1]],
    "其中 in 序号": [["其中", "财政拨款", FISCAL, 1200], SPLIT[1]],
    "含： marker": [[None, "含：财政拨款", FISCAL, 1200]],
    "unmarked, adding up exactly": [[None, "财政拨款", FISCAL, 1200], SPLIT[1]],
}


@pytest.mark.parametrize("form", list(AFTER_TOTAL))
def test_rows_under_the_total_that_split_it_are_not_projects(form):
    doc = _doc(_table(after=AFTER_TOTAL[form]))
    _right(doc)
    assert len(found(doc, "TOTAL_BREAKDOWN")) == 1


@pytest.mark.parametrize("word", ["全部合计", "全省合计", "以上合计", "项目合计", "总合计"])
def test_a_total_named_for_the_whole_table_is_the_grand_total(word):
    """ "全部合计" is no unit called 全部: it closes the table, and the 其中 rows under it split it."""
    rows = _table(total=None, after=[[word, None, BUDGET, EXECUTED], *SPLIT])
    doc = _doc(rows)
    _right(doc)
    assert len(found(doc, "TOTAL_BREAKDOWN")) == 1
    grand = [t for t in doc["reported_totals"] if t["label"] == word]
    assert len(grand) == 1 and grand[0]["kind"] != "小计" and grand[0]["unit"] is None


def test_a_unit_named_before_合计_is_still_its_subtotal():
    body = [[i, name, b, e] for i, (_, name, b, e) in enumerate(PROJECTS, 1)]
    rows = [
        *body[:5],
        ["科协本级合计", None, *_sums("科协本级")],
        *body[5:],
        ["合计", None, BUDGET, EXECUTED],
    ]
    doc = _doc(rows)
    _right(doc)
    sub = [t for t in doc["reported_totals"] if t["label"] == "科协本级合计"]
    assert sub[0]["unit"] == "科协本级"


def test_unmarked_rows_under_the_total_that_do_not_add_up_stay_projects():
    doc = _doc(_table(after=[[13, "补录项目", 12, 10]]))
    assert doc["projects"] == len(PROJECTS) + 1 and doc["totals"]["budget"] == round(BUDGET + 12, 2)
    assert not found(doc, "TOTAL_BREAKDOWN")


def test_其中_under_each_subtotal():
    rows, i = [], 0
    for unit, ps in TANGSHAN.items():
        for name, b, e in ps:
            i += 1
            rows.append([i, name, b, e])
        b, e = _sums(unit)
        rows += [[None, f"{unit}小计", b, e], [None, "其中：财政拨款", round(b * 0.8, 2), round(e * 0.8, 2)]]
    doc = _doc([*rows, [None, "合计", BUDGET, EXECUTED]])
    _right(doc)
    assert len(found(doc, "TOTAL_BREAKDOWN")) == 3


def test_a_total_on_top_with_its_projects_marked_其中():
    """合计 printed first, every project under it written "其中：…": those are the projects."""
    rows = [
        [None, "合计", BUDGET, EXECUTED],
        *[[k, f"其中：{n}", b, e] for k, (_, n, b, e) in enumerate(PROJECTS, 1)],
    ]
    doc = _doc(rows)
    _right(doc)
    assert not found(doc, "TOTAL_BREAKDOWN")


def test_a_total_on_top_split_by_source_then_the_projects():
    rows = [
        [None, "合计", BUDGET, EXECUTED],
        *SPLIT,
        *[[k, n, b, e] for k, (_, n, b, e) in enumerate(PROJECTS, 1)],
    ]
    doc = _doc(rows)
    _right(doc)
    assert len(found(doc, "TOTAL_BREAKDOWN")) == 1


# --- cells that write their own unit --------------------------------------------------------------------
def _unit_table(head, cell):
    rows = [[k, n, cell(b, k), cell(e, k)] for k, (_, n, b, e) in enumerate(PROJECTS, 1)]
    return _doc([*rows, ["合计", None, cell(BUDGET, 0), cell(EXECUTED, 0)]], head)


YUAN_HEAD = ["序号", "项目名称", "预算数（元）", "执行数（元）"]
OWN_UNITS = {
    "元 written under a 万元 header": (HEAD, lambda x, k: f"{x * 10000:.0f}元"),
    "万元 written in some cells of a 元 column": (
        YUAN_HEAD,
        lambda x, k: f"{x}万元" if k % 3 == 0 else round(x * 10000),
    ),
    "万 written in some cells of a 元 column": (
        YUAN_HEAD,
        lambda x, k: f"{x}万" if k % 2 else round(x * 10000),
    ),
}


@pytest.mark.parametrize("form", list(OWN_UNITS))
def test_a_cell_that_writes_its_unit_is_taken_in_it(form):
    head, cell = OWN_UNITS[form]
    doc = _unit_table(head, cell)
    _right(doc)
    assert "AMOUNT_UNIT_SUSPECT" not in codes(doc)
    said = found(doc, "AMOUNT_UNIT_IN_CELLS")
    assert said and all("已按各自写明的单位换算为万元" in f["message"] for f in said)


def test_cells_in_their_column_unit_say_nothing():
    doc = _unit_table(YUAN_HEAD, lambda x, k: f"{round(x * 10000)}元")
    _right(doc)
    assert not found(doc, "AMOUNT_UNIT_IN_CELLS")


# --- header wordings --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("单位/项目", "project"),
        ("单位／项目", "project"),
        ("单位（项目）名称", "project"),
        ("项目及单位", "project"),
        ("支出进度金额", "executed"),
        ("执行进度（万元）", "executed"),
        ("支出进度", "reported_execution_rate"),
        ("支出进度（%）", "reported_execution_rate"),
    ],
)
def test_header_wordings(label, field):
    assert match_field(normalize_label(label))[0] == field


def test_a_table_headed_单位_slash_项目_reads():
    doc = _doc(_table(), ["序号", "单位/项目", "预算指标", "支出进度金额"])
    _right(doc)


# --- generated: headings with sums in any number of units, with and without a 合计 -------------------
@st.composite
def heading_tables(draw):
    units = draw(st.integers(2, 5))
    style = draw(st.sampled_from(["numbered", "seq", "bare"]))
    total = draw(st.sampled_from(["bottom", "top", None]))
    rows, projects, i = [], [], 0
    for k in range(units):
        n = draw(st.integers(2, 5))
        amounts = [(draw(st.integers(1, 500_000)) / 100, draw(st.integers(0, 100)) / 100) for _ in range(n)]
        kids = [(b, round(b * f, 2)) for b, f in amounts]
        b, e = round(sum(x for x, _ in kids), 2), round(sum(y for _, y in kids), 2)
        name = f"单位{k + 1}"
        rows.append(
            {"numbered": [None, f"{NUMERALS[k]}、{name}", b, e], "seq": [NUMERALS[k], name, b, e]}.get(
                style, [None, name, b, e]
            )
        )
        for x, y in kids:
            i += 1
            rows.append([i, f"{name}项目{i}", x, y])
            projects.append((x, y))
    grand = ["合计", None, round(sum(x for x, _ in projects), 2), round(sum(y for _, y in projects), 2)]
    rows = {"bottom": [*rows, grand], "top": [grand, *rows], None: rows}[total]
    return rows, projects, units


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(heading_tables())
def test_generated_heading_tables_read_their_projects(case):
    rows, projects, units = case
    doc = _doc(rows)
    assert doc["projects"] == len(projects)
    assert abs(doc["totals"]["budget"] - sum(x for x, _ in projects)) < 0.006
    assert len(found(doc, "HEADING_TOTAL")) == units


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.integers(0, 2000), st.integers(0, 2000)), min_size=3, max_size=12), st.booleans()
)
def test_generated_plain_tables_never_lose_a_project(amounts, with_total):
    """Round small numbers make look-alikes (2 = 1 + 1) everywhere: a table whose projects all carry a
    序号 keeps every one, with or without a 合计."""
    rows = [[k, f"项目{k}", b / 100, min(e, b) / 100] for k, (b, e) in enumerate(amounts, 1)]
    if with_total:
        rows.append(["合计", None, round(sum(r[2] for r in rows), 2), round(sum(r[3] for r in rows), 2)])
    doc = _doc(rows)
    assert doc["projects"] == len(amounts)
    assert not found(doc, "HEADING_TOTAL") and not found(doc, "TOTAL_BREAKDOWN")


# --- totals typed with spaces to line up -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sub", "grand"),
    [("小  计", "合  计"), ("小　计", "合　计"), ("{u}小 计", "总 计"), ("小计", "共 计")],
)
def test_totals_typed_with_spaces_are_totals(sub, grand):
    rows = _table(total=None, footer=lambda k, u: [[None, sub.format(u=u), *_sums(u)]])
    doc = _doc([*rows, [None, grand, BUDGET, EXECUTED]])
    _right(doc)
    kinds = Counter(t["kind"] for t in doc["reported_totals"])
    assert kinds["小计"] == 3 and len(doc["reported_totals"]) == 4


@pytest.mark.parametrize("with_total", [True, False])
def test_a_heading_in_the_unit_column_with_the_name_cell_blank(with_total):
    head = ["序号", "单位", "项目名称", "预算数（万元）", "执行数（万元）"]
    rows, i = [], 0
    for unit, ps in TANGSHAN.items():
        rows.append([None, unit, None, *_sums(unit)])
        for name, b, e in ps:
            i += 1
            rows.append([i, unit, name, b, e])
    if with_total:
        rows.append(["合计", None, None, BUDGET, EXECUTED])
    doc = _doc(rows, head)
    _right(doc, heading_rows=3)
    assert "MISSING_PROJECT_NAME" not in codes(doc)
    # the finding names the heading by the unit written in it, not as a nameless row
    assert [f["where"].split("「")[-1].rstrip("」") for f in found(doc, "HEADING_TOTAL")] == UNITS
    assert _units(doc) == SEED_UNITS


# --- one project over several rows under a merged name ---------------------------------------------------
def _merged_doc(
    rows_of,
    head=("序号", "项目名称", "资金来源", "预算数（万元）", "执行数（万元）", "执行率"),
    merge=("A", "B"),
):
    """Each seed project over the rows ``rows_of(b, e)`` gives, its 序号 and name merged down them."""
    rows, merges, r = [list(head)], [], 2
    for k, (_, n, b, e) in enumerate(PROJECTS, 1):
        part = rows_of(b, e)
        for j, cells in enumerate(part):
            rows.append([k if j == 0 else None, n if j == 0 else None, *cells])
        merges += [f"{c}{r}:{c}{r + len(part) - 1}" for c in merge]
        r += len(part)
    rows.append(["合计", None, None, BUDGET, EXECUTED, f"{EXECUTED / BUDGET * 100:.2f}%"])
    return inspect_bytes(xlsx(("Sheet1", rows), merges=merges), "t.xlsx")


def _by_source(b, e):
    fb, fe = round(b * 0.6, 2), round(e * 0.6, 2)
    return [
        ["财政拨款", fb, fe, f"{fe / fb * 100:.2f}%"],
        ["其他资金", round(b - fb, 2), round(e - fe, 2), ""],
    ]


def test_a_project_over_a_row_per_source_of_funds_is_one_project():
    doc = _merged_doc(_by_source)
    _right(doc)
    assert len(found(doc, "MERGED_PROJECT_ROWS")) == len(PROJECTS)
    got = {r["project"]: (r["budget"], r["executed"]) for r in doc["rows"]}
    assert got == {n: (b, e) for _, n, b, e in PROJECTS}
    # a rate printed per source is no rate of the project: nothing to compare, nothing flagged
    assert "RATE_MISMATCH" not in codes(doc)


def test_a_merged_project_whose_first_row_is_the_sum_counts_once():
    def whole_then_parts(b, e):
        return [["合计", b, e, f"{e / b * 100:.2f}%"], *_by_source(b, e)]

    doc = _merged_doc(whole_then_parts)
    _right(doc)
    assert all("第一行已是其余各行之和" in f["message"] for f in found(doc, "MERGED_PROJECT_ROWS"))


def test_a_merged_project_with_one_row_is_untouched():
    doc = _merged_doc(lambda b, e: [["财政拨款", b, e, f"{e / b * 100:.2f}%"]])
    _right(doc)
    assert not found(doc, "MERGED_PROJECT_ROWS")


def test_a_merged_project_keeps_its_merged_rate():
    def rows_of(b, e):
        fb, fe = round(b * 0.6, 2), round(e * 0.6, 2)
        return [
            ["财政拨款", fb, fe, f"{e / b * 100:.2f}%"],
            ["其他资金", round(b - fb, 2), round(e - fe, 2), None],
        ]

    doc = _merged_doc(rows_of, merge=("A", "B", "F"))
    _right(doc)
    printed = {r["project"]: r["reported_execution_rate"] for r in doc["rows"]}
    assert printed == {n: round(e / b * 100, 2) for _, n, b, e in PROJECTS}


def test_every_new_habit_at_once_in_a_sheet_per_unit():
    """A sheet per unit in 元, each with a heading "一 项目支出" carrying its sum, one spending cell written
    "39万元", "合  计" typed with spaces and "其中 财政拨款" under it: the seed's figures, units from the sheets."""
    sheets = []
    for unit, ps in TANGSHAN.items():
        b, e = _sums(unit)
        rows = [
            [f"{unit}2023年项目支出执行表"],
            ["单位：元"],
            ["序号", "项目名称", "调整预算数", "实际执行数"],
        ]
        rows.append(["一", "项目支出", round(b * 10000), round(e * 10000)])
        for k, (name, pb, pe) in enumerate(ps, 1):
            rows.append([k, name, round(pb * 10000), f"{pe}万元" if k == 2 else round(pe * 10000)])
        rows += [
            ["合  计", None, round(b * 10000), round(e * 10000)],
            ["其中", "财政拨款", round(b * 5000), None],
        ]
        sheets.append((unit, rows))
    doc = inspect_bytes(xlsx(*sheets), "t.xlsx")
    _right(doc, heading_rows=3)
    assert _units(doc) == SEED_UNITS
    assert len(found(doc, "TOTAL_BREAKDOWN")) == 3 and len(found(doc, "SHEETS_COMBINED")) == 1
    assert "AMOUNT_UNITS_MIXED" not in codes(doc)  # one "39万元" among 元 numbers is that cell's own unit


# --- a 栏次 row under the header -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "numbers",
    [[None, None, 1, 2], [None, "甲", 1, 2], ["栏次", "甲", 1, 2], [1, 2, 3, 4], ["—", "乙", "1", "2"]],
    ids=["blank", "甲", "栏次 甲", "every column", "text numbers"],
)
def test_a_row_numbering_the_columns_is_not_a_project(numbers):
    doc = _doc([numbers, *[[k, n, b, e] for k, (_, n, b, e) in enumerate(PROJECTS, 1)]])
    _right(doc)
    assert "MISSING_PROJECT_NAME" not in codes(doc)


def test_a_first_project_with_round_money_is_still_a_project():
    rows = [[1, "科普讲座", 2, 3], *[[k, n, b, e] for k, (_, n, b, e) in enumerate(PROJECTS, 2)]]
    doc = _doc(rows)
    assert doc["projects"] == len(PROJECTS) + 1 and doc["totals"]["budget"] == round(BUDGET + 2, 2)


@pytest.mark.parametrize(
    "name", ["综合计划编制经费", "科技统计数据汇总项目", "总计划实施", "年度工作小计划", "信息汇总平台建设"]
)
def test_a_project_whose_name_holds_a_total_word_is_a_project(name):
    """ "综合计划" holds 合计, "数据汇总平台" 汇总: inside a name the word is no total."""
    rows = [[k, name if k == 2 else n, b, e] for k, (_, n, b, e) in enumerate(PROJECTS, 1)]
    doc = _doc([*rows, ["合计", None, BUDGET, EXECUTED]])
    _right(doc)
    assert name in {r["project"] for r in doc["rows"]}


# --- a unit's name under its projects, with their sum -------------------------------------------------------
FOOTERS = {
    "bare unit name": lambda k, u: [[None, u, *_sums(u)]],
    "numbered": lambda k, u: [[None, f"（{NUMERALS[k]}）{u}", *_sums(u)]],
}


@pytest.mark.parametrize("with_total", [True, False])
@pytest.mark.parametrize("style", list(FOOTERS))
def test_a_unit_name_under_its_projects_with_their_sum_is_a_subtotal(style, with_total):
    doc = _doc(_table(total="bottom" if with_total else None, footer=FOOTERS[style]))
    _right(doc, heading_rows=3)
    assert _units(doc) == SEED_UNITS
    assert all("等于其上" in f["message"] for f in found(doc, "HEADING_TOTAL"))


def test_a_project_equal_to_the_two_above_it_stays_a_project():
    rows = [
        [k, n, b, e]
        for k, (n, b, e) in enumerate([("乙项目", 5, 5), ("丙项目", 5, 5), ("甲项目", 10, 10)], 1)
    ]
    doc = _doc(rows)
    assert doc["projects"] == 3 and doc["totals"]["budget"] == 20 and not found(doc, "HEADING_TOTAL")


# --- parents named by outline numbering (1 → 1.1, 1.2) ----------------------------------------------
CHILD_NUMBERS = {
    "1.1": lambda k, j: f"{k}.{j}",
    "1-1": lambda k, j: f"{k}-{j}",
    "（1）": lambda k, j: f"（{j}）",
    "number cells 1 / 1.1": lambda k, j: float(f"{k}.{j}"),
}


def _outline(child, total="bottom", parent=lambda k, u: [k, u, *_sums(u)]):
    body = []
    for k, (unit, rows) in enumerate(TANGSHAN.items(), 1):
        body.append(parent(k, unit))
        body += [[child(k, j), name, b, e] for j, (name, b, e) in enumerate(rows, 1)]
    grand = ["合计", None, BUDGET, EXECUTED]
    return {"bottom": [*body, grand], "top": [grand, *body], None: body}[total]


@pytest.mark.parametrize("total", ["bottom", "top", None], ids=["合计 below", "合计 on top", "no 合计"])
@pytest.mark.parametrize("child", list(CHILD_NUMBERS))
def test_an_outline_parent_is_a_subtotal_of_the_rows_numbered_under_it(child, total):
    parent = (lambda k, u: [float(k), u, *_sums(u)]) if child.startswith("number") else None
    doc = _doc(_outline(CHILD_NUMBERS[child], total, *([parent] if parent else [])))
    _right(doc, heading_rows=3)
    assert _units(doc) == SEED_UNITS


def test_an_outline_parent_among_plain_projects_without_a_total():
    """1 甲, 2 科工中心 (2.1–2.4 under it), 3 乙: the headings do not tile the table, the numbering
    says which rows the parent holds."""
    unit = "科工中心"
    rows = [[1, "科技工作者之家建设活动", 10, 6], [2, unit, *_sums(unit)]]
    rows += [[f"2.{j}", name, b, e] for j, (name, b, e) in enumerate(TANGSHAN[unit], 1)]
    rows.append([3, "唐山市老科协经费", 39, 39])
    doc = _doc(rows)
    budget = round(10 + _sums(unit)[0] + 39, 2)
    assert doc["projects"] == 2 + len(TANGSHAN[unit])
    assert doc["totals"]["budget"] == budget
    assert len(found(doc, "HEADING_TOTAL")) == 1


def test_an_outline_parent_whose_sum_is_off_is_folded_and_the_difference_shown():
    """The parent's 66.28 against 61.28 under it: the headline counts the projects once, and the
    subtotal check names the 5.00 万元 instead of the headline doubling the unit."""

    def parent(k, u):
        b, e = _sums(u)
        return [k, u, round(b + 5, 2) if u == "科工中心" else b, e]

    for total in ("bottom", None):
        doc = _doc(_outline(CHILD_NUMBERS["1.1"], total, parent))
        assert doc["projects"] == len(PROJECTS)
        assert (doc["totals"]["budget"], doc["totals"]["executed"]) == (BUDGET, EXECUTED)
        mismatch = [f for f in doc["findings"] if f["code"] == "TOTAL_MISMATCH"]
        assert len(mismatch) == 1 and "5.00 万元" in mismatch[0]["message"]
        said = [f["message"] for f in found(doc, "HEADING_TOTAL")]
        assert sum("按序号（2）" in s for s in said) == 1 and sum("等于其下" in s for s in said) == 2


def test_nested_outline_numbering_counts_only_the_innermost_rows():
    rows = [
        [1, "科协本级", 56, 52],
        ["1.1", "老科协", 46, 46],
        ["1.1.1", "唐山市老科协经费", 39, 39],
        ["1.1.2", "唐山市老科协会议费", 5, 5],
        ["1.1.3", "唐山市老科协培训费", 2, 2],
        ["1.2", "科技工作者之家建设活动", 10, 6],
        [2, "维修费", 40, 12.33],
        ["合计", None, 96, 64.33],
    ]
    doc = _doc(rows)
    assert doc["projects"] == 5
    assert (doc["totals"]["budget"], doc["totals"]["executed"]) == (96, 64.33)
    assert len(found(doc, "HEADING_TOTAL")) == 2
    assert "TOTAL_MISMATCH" not in codes(doc)


def test_plain_numbers_and_codes_are_not_outline_parents():
    from jixiao.summary.sum_rows import outline_groups

    assert outline_groups(["1", "2", "3", "10", "11"]) == []
    assert outline_groups(["1", "12", "13"]) == []  # 12 is not 1's child
    assert outline_groups(["1.1", "1.2", "2.1"]) == []  # siblings, no parent row
    assert outline_groups(["1.0", "1.1", "1.2", "2"]) == [(0, 1, 2)]


@pytest.mark.parametrize("style", ["一、{u}", "（一）{u}", "一、{u}项目"])
@pytest.mark.parametrize("unit_cell", [True, False], ids=["unit named in 单位 too", "单位 blank"])
def test_a_numbered_heading_without_money_in_a_table_with_a_unit_column(style, unit_cell):
    """ "一、科协本级" with no amounts over rows that name their unit in the 单位 column: a heading, not a
    project with BUDGET_MISSING."""
    head = ["序号", "单位", "项目名称", "预算数（万元）", "执行数（万元）"]
    rows, i = [], 0
    for k, (unit, items) in enumerate(TANGSHAN.items()):
        rows.append(
            [
                None,
                unit if unit_cell else None,
                style.format(u=unit).replace("一", NUMERALS[k], 1),
                None,
                None,
            ]
        )
        for name, b, e in items:
            i += 1
            rows.append([i, unit, name, b, e])
    rows.append(["合计", None, None, BUDGET, EXECUTED])
    doc = _doc(rows, head)
    _right(doc)
    assert not {"BUDGET_MISSING", "EXECUTED_MISSING"} & set(codes(doc))
    assert _units(doc) == SEED_UNITS


# --- 小计 rows printed above their projects -----------------------------------------------------------
SUB_ABOVE = {
    "科协本级小计": lambda u, b, e: [None, f"{u}小计", b, e],
    "小计 in the name column": lambda u, b, e: [None, "小计", b, e],
    "小计 in 序号": lambda u, b, e: ["小计", None, b, e],
}


def _subtotals_above(label, total="bottom", off=0.0):
    body, i = [], 0
    for k, (unit, rows) in enumerate(TANGSHAN.items()):
        b, e = _sums(unit)
        body.append(SUB_ABOVE[label](unit, round(b + (off if k == 1 else 0), 2), e))
        for name, bb, ee in rows:
            i += 1
            body.append([i, name, bb, ee])
    grand = ["合计", None, BUDGET, EXECUTED]
    return {"bottom": [*body, grand], "top": [grand, *body], None: body}[total]


@pytest.mark.parametrize("total", ["bottom", "top", None], ids=["合计 below", "合计 on top", "no 合计"])
@pytest.mark.parametrize("label", list(SUB_ABOVE))
def test_subtotals_printed_above_their_projects(label, total):
    """Each 小计 checks the rows under it: no false mismatch, and "科协本级小计" names its rows' unit."""
    doc = _doc(_subtotals_above(label, total))
    _right(doc)
    assert len(found(doc, "SUBTOTALS_ABOVE")) == 1
    subs = [(t["budget"], t["executed"]) for t in doc["reported_totals"] if t["kind"] == "小计"]
    assert subs == [_sums(u) for u in UNITS]
    if label == "科协本级小计":
        assert _units(doc) == SEED_UNITS


def test_a_subtotal_above_with_a_typo_is_the_only_mismatch():
    doc = _doc(_subtotals_above("科协本级小计", off=5))
    assert doc["projects"] == len(PROJECTS) and doc["totals"]["budget"] == BUDGET
    mismatch = found(doc, "TOTAL_MISMATCH")
    assert (
        len(mismatch) == 1 and "科工中心" in mismatch[0]["message"] and "5.00 万元" in mismatch[0]["message"]
    )


def test_subtotals_under_their_projects_are_read_as_always():
    doc = _doc(_table(footer=lambda k, u: [[None, f"{u}小计", *_sums(u)]]))
    _right(doc)
    assert not found(doc, "SUBTOTALS_ABOVE")


# --- a numbered heading whose sum has a typo ---------------------------------------------------------
def _typo(off, total):
    body, i = [], 0
    for k, (unit, rows) in enumerate(TANGSHAN.items()):
        b, e = _sums(unit)
        body.append([None, f"{NUMERALS[k]}、{unit}", round(b + (off if k == 0 else 0), 2), e])
        for name, bb, ee in rows:
            i += 1
            body.append([i, name, bb, ee])
    return [*body, ["合计", None, BUDGET, EXECUTED]] if total else body


@pytest.mark.parametrize("off", [5, 200])
@pytest.mark.parametrize("total", [True, False], ids=["合计 below", "no 合计"])
def test_a_numbered_heading_with_a_typo_in_its_sum_is_still_a_heading(off, total):
    """Two of three headings add up to the cent and they tile the table (and the 合计 agrees once they
    are left out): the third is a heading too, and its typo is the one mismatch reported."""
    doc = _doc(_typo(off, total))
    assert doc["projects"] == len(PROJECTS)
    assert (doc["totals"]["budget"], doc["totals"]["executed"]) == (BUDGET, EXECUTED)
    mismatch = found(doc, "TOTAL_MISMATCH")
    assert (
        len(mismatch) == 1
        and "科协本级" in mismatch[0]["message"]
        and f"{off:.2f} 万元" in mismatch[0]["message"]
    )
    said = [f["message"] for f in found(doc, "HEADING_TOTAL")]
    assert len(said) == 3 and sum("按编号“一、”" in s for s in said) == 1


def test_a_project_before_the_first_heading_does_not_keep_the_headings_from_folding():
    rows = [[0, "学会服务", 10, 10], *_typo(5, False)]
    doc = _doc(rows)
    assert doc["projects"] == len(PROJECTS) + 1 and doc["totals"]["budget"] == round(BUDGET + 10, 2)
    assert len(found(doc, "HEADING_TOTAL")) == 3 and len(found(doc, "TOTAL_MISMATCH")) == 1


def test_a_heading_near_its_sum_that_cannot_be_folded_is_said():
    """Two headings, one 5 万元 off its rows: not enough to call it a heading (half must add up, and a
    second to the cent). It stays a project, and a warning says the headline may count its rows twice."""
    rows = _typo(5, False)[: 1 + len(TANGSHAN["科协本级"]) + 1 + len(TANGSHAN["科工中心"])]
    rows[0 + 1 + len(TANGSHAN["科协本级"])][2] = round(rows[0 + 1 + len(TANGSHAN["科协本级"])][2] + 3, 2)
    doc = _doc(rows)
    near = found(doc, "HEADING_NEAR_SUM")
    assert len(near) == 2 and all(f["severity"] == "warning" for f in near)
    assert any("相差 5.00 万元" in f["message"] for f in near)


def test_numbered_projects_without_rows_under_them_stay_projects():
    rows = [[None, f"{NUMERALS[k]}、{name}", b, e] for k, (_, name, b, e) in enumerate(PROJECTS[:9])]
    doc = _doc(rows)
    assert doc["projects"] == 9 and not found(doc, "HEADING_TOTAL") and not found(doc, "HEADING_NEAR_SUM")
