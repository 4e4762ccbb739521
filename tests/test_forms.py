"""项目支出绩效自评表: reader, recomputed scores, findings, roll-up, summary workbook, JSON."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import pytest
from form_layouts import FormSpec, default_indicators, one_form, workbook_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from jixiao import model as m
from jixiao.forms.audit import audit_dataset, is_no_reason
from jixiao.forms.compute import NATURE_EQ, NATURE_GE, NATURE_LE, NATURE_QUAL, formula_score
from jixiao.forms.labels import parse_nature
from jixiao.forms.read import looks_like_forms, read_forms
from jixiao.forms.rollup import SUMMARY_HEADERS, forms_doc, forms_summary_xlsx, forms_to_project_table
from jixiao.ingest.workbook import load_sheets
from jixiao.model import IngestError

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data" / "liangshan_2023_selfeval_forms.xlsx"
EXPECTED = json.loads(
    (ROOT / "tests" / "data" / "liangshan_2023_selfeval_forms.expected.json").read_text("utf-8")
)


@pytest.fixture(scope="module")
def reference():
    return read_forms(SAMPLE.read_bytes(), SAMPLE.name)


def codes(form_or_ds) -> list[str]:
    findings = form_or_ds.all_findings() if hasattr(form_or_ds, "all_findings") else form_or_ds.findings
    return [f.code for f in findings]


def only(ds):
    assert len(ds.forms) == 1
    return ds.forms[0]


def read(data: bytes, name: str = "forms.xlsx", **kw):
    return read_forms(data, name, **kw)


# --- the reference workbook ------------------------------------------------------------------------
def test_reference_has_five_forms_in_order(reference):
    assert [f.project_label for f in reference.forms] == [e["sheet_project"] for e in EXPECTED]


@pytest.mark.parametrize("k", range(len(EXPECTED)))
def test_reference_forms_give_expected_numbers(reference, k):
    exp, form = EXPECTED[k], reference.forms[k]
    assert form.adjusted == pytest.approx(exp["adjusted_budget"])
    assert form.executed == pytest.approx(exp["executed"])
    assert form.reported_total == pytest.approx(exp["reported_total_score"])
    assert form.parts_total == pytest.approx(exp["sum_of_part_scores"])
    assert form.weights_total == pytest.approx(exp["sum_of_weights"])
    assert (abs(form.reported_total - form.parts_total) <= 0.01) is exp["total_matches_parts"]
    assert len(form.indicators) == exp["indicators"]
    assert ("FORM_TOTAL_MISMATCH" in codes(form)) is (not exp["total_matches_parts"])


def test_reference_header_fields(reference):
    form = reference.forms[1]
    assert form.code == "51340022T000000278908"
    assert form.project == "凉山州级科普专项经费"
    assert form.department == "凉山州科学技术协会部门"
    assert form.unit == "凉山州科学技术协会"
    assert form.initial == 160.0
    assert form.printed_rate == pytest.approx(100.0)  # a percent-formatted 1.0
    assert [line.label for line in form.budget_lines] == [
        "总额",
        "其中：财政资金",
        "财政专户管理资金",
        "单位资金",
        "其他资金",
    ]
    assert form.reported_weights_total == 100.0
    assert form.conclusion.startswith("围绕省科协天府科技云服务重点工作")
    assert form.problems.startswith("因新冠疫情余波影响")
    assert form.measures == ""  # the reference forms end at 存在问题


def test_reference_mismatch_names_both_numbers_and_place(reference):
    form = reference.forms[3]
    [f] = [f for f in form.findings if f.code == "FORM_TOTAL_MISMATCH"]
    assert f.severity == "error"
    assert "99" in f.message and "89" in f.message and "相差 10 分" in f.message
    assert "12科普宣传活动业务经费" in f.where and "第18行" in f.where
    assert f.sheet_row == 18
    # Only that form has it.
    assert codes(reference).count("FORM_TOTAL_MISMATCH") == 1


def test_reference_indicator_values_and_formula_scores(reference):
    election = reference.forms[2]
    turnout = election.indicators[1]
    assert turnout.actual_raw == "89%" and turnout.actual == 89.0
    assert turnout.formula_score == pytest.approx(10.0)
    satisfaction = election.indicators[5]
    assert satisfaction.actual == 93.0 and satisfaction.score == 9.0
    assert satisfaction.formula_score == pytest.approx(93 / 95 * 10)
    blank = reference.forms[1].indicators[2]  # 时效指标 with no 完成值
    assert blank.actual is None and not blank.recomputable and blank.score == 10.0
    cost = reference.forms[1].indicators[6]  # ≤148 万元, 完成 148, reported 19 of 20
    assert cost.formula_score == pytest.approx(20.0)
    assert "TARGET_MET_BUT_DEDUCTED" in [f.code for f in reference.forms[1].findings if f.sheet_row == 17]


def test_reference_boilerplate_reason_is_not_an_explanation(reference):
    reason = reference.forms[1].budget_total.reason
    assert reason.startswith("1.预算执行率=预算执行数/调整后预算数")
    assert is_no_reason(reason)
    assert not is_no_reason(reference.forms[0].budget_total.reason)


def test_reference_deduction_without_reason(reference):
    form = reference.forms[3]  # 成本指标 20 → 10 with no 未完成原因分析
    [f] = [f for f in form.findings if f.code == "DEDUCTION_WITHOUT_REASON"]
    assert f.sheet_row == 17 and "扣 10 分" in f.message


def test_reference_target_deviation(reference):
    form = reference.forms[3]  # 指标值 20 名, 完成值 220 名
    [f] = [f for f in form.findings if f.code == "TARGET_DEVIATION"]
    assert f.sheet_row == 11 and "220" in f.message and "20" in f.message


def test_looks_like_forms(reference):
    assert looks_like_forms(load_sheets(SAMPLE.read_bytes(), SAMPLE.name))
    assert not looks_like_forms(load_sheets(_summary_table_bytes(), "summary.xlsx"))


# --- layouts written here ----------------------------------------------------------------------------
def test_clean_form_has_no_findings():
    form = only(read(one_form()))
    assert form.findings == []
    assert form.weights_total == 100.0
    assert form.parts_total == pytest.approx(99.5)
    assert form.formula_total == pytest.approx(99.5)
    assert form.execution_rate == pytest.approx(95.0)
    assert form.budget_formula_score == pytest.approx(9.5)


def test_several_forms_stacked_on_one_sheet():
    a = FormSpec(label="51340099T000000000001-项目甲")
    b = FormSpec(label="51340099T000000000002-项目乙", title=False)
    c = FormSpec(label="51340099T000000000003-项目丙")
    for row in c.indicators:
        row[3] = {"≥": ">=", "≤": "<="}[row[3]]
    data = workbook_bytes(
        {
            "全部项目": [
                (a, {}),
                (b, {"merge_level1": True}),
                (c, {"col": 3, "total_in_columns": True, "two_row_budget": True}),
            ]
        }
    )
    ds = read(data)
    assert [f.project for f in ds.forms] == ["项目甲", "项目乙", "项目丙"]
    assert [f.code for f in ds.forms] == [f"51340099T00000000000{k}" for k in (1, 2, 3)]
    assert ds.forms[0].first_row == 1
    assert ds.forms[1].first_row > ds.forms[0].last_row
    assert ds.forms[2].first_row > ds.forms[1].last_row
    for form in ds.forms:
        assert len(form.indicators) == 7
        assert [i.level1 for i in form.indicators] == [r[0] for r in default_indicators()]
        assert form.weights_total == 100.0
        assert form.reported_total == 99.5
        assert form.reported_weights_total == 100.0
        assert form.adjusted == 100.0 and form.executed == 95.0
        assert form.unit == "测试实施单位"
        assert not any(f.severity in ("error", "warning") for f in form.findings), form.findings
    assert [i.nature for i in ds.forms[2].indicators] == [
        NATURE_GE,
        NATURE_GE,
        NATURE_LE,
        NATURE_GE,
        NATURE_GE,
        NATURE_GE,
        NATURE_LE,
    ]
    table = forms_to_project_table(ds)
    assert table.source.sheet == "全部项目"
    assert table.projects[m.SHEET_ROW].tolist() == [f.first_row for f in ds.forms]


def test_two_seed_forms_stacked_like_the_report_appendix():
    """学术交流活动业务经费 and 天府科技云服务项目 as printed in seed 004's 附表, on one sheet."""
    papers = FormSpec(
        label="51340022T000000278902-学术交流活动业务经费",
        department="凉山州科学技术协会部门",
        unit="凉山州科学技术协会",
        budget=[12, 12, 12, "100.00%", 10, 10, "无"],
        indicators=[
            ["产出指标", "数量指标", "预计评选出一、二、三等奖55篇", "≥", 55, "篇", 58, 20, 20, "无"],
            ["产出指标", "质量指标", "论文评选一、二等奖坚持标准", "≥", 90, "%", "92%", 10, 20, "无"],
            ["产出指标", "时效指标", "2023年1-12月完成", "≤", 1, "年", 1, 10, 10, "无"],
            ["效益指标", "社会效益指标", "营造尊重知识尊重人才的良好氛围", "≥", 5, "项", 5, 10, 10, "无"],
            ["效益指标", "可持续影响指标", "可持续影响时间", "≥", 2, "年", 2, 10, 10, "无"],
            [
                "满意度指标",
                "服务对象满意度指标",
                "科技工作者满意度",
                "≥",
                95,
                "%",
                "90%",
                10,
                8,
                "降低了极个别科技工作者的满意度。",
            ],
            ["成本指标", "经济成本指标", "论文评选活动费用", "≤", 12, "万元", 12, 20, 10, "无"],
        ],
        total=[100, 98],
    )
    cloud = FormSpec(
        label="51340023T000009491998-天府科技云服务项目",
        unit="凉山州科学技术协会",
        budget=[0, 25, 25, "100.00%", 10, "　10", ""],
        indicators=[
            ["产出指标", "数量指标", "完成保姆培训", "≥", 2, "次", "3　", 20, "20　", ""],
            ["产出指标", "质量指标", "培训覆盖率", "≥", 90, "%", 98, 15, "15　", ""],
            ["产出指标", "时效指标", "2023年1-12月完成", "≤", 1, "年", "1　", 10, "10　", ""],
            ["", "可持续影响指标", "可持续影响", "＞", 3, "年", "3　", 10, "10　", ""],
            [
                "满意度指标",
                "服务对象满意度指标",
                "保姆业务熟练程度",
                "≥",
                95,
                "%",
                90,
                15,
                "13　",
                "保姆更换频率高",
            ],
            ["成本指标", "经济成本指标", "年度完成各项目工作费用", "≤", 25, "万元", "25　", 20, "20　", ""],
        ],
        total=[100, "　98"],
    )
    ds = read(workbook_bytes({"附表": [(papers, {"merge_level1": True}), (cloud, {"blank_level1": True})]}))
    first, second = ds.forms
    assert first.project == "学术交流活动业务经费" and second.project == "天府科技云服务项目"
    assert first.parts_total == 98.0 and first.weights_total == 100.0
    rows = {code: [f.sheet_row for f in first.findings if f.code == code] for code in codes(first)}
    quality, cost = first.indicators[1], first.indicators[6]
    assert rows["SCORE_OVER_WEIGHT"] == [quality.sheet_row]
    assert rows["TARGET_MET_BUT_DEDUCTED"] == [cost.sheet_row]
    assert rows["DEDUCTION_WITHOUT_REASON"] == [cost.sheet_row]  # "无" is not a reason
    assert "FORM_TOTAL_MISMATCH" not in rows and "LOW_EXECUTION_UNEXPLAINED" not in rows
    assert [i.level1 for i in second.indicators][3] == "效益指标"
    assert second.indicators[0].actual == 3.0 and second.budget_score == 10.0
    assert second.reported_total == 98.0 and second.parts_total == 98.0
    assert second.level1_rates()["satisfaction"] == pytest.approx(13 / 15 * 100)
    assert not [f for f in second.findings if f.severity == "error"]


def test_blank_level1_cells_are_filled_down_and_inferred():
    spec = FormSpec()
    ds = read(one_form(spec, blank_level1=True))
    assert [i.level1 for i in only(ds).indicators] == [r[0] for r in default_indicators()]
    # A 可持续影响 row with a blank 一级 cell right under 产出 rows is 效益, not 产出.
    spec = FormSpec()
    spec.indicators[3][0] = "效益指标"
    spec.indicators = [spec.indicators[k] for k in (0, 1, 2, 4, 5, 6)]
    spec.indicators[3][0] = ""
    spec.indicators[3][7] = spec.indicators[3][8] = 20
    form = only(read(one_form(spec)))
    assert form.indicators[3].level2 == "可持续影响指标"
    assert form.indicators[3].level1 == "效益指标"
    assert form.level1_rates()["benefit"] == 100.0


def test_header_repeated_after_a_page_break_continues_the_form():
    form = only(read(one_form(FormSpec(), repeat_header_after=4)))
    assert len(form.indicators) == 7
    assert form.reported_total == 99.5
    assert "FORM_TOTAL_MISMATCH" not in codes(form)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("＝", NATURE_EQ),
        ("=", NATURE_EQ),
        ("≥", NATURE_GE),
        (">=", NATURE_GE),
        ("＞", NATURE_GE),
        (">", NATURE_GE),
        ("≤", NATURE_LE),
        ("<=", NATURE_LE),
        ("＜", NATURE_LE),
        ("<", NATURE_LE),
        ("＞＝", NATURE_GE),
        ("正向指标", NATURE_GE),
        ("反向指标", NATURE_LE),
        ("定性", NATURE_QUAL),
        ("定性指标", NATURE_QUAL),
        ("不低于", NATURE_GE),
        ("不高于", NATURE_LE),
        ("不大于", NATURE_LE),
        ("大于等于", NATURE_GE),
        ("", None),
        ("其他", None),
    ],
)
def test_nature_signs_and_words(raw, expected):
    assert parse_nature(raw) == expected


def test_nature_from_the_target_cell():
    assert parse_nature("", "≥95%") == NATURE_GE
    assert parse_nature("", "95%以上") == NATURE_GE
    assert parse_nature("", "95") is None


def test_formula_scores():
    assert formula_score(NATURE_GE, 100, 80, 20)[0] == pytest.approx(16.0)
    assert formula_score(NATURE_GE, 100, 120, 20)[0] == pytest.approx(20.0)
    assert formula_score(NATURE_LE, 100, 125, 20)[0] == pytest.approx(16.0)
    assert formula_score(NATURE_LE, 100, 90, 20)[0] == pytest.approx(20.0)
    assert formula_score(NATURE_LE, 5, 0, 10)[0] == pytest.approx(10.0)  # 反向, 完成值 0: full marks
    assert formula_score(NATURE_EQ, 100, 100, 10)[0] == pytest.approx(10.0)
    assert formula_score(NATURE_EQ, 100, 90, 10)[0] == pytest.approx(9.0)
    assert formula_score(NATURE_EQ, 100, 110, 10)[0] == pytest.approx(9.0)
    assert formula_score(NATURE_QUAL, 100, 100, 10) == (None, "定性指标")
    assert formula_score(NATURE_GE, 100, None, 10)[0] is None
    assert formula_score(None, 100, 100, 10)[0] is None


def test_actual_values_percent_text_and_blank():
    spec = FormSpec()
    spec.indicators[1] = ["产出指标", "质量指标", "参会率", "≥", 80, "%", "89%", 10, 10, ""]
    spec.indicators[2] = ["产出指标", "时效指标", "按时完成", "≤", 1, "年", "按期完成", 10, 10, ""]
    spec.indicators[3] = ["效益指标", "社会效益指标", "受益人次", "≥", 1000, "人次", "", 10, 10, ""]
    spec.indicators[4] = ["效益指标", "可持续影响指标", "长期影响", "定性", "长期", "", "良好", 10, 10, ""]
    form = only(read(one_form(spec)))
    pct_row, text_row, blank_row, qual_row = form.indicators[1:5]
    assert pct_row.actual == 89.0 and pct_row.recomputable and pct_row.formula_score == pytest.approx(10.0)
    assert text_row.actual is None and not text_row.recomputable and text_row.score == 10.0
    assert blank_row.actual is None and not blank_row.recomputable
    assert qual_row.nature == NATURE_QUAL and not qual_row.recomputable
    [unparseable] = [f for f in form.findings if f.code == "UNPARSEABLE_VALUE"]
    assert "「按期完成」" in unparseable.message and unparseable.sheet_row == text_row.sheet_row
    assert unparseable.severity == "info"
    assert [f.sheet_row for f in form.findings if f.code == "ACTUAL_MISSING"] == [blank_row.sheet_row]
    # Reported scores are kept where the formula cannot run, so the formula total still adds up.
    assert form.formula_total == pytest.approx(99.5)


def test_percent_formatted_actual_is_read_as_percent():
    spec = FormSpec()
    spec.indicators[5] = ["满意度指标", "服务对象满意度指标", "满意度", "≥", 95, "%", 0.93, 10, 9, "宣传不够"]
    form = only(read(one_form(spec), "x.xlsx"))
    ind = form.indicators[5]
    assert ind.actual == pytest.approx(93.0)
    assert ind.formula_score == pytest.approx(93 / 95 * 10)
    assert "PERCENT_SCALED" in codes(form)


def test_amounts_in_yuan_are_converted_to_wan():
    spec = FormSpec(
        money_unit="元",
        budget=[1_000_000, 1_234_500, 1_000_000, "81.00%", 10, 8.1, "项目跨年实施，尾款次年支付"],
    )
    spec.total = [100, 98.1]
    form = only(read(one_form(spec)))
    assert form.amount_unit == "元"
    assert form.initial == pytest.approx(100.0)
    assert form.adjusted == pytest.approx(123.45)
    assert form.executed == pytest.approx(100.0)
    assert form.execution_rate == pytest.approx(1_000_000 / 1_234_500 * 100)
    assert "LOW_EXECUTION" in codes(form)
    assert "LOW_EXECUTION_UNEXPLAINED" not in codes(form)
    assert "RATE_MISMATCH" not in codes(form)
    table = forms_to_project_table(read(one_form(spec)))
    assert table.projects[m.BUDGET].tolist() == [pytest.approx(123.45)]
    assert table.source.amount_unit == "万元"


def test_duplicate_project_code_counts_money_once():
    main = FormSpec(label="51340099T000000000009-主项目", budget=[100, 100, 100, "100%", 10, 10, ""])
    main.total = [100, 100]
    sub = FormSpec(label="51340099T000000000009-子项目", budget=[30, 30, 30, "100%", 10, 10, ""])
    sub.total = [100, 100]
    other = FormSpec(label="51340099T000000000010-其他项目", budget=[20, 20, 20, "100%", 10, 10, ""])
    other.total = [100, 100]
    ds = read(workbook_bytes({"表1": [(sub, {})], "表2": [(main, {}), (other, {})]}))
    dup = {f.project: [x for x in f.findings if x.code == "DUPLICATE_PROJECT_CODE"] for f in ds.forms}
    assert len(dup["子项目"]) == 1 and len(dup["主项目"]) == 1 and dup["其他项目"] == []
    assert "30.00万元" in dup["子项目"][0].message and "不再重复计入" in dup["子项目"][0].message
    assert "100.00万元" in dup["子项目"][0].message
    assert "表1" in dup["子项目"][0].where
    table = forms_to_project_table(ds)
    budgets = dict(zip(table.projects[m.PROJECT], table.projects[m.BUDGET]))
    assert budgets["主项目"] == 100.0 and budgets["其他项目"] == 20.0 and math.isnan(budgets["子项目"])
    assert table.projects[m.BUDGET].sum() == pytest.approx(120.0)
    assert table.projects[m.REPORTED_SCORE].tolist() == [100.0, 100.0, 100.0]
    assert table.source.sheet == "多个工作表"
    summary = load_sheets(forms_summary_xlsx(ds), "s.xlsx")[0].rows
    total = next(r for r in summary if r[1] == "合计")
    assert total[2] == pytest.approx(120.0)
    assert any("子项目" in str(r[0]) and "不计入合计行" in str(r[0]) for r in summary)
    # the sub-project keeps its own amounts and rate in the 汇总表, with a note, and in the dashboard
    sub_row = next(r for r in summary if str(r[1]).startswith("子项目"))
    assert "金额已计入《主项目》" in sub_row[1] and sub_row[2] == pytest.approx(30.0)
    rates = dict(zip(table.projects[m.PROJECT], table.projects[m.OWN_RATE]))
    assert rates["子项目"] == pytest.approx(100.0) and math.isnan(rates["主项目"])
    from jixiao.summary.analysis import analyze

    a = analyze(table)
    row = a.projects[a.projects[m.PROJECT] == "子项目"].iloc[0]
    assert row[m.EXECUTION_RATE] == pytest.approx(100.0) and row["band"] != "none"
    assert row[m.MONEY_NOTE] == "金额已计入《主项目》"
    assert a.totals["budget"] == pytest.approx(120.0)  # still counted once


@pytest.mark.parametrize(
    ("reason", "flagged"), [("", True), ("无", True), ("/", True), ("经费不足，扣1分", False)]
)
def test_deduction_without_reason(reason, flagged):
    spec = FormSpec()
    spec.indicators[5] = ["满意度指标", "服务对象满意度指标", "满意度", "≥", 95, "%", 90, 10, 9, reason]
    spec.total = [100, 98.5]
    form = only(read(one_form(spec)))
    found = [f for f in form.findings if f.code == "DEDUCTION_WITHOUT_REASON"]
    assert bool(found) is flagged
    if flagged:
        assert found[0].sheet_row == form.indicators[5].sheet_row
        assert "扣 1 分" in found[0].message


@pytest.mark.parametrize(
    ("reason", "unexplained", "explained"),
    [
        ("", True, False),
        ("1.预算执行率=预算执行数/调整后预算数，预算执行率未达到90%的需说明原因（100字以内）", True, False),
        ("无", True, False),
        ("项目跨年实施，部分资金次年支付", False, True),
    ],
)
def test_low_execution_needs_a_reason(reason, unexplained, explained):
    spec = FormSpec(budget=[100, 100, 80, "80.00%", 10, 8, reason])
    spec.total = [100, 98]
    form = only(read(one_form(spec)))
    assert ("LOW_EXECUTION_UNEXPLAINED" in codes(form)) is unexplained
    assert ("LOW_EXECUTION" in codes(form)) is explained
    if unexplained:
        [f] = [f for f in form.findings if f.code == "LOW_EXECUTION_UNEXPLAINED"]
        assert "80.00%" in f.message and f.severity == "warning"


def test_rate_at_90_with_no_reason_is_fine():
    spec = FormSpec(budget=[100, 100, 90, "90.00%", 10, 9, ""])
    spec.total = [100, 99]
    assert only(read(one_form(spec))).findings == []


def test_weights_not_adding_to_100():
    spec = FormSpec()
    spec.indicators[2][7] = 15
    spec.indicators[2][8] = 15
    spec.total = [100, 104.5]
    form = only(read(one_form(spec)))
    [f] = [f for f in form.findings if f.code == "WEIGHTS_NOT_100"]
    assert "105" in f.message and "95" in f.message and f.severity == "error"
    assert "FORM_TOTAL_MISMATCH" not in codes(form)


def test_score_checks():
    spec = FormSpec()
    spec.indicators[0][8] = 22  # over its weight of 20
    spec.indicators[6] = ["成本指标", "经济成本指标", "培训费用", "≤", 100, "万元", 95, 20, 18, "支付较慢"]
    spec.indicators[3] = ["效益指标", "社会效益指标", "受益人次", "≥", 1000, "人次", 900, 10, 10, ""]
    spec.indicators.append(["产出指标", "数量指标", "培训人数", "≥", 100, "人", 100, 0, 0, ""])
    spec.total = [100, 99.5]
    form = only(read(one_form(spec)))
    by_row = {}
    for f in form.findings:
        by_row.setdefault(f.code, []).append(f.sheet_row)
    rows = [i.sheet_row for i in form.indicators]
    assert by_row["SCORE_OVER_WEIGHT"] == [rows[0]]
    assert by_row["TARGET_MET_BUT_DEDUCTED"] == [rows[6]]
    assert by_row["TARGET_MISSED_FULL_MARKS"] == [rows[3]]
    assert by_row["DUPLICATE_INDICATOR"] == [rows[7]]
    [missed] = [f for f in form.findings if f.code == "TARGET_MISSED_FULL_MARKS"]
    assert "900" in missed.message and "9" in missed.message


def test_printed_rate_that_disagrees():
    spec = FormSpec(budget=[100, 100, 95, "90.00%", 10, 9.5, ""])
    form = only(read(one_form(spec)))
    [f] = [
        f for f in form.findings if f.code == "RATE_MISMATCH" and f.sheet_row == form.budget_total.sheet_row
    ]
    assert "90.00%" in f.message and "95.00%" in f.message


def test_budget_score_and_parts_checks():
    spec = FormSpec(budget=[100, 100, 95, "95.00%", 10, 10, ""])
    spec.total = [100, 100]
    form = only(read(one_form(spec)))
    [f] = [f for f in form.findings if f.code == "BUDGET_SCORE_MISMATCH"]
    assert "10" in f.message and "9.5" in f.message
    assert "FORM_TOTAL_MISMATCH" not in codes(form)  # the parts total adds what was reported


def test_target_deviation_threshold_is_a_parameter():
    spec = FormSpec()
    spec.indicators[0] = ["产出指标", "数量指标", "培训人数", "≥", 100, "人", 140, 20, 20, ""]
    ds = read(one_form(spec))
    assert "TARGET_DEVIATION" in codes(ds)
    audit_dataset(ds, deviation=0.5)
    assert "TARGET_DEVIATION" not in codes(ds)
    ds = read(one_form(spec), deviation=0.3)
    assert "TARGET_DEVIATION" in codes(ds)


def test_form_without_indicator_block():
    wb = load_workbook(io.BytesIO(one_form(FormSpec(indicators=[], total=None))))
    ws = wb.active
    header = next(c.row for row in ws.iter_rows() for c in row if c.value == "一级指标")
    ws.delete_rows(header)
    buf = io.BytesIO()
    wb.save(buf)
    form = only(read(buf.getvalue()))
    [f] = [f for f in form.findings if f.code == "FORM_NO_INDICATORS"]
    assert f.severity == "error"
    assert form.adjusted == 100.0 and form.indicators == []


def test_form_in_a_csv_file():
    rows = [
        ["部门预算项目支出绩效自评表（2023年度）"],
        ["项目名称", "51340099T000000000001-CSV项目"],
        ["主管部门", "测试主管部门", "", "", "", "实施单位（盖章）", "测试实施单位"],
        [
            "预算执行情况（10分）",
            "年度预算数（万元）",
            "年初预算",
            "调整后预算数",
            "预算执行数",
            "预算执行率",
            "权重",
            "得分",
            "原因",
        ],
        ["", "总额", "50", "50", "50", "100.00%", "10", "10", ""],
        [
            "绩效指标（90分）",
            "一级指标",
            "二级指标",
            "三级指标",
            "指标性质",
            "指标值",
            "度量单位",
            "完成值",
            "权重",
            "得分",
            "未完成原因分析",
        ],
        ["", "产出指标", "数量指标", "场次", "≥", "5", "场", "5", "50", "50", ""],
        ["", "", "", "满意度", "≥", "90%", "%", "92%", "40", "40", ""],
        ["合计", "100", "100"],
        ["评价结论", "良好"],
    ]
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    form = only(read(buf.getvalue().encode("gb18030"), "forms.csv"))
    assert form.project == "CSV项目"
    assert form.adjusted == 50.0
    assert [i.level1 for i in form.indicators] == ["产出指标", "产出指标"]
    assert form.indicators[1].target == 90.0 and form.indicators[1].actual == 92.0
    assert form.conclusion == "良好"
    assert form.findings == []


# --- roll-up -------------------------------------------------------------------------------------------
def test_project_table_from_reference(reference):
    table = forms_to_project_table(reference)
    p = table.projects
    assert table.kind == m.KIND_SELFEVAL_FORMS
    assert list(p.columns) == [*m.PROJECT_COLUMNS, m.OWN_SCORE, m.OWN_POINTS, m.OWN_RATE, m.MONEY_NOTE]
    assert len(p) == 5
    assert p[m.PROJECT].tolist() == [
        "州本级单位缴费",
        "凉山州级科普专项经费",
        "凉山州科学技术协会换届选举项目",
        "科普宣传活动业务经费",
        "青少年科技活动",
    ]
    assert p[m.CODE].iloc[3] == "51340022T000000278904"
    assert p[m.UNIT].unique().tolist() == ["凉山州科学技术协会"]
    assert p[m.BUDGET].tolist() == pytest.approx([86.5, 148.0, 44.29, 12.0, 2.8])
    assert p[m.EXECUTED].sum() == pytest.approx(293.59)
    assert p[m.REPORTED_RATE].tolist() == pytest.approx([100.0] * 5)
    assert p[m.REPORTED_SCORE].tolist() == [100.0, 98.0, 99.0, 99.0, 100.0]
    row = p.iloc[3]
    assert row[m.RATE_COST] == pytest.approx(50.0)
    assert row[m.RATE_SATISFACTION] == pytest.approx(90.0)
    assert row[m.RATE_OUTPUT] == pytest.approx(100.0)
    assert row[m.RATE_BENEFIT] == pytest.approx(100.0)
    assert p[m.RATE_FUNDS].isna().all()
    assert p.iloc[0][m.NA_COMPONENTS] == ("funds", "satisfaction", "cost")
    assert row[m.NA_COMPONENTS] == ("funds",)
    assert p[m.SHEET_ROW].tolist() == [1] * 5
    assert table.source.sheet == "多个工作表"
    assert table.source.amount_unit == "万元"
    assert table.source.sheets == [f.sheet for f in reference.forms]
    assert table.totals.empty
    assert "FORM_TOTAL_MISMATCH" in [f.code for f in table.findings]


def test_summary_workbook_rereads_with_the_right_numbers(reference):
    data = forms_summary_xlsx(reference)
    rows = load_sheets(data, "汇总表.xlsx")[0].rows
    header = rows[1]
    assert tuple(header) == SUMMARY_HEADERS
    body = rows[2:7]
    assert [r[1] for r in body] == [f.name for f in reference.forms]
    assert [r[2] for r in body] == pytest.approx([86.5, 148.0, 44.29, 12.0, 2.8])
    assert [r[4] for r in body] == pytest.approx([1.0] * 5)
    kepu = body[3]
    assert kepu[5] == "/" and kepu[6] == pytest.approx(0.5) and kepu[9] == pytest.approx(0.9)
    assert kepu[10] == 99.0 and kepu[11] == "是"
    assert body[0][6] == "/" and body[0][11] == "否"
    total = rows[7]
    assert total[1] == "合计"
    assert total[2] == pytest.approx(293.59) and total[3] == pytest.approx(293.59)
    weighted = (86.5 * 100 + 148 * 98 + 44.29 * 99 + 12 * 99 + 2.8 * 100) / 293.59
    assert total[10] == pytest.approx(round(weighted, 2))
    ws = load_workbook(io.BytesIO(data)).active
    assert ws.freeze_panes == "A3"
    assert ws["E3"].number_format == "0.00%"
    assert ws["C3"].number_format == "0.00"
    assert ws["K3"].number_format == "0.00"


def test_summary_workbook_is_read_back_by_the_summary_reader(reference):
    from jixiao.summary.read import read_project_table

    table = read_project_table(load_sheets(forms_summary_xlsx(reference), "汇总表.xlsx"), "汇总表.xlsx")
    p = table.projects
    assert p[m.PROJECT].tolist() == [f.name for f in reference.forms]
    assert p[m.BUDGET].tolist() == pytest.approx([86.5, 148.0, 44.29, 12.0, 2.8])
    assert p[m.REPORTED_SCORE].tolist() == [100.0, 98.0, 99.0, 99.0, 100.0]
    assert p[m.RATE_COST].iloc[3] == pytest.approx(50.0)
    assert "funds" in p[m.NA_COMPONENTS].iloc[0]
    assert table.totals[m.TOTAL_KIND].tolist() == ["合计"]
    assert not [f for f in table.findings if f.severity == "error"]


def test_forms_doc_shape_and_rounding(reference):
    doc = forms_doc(reference)
    json.dumps(doc, ensure_ascii=False)
    assert len(doc) == 5
    kepu = doc[3]
    for key in (
        "sheet",
        "code",
        "project",
        "unit",
        "budget",
        "executed",
        "execution_rate",
        "reported_total",
        "parts_total",
        "formula_total",
        "weights_total",
        "indicators",
        "findings",
    ):
        assert key in kepu
    assert kepu["reported_total"] == 99.0 and kepu["parts_total"] == 89.0 and kepu["formula_total"] == 89.47
    assert kepu["budget"] == 12.0 and kepu["execution_rate"] == 100.0 and kepu["weights_total"] == 100.0
    ind = kepu["indicators"][5]
    assert set(ind) >= {
        "level1",
        "level2",
        "level3",
        "nature",
        "target",
        "unit",
        "actual",
        "weight",
        "reported_score",
        "formula_score",
        "recomputable",
        "reason",
    }
    assert ind["formula_score"] == 9.47 and ind["reported_score"] == 9.0 and ind["recomputable"] is True
    assert kepu["indicators"][2]["recomputable"] is False and kepu["indicators"][2]["formula_score"] is None
    assert {"severity": "error", "code": "FORM_TOTAL_MISMATCH"}.items() <= next(
        f for f in kepu["findings"] if f["code"] == "FORM_TOTAL_MISMATCH"
    ).items()


# --- bad input -------------------------------------------------------------------------------------------
def _summary_table_bytes() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "项目名称", "全年预算数（万元）", "全年执行数（万元）", "预算执行率", "自评得分"])
    ws.append([1, "项目一", 100, 90, "90%", 95])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_empty_workbook_is_an_ingest_error():
    wb = Workbook()
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(IngestError) as exc:
        read(buf.getvalue())
    assert "空" in exc.value.message


def test_a_sheet_that_is_not_a_form_is_an_ingest_error():
    with pytest.raises(IngestError) as exc:
        read(_summary_table_bytes())
    assert "没有找到项目支出绩效自评表" in exc.value.message


def test_garbage_bytes_are_an_ingest_error():
    with pytest.raises(IngestError) as exc:
        read(b"PK\x03\x04 this is not a workbook", "forms.xlsx")
    assert "Excel" in exc.value.message


def test_a_non_form_sheet_next_to_forms_is_skipped_with_a_note():
    wb = load_workbook(io.BytesIO(one_form()))
    ws = wb.create_sheet("说明")
    ws["A1"] = "填表说明：本表由财务科填写。"
    buf = io.BytesIO()
    wb.save(buf)
    ds = read(buf.getvalue())
    assert len(ds.forms) == 1
    [note] = [f for f in ds.findings if f.code == "SHEET_SKIPPED"]
    assert "说明" in note.message and note.severity == "info"


def test_text_in_number_cells_gives_findings_not_tracebacks():
    spec = FormSpec(budget=[100, "待定", 95, "百分百", 10, 9.5, ""])
    spec.indicators[0][7] = "二十"
    spec.indicators[0][8] = "满分"
    spec.total = [100, "九十九"]
    form = only(read(one_form(spec)))
    bad = [f for f in form.findings if f.code == "UNPARSEABLE_VALUE"]
    quoted = " ".join(f.message for f in bad)
    for raw in ("「待定」", "「百分百」", "「二十」", "「满分」", "「九十九」"):
        assert raw in quoted
    assert all(f.severity == "warning" for f in bad)
    assert form.adjusted is None and form.execution_rate is None
    assert form.indicators[0].weight is None and form.indicators[0].score is None
    forms_doc(read(one_form(spec)))  # and the roll-ups still work
    forms_summary_xlsx(read(one_form(spec)))


CELL = st.one_of(
    st.none(),
    st.integers(-1000, 1000),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6),
    st.sampled_from(["", "/", "无", "89%", "≥95%", "按期完成", "１２", "1,234.5", "—", "0", "=", "合计"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=6),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=st.lists(st.tuples(st.integers(0, 6), st.integers(3, 9), CELL), min_size=1, max_size=12))
def test_any_cell_values_never_raise_anything_but_findings(cells):
    spec = FormSpec()
    for row, col, value in cells:
        spec.indicators[row][col] = value
    try:
        ds = read(one_form(spec))
    except IngestError:
        return
    forms_to_project_table(ds)
    json.dumps(forms_doc(ds), ensure_ascii=False)
