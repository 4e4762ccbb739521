"""The reference workbook gives exactly the expected figures, and the same table written in other
real habits (hypothesis picks the habits) reads back to the same figures."""

from __future__ import annotations

import io
import json
import statistics
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from jixiao import model as m
from jixiao.read import read_dataset
from jixiao.report import inspect_bytes
from jixiao.summary.analysis import analyze
from jixiao.summary.units import ASSUMED_YUAN_MEDIAN
from tests.layouts import Layout, Project, henan_score, render

ROOT = Path(__file__).resolve().parent.parent
HENAN = ROOT / "sample_data" / "henan_2023_summary.xlsx"
EXPECTED = json.loads((ROOT / "tests" / "data" / "henan_2023_summary.expected.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def henan_doc():
    return inspect_bytes(HENAN.read_bytes(), HENAN.name)


def _by_seq(doc):
    return {int(r["seq"]): r for r in doc["rows"]}


def test_reference_totals_and_means(henan_doc):
    assert henan_doc["kind"] == "project_table"
    assert henan_doc["projects"] == EXPECTED["projects"]
    assert henan_doc["totals"]["budget"] == EXPECTED["budget_total"]
    assert henan_doc["totals"]["executed"] == EXPECTED["executed_total"]
    assert henan_doc["totals"]["execution_rate"] == EXPECTED["execution_rate_total_percent"]
    assert henan_doc["scores"]["mean_simple"] == EXPECTED["score_mean_simple"]
    assert henan_doc["scores"]["mean_budget_weighted"] == EXPECTED["score_mean_budget_weighted"]
    assert henan_doc["scores"]["share_90_plus"] == EXPECTED["share_scoring_90_or_more_percent"]


def test_reference_rows(henan_doc):
    rows = _by_seq(henan_doc)
    assert [rows[i]["execution_rate"] for i in sorted(rows)] == EXPECTED["execution_rate_percent_by_row"]
    low = sorted(i for i, r in rows.items() if any(f["code"] == "LOW_EXECUTION" for f in r["flags"]))
    assert low == EXPECTED["rows_below_90_percent_execution"]
    self_flagged = sorted(i for i, r in rows.items() if r["self_flag"])
    assert self_flagged == EXPECTED["rows_flagged_large_deviation_in_table"]
    # Row 4 says 否 while its 产出 得分率 is 99.75%: the rules call that a deviation.
    assert [f["code"] for f in rows[4]["flags"]] == ["INDICATOR_SHORTFALL", "SELF_FLAG_MISMATCH"]
    for row in rows.values():
        for flag in row["flags"]:
            assert flag["reason"] and any("\u4e00" <= ch <= "\u9fff" for ch in flag["reason"])


def test_reference_scheme_reproduces_every_score(henan_doc):
    scheme = henan_doc["scheme"]
    weights = EXPECTED["score_weights_that_reproduce_the_table"]
    assert scheme["name"] == "henan"
    assert scheme["reproduced_rows"] == 15
    assert scheme["weights"]["execution"] == weights["预算执行率"]
    assert scheme["weights"]["funds"] == weights["资金管理"]
    assert scheme["weights"]["output"] == weights["产出"]
    assert scheme["weights"]["benefit"] + scheme["weights"]["satisfaction"] == weights["效益+满意度"]
    assert scheme["weights"]["cost"] == weights["成本"]
    for row in henan_doc["rows"]:
        assert row["computed_score"] == row["reported_score"]


def test_reference_findings(henan_doc):
    findings = henan_doc["findings"]
    rate_mismatch = [f for f in findings if f["code"] == "RATE_MISMATCH"]
    assert len(rate_mismatch) == 1
    assert "因公出国" in rate_mismatch[0]["where"] and "100.00%" in rate_mismatch[0]["message"]
    assert "99.81%" in rate_mismatch[0]["message"]
    no_pct = [f for f in findings if f["code"] == "RATE_WITHOUT_PERCENT"]
    assert len(no_pct) == 1 and "中国工程科技发展战略河南研究院共建项目" in no_pct[0]["where"]
    assert "80.34" in no_pct[0]["message"]
    weighted = [f for f in findings if f["code"] == "TOTAL_SCORE_IS_WEIGHTED_MEAN"]
    assert len(weighted) == 1 and "96.39" in weighted[0]["message"] and "92.06" in weighted[0]["message"]
    assert not [f for f in findings if f["code"] in ("TOTAL_MISMATCH", "SCORE_MISMATCH", "UNPARSEABLE_VALUE")]
    # Rows 7 and 15 share a name with different money: said, not merged.
    dup = [f for f in findings if f["code"] == "DUPLICATE_PROJECT"]
    assert len(dup) == 1 and "金额不同" in dup[0]["message"]


def test_legacy_xls_with_units_subtotals_and_yuan():
    data = (ROOT / "tests" / "data" / "henan_units_legacy.xls").read_bytes()
    doc = inspect_bytes(data, "henan_units_legacy.xls")
    assert doc["source"]["sheet"] == "汇总表"  # the table is on the second sheet
    assert doc["source"]["header_rows"] == [3, 4]
    assert doc["source"]["amount_unit"] == "元"
    assert doc["totals"] == {"budget": 7863.66, "executed": 6780.62, "execution_rate": 86.23}
    assert doc["scores"]["mean_budget_weighted"] == 96.39
    assert [u["unit"] for u in doc["units"]] == ["科协机关", "科协事业", "河南省科技馆"]
    assert sum(u["projects"] for u in doc["units"]) == 15
    assert [t["kind"] for t in doc["reported_totals"]] == ["小计", "小计", "小计", "合计"]
    assert not [f for f in doc["findings"] if f["code"] == "TOTAL_MISMATCH"]


def _xlsx(rows, merges=()):
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(list(r))
    for rng in merges:
        ws.merge_cells(rng)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_total_and_subtotal_mismatch_is_found():
    data = _xlsx(
        [
            ("项目名称", "单位", "预算数（万元）", "执行数（万元）", "执行率"),
            ("甲", "科协本级", 100, 90, "90.00%"),
            ("乙", None, 50, 50, "100.00%"),
            ("科协本级小计", None, 150, 140, "93.33%"),
            ("丙", "科技馆", 10, 5, "50.00%"),
            ("科技馆小计", None, 10, 6, "60.00%"),
            ("合计", None, 161, 145, "90.60%"),
        ],
        merges=["B2:B3"],
    )
    doc = inspect_bytes(data, "t.xlsx")
    mismatch = [f for f in doc["findings"] if f["code"] == "TOTAL_MISMATCH"]
    messages = " ".join(f["message"] for f in mismatch)
    assert len(mismatch) == 2, mismatch
    assert "科技馆小计" in messages and "6.00" in messages and "5.00" in messages
    assert "161.00" in messages and "160.00" in messages
    assert [u["unit"] for u in doc["units"]] == ["科协本级", "科技馆"]
    # 科技馆小计 printed 60.00% is right for its own (wrong) amounts; 合计 90.60% is not 145/161 (90.06%).
    rate = [f for f in doc["findings"] if f["code"] == "RATE_MISMATCH"]
    assert (
        len(rate) == 1
        and "合计" in rate[0]["where"]
        and "90.60%" in rate[0]["message"]
        and "90.06%" in rate[0]["message"]
    )


def _projects(amounts, unit="科协本级"):
    out = []
    for i, (b, e) in enumerate(amounts):
        p = Project(unit, f"项目{i + 1}", float(b), float(e), 1.0, 1.0, 1.0, 1.0, 0.0, False)
        p.score = round(henan_score(p), 2)
        out.append(p)
    return out


# --- property: any habit, same figures ----------------------------------------------------------

money = st.integers(min_value=1, max_value=5_000_000).map(lambda c: c / 100)
fractions = st.sampled_from([1.0, 1.0, 0.9475, 0.95, 0.9, 0.5, 0.0])


@st.composite
def project_lists(draw):
    units = draw(
        st.lists(
            st.sampled_from(["科协本级", "科工中心", "进修学院", "科技馆"]),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    projects = []
    for u in units:
        for k in range(draw(st.integers(min_value=1, max_value=4))):
            budget = draw(money)
            share = draw(st.sampled_from([0.0, 0.5, 0.8, 0.8999, 0.95, 1.0, 1.1]))
            executed = round(budget * share, 2)
            p = Project(
                u,
                f"{u}项目{k + 1}",
                budget,
                executed,
                draw(fractions),
                draw(fractions),
                draw(fractions),
                draw(fractions),
                0.0,
                draw(st.booleans()),
            )
            p.score = round(henan_score(p), 2)
            projects.append(p)
    return projects


@st.composite
def layouts(draw):
    fmt = draw(st.sampled_from(["xlsx", "xlsx", "csv-utf8", "csv-utf8-sig", "csv-gbk"]))
    amount_unit = draw(st.sampled_from(["万元", "元"]))
    unit_where = draw(
        st.sampled_from(["header", "line"] if amount_unit == "元" else ["header", "line", "none"])
    )
    return Layout(
        fmt=fmt,
        title_rows=draw(st.integers(0, 2)),
        amount_unit=amount_unit,
        unit_where=unit_where,
        rate_style=draw(st.sampled_from(["fraction", "text_pct", "number_pct"])),
        order_seed=draw(st.integers(0, 10_000)),
        synonym_seed=draw(st.integers(0, 10_000)),
        two_row_header=draw(st.booleans()),
        unit_column=draw(st.booleans()),
        merge_units=draw(st.booleans()),
        subtotals=draw(st.booleans()),
        grand_total=draw(st.sampled_from(["bottom", "top", "none"])),
        notes=draw(st.booleans()),
        second_sheet=fmt == "xlsx" and draw(st.booleans()),
        blank_row=draw(st.booleans()),
        prior_columns=draw(st.booleans()),
        initial_budget=draw(st.booleans()),
        hidden_rows=fmt == "xlsx" and draw(st.booleans()),
        hidden_column=fmt == "xlsx" and draw(st.booleans()),
        unit_block=draw(st.sampled_from(["none", "none", "above", "below"])),
        parent_rows=draw(st.sampled_from(["none", "none", "其中", "numbered"])),
        points=draw(st.booleans()),
        signature=draw(st.booleans()),
    )


@settings(
    max_examples=int(__import__("os").environ.get("JX_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(projects=project_lists(), layout=layouts())
def test_any_layout_reads_to_the_same_figures(projects, layout):
    data, name = render(projects, layout)
    a = analyze(read_dataset(data, name).table)
    got = a.projects
    assert len(got) == len(projects), layout
    assert [str(x) for x in got[m.PROJECT]] == [p.name for p in projects]
    # No unit written and a median project over 1 亿元 if read as 万元: the documented rule reads 元
    # (units.amount_factors), with a warning; a written unit is never second-guessed this way.
    assumed_yuan = any(f.code == "AMOUNT_UNIT_ASSUMED" and f.severity == "warning" for f in a.table.findings)
    budgets = sorted(p.budget for p in projects)
    if layout.unit_where != "none":
        assert not assumed_yuan
    elif statistics.median(budgets) > ASSUMED_YUAN_MEDIAN and layout.parent_rows == "none":
        # (a parent row's sum counts in the median the unit is decided on: a unit's two projects of
        # 0.01 give a parent of 0.02, which can pull the median under the line)
        assert assumed_yuan
    elif assumed_yuan:
        assert layout.parent_rows != "none" or layout.unit_block != "none", "元 assumed from projects alone"
    scale = 10000 if assumed_yuan else 1
    assert (got[m.BUDGET] * scale).round(2).tolist() == [p.budget for p in projects]
    assert (got[m.EXECUTED] * scale).round(2).tolist() == [p.executed for p in projects]
    for rate, p in zip(got[m.EXECUTION_RATE], projects):
        assert abs(rate - p.executed / p.budget * 100) < 1e-6
    total_budget = sum(p.budget for p in projects)
    total_exec = sum(p.executed for p in projects)
    assert abs(a.totals["budget"] * scale - total_budget) < 1e-6
    assert abs(a.totals["execution_rate"] - total_exec / total_budget * 100) < 1e-6
    assert a.choice.reproduced == len(projects)
    simple = sum(p.score for p in projects) / len(projects)
    weighted = sum(p.score * p.budget for p in projects) / total_budget
    assert abs(a.scores["mean_simple"] - simple) < 1e-6
    assert abs(a.scores["mean_budget_weighted"] - weighted) < 1e-6
    for flags, p in zip(got[m.FLAGS], projects):
        codes = {f.code for f in flags}
        assert ("LOW_EXECUTION" in codes) == (p.executed / p.budget * 100 < 90 - 1e-9)
        assert ("OVER_EXECUTION" in codes) == (p.executed > p.budget)
        short = min(p.funds, p.output, p.benefit, p.satisfaction) < 1
        assert ("INDICATOR_SHORTFALL" in codes) == short
    if layout.unit_column or layout.subtotals:
        # a 单位 column, or (without one) the "XX小计" rows name each project's unit
        units = list(dict.fromkeys(p.unit for p in projects))
        assert a.units["unit"].tolist() == units
        assert a.units["projects"].tolist() == [sum(1 for p in projects if p.unit == u) for u in units]
    codes = {f.code for f in a.findings}
    assert not codes & {
        "TOTAL_MISMATCH",
        "RATE_MISMATCH",
        "UNPARSEABLE_VALUE",
        "RATE_WITHOUT_PERCENT",
        "SCORE_MISMATCH",
    }, [f for f in a.findings if f.severity != "info"]
    assert a.table.source.amount_unit == ("元" if assumed_yuan else layout.amount_unit)


def test_unit_heading_rows_in_the_first_column_and_yuan_with_two_row_header():
    """唐山-style: the table on a second sheet, 金额单位：元 above a two-row header, units as heading
    rows written in the 序号 column, 小计 per unit, 支出进度 as text, notes and signatures below."""
    wb = Workbook()
    wb.active["A1"] = "封面"
    ws = wb.create_sheet("项目明细")
    for r in [
        ["2023年度某市科学技术协会部门预算项目执行情况表"],
        ["", "", "", "", "", "金额单位：元"],
        ["序号", "项目", "预算执行情况", None, None, "是否有较大偏差"],
        [None, None, "调整预算数", "实际执行数", "支出进度", None],
        ["一、科协本级"],
        [1, "科技工作者之家建设活动", 100000, 60000, "60%", "是"],
        [2, "唐山市总工会房屋租金", 8325200, 8025100, "96.3%", "否"],
        ["", "科协本级小计", 8425200, 8085100, "", ""],
        ["二、科工中心"],
        [1, "其他交通费", 12800, 6400, "50%", "否"],
        ["", "科工中心小计", 12800, 6400, "", ""],
        ["", "合计", 8438000, 8091500, "95.89%", ""],
        [],
        ["注：支出进度=实际执行数/调整预算数。"],
        ["填报人：李四", "", "审核人：王五"],
    ]:
        ws.append(r)
    for rng in ("A3:A4", "B3:B4", "C3:E3", "F3:F4"):
        ws.merge_cells(rng)
    buf = io.BytesIO()
    wb.save(buf)
    doc = inspect_bytes(buf.getvalue(), "tangshan.xlsx")
    assert doc["source"]["sheet"] == "项目明细" and doc["source"]["amount_unit"] == "元"
    assert doc["source"]["header_rows"] == [3, 4]
    assert [(u["unit"], u["projects"]) for u in doc["units"]] == [("科协本级", 2), ("科工中心", 1)]
    assert doc["totals"] == {"budget": 843.8, "executed": 809.15, "execution_rate": 95.89}
    by_name = {r["project"]: r for r in doc["rows"]}
    assert [f["code"] for f in by_name["其他交通费"]["flags"]] == ["LOW_EXECUTION", "SELF_FLAG_MISMATCH"]
    codes = [f["code"] for f in doc["findings"]]
    assert "TOTAL_MISMATCH" not in codes
    # 96.3% printed for 802.51 / 832.52 = 96.395…%: one decimal printed, off by truncation
    rounding = [f for f in doc["findings"] if f["code"] == "RATE_MISMATCH"]
    assert len(rounding) == 1 and rounding[0]["severity"] == "info" and "96.40%" in rounding[0]["message"]
