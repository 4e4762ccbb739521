"""自评表 targets and results that carry units (≤5次, ≥3万人次, 363 with 次（项）) and the 财政部 template's
年度总体目标 block, which is text."""

from __future__ import annotations

import io

import pytest
from form_layouts import FormSpec, one_form
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from jixiao.forms.compute import NATURE_GE, NATURE_LE
from jixiao.forms.labels import compare_units, parse_quantity
from jixiao.forms.read import read_forms


@pytest.mark.parametrize(
    ("raw", "unit", "value", "written", "comparator"),
    [
        ("≤5次", "", 5.0, "次", NATURE_LE),
        ("＞2年", "", 2.0, "年", NATURE_GE),
        ("≥3项", "", 3.0, "项", NATURE_GE),
        ("≥25场", "", 25.0, "场", NATURE_GE),
        ("≥3万人次", "", 3.0, "万人次", NATURE_GE),
        ("16.2万人次", "", 16.2, "万人次", None),
        ("363", "次（项）", 363.0, "次(项)", None),
        (363, "次（项）", 363.0, "次(项)", None),
        ("30场左右", "", 30.0, "场", None),
        ("60余篇", "", 60.0, "篇", None),
        ("≥95%", "", 95.0, "%", NATURE_GE),
        ("1,234.5元", "", 1234.5, "元", None),
    ],
)
def test_quantities_are_comparator_number_and_unit(raw, unit, value, written, comparator):
    q = parse_quantity(raw, unit)
    assert q.ok and q.value == value and q.unit == written and q.comparator == comparator


@pytest.mark.parametrize("raw", ["约20万", "约3000人次", "全年", "2023年12月底前"])
def test_text_is_not_a_quantity(raw):
    q = parse_quantity(raw, "")
    assert not q.ok and q.value is None


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.one_of(st.text(max_size=12), st.floats(allow_nan=True), st.integers()),
    st.one_of(st.text(max_size=12), st.floats(allow_nan=True), st.integers()),
    st.text(max_size=6),
)
def test_any_target_actual_and_unit_parse_without_raising(target, actual, unit):
    t, a = parse_quantity(target, unit), parse_quantity(actual, unit)
    for q in (t, a):
        assert q.ok or q.value is None
    t_value, a_value, note = compare_units(t, a, unit)
    assert note == "" or note.startswith("单位不一致")


@pytest.mark.parametrize(
    ("target", "actual", "unit", "expected"),
    [
        ("≥3万人次", "16.2万人次", "", (3.0, 16.2)),  # both in 万人次
        ("≥30000人次", "16.2万人次", "", (30000.0, 162000.0)),  # 万 as a multiplier
        (30000, "3.2万人次", "人次", (30000.0, 32000.0)),  # the 度量单位 column sets the scale
        (15, "16.2万人次", "万人次", (15.0, 16.2)),
        ("≥300项", "363", "次（项）", (300.0, 363.0)),  # 项 is one of 次（项）
        ("≤0.8万元", "7000元", "", (0.8, 0.7)),
        ("≥95%", "98%", "百分比", (95.0, 98.0)),  # 百分比 is %
        ("≥25场", "28场次", "", (25.0, 28.0)),
    ],
)
def test_units_that_agree_are_compared_in_one_scale(target, actual, unit, expected):
    t, a, note = compare_units(parse_quantity(target, unit), parse_quantity(actual, unit), unit)
    assert note == ""
    assert (t, a) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("target", "actual", "unit", "note"),
    [
        ("≥25场", "18次", "", "单位不一致（指标值「场」，完成值「次」）"),
        ("≥100人", "120人次", "", "单位不一致（指标值「人」，完成值「人次」）"),
        (5, "3项", "次", "单位不一致（指标值「次」，完成值「项」）"),
    ],
)
def test_units_that_disagree_are_said(target, actual, unit, note):
    assert compare_units(parse_quantity(target, unit), parse_quantity(actual, unit), unit)[2] == note


def _unit_form(indicators):
    return read_forms(one_form(FormSpec(indicators=indicators, total=[100, None])), "units.xlsx").forms[0]


def test_form_with_unit_targets_recomputes_them():
    form = _unit_form(
        [
            ["产出指标", "数量指标", "培训次数", "", "≤5次", "", "4次", 20, 20, ""],
            ["产出指标", "数量指标", "活动场次", "", "≥25场", "", "20场", 20, 20, ""],
            ["产出指标", "时效指标", "完成时限", "", "＞2年", "", "3年", 10, 10, ""],
            ["效益指标", "社会效益指标", "受益人次", "", "≥3万人次", "", "2.4万人次", 20, 16, "宣传不足"],
            ["效益指标", "社会效益指标", "服务次数", "≥", 300, "次（项）", "363", 10, 10, ""],
            ["满意度指标", "服务对象满意度指标", "满意度", "", "≥3项", "", "3项", 10, 10, ""],
        ]
    )
    scores = {i.level3: i.formula_score for i in form.indicators}
    assert scores == pytest.approx(
        {
            "培训次数": 20.0,
            "活动场次": 16.0,
            "完成时限": 10.0,
            "受益人次": 16.0,
            "服务次数": 10.0,
            "满意度": 10.0,
        }
    )
    units = {i.level3: i.shown_unit for i in form.indicators}
    assert units["受益人次"] == "万人次" and units["服务次数"] == "次（项）"
    by_code = {f.code: f for f in form.findings}
    # 20场 of ≥25场 given full marks, the formula says 16
    assert "完成值 20场 未达到指标值 ≥25场（按公式应得 16 分）" in by_code["TARGET_MISSED_FULL_MARKS"].message
    assert "UNPARSEABLE_VALUE" not in by_code and "UNIT_MISMATCH" not in by_code


def test_form_with_units_that_disagree_keeps_the_reported_score_and_says_why():
    form = _unit_form(
        [
            ["产出指标", "数量指标", "活动场次", "", "≥25场", "", "18次", 40, 30, "场地改造"],
            ["效益指标", "社会效益指标", "受益人次", "", "≥3万人次", "", "5万人次", 50, 50, ""],
        ]
    )
    first = form.indicators[0]
    assert (
        first.formula_score is None
        and first.not_recomputable_reason == "单位不一致（指标值「场」，完成值「次」）"
    )
    mismatch = [f for f in form.findings if f.code == "UNIT_MISMATCH"]
    assert len(mismatch) == 1 and mismatch[0].severity == "info"
    assert "「≥25场」" in mismatch[0].message and "「18次」" in mismatch[0].message
    # no deviation from comparing 场 with 次; the 5万 of ≥3万 is one
    deviations = [f for f in form.findings if f.code == "TARGET_DEVIATION"]
    assert [d.sheet_row for d in deviations] == [form.indicators[1].sheet_row]
    assert "完成值 5万人次 超出指标值 3万人次 66.67%" in deviations[0].message


def _mof_project_form() -> bytes:
    """The 财政部 项目支出绩效自评表 template: 年度总体目标 with 预期目标 / 实际完成情况 between the money
    and the indicators, 年度指标值 / 实际完成值 with units in the cells, 总分 at the foot."""
    wb = Workbook()
    ws = wb.active
    rows = [
        ["项目支出绩效自评表"],
        ["（2023年度）"],
        ["项目名称", "科普惠农兴村计划"],
        ["主管部门", "益阳市赫山区科学技术协会", "", "", "实施单位", "赫山区科技创新创业服务中心"],
        ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["", "年度资金总额", 16, 16, 15.2, 10, "95.00%", 9.5],
        ["", "其中：当年财政拨款", 16, 16, 15.2, "—", "95.00%", "—"],
        ["", "上年结转资金", 0, 0, 0, "—", "", "—"],
        ["年度总体目标", "预期目标", "", "", "", "实际完成情况"],
        [
            "",
            "开展科普惠农活动不少于25场，培训农民3万人次。",
            "",
            "",
            "",
            "开展活动30场，培训农民3.6万人次。",
        ],
        [
            "绩效指标",
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ],
        ["", "产出指标", "数量指标", "科普惠农活动场次", "≥25场", "30场", 30, 30, ""],
        ["", "产出指标", "质量指标", "培训人次", "≥3万人次", "3.6万人次", 20, 20, ""],
        ["", "效益指标", "社会效益指标", "受益农户", "≥800户", "860户", 30, 30, ""],
        ["", "满意度指标", "服务对象满意度指标", "农户满意度", "≥90%", "94%", 10, 10, ""],
        ["总分", "", "", "", "", "", 100, 99.5, ""],
    ]
    for row in rows:
        ws.append(row)
    ws.merge_cells("A9:A10")
    ws.merge_cells("B9:E9")
    ws.merge_cells("F9:I9")
    ws.merge_cells("B10:E10")
    ws.merge_cells("F10:I10")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_mof_template_goal_block_is_text_not_an_unparseable_number():
    ds = read_forms(_mof_project_form(), "mof.xlsx")
    form = ds.forms[0]
    codes = [f.code for f in ds.all_findings()]
    assert "UNPARSEABLE_VALUE" not in codes
    assert codes == []  # clean: 9.5 + 90 = 99.5, weights 100, every target met
    assert form.goal_expected == "开展科普惠农活动不少于25场，培训农民3万人次。"
    assert form.goal_actual == "开展活动30场，培训农民3.6万人次。"
    assert [line.label for line in form.budget_lines] == [
        "年度资金总额",
        "其中：当年财政拨款",
        "上年结转资金",
    ]
    assert (form.adjusted, form.executed, form.reported_total) == (16.0, 15.2, 99.5)
    assert [(i.target, i.actual, i.shown_unit) for i in form.indicators] == [
        (25.0, 30.0, "场"),
        (3.0, 3.6, "万人次"),
        (800.0, 860.0, "户"),
        (90.0, 94.0, "%"),
    ]
    assert form.formula_total == pytest.approx(99.5)
