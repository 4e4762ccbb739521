"""The PowerPoint export (jixiao.export.pptx), reopened with python-pptx: size, native charts with
the analysis' numbers and formats, tables, East Asian fonts, 图1–图7."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.oxml.ns import qn

from jixiao import model as m
from jixiao.export.common import project_labels
from jixiao.export.pptx import build_pptx
from jixiao.export.pptx_blocks import FONT, PCT_FORMAT, WAN_FORMAT
from jixiao.final_accounts import figures as fam
from jixiao.final_accounts import read as fa_read
from jixiao.final_accounts import template as fa_template
from jixiao.fmt import round_half_up
from jixiao.read import read_dataset
from jixiao.settings import Settings
from jixiao.summary.analysis import analyze

ROOT = Path(__file__).resolve().parent.parent
FA_XLSX = ROOT / "sample_data" / fa_template.SAMPLE_FILE
TODAY = date(2024, 5, 20)


def _open(data: bytes):
    return Presentation(io.BytesIO(data))


def _charts(prs, chart_type=None):
    out = []
    for i, slide in enumerate(prs.slides):
        for shape in slide.shapes:
            if shape.has_chart and (chart_type is None or shape.chart.chart_type == chart_type):
                out.append((i, shape.chart))
    return out


def _slide_text(slide) -> str:
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts += [c.text for row in shape.table.rows for c in row.cells]
    return "\n".join(parts)


def _flag_tables(prs):
    """(slide, table shape) of every 偏差项目 table."""
    return [
        (slide, shape)
        for slide in prs.slides
        for shape in slide.shapes
        if shape.has_table and [c.text for c in shape.table.rows[0].cells][-1] == "偏差原因"
    ]


def _format_codes(chart) -> set[str]:
    return {e.text for e in chart._chartSpace.iter(qn("c:formatCode"))}


def _workbook(rows: list[list[object]], header: list[str]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["测试单位2024年度项目单位自评汇总表"])
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def final_accounts() -> fam.FinalAccounts:
    fa, findings = fa_template.load_figures(FA_XLSX.read_bytes(), FA_XLSX.name)
    assert fa.years == [2022, 2023]
    return fa


@pytest.fixture(scope="module")
def henan_prs(henan_analysis):
    return _open(build_pptx(henan_analysis, today=TODAY))


@pytest.fixture(scope="module")
def full_prs(henan_analysis, final_accounts):
    return _open(build_pptx(henan_analysis, final_accounts=final_accounts, today=TODAY))


def test_slides_are_16_9(henan_prs):
    assert henan_prs.slide_width == 12192000 and henan_prs.slide_height == 6858000
    assert round(henan_prs.slide_width / henan_prs.slide_height, 3) == round(16 / 9, 3)


def test_no_picture_stands_in_for_a_chart(full_prs):
    kinds = [shape.shape_type for slide in full_prs.slides for shape in slide.shapes]
    assert MSO_SHAPE_TYPE.PICTURE not in kinds
    assert MSO_SHAPE_TYPE.LINKED_PICTURE not in kinds
    assert not any(True for slide in full_prs.slides for _ in slide._element.iter(qn("p:pic")))
    assert len(_charts(full_prs)) >= 2 + 7  # execution, scores, and 图1–图7 (two donuts on some)


def test_title_slide_names_unit_year_and_date(henan_prs):
    text = _slide_text(henan_prs.slides[0])
    assert "河南省科学技术协会" in text
    assert "2023年度预算绩效分析报告" in text
    assert "2024年5月20日" in text


def test_unit_and_year_can_be_given(henan_analysis):
    prs = _open(build_pptx(henan_analysis, unit="某某单位", year=2031, today=TODAY))
    text = _slide_text(prs.slides[0])
    assert "某某单位" in text and "2031年度" in text and "河南省" not in text


def test_kpi_slide_states_the_figures(henan_prs):
    text = _slide_text(henan_prs.slides[1])
    for label in (
        "预算总额",
        "执行总额",
        "总体执行率",
        "项目数",
        "金额加权平均分",
        "简单平均分",
        "偏差项目数",
        "审核问题数",
    ):
        assert label in text
    for figure in ("7,863.66", "6,780.62", "86.23%", "96.39", "92.06"):
        assert figure in text
    assert "15" in text and "10" in text  # projects, flagged projects
    assert "3" in text  # three warnings among the four findings


def test_execution_chart_matches_the_analysis(henan_prs, henan_analysis):
    charts = _charts(henan_prs, XL_CHART_TYPE.BAR_CLUSTERED)
    assert len(charts) == 1
    chart = charts[0][1]
    plot = chart.plots[0]
    cats = list(plot.categories)
    values = list(plot.series[0].values)
    p = henan_analysis.projects
    ordered = p.assign(_r=p[m.EXECUTION_RATE]).sort_values("_r", kind="stable")
    assert len(cats) == len(values) == 15
    assert values == [round_half_up(r, 2) for r in ordered[m.EXECUTION_RATE]]
    assert values == sorted(values)
    assert cats == project_labels(ordered, 24)
    # the duplicated name is told apart by its sheet row
    assert "科普与学会服务能力提升专项-省级（第18行）" in cats
    assert "科普与学会服务能力提升专项-省级（第10行）" in cats
    assert cats[0] == "知识产权事业发展" and values[0] == 0.0
    assert plot.data_labels.number_format == PCT_FORMAT
    assert not plot.data_labels.number_format_is_linked
    assert PCT_FORMAT in _format_codes(chart)
    assert chart.value_axis.tick_labels.number_format == '0"%"'
    assert chart.category_axis.reverse_order  # slowest at the top
    # band colours: 0% and 14.22% red, 76.99% amber, 100% green
    colors = [str(plot.series[0].points[i].format.fill.fore_color.rgb) for i in (0, 1, 2, 14)]
    assert colors == ["C8363D", "C8363D", "E9A23B", "2E8B57"]


def test_score_chart_is_stacked_points_per_component_plus_points_lost(henan_prs, henan_analysis):
    charts = _charts(henan_prs, XL_CHART_TYPE.BAR_STACKED)
    assert len(charts) == 1
    plot = charts[0][1].plots[0]
    names = [s.name for s in plot.series]
    assert names == [
        "预算执行率（10分）",
        "资金管理（20分）",
        "产出指标（40分）",
        "效益指标（20分）",
        "满意度指标（10分）",
        "失分",
    ]
    cats = list(plot.categories)
    p = henan_analysis.projects
    ordered = p.assign(_s=p[m.COMPUTED_SCORE]).sort_values("_s", kind="stable")
    assert cats == project_labels(ordered, 24)
    cols = [list(s.values) for s in plot.series]
    for i, score in enumerate(ordered[m.COMPUTED_SCORE].tolist()):
        earned = sum(c[i] for c in cols[:-1])
        assert earned == pytest.approx(score, abs=0.03)
        assert earned + cols[-1][i] == pytest.approx(100, abs=0.05)
    assert cols[-1][0] == pytest.approx(80.0)  # 知识产权事业发展 scores 20
    assert "0.00" in _format_codes(charts[0][1])


def test_flagged_table_lists_every_flagged_project_with_reasons(henan_prs, henan_analysis):
    rows = [
        [c.text for c in r.cells] for _, shape in _flag_tables(henan_prs) for r in list(shape.table.rows)[1:]
    ]
    assert len(rows) == len(henan_analysis.flagged) == 10
    assert {int(r[0]) for r in rows} == set(henan_analysis.flagged[m.SHEET_ROW])
    r18 = next(r for r in rows if r[0] == "18")
    assert r18[2] == "14.22%" and "执行率偏低" in r18[3] and "284.00" in r18[3]


def test_long_flagged_list_is_paginated_and_fits(tmp_path):
    rows = [[i + 1, f"第{i + 1}个很长名称的测试项目专项经费", 100, 10 + i, 60] for i in range(60)]
    table = read_dataset(
        _workbook(rows, ["序号", "项目名称", "预算数", "执行数", "自评得分"]), "t.xlsx"
    ).table
    a = analyze(table, Settings())
    prs = _open(build_pptx(a, today=TODAY))
    tables = _flag_tables(prs)
    assert len(tables) >= 3
    listed = [r.cells[0].text for _, s in tables for r in list(s.table.rows)[1:]]
    assert sorted(int(x) for x in listed) == list(range(3, 63))  # every project once (rows 3..62)
    for _, shape in tables:
        assert shape.top + shape.height <= prs.slide_height - 300000  # above the footer
    titles = [_slide_text(s).split("\n")[0] for s, _ in tables]
    assert titles[0] == "偏差项目" and titles[1] == "偏差项目（续1）"
    # 60 bars are spread over 3 execution-chart slides of 20
    bars = _charts(prs, XL_CHART_TYPE.BAR_CLUSTERED)
    assert [len(list(c.plots[0].categories)) for _, c in bars] == [20, 20, 20]


def test_table_without_scores_has_no_score_chart():
    rows = [[1, "甲项目", 100, 95], [2, "乙项目", 50, 20]]
    table = read_dataset(_workbook(rows, ["序号", "项目名称", "预算数", "执行数"]), "t.xlsx").table
    prs = _open(build_pptx(analyze(table, Settings()), today=TODAY))
    assert not _charts(prs, XL_CHART_TYPE.BAR_STACKED)
    assert len(_charts(prs, XL_CHART_TYPE.BAR_CLUSTERED)) == 1


def test_east_asian_font_on_chinese_runs_and_charts(henan_prs):
    kpi_title = next(
        s for s in henan_prs.slides[1].shapes if s.has_text_frame and s.text_frame.text == "主要指标"
    )
    rPr = kpi_title.text_frame.paragraphs[0].runs[0]._r.find(qn("a:rPr"))
    ea = rPr.find(qn("a:ea"))
    assert ea is not None and ea.get("typeface") == FONT
    # schema order: a:latin before a:ea
    tags = [c.tag for c in rPr]
    assert tags.index(qn("a:latin")) < tags.index(qn("a:ea"))
    chinese_runs = [
        r
        for slide in henan_prs.slides
        for shape in slide.shapes
        if shape.has_text_frame
        for p in shape.text_frame.paragraphs
        for r in p.runs
        if any("\u4e00" <= ch <= "\u9fff" for ch in r.text)
    ]
    assert chinese_runs and all(r._r.find(qn("a:rPr")).find(qn("a:ea")) is not None for r in chinese_runs)
    _, chart = _charts(henan_prs, XL_CHART_TYPE.BAR_CLUSTERED)[0]
    defaults = list(chart._chartSpace.iter(qn("a:defRPr")))
    assert any(
        d.find(qn("a:ea")) is not None and d.find(qn("a:ea")).get("typeface") == FONT for d in defaults
    )


def test_final_accounts_charts(full_prs, final_accounts):
    columns = _charts(full_prs, XL_CHART_TYPE.COLUMN_CLUSTERED)
    assert len(columns) == 3  # 图1, 图4, 图5
    fig1 = columns[0][1].plots[0]
    assert list(fig1.categories) == ["收入总计", "支出总计"]
    assert [s.name for s in fig1.series] == [fa_read.year_label(2022), fa_read.year_label(2023)]
    assert list(fig1.series[0].values) == [877.47, 877.47]
    assert list(fig1.series[1].values) == [874.05, 874.05]
    assert WAN_FORMAT in _format_codes(columns[0][1])
    assert fig1.data_labels.number_format == WAN_FORMAT
    assert "图1：收、支决算总计变动情况" in _slide_text(full_prs.slides[columns[0][0]])
    assert "下降0.39%" in _slide_text(full_prs.slides[columns[0][0]])

    donuts = _charts(full_prs, XL_CHART_TYPE.DOUGHNUT)
    by_slide: dict[int, list] = {}
    for i, c in donuts:
        by_slide.setdefault(i, []).append(c)
    titles = {i: _slide_text(full_prs.slides[i]).split("\n")[0] for i in by_slide}
    fig = {t.split("：")[0]: by_slide[i] for i, t in titles.items()}
    assert set(fig) == {"图2", "图3", "图6", "图7"}
    # 图2: only 2023 has figures; the seven zero sources are left out of the ring
    assert len(fig["图2"]) == 1
    assert list(fig["图2"][0].plots[0].categories) == ["一般公共预算财政拨款收入"]
    # 图3 2023: zero items left out
    (fig3,) = fig["图3"]
    assert list(fig3.plots[0].categories) == ["基本支出", "项目支出"]
    assert list(fig3.plots[0].series[0].values) == [468.99, 405.06]
    assert WAN_FORMAT in _format_codes(fig3)
    # 图6 and 图7: last year beside this year
    assert len(fig["图6"]) == 2 and len(fig["图7"]) == 2
    prev7, now7 = fig["图7"]
    assert list(now7.plots[0].categories) == ["公务用车运行维护费", "公务接待费"]
    assert list(now7.plots[0].series[0].values) == [7.41, 0.19]
    assert list(prev7.plots[0].categories) == ["公务用车购置及运行维护费", "公务接待费"]
    assert all(v > 0 for _, c in donuts for v in c.plots[0].series[0].values)


def test_without_final_accounts_there_are_no_final_charts(henan_prs):
    assert not _charts(henan_prs, XL_CHART_TYPE.DOUGHNUT)
    assert not _charts(henan_prs, XL_CHART_TYPE.COLUMN_CLUSTERED)


def test_every_text_box_stays_on_the_slide(full_prs):
    for slide in full_prs.slides:
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0
            assert shape.left + shape.width <= full_prs.slide_width
            assert shape.top + shape.height <= full_prs.slide_height


def test_large_type(henan_prs):
    sizes = [
        r.font.size.pt
        for slide in henan_prs.slides
        for shape in slide.shapes
        if shape.has_text_frame
        for p in shape.text_frame.paragraphs
        for r in p.runs
        if r.font.size is not None and r.text.strip() and not r.text.strip().isdigit()
    ]
    body = [s for s in sizes if s > 11]  # the footer line is 11 pt
    assert min(body) >= 13 and max(sizes) >= 32
