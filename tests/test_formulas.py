"""Formulas a program stored without their results (openpyxl writes them so): plain arithmetic over the
sheet's cells is worked out, anything else stays unknown and is said so."""

from __future__ import annotations

import io
import time

import openpyxl
import pytest

from jixiao.ingest.formulas import MAX_RANGE_CELLS, evaluate
from jixiao.report import inspect_bytes

ROWS = [
    ["项目", "预算", "执行", "备注"],
    ["甲", 100, 90.5, "文字"],
    ["乙", 50, "", None],
    ["丙", 80.25, 60, "x"],
]


@pytest.mark.parametrize(
    ("formula", "value"),
    [
        ("B2*0.9", 90.0),
        ("=C2/B2", 0.905),
        ("B2+B3*2", 200.0),
        ("(B2+B3)*2", 300.0),
        ("-B2+10", -90.0),
        ("SUM(B2:B4)", 230.25),
        ("SUM(C2:C4)", 150.5),  # a blank counts 0
        ("SUM(B2:D4)", 380.75),  # text in a range is passed over
        ("sum($B$2:$B$3, 5)", 155.0),
        ("ROUND(C2/B2*100,1)", 90.5),
        ("ROUND(2.675,2)", 2.68),  # half away from zero, as Excel
        ("ROUND(-2.5,0)", -3.0),
        ("50%*B2", 50.0),
        ("B2-C3", 100.0),  # a blank cell in arithmetic is 0
    ],
)
def test_plain_arithmetic_is_worked_out(formula, value):
    assert evaluate(ROWS, {(9, 9): formula}) == {(9, 9): pytest.approx(value)}


@pytest.mark.parametrize(
    "formula",
    [
        "VLOOKUP(A2,A1:B4,2,FALSE)",
        "Sheet2!B2*2",
        "'其他'!B2",
        "IF(B2>1,1,0)",
        "B2/B3-B3",  # fine …
        "B2/C3",  # … but division by a blank is #DIV/0!
        'B2&"元"',
        "D2*2",  # text in arithmetic is #VALUE!
        "SUM(B2:B4",
        "B2 B3",
        "ROUND(B2)",
        "A1:XFD1048576",
        f"SUM(A1:C{MAX_RANGE_CELLS})",
        "(" * 5000 + "1" + ")" * 5000,
    ],
)
def test_anything_else_stays_unknown(formula):
    got = evaluate(ROWS, {(9, 9): formula})
    if formula == "B2/B3-B3":
        assert got == {(9, 9): pytest.approx(-48.0)}
    else:
        assert got == {}


def test_formulas_over_formulas_and_cycles():
    formulas = {(5, 1): "B2+B3", (6, 1): "B6*2", (7, 1): "B8+1", (8, 1): "SUM(B7:B8)"}
    got = evaluate(ROWS, formulas)
    assert got == {(5, 1): 150.0, (6, 1): 300.0}  # B8 refers to itself; B9 needs it
    # each needs the one above, listed bottom up: one link a pass, 20 passes
    chain = {(100 + k, 0): f"A{100 + k}+1" for k in reversed(range(500))}
    got = evaluate([[1]] * 100, chain)
    assert sorted(got) == [(100 + k, 0) for k in range(20)] and got[(119, 0)] == 21.0
    big = {(100 + k, 0): f"A{100 + k}+1" for k in reversed(range(100_000))}
    started = time.perf_counter()
    evaluate([[1]] * 100, big)  # a budget on the work, whatever the file
    assert time.perf_counter() - started < 10


def _workbook(formulas: bool) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2023年度项目支出绩效自评汇总表"])
    ws.append(["序号", "项目名称", "全年预算数（万元）", "全年执行数（万元）", "预算执行率", "自评得分"])
    data = [(1, "科普活动", 100, 90), (2, "学会服务", 50, 50), (3, "科技馆运行", 80, 60)]
    for k, (seq, name, budget, spent) in enumerate(data, start=3):
        if formulas:
            ws.append([seq, name, budget, f"=C{k}*{spent / budget}", f"=D{k}/C{k}", 90])
        else:
            ws.append([seq, name, budget, spent, spent / budget, 90])
    if formulas:
        ws.append(["", "合计", "=SUM(C3:C5)", "=SUM(D3:D5)", "=ROUND(D6/C6,4)", ""])
    else:
        ws.append(["", "合计", 230, 200, round(200 / 230, 4), ""])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_table_written_by_a_program_with_formulas_reads_as_the_one_with_values():
    plain, formula = inspect_bytes(_workbook(False), "t.xlsx"), inspect_bytes(_workbook(True), "t.xlsx")
    assert (
        formula["totals"] == plain["totals"] == {"budget": 230.0, "executed": 200.0, "execution_rate": 86.96}
    )
    assert [r["executed"] for r in formula["rows"]] == [90.0, 50.0, 60.0]
    assert formula["reported_totals"] == plain["reported_totals"]  # the 合计 row is checked again
    codes = [f["code"] for f in formula["findings"]]
    assert "FORMULA_WITHOUT_VALUE" not in codes and codes.count("FORMULA_COMPUTED") == 1
    said = next(f for f in formula["findings"] if f["code"] == "FORMULA_COMPUTED")
    assert "D3 = C3*0.9" in said["message"] and said["severity"] == "info"


def test_a_formula_not_worked_out_is_still_an_error():
    wb = openpyxl.load_workbook(io.BytesIO(_workbook(True)))
    wb.active["D4"] = "=VLOOKUP(B4,B3:D5,3,FALSE)"
    buf = io.BytesIO()
    wb.save(buf)
    doc = inspect_bytes(buf.getvalue(), "t.xlsx")
    (unknown,) = [f for f in doc["findings"] if f["code"] == "FORMULA_WITHOUT_VALUE"]
    assert "D4" in unknown["where"] and "D6" in unknown["where"]  # the 合计 needs D4 too
    assert [r["executed"] for r in doc["rows"]] == [90.0, None, 60.0]
