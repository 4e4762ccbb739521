"""自评表 habits of round 3, found by building forms from the reference numbers in layouts real units
send: 得分 printed before 权重 (and the 合计 row after it in that order), no 合计 row with the score
stated in the 评价结论 ("自评得分98分"), and a form printed over two pages with its title and 项目名称
lines typed again on the second. Each was read wrong before without a word."""

from __future__ import annotations

from jixiao.report import inspect_bytes
from tests.test_form_habits import NAME, _assert_reference, _codes, _header_row, _row
from tests.test_office_layouts import _forms


def _delete_row(grid, merges, at: int):
    """Row ``at`` (1-based) removed, merged ranges below moved up."""
    grid = grid[: at - 1] + grid[at:]
    moved = [(r0 - (r0 > at), c0, r1 - (r1 > at), c1) for r0, c0, r1, c1 in merges if r0 != at]
    return grid, moved


# --- 1. 得分 printed before 权重 --------------------------------------------------------------------------
def test_score_before_weight_keeps_the_total_rows_order():
    def edit(grid, merges, ws):
        h = _header_row(grid)
        t = _row(grid, "合计")
        for r in range(h - 1, t - 1):  # the header and every indicator: 得分 in column I, 权重 in J
            grid[r][8], grid[r][9] = grid[r][9], grid[r][8]
        grid[t - 1][1], grid[t - 1][2] = grid[t - 1][2], grid[t - 1][1]  # 合计 | 98 | 100
        return grid, merges

    doc = inspect_bytes(_forms(edit), NAME)
    # before: the 合计 row's first figure was taken for its 权重, so every total read 100 and three forms
    # got TOTAL_WEIGHT_MISMATCH ("合计行的权重印为 98")
    _assert_reference(doc)
    assert [f["reported_weights_total"] for f in doc["forms"]] == [100.0] * 5
    assert "TOTAL_WEIGHT_MISMATCH" not in _codes(doc)
    assert _codes(doc).count("FORM_TOTAL_MISMATCH") == 1  # the reference's own 99-for-89


# --- 2. no 合计 row: the 评价结论 states the score ---------------------------------------------------------
def _without_total(conclusion=None):
    def edit(grid, merges, ws):
        grid, merges = _delete_row(grid, merges, _row(grid, "合计"))
        if conclusion is not None:
            grid[_row(grid, "评价结论") - 1][1] = conclusion
        return grid, merges

    return edit


def test_no_total_row_takes_the_score_the_conclusion_states():
    doc = inspect_bytes(_forms(_without_total()), NAME)
    # every reference conclusion ends "…，自评得分98分。"; before: no total on any form, and not a word
    _assert_reference(doc)
    said = [f for f in doc["findings"] if f["code"] == "FORM_TOTAL_FROM_TEXT"]
    assert len(said) == 5 and {f["severity"] for f in said} == {"info"}
    assert "「自评得分98分」" in said[1]["message"] and "取为 98 分" in said[1]["message"]
    assert [r["reported_score"] for r in doc["rows"]] == [100.0, 98.0, 99.0, 99.0, 100.0]
    assert _codes(doc).count("FORM_TOTAL_MISMATCH") == 1  # 科普宣传活动业务经费 states 99 over parts of 89


def test_no_total_row_and_no_score_in_words_is_said():
    doc = inspect_bytes(_forms(_without_total("项目完成情况良好，预算执行率100%。")), NAME)
    # before: the indicators ended at 评价结论 and the missing 合计 went unsaid
    assert [f["reported_total"] for f in doc["forms"]] == [None] * 5
    said = [f for f in doc["findings"] if f["code"] == "FORM_NO_TOTAL"]
    assert len(said) == 5 and {f["severity"] for f in said} == {"warning"}
    assert "FORM_TOTAL_FROM_TEXT" not in _codes(doc)


def test_the_budget_points_in_words_are_no_total():
    from jixiao.forms.labels import score_in_text

    text = "预算执行得分10分，综合得分为96.5分，等级为优。"
    assert score_in_text(text, 100.0) == (96.5, "综合得分为96.5分")
    assert score_in_text("预算执行率100%，预算执行得分10分。", 100.0) is None
    assert score_in_text("自评得分980分", 100.0) is None


# --- 3. a form over two pages, its head typed again ------------------------------------------------------
def _second_page(grid, merges, ws):
    """The title, 项目名称 and 主管部门 lines and the indicator header again after the fourth indicator."""
    h = _header_row(grid)
    if _row(grid, "合计") - h <= 5:
        return grid, merges
    at = h + 5
    head = [list(grid[0]), list(grid[1]), list(grid[2]), list(grid[h - 1])]
    grid = grid[: at - 1] + [[None] * len(grid[0])] + head + grid[at - 1 :]
    moved = [(r0 + 5 * (r0 >= at), c0, r1 + 5 * (r1 >= at), c1) for r0, c0, r1, c1 in merges]
    moved = [(r0, c0, r1 if r0 >= at or r1 < at else at - 1, c1) for r0, c0, r1, c1 in moved]
    return grid, moved + [(at + 1, 1, at + 1, 11), (at + 2, 2, at + 2, 11)]


def test_a_form_over_two_pages_with_its_head_typed_again_is_one_form():
    doc = inspect_bytes(_forms(_second_page), NAME)
    # before: nine forms, four of them the second pages with no money and three indicators, weights 30
    _assert_reference(doc)
    assert "FORM_NO_BUDGET" not in _codes(doc) and "DUPLICATE_PROJECT_CODE" not in _codes(doc)
    assert _codes(doc).count("FORM_TOTAL_MISMATCH") == 1


def test_a_copy_of_the_form_with_its_own_money_stays_a_form():
    def edit(grid, merges, ws):
        gap = len(grid) + 2
        copy = [list(row) for row in grid]
        return grid + [[None] * len(grid[0])] * 2 + copy, merges + [
            (r0 + gap, c0, r1 + gap, c1) for r0, c0, r1, c1 in merges
        ]

    doc = inspect_bytes(_forms(edit), NAME)
    assert len(doc["forms"]) == 10  # the same 项目名称 with a 预算执行情况 of its own is no second page
    assert _codes(doc).count("DUPLICATE_PROJECT_CODE") == 10


# --- 4. a 完成值 in words beside a numeric target --------------------------------------------------------
def test_an_actual_in_words_keeps_the_score_and_says_only_that():
    def edit(grid, merges, ws):
        h = _header_row(grid)
        grid[h][7] = "已完成"  # the first indicator's 完成值
        return grid, merges

    doc = inspect_bytes(_forms(edit), NAME)
    _assert_reference(doc)
    said = [f for f in doc["findings"] if f["code"] == "UNPARSEABLE_VALUE"]
    assert len(said) == 5 and {f["severity"] for f in said} == {"info"}
    # before: "…保留填报得分，无法读取，已按空值处理。" — the score was kept, nothing was made blank
    assert all(f["message"].endswith("不是数字，得分无法按公式复核，保留填报得分。") for f in said)
    assert not any("已按空值处理" in f["message"] for f in said)


# --- 4. a form copied onto a second sheet: one warning, not two that disagree -----------------------------
def test_a_form_copied_to_another_sheet_is_said_once():
    import io

    import openpyxl

    from tests.test_office_layouts import FORMS

    wb = openpyxl.load_workbook(FORMS)
    wb.copy_worksheet(wb["10凉山州级科普专项经费"]).title = "10凉山州级科普专项经费(2)"
    buf = io.BytesIO()
    wb.save(buf)
    doc = inspect_bytes(buf.getvalue(), NAME)
    assert doc["totals"]["budget"] == 293.59  # the copy's money counted once
    assert _codes(doc).count("DUPLICATE_PROJECT_CODE") == 2
    # before: also DUPLICATE_PROJECT "出现 2 次（第1、1行）…已按不同项目分别计算", which the money contradicts
    assert "DUPLICATE_PROJECT" not in _codes(doc)


# --- 5. a 合计 typed as a whole number over parts with a half ---------------------------------------------
def test_a_total_rounded_to_a_whole_number_is_no_mismatch():
    from tests.form_layouts import FormSpec, one_form

    parts = inspect_bytes(one_form(FormSpec()), "表.xlsx")["forms"][0]["parts_total"]
    assert parts == 99.5  # the template's parts
    doc = inspect_bytes(one_form(FormSpec(total=[100, 100])), "表.xlsx")
    # before: FORM_TOTAL_MISMATCH (错误) "相差 0.5 分", while 得分分析 counted the same score as reproduced
    assert "FORM_TOTAL_MISMATCH" not in _codes(doc)
    (said,) = [f for f in doc["findings"] if f["code"] == "FORM_TOTAL_ROUNDED"]
    assert said["severity"] == "info" and "99.5" in said["message"]
    doc = inspect_bytes(one_form(FormSpec(total=[100, 99])), "表.xlsx")
    assert "FORM_TOTAL_MISMATCH" in _codes(doc)  # 99.5 does not round to 99
