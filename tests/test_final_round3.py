"""部门决算 round 3: habits of offices that were read wrong without a word, refused, or judged with a
misleading message (jixiao/final_accounts/official*.py, statement_*.py).

The 2024 edition's table names (收入支出决算表, 财政拨款收入支出决算表 without 总; 政府性基金 / 国有资本经营
预算财政拨款收入支出决算表), 类 rows with a code and no name, a Word table continued on the next page with
its header repeated or under a "公开05表（续）" title, a draft table kept beside the final one, 收入合计 /
支出合计 in the 总表; in a 决算说明: "增长0.27倍", "下降86.62个百分点" for an amount, and 机关运行经费 that
the figures do not carry. Every workbook is built from the sample's real 2023 figures (seed 004)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from jixiao.final_accounts import statement_text as st
from jixiao.final_accounts import statements as stm
from jixiao.final_accounts.figures import FinalAccounts, YearFigures
from jixiao.final_accounts.template import liangshan_sample, read_template
from jixiao.model import Finding
from tests.official_tables import FUNCTION_CODES, official_workbook, one_sheet
from tests.word_tables import document_bytes, sheet_grid

REFERENCE = Path(__file__).parent / "data" / "liangshan_2023_final_accounts.json"
NAME = "凉山州科协2023年度部门决算公开表.xlsx"
CLASSES = {"科学技术支出": 701.17, "社会保障和就业支出": 125.26, "卫生健康支出": 21.88, "住房保障支出": 25.74}


@pytest.fixture(scope="module")
def y23() -> YearFigures:
    return liangshan_sample(json.loads(REFERENCE.read_text(encoding="utf-8"))).year(2023)


def _edited(data: bytes, edit) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    edit(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def _empty_table(wb: Workbook, name: str, title: str, at: int) -> None:
    """公开07/08 of the 2024 edition as units publish them when they have none: header, a blank 合计 row of
    0.00 and the note."""
    ws = wb.create_sheet(name, at)
    for row in (
        [f"2023年度{title}"],
        ["", "", "", "", "", name],
        ["部门：凉山州科学技术协会", "", "", "", "", "金额单位：万元"],
        ["项目", "", "年初结转和结余", "本年收入", "本年支出", "年末结转和结余"],
        ["科目编码", "科目名称", "", "", "", ""],
        ["合计", "", "0.00", "0.00", "0.00", "0.00"],
        ["注：本单位无此项支出，故本表为空表。"],
    ):
        ws.append(row)


def _edition_2024(wb: Workbook) -> None:
    """Titles as the 2024 edition prints them, and its empty 政府性基金 / 国有资本经营 tables."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.endswith("决算总表"):
                    c.value = c.value.replace("决算总表", "决算表")
    _empty_table(wb, "公开07表", "政府性基金预算财政拨款收入支出决算表", 6)
    _empty_table(wb, "公开08表", "国有资本经营预算财政拨款收入支出决算表", 7)


# --- 1. the 2024 edition's names ---------------------------------------------------------------------
@pytest.mark.parametrize("layout", ["a sheet each", "one sheet"])
def test_the_2024_editions_summary_tables_are_read(y23, layout):
    """收入支出决算表 / 财政拨款收入支出决算表 (no 总) were taken for a 支出决算表 and gave nothing: 图1 and
    图4 were missing without a word."""
    data = _edited(official_workbook(y23), _edition_2024)
    fa, findings = read_template(one_sheet(data) if layout == "one sheet" else data, NAME)
    yf = fa.year(2023)
    assert (yf.income_total, yf.expenditure_total, yf.fiscal_total) == (874.05, 874.05, 874.05)
    assert yf.income["一般公共预算财政拨款收入"] == 874.05 and yf.by_function == CLASSES
    assert yf.three_public == y23.three_public and (yf.personnel, yf.public_use) == (417.82, 51.17)
    said = next(f.message for f in findings if f.code == "FA_OFFICIAL_TABLES")
    assert "（收入支出决算总表）" in said and "（财政拨款收入支出决算总表）" in said
    assert not [f for f in findings if f.severity != "info"]


# --- 2. 类 rows with a code and no name ----------------------------------------------------------------
def test_class_rows_with_codes_and_no_names(y23):
    def edit(wb):
        ws = wb["公开05表"]
        for row in ws.iter_rows():
            if row[1].value in FUNCTION_CODES:
                row[1].value = None  # "206" | "" | 701.17

    fa, findings = read_template(_edited(official_workbook(y23), edit), NAME)
    assert fa.year(2023).by_function == CLASSES
    (said,) = [f for f in findings if f.code == "FA_CLASS_FROM_DETAIL"]
    assert "类级科目只有编码" in said.message and "科学技术支出701.17万元" in said.message


# --- 3. Word tables continued on the next page ----------------------------------------------------------
def _word(y23, split: str, at: int, between: str, repeat: int) -> bytes:
    """The seven 公开表 in a Word report, ``split``'s table broken after ``at`` rows of its grid: ``between``
    over the rest, with the first ``repeat`` rows of the table (its header) again on top."""
    blocks: list[tuple[str, Any]] = [
        ("p", "凉山州科学技术协会2023年度部门决算"),
        ("p", "第三部分 部门决算表"),
    ]
    for ws in load_workbook(io.BytesIO(official_workbook(y23))).worksheets:
        grid, merged = sheet_grid(ws)
        top = 3  # title, number, 部门 / 金额单位 lines: paragraphs over the table
        blocks += [("p", " ".join(x for x in row if x)) for row in grid[:top]]
        grid, merged = grid[top:], [(a - top, b, c - top, d) for a, b, c, d in merged if a >= top]
        if ws.title != split:
            blocks += [("table", (grid, merged)), ("p", "说明：本表反映本单位2023年度决算情况。")]
            continue
        head = [m for m in merged if m[2] < repeat]
        rest = [(a - at + repeat, b, c - at + repeat, d) for a, b, c, d in merged if a >= at]
        blocks += [("table", (grid[:at], [m for m in merged if m[2] < at])), ("break", None)]
        blocks += [("p", between), ("table", (grid[:repeat] + grid[at:], head + rest))]
    return document_bytes(blocks)


def test_a_header_repeated_over_the_rest_of_a_table_is_no_amount(y23):
    """Word repeats a table's header on the next page: its 收入 / 金额 were read as amounts, an error each."""
    fa, findings = read_template(_word(y23, "公开01表", 8, "续表", 2), "部门决算.docx")
    yf = fa.year(2023)
    assert (yf.income_total, yf.income_current, yf.expenditure_total) == (874.05, 874.05, 874.05)
    assert "FA_BAD_NUMBER" not in _codes(findings)


@pytest.mark.parametrize("between,repeat", [("公开05表（续）", 0), ("公开05表（续）", 3), ("（续表）", 3)])
def test_the_rest_of_a_table_under_a_continued_title_is_joined(y23, between, repeat):
    """ "公开05表（续）" over the rest of 公开05: that part was no 公开表 and its classes were lost, with only
    a sum that did not hold to show for it."""
    fa, findings = read_template(_word(y23, "公开05表", 5, between, repeat), "部门决算.docx")
    assert fa.year(2023).by_function == CLASSES
    assert fa.year(2023).general_budget_expenditure == 874.05
    assert not [f for f in findings if f.severity != "info"]


# --- 4. a draft beside the final table ----------------------------------------------------------------
DRAFT = {"科学技术支出": 690.00, "社会保障和就业支出": 123.00, "卫生健康支出": 21.50, "住房保障支出": 25.50}


def _with_draft(y23, first: bool) -> bytes:
    def edit(wb):
        ws = wb.copy_worksheet(wb["公开05表"])
        ws.title = "公开05表（初稿）"
        target = wb.sheetnames.index("公开05表") + (0 if first else 1)
        wb.move_sheet(ws, target - wb.sheetnames.index(ws.title))
        for row in ws.iter_rows():
            name = row[1].value
            if name in DRAFT:
                row[2].value = DRAFT[name]
            elif row[0].value == "合计":
                row[2].value = 860.00

    return _edited(official_workbook(y23), edit)


@pytest.mark.parametrize("first", [False, True])
def test_a_draft_table_beside_the_final_one_is_said_and_never_mixed_in(y23, first):
    """Two 公开05 of 2023 with different figures gave the total of one and the classes of the other (and a
    sum mismatch as the only word): now the first one whole, and both named."""
    data = _with_draft(y23, first)
    names = load_workbook(io.BytesIO(data)).sheetnames
    assert (names.index("公开05表（初稿）") < names.index("公开05表")) is first
    fa, findings = read_template(data, NAME)
    yf = fa.year(2023)
    expected = (860.00, DRAFT) if first else (874.05, CLASSES)
    assert (yf.general_budget_expenditure, yf.by_function) == expected
    (said,) = [f for f in findings if f.code == "FA_DUPLICATE_TABLE"]
    assert said.severity == "warning"
    assert "「公开05表」" in said.message and "「公开05表（初稿）」" in said.message
    assert "FA_FUNCTION_SUM_MISMATCH" not in _codes(findings)


# --- 5. 收入合计 / 支出合计 in the 总表 --------------------------------------------------------------------
def test_shou_ru_he_ji_in_the_summary_is_this_years_income(y23):
    def edit(wb):
        for ws in wb.worksheets[1:]:
            wb.remove(ws)  # the 总表 alone
        for row in wb.worksheets[0].iter_rows():
            for c in row:
                if c.value in ("本年收入合计", "本年支出合计"):
                    c.value = c.value[2:]

    fa, _ = read_template(_edited(official_workbook(y23), edit), NAME)
    assert (fa.year(2023).income_current, fa.year(2023).expenditure_current) == (874.05, 874.05)


# --- 6. the 决算说明 ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def figures() -> FinalAccounts:
    return liangshan_sample(json.loads(REFERENCE.read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    "text,status,stated_text",
    [
        ("公务接待费0.19万元，比上年增加0.04万元，增长0.27倍。", st.CONSISTENT, "增长0.27倍"),
        ("公务接待费0.19万元，比上年增长了1.27倍。", st.INCONSISTENT, "增长1.27倍"),
    ],
)
def test_a_change_in_times_is_checked(figures, text, status, stated_text):
    """ "增长X倍" is X × 100%: it was not found at all, so a wrong one passed without a word."""
    (s,) = stm.check_text(text, figures)
    assert (s.status, s.stated_text, s.computed) == (status, stated_text, 26.67)
    assert s.correct_text == "增加0.04万元，增长26.67%"


@pytest.mark.parametrize("with_figures", [True, False])
def test_points_written_for_an_amounts_change_are_wrong_words(figures, with_figures):
    """ "减少49.19万元，下降86.62个百分点": 无法核对 (“找不到本年和上年的百分比”) before; the number is the
    right percent, the words are not."""
    text = "2023年度“三公”经费财政拨款支出决算为7.6万元，较上年度减少49.19万元，下降86.62个百分点。"
    (s,) = stm.check_text(text, figures if with_figures else None)
    assert (s.status, s.computed, s.correct_text) == (st.INCONSISTENT, -86.62, "下降86.62%")
    assert "“个百分点”只用于两个百分比之差" in s.note


def test_an_item_the_figures_lack_is_not_tied_to_another_of_the_same_amount():
    """公开表 carry 公用经费 but not 机关运行经费; here both are 51.17 in 2023: the sentence about 机关运行经费
    was judged against 公用经费's last year (不一致, "上年50.00万元")."""
    fa = FinalAccounts(
        years=[2022, 2023], data={2022: YearFigures(public_use=50.0), 2023: YearFigures(public_use=51.17)}
    )
    (s,) = stm.check_text("机关运行经费支出51.17万元，比2022年度增加1.84万元，增长3.73%。", fa)
    assert (s.status, s.basis, s.computed) == (st.CONSISTENT, st.BASIS_TEXT, 3.73)
    (s,) = stm.check_text("公用经费51.17万元，比2022年度增加1.17万元，增长2.34%。", fa)
    assert (s.status, s.basis) == (st.CONSISTENT, st.BASIS_FIGURES)
