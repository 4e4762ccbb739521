"""自评表 habits found by probing with files nobody here wrote, each read wrong before without a word
(or refused): an indicator header over two rows, last year's form kept below this year's, the code
after the name in brackets, the project named only in the title, unused template rows of "/", a 合计
formula saved without its value (or one the reader works out), and forms side by side on one sheet.
Every workbook is the reference sample rebuilt with the habit, and must give the reference figures."""

from __future__ import annotations

import io

import openpyxl
import pytest

from jixiao.report import inspect_bytes
from tests.form_layouts import INDICATOR_HEADER
from tests.test_office_layouts import EXPECTED, FORMS, _forms, _insert_row

NAME = FORMS.name
CODES = [e["sheet_project"].split("-", 1)[0] for e in EXPECTED]
PROJECTS = [e["sheet_project"].split("-", 1)[1] for e in EXPECTED]
BUDGET = 293.59  # Σ 调整后预算数 of the five forms, 万元


def _codes(doc: dict) -> list[str]:
    return [f["code"] for f in doc["findings"]]


def _row(grid, first: str) -> int:
    """1-based row whose column A holds ``first``."""
    return next(r for r, row in enumerate(grid, start=1) if row and row[0] == first)


def _header_row(grid) -> int:
    return next(r for r, row in enumerate(grid, start=1) if row and "一级指标" in row)


def _assert_reference(doc: dict, *, totals=None) -> None:
    forms = doc["forms"]
    assert doc["kind"] == "selfeval_forms"
    assert [f["code"] for f in forms] == CODES
    assert [f["project"] for f in forms] == PROJECTS
    assert [f["budget"] for f in forms] == [e["adjusted_budget"] for e in EXPECTED]
    assert [f["executed"] for f in forms] == [e["executed"] for e in EXPECTED]
    assert [len(f["indicators"]) for f in forms] == [e["indicators"] for e in EXPECTED]
    want = totals or [e["reported_total_score"] for e in EXPECTED]
    assert [f["reported_total"] for f in forms] == want
    assert doc["totals"]["budget"] == pytest.approx(BUDGET, abs=0.005)


# --- 1. an indicator header over two rows -----------------------------------------------------------
@pytest.mark.parametrize("merged", [True, False], ids=["merged", "unmerged"])
def test_an_indicator_header_over_two_rows(merged):
    def edit(grid, merges, ws):
        h = _header_row(grid)
        width = len(grid[h - 1])
        top = ["绩效指标（90分）", "指标", None, None, *INDICATOR_HEADER[3:]] + [None] * (width - 11)
        below = [None, "一级指标", "二级指标", "三级指标"] + [None] * (width - 4)
        grid, merges = _insert_row(grid, merges, h + 1, below)
        grid[h - 1] = top
        if merged:  # 「指标」 over 一级/二级/三级, the other labels merged down both rows
            merges = merges + [(h, 2, h, 4)] + [(h, c, h + 1, c) for c in range(5, 12)]
        return grid, merges

    doc = inspect_bytes(_forms(edit), NAME)  # before: refused, “没有找到可识别的表头”
    _assert_reference(doc)
    assert _codes(doc).count("FORM_TOTAL_MISMATCH") == 1  # the reference's own 99-for-89
    assert "WEIGHTS_NOT_100" not in _codes(doc)


# --- 2. last year's form below this year's ----------------------------------------------------------
def _with_last_year(grid, merges, ws):
    """The sheet's form, then last year's form of the same project (2022年度, 总额 50 / 45 万元)."""
    old = [list(row) for row in grid]
    old[0] = [old[0][0].replace("2023", "2022")] + old[0][1:]
    total = next(r for r, row in enumerate(old) if row[1] == "总额")
    old[total][3], old[total][4], old[total][5] = 50.0, 45.0, 0.9
    gap = len(grid) + 3
    blank = [[None] * len(grid[0]) for _ in range(3)]
    moved = [(r0 + gap, c0, r1 + gap, c1) for r0, c0, r1, c1 in merges]
    return grid + blank + old, merges + moved


def test_last_years_form_below_is_left_out_and_said():
    doc = inspect_bytes(_forms(_with_last_year), NAME)
    # before: ten forms, headline 384.50 万元 and DUPLICATE_PROJECT_CODE on every code
    _assert_reference(doc)
    said = [f for f in doc["findings"] if f["code"] == "FORM_OTHER_YEAR"]
    assert len(said) == 5 and {f["severity"] for f in said} == {"warning"}
    assert all("2022年" in f["message"] and "2023 年" in f["message"] for f in said)
    assert "第24–" in said[1]["message"]  # the rows of last year's form on 10凉山州级科普专项经费
    assert "DUPLICATE_PROJECT_CODE" not in _codes(doc) and "DUPLICATE_PROJECT" not in _codes(doc)


def test_the_file_name_breaks_a_tie_of_years():
    doc = inspect_bytes(_forms(_with_last_year), "凉山州科协2022年度项目自评表.xlsx")
    assert [f["budget"] for f in doc["forms"]] == [50.0] * 5
    assert doc["totals"]["budget"] == 250.0
    assert _codes(doc).count("FORM_OTHER_YEAR") == 5


def test_forms_of_one_year_say_nothing_of_years():
    doc = inspect_bytes(FORMS.read_bytes(), NAME)
    assert "FORM_OTHER_YEAR" not in _codes(doc)


# --- 3. the code after the name, in brackets --------------------------------------------------------
def test_the_code_after_the_name_in_brackets():
    def edit(grid, merges, ws):
        r = _row(grid, "项目名称")
        code, name = grid[r - 1][1].split("-", 1)
        grid[r - 1][0], grid[r - 1][1] = "项目名称：", f"{name}（{code}）"
        return grid, merges

    doc = inspect_bytes(_forms(edit), NAME)  # before: no code, the name with its code in brackets
    _assert_reference(doc)


# --- 4. the project named in the title, no 项目名称 line ------------------------------------------------
def test_the_title_names_the_project_when_no_name_line():
    def edit(grid, merges, ws):
        r = _row(grid, "项目名称")
        code, name = grid[r - 1][1].split("-", 1)
        grid[0][0] = f"2023年度{name}项目支出绩效自评表"
        grid[r - 1][0], grid[r - 1][1] = "项目编码", code
        return grid, merges

    doc = inspect_bytes(_forms(edit), NAME)  # before: 「01州本级单位缴费第1行的自评表」 and a warning
    _assert_reference(doc)
    said = [f for f in doc["findings"] if f["code"] == "PROJECT_NAME_FROM_TITLE"]
    assert len(said) == 5 and {f["severity"] for f in said} == {"info"}
    assert "FORM_NO_PROJECT_NAME" not in _codes(doc)


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("2023年度凉山州科学技术协会换届选举项目项目支出绩效自评表", "凉山州科学技术协会换届选举项目"),
        ("青少年科技活动项目支出绩效自评表（2023年度）", "青少年科技活动"),
        ("部门预算项目支出绩效自评表（2023年度）", ""),
        ("凉山州科学技术协会2023年度项目支出绩效自评表", ""),
        ("项目支出绩效自评表", ""),
    ],
    ids=["year-first", "year-after", "generic", "unit-then-year", "bare"],
)
def test_a_generic_title_names_no_project(title, name):
    from jixiao.forms.titles import name_from_title

    assert name_from_title(title) == name


def test_a_title_naming_the_unit_names_no_project():
    from jixiao.forms.titles import name_from_title

    assert name_from_title("凉山州科学技术协会项目支出绩效自评表", "凉山州科学技术协会") == ""


# --- 5. a template row left unused ------------------------------------------------------------------
def test_an_unused_indicator_row_of_slashes_is_no_indicator():
    def edit(grid, merges, ws):
        at = _row(grid, "合计")
        unused = [None, "效益指标", "生态效益指标"] + ["/"] * 7 + [None] * (len(grid[0]) - 10)
        return _insert_row(grid, merges, at, unused)

    doc = inspect_bytes(_forms(edit), NAME)  # before: one indicator more on each form, NATURE_UNKNOWN
    _assert_reference(doc)
    assert "NATURE_UNKNOWN" not in _codes(doc)


# --- 6. a 合计 formula saved without its value, or worked out by the reader --------------------------
def _total_formula(score: str, weight: str | None = None):
    def edit(grid, merges, ws):
        t = _row(grid, "合计")
        h = _header_row(grid)
        parts = f"SUM(J{h + 1}:J{t - 1})+H5"
        grid[t - 1][2] = "=" + score.format(parts=parts)
        if weight:
            grid[t - 1][1] = "=" + weight.format(parts=f"SUM(I{h + 1}:I{t - 1})+G5")
        return grid, merges

    return edit


def test_a_total_formula_without_value_is_unknown_not_the_weight():
    edit = _total_formula("IF({parts}>100,100,{parts})")
    doc = inspect_bytes(_forms(edit), NAME)
    # before: the 权重 100 beside it was taken for the score, FORM_TOTAL_MISMATCH on three forms
    assert [f["reported_total"] for f in doc["forms"]] == [None] * 5
    assert [f["reported_weights_total"] for f in doc["forms"]] == [100.0] * 5
    codes = _codes(doc)
    assert "FORM_TOTAL_MISMATCH" not in codes and "FORM_NO_TOTAL" not in codes
    said = [f for f in doc["findings"] if f["code"] == "FORMULA_WITHOUT_VALUE"]
    assert len(said) == 5 and {f["severity"] for f in said} == {"warning"}
    assert "C18" in said[1]["message"] and "合计得分无法核对" in said[1]["message"]
    assert doc["totals"]["budget"] == pytest.approx(BUDGET, abs=0.005)


def test_a_total_formula_worked_out_is_said():
    edit = _total_formula("{parts}", weight="{parts}")
    doc = inspect_bytes(_forms(edit), NAME)
    # the formula adds the parts: 科普宣传活动业务经费's 合计 is 89, not the 99 typed in the reference
    _assert_reference(doc, totals=[100.0, 98.0, 99.0, 89.0, 100.0])
    said = [f for f in doc["findings"] if f["code"] == "FORMULA_COMPUTED"]  # before: used silently
    assert len(said) == 5 and {f["severity"] for f in said} == {"info"}
    assert "B13、C13" in said[0]["message"] and "SUM(" in said[0]["message"]
    assert "FORM_TOTAL_MISMATCH" not in _codes(doc)


# --- 7. forms side by side on one sheet ------------------------------------------------------------
def test_forms_side_by_side_on_one_sheet():
    src = openpyxl.load_workbook(FORMS)
    out = openpyxl.Workbook()
    ws = out.active
    ws.title = "自评表"
    left = 1
    for sheet in src.worksheets:
        width = sheet.max_column
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    ws.cell(cell.row, cell.column + left - 1, cell.value)
        for g in sheet.merged_cells.ranges:
            ws.merge_cells(
                start_row=g.min_row,
                start_column=g.min_col + left - 1,
                end_row=g.max_row,
                end_column=g.max_col + left - 1,
            )
        left += width + 2  # two empty columns between forms
    buf = io.BytesIO()
    out.save(buf)
    doc = inspect_bytes(buf.getvalue(), NAME)  # before: only the leftmost form, 86.50 万元
    _assert_reference(doc)
    assert _codes(doc).count("FORM_TOTAL_MISMATCH") == 1
    assert "UNPARSEABLE_VALUE" not in _codes(doc)


# --- 8. the grade written beside the 合计 score, 满分 beside its weight ---------------------------------
def _total_words(weight: str, score: str, grade_cell: str | None = None):
    """The 合计 row's weight and score retyped through ``weight``/``score`` ({w}/{s} the figures)."""

    def edit(grid, merges, ws):
        t = _row(grid, "合计")
        row = grid[t - 1]
        w, s = row[1], row[2]
        row[1], row[2] = weight.format(w=f"{w:g}"), score.format(s=f"{s:g}")
        if grade_cell is not None:
            row[len(row) - 1] = grade_cell
        return grid, merges

    return edit


@pytest.mark.parametrize(
    "weight, score, grade_cell",
    [
        ("{w}", "{s} 优", None),
        ("{w}", "{s}分，优秀", None),
        ("{w}", "{s}（自评等级：优）", None),
        ("满分{w}", "{s}", None),
        ("满分：{w}", "{s}分 等级：优", None),
        ("{w}", "{s}", "自评等级：优"),
        ("{w}", "{s}", "良好"),
    ],
    ids=["space-grade", "comma-grade", "bracket-grade", "full-mark", "both", "grade-cell", "grade-word"],
)
def test_a_grade_or_full_mark_beside_the_total_is_no_unreadable_number(weight, score, grade_cell):
    doc = inspect_bytes(_forms(_total_words(weight, score, grade_cell)), NAME)
    # before: "98 优", "满分100" and a cell "自评等级：优" on the 合计 row were UNPARSEABLE_VALUE on every
    # form, and a score lost that way let the recomputed parts stand in for the typed total
    _assert_reference(doc)
    assert [f["reported_weights_total"] for f in doc["forms"]] == [100.0] * 5
    assert "UNPARSEABLE_VALUE" not in _codes(doc)
    assert _codes(doc).count("FORM_TOTAL_MISMATCH") == 1  # 科普宣传活动业务经费's 99 typed over 89


def test_a_remark_after_the_total_figures_is_no_unreadable_number():
    doc = inspect_bytes(_forms(_total_words("{w}", "{s}", "见附件")), NAME)
    _assert_reference(doc)  # before: "合计填的是「见附件」，应为数字" on every form
    assert "UNPARSEABLE_VALUE" not in _codes(doc)


def test_a_total_score_in_words_is_still_unreadable():
    doc = inspect_bytes(_forms(_total_words("{w}", "九十八", None)), NAME)
    said = [f for f in doc["findings"] if f["code"] == "UNPARSEABLE_VALUE"]
    assert len(said) == 5 and all("九十八" in f["message"] for f in said)
    assert [f["reported_total"] for f in doc["forms"]] == [None] * 5


# --- 9. the grade printed on the form, checked against its score --------------------------------------
def _grade_row(grid, merges, ws):
    """ "自评等级 | 优" on a row of its own under 存在问题, as some templates print it."""
    grid = [*grid, ["自评等级", "良"]]
    return grid, merges


@pytest.mark.parametrize(
    "edit",
    [
        _total_words("{w}", "{s} 良"),
        _total_words("{w}", "{s}", "自评等级：良好"),
        _grade_row,
    ],
    ids=["after-score", "own-cell", "own-row"],
)
def test_a_grade_the_score_does_not_earn_is_said(edit):
    doc = inspect_bytes(_forms(edit), NAME)
    _assert_reference(doc)
    said = [f for f in doc["findings"] if f["code"] == "FORM_GRADE_MISMATCH"]
    # every form's 合计 is 98 or more (科普宣传活动业务经费 types 99 over parts of 89): 良 is never earned
    assert len(said) == 5 and {f["severity"] for f in said} == {"warning"}  # before: not read at all
    assert "「良" in said[0]["message"] and "按得分 100.00 分应为「优」" in said[0]["message"]


def test_a_grade_the_score_earns_says_nothing():
    doc = inspect_bytes(_forms(_total_words("{w}", "{s}", "自评等级：优")), NAME)
    _assert_reference(doc)
    assert "FORM_GRADE_MISMATCH" not in _codes(doc)
