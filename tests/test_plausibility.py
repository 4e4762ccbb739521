"""Numbers as people type them are read; numbers that cannot be real are refused, named, and left out
of every total and mean (issue 11 point 3, issue 12 point 3)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao import model as m
from jixiao.ingest import values as v
from jixiao.ingest.workbook import Sheet
from jixiao.report import analysis_doc
from jixiao.summary import columns
from jixiao.summary.analysis import analyze
from jixiao.summary.read import read_project_table

HEADER = [
    "序号",
    "项目名称",
    "全年预算数（万元）",
    "全年执行数（万元）",
    "预算执行率",
    "产出指标得分率",
    "自评得分",
]


def _table(rows: list[list[object]]):
    grid = [["2023年度项目单位自评汇总表"], HEADER, *rows]
    grid = [r + [""] * (len(HEADER) - len(r)) for r in grid]  # padded, as every reader hands sheets over
    return read_project_table([Sheet(name="汇总表", rows=grid)], "t.xlsx")


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("96.32分", 96.32),
        ("100 分", 100.0),
        ("９６.３２", 96.32),
        ("1,234.56", 1234.56),
        ("２１,１９０,０００.００", 21190000.0),
        ("９６．３２分", 96.32),
    ],
)
def test_numbers_as_people_type_them(typed, number):
    assert v.parse_number(typed) == (number, v.OK)
    assert v.parse_rate(typed)[:2] == (number, v.OK)


def test_percent_with_a_space_and_unreadable_text():
    assert v.parse_rate("98.75 %")[:3] == (98.75, v.OK, True)
    assert v.parse_number("约20万") == (None, v.BAD)
    assert v.parse_number("1e400") == (None, v.BAD)
    assert v.parse_number(math.inf) == (None, v.BAD)
    assert v.parse_rate(-math.inf)[1] == v.BAD


def test_a_table_typed_by_hand_reads_to_numbers():
    table = _table(
        [
            [1, "科普活动", "２１,１９０.００", "1,234.56", "98.75 %", "９６.３２%", "96.32分"],
            [2, "学会建设", 100, 50, "50%", "100 %", "100 分"],
            [3, "培训", 10, 5, "50%", "100%", "约95分"],
        ]
    )
    p = table.projects
    assert p[m.BUDGET].tolist() == [21190.0, 100.0, 10.0]
    assert p[m.EXECUTED].tolist()[0] == 1234.56
    assert p[m.REPORTED_RATE].tolist()[0] == 98.75
    assert p[m.RATE_OUTPUT].tolist()[:2] == [96.32, 100.0]
    assert p[m.REPORTED_SCORE].tolist()[:2] == [96.32, 100.0] and math.isnan(p[m.REPORTED_SCORE].iloc[2])
    bad = [f for f in table.findings if f.code == "UNPARSEABLE_VALUE"]
    assert len(bad) == 1 and "约95分" in bad[0].message and bad[0].sheet_row == 5


def test_an_impossible_amount_is_named_and_left_out_of_the_totals():
    table = _table(
        [
            [1, "科普活动", 100, 90, "90%", "100%", 95],
            [2, "学会建设", "1e308", 50, "", "100%", 1000],
            [3, "培训", 200, "inf", "", "130%", 90],
        ]
    )
    a = analyze(table)
    found = [f for f in a.findings if f.code == "IMPLAUSIBLE_VALUE"]
    assert {(f.sheet_row, f.field) for f in found} == {
        (4, m.BUDGET),
        (4, m.REPORTED_SCORE),
        (5, m.EXECUTED),
        (5, m.RATE_OUTPUT),
    }
    by_cell = {(f.sheet_row, f.field): f for f in found}
    assert "第4行「学会建设」，列「全年预算数(万元)」" in by_cell[(4, m.BUDGET)].where
    assert "“1e308”" in by_cell[(4, m.BUDGET)].message and "剔除" in by_cell[(4, m.BUDGET)].message
    assert "“inf”" in by_cell[(5, m.EXECUTED)].message
    assert "“130%”" in by_cell[(5, m.RATE_OUTPUT)].message
    # left out of the figures: the total budget is 100 + 200, the mean score is of 95 and 90 only
    assert a.totals["budget"] == 300.0 and a.totals["executed"] == 140.0
    assert a.scores["mean_simple"] == 92.5 and a.scores["scored_projects"] == 2
    # said once, not again as "missing"
    assert not [f for f in a.findings if f.code in ("BUDGET_MISSING", "EXECUTED_MISSING")]
    assert a.excluded_values == 4
    assert analysis_doc(a)["excluded_values"] == 4


def test_an_impossible_total_row_is_left_out_too():
    table = _table([[1, "科普活动", 100, 90, "90%", "100%", 95], ["", "合计", 1e13, 90, "9000%", "", ""]])
    found = [f for f in table.findings if f.code == "IMPLAUSIBLE_VALUE"]
    assert {(f.sheet_row, f.field) for f in found} == {(4, m.BUDGET), (4, m.REPORTED_RATE)}
    t = table.totals.iloc[0]
    assert t[m.BUDGET] is None or math.isnan(t[m.BUDGET])


amounts = st.floats(allow_nan=False, allow_infinity=True, min_value=-1e300, max_value=math.inf)


@settings(max_examples=200, deadline=None)
@given(amounts, st.sampled_from([1.0, 0.0001]))
def test_amount_bound(x, factor):
    issues: list[columns.Issue] = []
    out = columns.amount_column([x, 1.0], m.BUDGET, factor, issues)
    beyond = not math.isfinite(x) or abs(x * factor) > columns.MAX_AMOUNT
    assert math.isnan(out[0]) == beyond
    assert [i.code for i in issues] == (["IMPLAUSIBLE_VALUE"] if beyond else [])
    if not beyond:
        assert out[0] == x * factor
    assert out[1] == factor  # the plausible cell beside it is untouched


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6))
def test_score_bound(score):
    issues: list[columns.Issue] = []
    out = columns.amount_column([score, f"{score}分"], m.REPORTED_SCORE, 1.0, issues)
    outside = not (-1e-6 <= score <= 100 + 1e-6)
    assert [math.isnan(x) for x in out] == [outside, outside]
    assert len(issues) == (2 if outside else 0)
    assert all(i.code == "IMPLAUSIBLE_VALUE" and "0–100" in i.what for i in issues)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-300_000, max_value=300_000))
def test_rate_and_component_bounds(hundredths):
    pct = hundredths / 100
    text = f"{pct:.2f}%"
    for field, low, high in (
        (m.REPORTED_RATE, -columns.MAX_RATE, columns.MAX_RATE),
        (m.RATE_OUTPUT, 0.0, 100.0),
    ):
        issues: list[columns.Issue] = []
        rc = columns.rate_column([text, "50.00%"], field, issues)
        outside = not (low - 1e-6 <= pct <= high + 1e-6)
        assert math.isnan(rc.values[0]) == outside
        assert [i.code for i in issues] == (["IMPLAUSIBLE_VALUE"] if outside else [])
        assert rc.values[1] == 50.0


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["inf", "-inf", "Infinity", "NaN", "nan", "1e400", "-1e999", "1e400%"]))
def test_non_finite_text_is_implausible_not_unreadable(text):
    issues: list[columns.Issue] = []
    out = columns.amount_column([text], m.EXECUTED, 1.0, issues)
    assert math.isnan(out[0])
    assert [i.code for i in issues] == ["IMPLAUSIBLE_VALUE"] and issues[0].raw == text.strip()


any_cell = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.booleans(),
    st.sampled_from(
        [
            "",
            " ",
            "/",
            "—",
            "96.32分",
            "1,234.56",
            "(3.5)",
            "１２",
            "86.23%",
            "0.8623",
            "约20万",
            "inf",
            "1e308",
        ]
    ),
    st.text(alphabet="0123456789.,%-+()（）／/万元分 eE", max_size=8),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(any_cell, min_size=1, max_size=30), st.sampled_from([1.0, 0.0001]))
def test_a_column_reads_as_its_cells_do_one_by_one(cells, factor):
    """columns.amount_column is values.parse_number over the column (a cell that writes its own unit,
    "1元" or "3万", in that unit; a dash, "-" or "—", zero), then the plausibility bound."""
    issues: list[columns.Issue] = []
    dashes: dict[str, int] = {}
    out = columns.amount_column(list(cells), m.BUDGET, factor, issues, dashes=dashes)
    flagged = {i.index for i in issues}
    dashed = [i for i, cell in enumerate(cells) if isinstance(cell, str) and cell.strip() in v.DASHES]
    assert dashes.get(m.BUDGET, 0) == len(dashed)
    for i, cell in enumerate(cells):
        x, status = v.parse_number(cell)
        own = v.written_factor(cell) or factor
        if i in dashed:
            assert out[i] == 0 and i not in flagged
        elif isinstance(cell, float) and math.isnan(cell):
            assert math.isnan(out[i]) and i not in flagged
        elif x is None or not math.isfinite(x * own) or abs(x * own) > columns.MAX_AMOUNT:
            assert math.isnan(out[i])
            assert (i in flagged) == (status == v.BAD or x is not None), (cell, status)
        else:
            assert out[i] == x * own and i not in flagged


@pytest.mark.parametrize(
    ("budgets", "suspect"),
    [
        (
            [520000, 1250000, 0, None, 880000],
            "880,000.00",
        ),  # 元 written under a 万元 header: said, 0 and blanks aside
        ([520000, 1250000, 880000, 60000], "700,000.00"),  # an even count: the mean of the middle two
        ([52.0, 125.0, 88.0], None),  # plausible 万元
    ],
)
def test_amounts_that_look_like_yuan_under_a_wan_header_are_said(budgets, suspect):
    rows = [
        [i + 1, f"项目{i}", "" if b is None else b, "" if b is None else b] for i, b in enumerate(budgets)
    ]
    found = [f for f in _table(rows).findings if f.code == "AMOUNT_UNIT_SUSPECT"]
    if suspect is None:
        assert found == []
    else:
        assert len(found) == 1 and f"中位数达 {suspect} 万元" in found[0].message
