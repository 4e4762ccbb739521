"""The 偏差原因 a unit typed reach every export beside the rules' reasons: the PowerPoint's flagged
slides, the HTML report's flagged list, the Excel report's 项目明细, the 偏差预警 list and the Word
report; a deviation without one reads "未说明" wherever a reasons column or line exists."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl

from jixiao import model as m
from jixiao.export.bundle import build_all
from jixiao.export.common import NO_REASON, project_name
from jixiao.export.html import build_html
from jixiao.export.pptx import build_pptx
from jixiao.export.xlsx import EXPLAINED, SHEET_PROJECTS, build_xlsx
from jixiao.summary.flags import is_deviation

TYPED = "因政府采购流程延后，资金将于次年一季度支付"


def _typed_for_first_deviation(analysis):
    flagged = analysis.flagged
    first = next(r for r in m.records(flagged, [m.PROJECT, m.FLAGS]) if is_deviation(r[m.FLAGS]))
    name = project_name(first[m.PROJECT])
    deviations = sum(1 for r in m.records(flagged, [m.FLAGS]) if is_deviation(r[m.FLAGS]))
    return {name: TYPED}, name, deviations


def _pptx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "".join(
            z.read(n).decode("utf-8") for n in z.namelist() if re.match(r"ppt/slides/slide\d+\.xml$", n)
        )


def test_the_powerpoint_flagged_slides_carry_the_typed_reason_and_say_when_there_is_none(henan_analysis):
    reasons, _, deviations = _typed_for_first_deviation(henan_analysis)
    text = _pptx_text(build_pptx(henan_analysis, reasons=reasons))
    assert text.count("【单位说明】") == deviations
    assert f"【单位说明】{TYPED}" in text
    assert text.count(f"【单位说明】{NO_REASON}") == deviations - 1
    assert "【单位说明】" not in _pptx_text(build_pptx(henan_analysis))  # none given: no such line


def test_the_html_flagged_list_has_a_column_of_what_units_said(henan_analysis):
    reasons, _, deviations = _typed_for_first_deviation(henan_analysis)
    page = build_html(henan_analysis, reasons=reasons)
    assert "<th>单位说明</th>" in page or "单位说明</th>" in page
    assert TYPED in page
    flagged_part = page[page.index("偏差项目") :]
    assert flagged_part.count(f">{NO_REASON}<") == deviations - 1
    assert "单位说明</th>" not in build_html(henan_analysis)


def test_the_excel_report_lists_the_typed_reason_beside_each_flagged_project(henan_analysis):
    reasons, name, deviations = _typed_for_first_deviation(henan_analysis)
    wb = openpyxl.load_workbook(io.BytesIO(build_xlsx(henan_analysis, reasons)))
    ws = wb[SHEET_PROJECTS]
    header = [c.value for c in ws[1]]
    col = header.index(EXPLAINED)
    name_col = header.index("项目名称")
    values = [(r[name_col], r[col]) for r in ws.iter_rows(min_row=2, values_only=True)]
    assert (name, TYPED) in values
    assert sum(1 for _, v in values if v == NO_REASON) == deviations - 1
    plain = openpyxl.load_workbook(io.BytesIO(build_xlsx(henan_analysis)))[SHEET_PROJECTS]
    assert EXPLAINED not in [c.value for c in plain[1]]


def test_build_all_hands_the_reasons_to_every_writer(henan_analysis):
    reasons, _, _ = _typed_for_first_deviation(henan_analysis)
    files = build_all(henan_analysis, reasons=reasons, only=["pptx", "xlsx", "html"])
    assert TYPED in _pptx_text(files["report.pptx"])
    assert TYPED in files["report.html"].decode("utf-8")
    ws = openpyxl.load_workbook(io.BytesIO(files["report.xlsx"]))[SHEET_PROJECTS]
    assert any(v == TYPED for row in ws.iter_rows(min_row=2, values_only=True) for v in row)
