"""The Word exports: the 项目支出绩效自评报告 (jixiao.export.docx) and the 部门决算说明
(jixiao.export.final_docx) in 公文 layout (jixiao.export.gongwen).

Read back with python-docx: headings, every number against ``inspect`` and the analysis, fonts, margins
and the line grid; each chart a native chart part with its embedded workbook whose cached values are the
figures. Then LibreOffice converts the three documents and report.pptx to PDF in one run (module
fixture): they convert, the page counts are sane and pdftotext finds the key numbers; the first pages go
to tests/artifacts/docx/ as PNG for a person to look at. A second run makes ODF text of the documents,
in which every chart must be a chart object with its data (what 编辑数据 edits), not a picture.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from openpyxl import Workbook
from pptx.chart.chart import Chart
from pptx.oxml import parse_xml as pptx_parse_xml

from components import final_charts as fc
from components.charts import GRADE_ORDER, grade_counts
from jixiao import model as m
from jixiao.export import docx as dx
from jixiao.export import gongwen as gw
from jixiao.export.common import project_labels
from jixiao.export.docx import build_selfeval_docx, reason_for, selfeval_heading
from jixiao.export.final_docx import build_final_docx, final_heading
from jixiao.export.pptx import build_pptx
from jixiao.final_accounts import figures as fam
from jixiao.final_accounts import narrative
from jixiao.final_accounts import template as fa_template
from jixiao.fmt import num, pct, round_half_up, wan
from jixiao.read import read_dataset
from jixiao.report import inspect_bytes
from jixiao.settings import Settings
from jixiao.summary.analysis import analyze
from tests.conftest import HENAN_XLSX, ROOT, SAMPLE_DATA

FORMS_XLSX = SAMPLE_DATA / "liangshan_2023_selfeval_forms.xlsx"
FA_XLSX = SAMPLE_DATA / fa_template.SAMPLE_FILE
TODAY = date(2024, 5, 20)
ARTIFACTS = ROOT / "tests" / "artifacts" / "docx"
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"


# --- fixtures ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def forms_analysis():
    ds = read_dataset(FORMS_XLSX.read_bytes(), FORMS_XLSX.name)
    assert ds.kind == m.KIND_SELFEVAL_FORMS and ds.table is not None
    return analyze(ds.table, Settings())


@pytest.fixture(scope="module")
def final_accounts() -> fam.FinalAccounts:
    fa, _ = fa_template.load_figures(FA_XLSX.read_bytes(), FA_XLSX.name)
    assert fa.years == [2022, 2023]
    return fa


@pytest.fixture(scope="module")
def files(henan_analysis, forms_analysis, final_accounts) -> dict[str, bytes]:
    return {
        "henan.docx": build_selfeval_docx(henan_analysis, today=TODAY),
        "forms.docx": build_selfeval_docx(forms_analysis, today=TODAY),
        "final.docx": build_final_docx(final_accounts, today=TODAY),
        "deck.pptx": build_pptx(henan_analysis, final_accounts=final_accounts, today=TODAY),
    }


@pytest.fixture(scope="module")
def pdfs(files, tmp_path_factory) -> dict[str, tuple[int, str]]:
    """{file: (pages, text)}: one LibreOffice run converts all four; first pages saved as PNG."""
    for tool in ("soffice", "pdftotext", "pdfinfo", "pdftoppm"):
        assert shutil.which(tool), f"{tool} is missing: make system-deps installs LibreOffice and poppler"
    work = tmp_path_factory.mktemp("soffice")
    for name, data in files.items():
        (work / name).write_bytes(data)
    profile = (work / "profile").as_uri()  # its own profile: another soffice running does not block it
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
        + ["--outdir", str(work), *(str(work / n) for n in files)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):  # so the folder shows this run only
        old.unlink()
    out = {}
    for name in files:
        pdf = work / (Path(name).stem + ".pdf")
        assert pdf.is_file(), f"LibreOffice did not convert {name}"
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        prefix = ARTIFACTS / name.replace(".", "_")
        subprocess.run(
            ["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "3", str(pdf), str(prefix)], check=True
        )
        out[name] = (pages, text)
    return out


@pytest.fixture(scope="module")
def odts(files, tmp_path_factory):
    """{file: the ODF text LibreOffice makes of it}: one run; there a chart is an embedded chart object."""
    work = tmp_path_factory.mktemp("odt")
    names = [n for n in files if n.endswith(".docx")]
    for name in names:
        (work / name).write_bytes(files[name])
    subprocess.run(
        ["soffice", f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless"]
        + ["--convert-to", "odt", "--outdir", str(work), *(str(work / n) for n in names)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    opened = {n: zipfile.ZipFile(work / (Path(n).stem + ".odt")) for n in names}
    yield opened
    for z in opened.values():
        z.close()


# --- helpers ---------------------------------------------------------------------------------------
def _open(data: bytes):
    return Document(io.BytesIO(data))


def _text(doc) -> str:
    return "\n".join(p.text for p in doc.paragraphs)


def _headings(doc, level: int) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == f"Heading {level}"]


def _table(doc, first_header: str, last_header: str):
    found = [
        t
        for t in doc.tables
        if t.rows[0].cells[0].text == first_header and t.rows[0].cells[-1].text == last_header
    ]
    assert len(found) == 1, [[c.text for c in t.rows[0].cells] for t in doc.tables]
    return found[0]


def _rows(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows[1:]]


def _charts(doc) -> list[tuple[object, Chart]]:
    """(Word chart part, python-pptx Chart over its XML) in document order."""
    out = []
    for el in doc.element.body.iter(qn("c:chart")):
        part = doc.part.related_parts[el.get(qn("r:id"))]
        out.append((part, Chart(pptx_parse_xml(part.blob), None)))
    return out


def _workbook_of(part) -> openpyxl.Workbook:
    embedded = [r.target_part for r in part.rels.values() if r.reltype == RT.PACKAGE]
    assert len(embedded) == 1
    return openpyxl.load_workbook(io.BytesIO(embedded[0].blob))


def _east_asian(style) -> str:
    return style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def _r2(x) -> float:
    return round_half_up(float(x), 2)


# --- the 自评报告 ------------------------------------------------------------------------------------
def test_title_and_heading_levels(files):
    doc = _open(files["henan.docx"])
    title = selfeval_heading("河南省科学技术协会", 2023)
    assert doc.paragraphs[0].text == title and doc.paragraphs[0].style.name == gw.STYLE_TITLE
    assert doc.core_properties.title == title
    assert _headings(doc, 1) == [
        "一、基本情况",
        "二、预算执行情况",
        "三、绩效指标完成情况",
        "四、偏差及原因",
        "五、审核发现",
        "六、问题与改进",
    ]
    h2 = _headings(doc, 2)
    assert h2[:2] == ["（一）总体执行情况", "（二）执行较慢的项目"]
    assert h2[2:5] == ["（一）自评得分", "（二）评价等级", "（三）各类指标得分率"]  # numbering restarts
    assert "河南省科学技术协会" in [p.text for p in doc.paragraphs[-60:]]  # 落款
    assert "2024年5月20日" in _text(doc)


def test_numbers_match_inspect(files, henan_bytes):
    doc = _open(files["henan.docx"])
    text = _text(doc)
    ref = inspect_bytes(henan_bytes, HENAN_XLSX.name)
    t, s = ref["totals"], ref["scores"]
    assert (
        f"全年预算数{wan(t['budget'])}万元，执行数{wan(t['executed'])}万元，预算执行率{pct(t['execution_rate'])}"
        in text
    )
    assert "7,863.66" in text and "86.23%" in text  # the Henan reference, as the 总览 shows it
    assert f"金额加权平均分{num(s['mean_budget_weighted'])}分" in text and "96.39" in text
    assert f"简单平均分{num(s['mean_simple'])}分" in text and "92.06" in text
    assert f"90分以上的项目占{pct(s['share_90_plus'])}" in text
    # the 附表: every project, in the table's order, with the numbers inspect prints
    rows = _rows(_table(doc, "序号", "等级"))
    assert len(rows) == ref["projects"] + 1
    for row, r in zip(rows, ref["rows"]):
        score = r["reported_score"] if r["reported_score"] is not None else r["computed_score"]
        assert row[2:7] == [
            wan(r["budget"]),
            wan(r["executed"]),
            pct(r["execution_rate"]),
            num(score),
            r["grade"],
        ]
    assert rows[-1][1:6] == ["合计", wan(t["budget"]), wan(t["executed"]), pct(t["execution_rate"]), "96.39"]


def test_grades_and_indicator_rates_are_the_analysis(files, henan_analysis):
    doc = _open(files["henan.docx"])
    counts = grade_counts(henan_analysis.projects)
    assert "，".join(f"{g}{counts[g]}个" for g in GRADE_ORDER) in _text(doc)
    rows = _rows(_table(doc, "指标类别", "未达100%的项目数"))
    p = henan_analysis.projects
    for row in rows:
        comp = next(k for k, v in m.COMPONENT_LABELS.items() if v == row[0])
        values = p[m.COMPONENT_COLUMNS[comp]].astype(float)
        assert row[1:] == [str(int(values.notna().sum())), pct(values.mean()), str(int((values < 100).sum()))]
    assert len(rows) == 4  # the Henan table has no 成本 column


def test_every_flagged_project_with_its_reason_or_unexplained(henan_analysis, henan_bytes):
    ref = inspect_bytes(henan_bytes, HENAN_XLSX.name)
    flagged = [r for r in ref["rows"] if r["flags"]]
    reasons = {"知识产权事业发展": "项目暂缓实施，资金结转下年。"}
    doc = _open(build_selfeval_docx(henan_analysis, today=TODAY, reasons=reasons))
    rows = _rows(_table(doc, "序号", "偏差原因"))
    assert len(rows) == len(flagged) == 10
    by_name = {row[1]: row for row in rows}
    assert by_name["知识产权事业发展"][4] == reasons["知识产权事业发展"]
    assert [row[4] for row in rows].count(dx.NO_REASON) == len(flagged) - 1
    # slowest first, rates as inspect prints them
    rates = sorted((r["execution_rate"] for r in flagged), key=lambda x: (x is None, x))
    assert [row[2] for row in rows] == [pct(x) for x in rates]
    assert f"其中{len(flagged) - 1}个项目尚未说明偏差原因" in _text(doc)
    # 问题与改进: one problem per rule or finding that fired, each with its measure
    points = dx.improvement_points(henan_analysis, len(flagged) - 1)
    assert _headings(doc, 3) == [f"{i}.{head}" for i, (head, _, _) in enumerate(points, start=1)]
    assert points[0][:2] == ("部分项目预算执行偏慢", "4个项目执行率低于90.00%。")
    assert points[-1][:2] == ("偏差原因说明不到位", f"{len(flagged) - 1}个存在偏差的项目尚未说明原因。")
    assert f"{len(points)}.{points[-1][2]}" in [p.text for p in doc.paragraphs]
    assert _headings(doc, 2)[-2:] == ["（一）存在的问题", "（二）改进措施"]


def test_reason_lookup_by_code_unit_and_name():
    rec = {m.PROJECT: "  科普  活动 ", m.UNIT: "科技馆", m.CODE: "P-01"}
    assert reason_for({"P-01": "按编码"}, rec, "x") == "按编码"
    assert reason_for({"科技馆/科普 活动": "按单位"}, rec, "x") == "按单位"
    assert reason_for({"科普 活动": "按名称"}, rec, "x") == "按名称"
    assert reason_for({"科普 活动": "   "}, rec, "x") == ""  # blank is no reason
    assert reason_for(None, rec, "x") == ""


def test_forms_report_uses_the_rolled_up_table(files, forms_analysis):
    doc = _open(files["forms.docx"])
    ref = inspect_bytes(FORMS_XLSX.read_bytes(), FORMS_XLSX.name)
    # the forms name their 实施单位: it becomes the report's unit
    assert doc.paragraphs[0].text == selfeval_heading("凉山州科学技术协会", 2023)
    text = _text(doc)
    assert f"依据报送的{ref['projects']}张《项目支出绩效自评表》" in text
    assert f"全年预算数{wan(ref['totals']['budget'])}万元" in text
    assert f"金额加权平均分{num(ref['scores']['mean_budget_weighted'])}分" in text
    assert "“各自评表自身权重”重新计算" in text  # no empty brackets for a scheme without weights
    rows = _rows(_table(doc, "序号", "等级"))
    assert [r[1] for r in rows[:-1]] == [r["project"] for r in ref["rows"]]  # one unit: names alone
    problems = [f for f in ref["findings"] if f["severity"] in ("error", "warning")]
    assert len(_rows(_table(doc, "序号", "说明"))) == len(problems)
    assert f"发现问题{len(problems)}个" in text


def test_units_table_and_chart(unit_analysis):
    doc = _open(build_selfeval_docx(unit_analysis, today=TODAY))
    assert "（二）分单位执行情况" in _headings(doc, 2)
    rows = _rows(_table(doc, "序号", "执行率"))
    u = unit_analysis.units
    assert sorted(r[1] for r in rows) == sorted(u["unit"].tolist())
    for row in rows:
        rec = u[u["unit"] == row[1]].iloc[0]
        assert row[2:] == [
            str(rec["projects"]),
            wan(rec["budget"]),
            wan(rec["executed"]),
            pct(rec["execution_rate"]),
        ]
    unit_chart = _charts(doc)[0][1]
    assert list(unit_chart.plots[0].categories) == [r[1] for r in rows]
    rates = sorted(u["execution_rate"].astype(float))
    assert [r[5] for r in rows] == [pct(x) for x in rates]  # slowest first
    assert list(unit_chart.plots[0].series[0].values) == [_r2(x) for x in rates]


def test_long_tables_are_cut_with_a_note(henan_analysis, monkeypatch):
    monkeypatch.setattr(dx, "MAX_TABLE_ROWS", 5)
    doc = _open(build_selfeval_docx(henan_analysis, today=TODAY))
    rows = _rows(_table(doc, "序号", "等级"))
    assert len(rows) == 5 + 1 and rows[-1][1] == "合计"
    assert "仅列出前5个项目，全部15个见 Excel" in _text(doc)
    assert len(_rows(_table(doc, "序号", "偏差原因"))) == 5


def test_a_clean_table_says_so(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["某<&>单位2024年度项目单位自评汇总表"])
    ws.append(["序号", "项目名称", "全年预算数（万元）", "全年执行数（万元）", "预算执行率", "自评得分"])
    ws.append([1, "<b>科普&宣传</b>", 10, 10, "100%", 100])
    ws.append([2, "宣传 & 培训", 20, 20, "100%", 100])
    buf = io.BytesIO()
    wb.save(buf)
    ds = read_dataset(buf.getvalue(), "clean.xlsx")
    doc = _open(build_selfeval_docx(analyze(ds.table, Settings()), today=TODAY))
    text = _text(doc)
    assert "按预警规则核对，没有项目存在较大偏差。" in text
    assert "没有执行率低于90.00%的项目。" in text
    names = [r[1] for r in _rows(_table(doc, "序号", "等级"))]
    assert names[:2] == ["<b>科普&宣传</b>", "宣传 & 培训"]  # kept as text, the XML still parses


# --- layout ------------------------------------------------------------------------------------------
def test_page_margins_and_the_22_by_28_grid(files):
    for name in ("henan.docx", "final.docx"):
        doc = _open(files[name])
        s = doc.sections[0]
        mm = [round(x / Mm(1), 1) for x in (s.page_width, s.page_height)]
        assert mm == [210.0, 297.0]  # A4 (Word stores twips: within 0.1 mm)
        margins = (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)
        assert [round(x / Mm(1), 1) for x in margins] == [37.0, 35.0, 28.0, 26.0]
        body_w, body_h = (
            s.page_width - s.left_margin - s.right_margin,
            s.page_height - s.top_margin - s.bottom_margin,
        )
        assert (round(body_w / Mm(1)), round(body_h / Mm(1))) == (156, 225)  # 版心
        normal = doc.styles["Normal"]
        pitch = normal.paragraph_format.line_spacing
        assert pitch == Pt(28.95)
        assert int(body_h / pitch) == 22
        spacing = normal.element.rPr.find(qn("w:spacing"))
        char_pt = normal.font.size.pt + int(spacing.get(qn("w:val"))) / 20
        assert int(body_w / Pt(char_pt)) == 28
        grid = s._sectPr.find(qn("w:docGrid"))
        assert grid.get(qn("w:linePitch")) == "579"


def test_fonts_are_named_for_east_asian_text(files):
    doc = _open(files["henan.docx"])
    styles = doc.styles
    assert _east_asian(styles["Normal"]) == "仿宋_GB2312" and styles["Normal"].font.size == Pt(16)
    assert _east_asian(styles[gw.STYLE_TITLE]) == "方正小标宋简体" and styles[gw.STYLE_TITLE].font.size == Pt(
        22
    )
    assert _east_asian(styles["Heading 1"]) == "黑体"
    assert _east_asian(styles["Heading 2"]) == "楷体_GB2312"
    assert _east_asian(styles["Heading 3"]) == "仿宋_GB2312" and styles["Heading 3"].font.bold
    for level in (1, 2, 3):
        fonts = styles[f"Heading {level}"].element.rPr.find(qn("w:rFonts"))
        assert not [a for a in fonts.attrib if a.lower().endswith("theme")]  # a theme font would win in Word
    table_font = styles[gw.STYLE_TABLE].font.size
    assert table_font == Pt(10.5)
    # fallbacks in the font table
    table = next(r.target_part for r in doc.part.rels.values() if r.reltype == RT.FONT_TABLE)
    alt = {
        f.get(qn("w:name")): f.find(qn("w:altName")).get(qn("w:val"))
        for f in pptx_parse_xml(table.blob).iter(qn("w:font"))
        if f.find(qn("w:altName")) is not None
    }
    assert alt["方正小标宋简体"] == "华文中宋" and alt["仿宋_GB2312"] == "仿宋"


def test_page_numbers_and_repeated_table_headers(files):
    doc = _open(files["henan.docx"])
    assert doc.settings.odd_and_even_pages_header_footer
    s = doc.sections[0]
    for footer in (s.footer, s.even_page_footer):
        p = footer.paragraphs[0]
        assert p.text.startswith("— ") and p.text.endswith(" —")
        assert "PAGE" in "".join(e.text for e in p._p.iter(qn("w:instrText")))
    assert s.footer.paragraphs[0].alignment != s.even_page_footer.paragraphs[0].alignment
    assert len(doc.tables) >= 3
    for table in doc.tables:
        first = table.rows[0]._tr.trPr
        assert first is not None and first.find(qn("w:tblHeader")) is not None


def test_pptr_and_rpr_children_in_schema_order(files):
    """Word refuses a document whose property elements are out of order."""
    order_p = gw._PPR_ORDER.split()
    order_r = gw._RPR_ORDER.split()
    for name in ("henan.docx", "final.docx"):
        doc = _open(files[name])
        roots = [doc.element, doc.styles.element, doc.sections[0].footer._element]
        for root in roots:
            for parent, order in ((qn("w:pPr"), order_p), (qn("w:rPr"), order_r)):
                for el in root.iter(parent):
                    tags = [
                        c.tag.split("}")[1]
                        for c in el
                        if c.tag.startswith("{http://schemas.openxmlformats.org/wordprocessingml")
                    ]
                    known = [order.index(t) for t in tags if t in order]
                    assert known == sorted(known), (name, tags)


# --- charts ------------------------------------------------------------------------------------------
def test_execution_and_grade_charts_are_native_with_the_figures(files, henan_analysis):
    doc = _open(files["henan.docx"])
    charts = _charts(doc)
    assert len(charts) == 2
    (rate_part, rate_chart), (grade_part, grade_chart) = charts
    p = henan_analysis.projects.assign(_r=henan_analysis.projects[m.EXECUTION_RATE].astype(float))
    p = p.sort_values("_r", kind="stable")
    assert list(rate_chart.plots[0].categories) == project_labels(p, 24)
    values = [_r2(x) for x in p["_r"]]
    assert list(rate_chart.plots[0].series[0].values) == values
    ws = _workbook_of(rate_part).active
    assert [ws.cell(row=i + 2, column=2).value for i in range(len(values))] == values  # 编辑数据 opens these
    counts = grade_counts(henan_analysis.projects)
    assert list(grade_chart.plots[0].series[0].values) == [counts[g] for g in GRADE_ORDER]
    assert not list(doc.element.body.iter(qn("pic:pic")))  # no picture stands in for a chart
    # the chart text is in the document's font
    assert {e.get("typeface") for e in rate_chart._chartSpace.iter("{*}ea")} == {gw.CHART_FONT}


def test_final_charts_hold_the_figures(files, final_accounts):
    doc = _open(files["final.docx"])
    charts = [c for _, c in _charts(doc)]
    fa = final_accounts
    by_title: dict[str, list] = {}
    captions = [
        p.text for p in doc.paragraphs if p.style.name == gw.STYLE_CAPTION and p.text.startswith("图")
    ]
    assert [c.split("  ", 1)[1] for c in captions] == [
        fam.CHART_TITLES[k].split("：", 1)[1] for k in fam.CHARTS
    ]
    bars = [c for c in charts if c.chart_type is not None and "COLUMN" in c.chart_type.name]
    donuts = [c for c in charts if "DOUGHNUT" in c.chart_type.name]
    assert len(bars) == 3 and len(donuts) >= 4
    for chart, key in zip(bars, fam.BAR_CHARTS):
        series = fam.bar_series(fa, key)
        assert list(chart.plots[0].categories) == list(series)
        for s in chart.plots[0].series:
            y = int(s.name[:4])
            assert list(s.values) == [_r2(series[n][y]) for n in series]
        by_title[key] = chart
    # each donut: the drawn (non-zero) items of its year, in the order of the 决算图表 page's table
    drawn = {
        (key, y): {k: _r2(v) for k, v in fam.structure_items(fa, key, y).items() if v > 0}
        for key in fam.STRUCTURE_CHARTS
        for y in fa.years
    }
    seen = []
    for chart in donuts:
        s = chart.plots[0].series[0]
        y = int(s.name[:4])
        match = [
            k
            for (k, yy), items in drawn.items()
            if yy == y and list(items) == list(chart.plots[0].categories)
        ]
        assert match, list(chart.plots[0].categories)
        assert list(s.values) == list(drawn[(match[0], y)].values())
        seen.append((match[0], y))
    assert {k for k, _ in seen} == set(fam.STRUCTURE_CHARTS)


def test_final_sentences_and_tables_are_the_pages(files, final_accounts):
    doc = _open(files["final.docx"])
    assert doc.paragraphs[0].text == final_heading("凉山州科学技术协会", 2023)
    paragraphs = [p.text for p in doc.paragraphs]
    texts = narrative.chart_texts(final_accounts, 2023)
    for key, sentence in texts.items():
        if sentence:
            assert sentence in paragraphs, key
    assert (
        "2023年度收、支总计均为874.05万元。与2022年度相比，收、支总计各减少3.42万元，下降0.39%。"
        in paragraphs
    )
    assert _headings(doc, 1)[0] == "一、收入支出决算总体情况说明"
    assert "七、“三公”经费财政拨款支出决算情况说明" in _headings(doc, 1)
    # the table under each chart is the 决算图表 page's table, as printed there (万元 two decimals)
    tables = [t for t in doc.tables if t.rows[0].cells[0].text == fc.COL_ITEM]
    assert len(tables) == len(fam.CHARTS)
    for table, key in zip(tables, fam.CHARTS):
        frame = fc.table(final_accounts, key, 2023)
        got = _rows(table)
        assert [r[0] for r in got] == frame[fc.COL_ITEM].tolist()
        for row, rec in zip(got, m.records(frame)):
            for cell, col in zip(row[1:], frame.columns[1:]):
                assert cell == (num(rec[col]) if "%" in col else wan(rec[col])), (key, col)
    findings = [p for p in paragraphs if p.startswith("1. ")]
    assert findings and "142.24%" in findings[0]  # the 数据核对 section lists what validate finds


def test_final_without_years_is_a_chinese_error():
    with pytest.raises(m.IngestError, match="没有年度"):
        build_final_docx(fam.FinalAccounts(unit="某部门"))


def test_heading_numbers():
    assert [gw.cn_number(n) for n in (1, 9, 10, 11, 20, 23)] == ["一", "九", "十", "十一", "二十", "二十三"]
    g = gw.Gongwen("测试")
    assert [g.heading(1, "甲"), g.heading(2, "乙"), g.heading(3, "丙"), g.heading(3, "丁")] == [
        "一、甲",
        "（一）乙",
        "1.丙",
        "2.丁",
    ]
    assert [g.heading(4, "庚"), g.heading(4, "辛"), g.heading(3, "壬"), g.heading(4, "癸")] == [
        "（1）庚",
        "（2）辛",
        "3.壬",
        "（1）癸",
    ]
    assert [g.heading(1, "戊"), g.heading(2, "己"), g.heading(3, "子")] == ["二、戊", "（一）己", "1.子"]
    styles = g.doc.styles
    assert _east_asian(styles["Heading 4"]) == "仿宋_GB2312" and not styles["Heading 4"].font.bold


# --- LibreOffice ---------------------------------------------------------------------------------------
def test_libreoffice_converts_the_self_evaluation_reports(pdfs, henan_bytes):
    pages, text = pdfs["henan.docx"]
    assert 5 <= pages <= 20
    flat = re.sub(r"\s+", "", text)
    ref = inspect_bytes(henan_bytes, HENAN_XLSX.name)
    for value in ("7,863.66", "6,780.62", "86.23%", "96.39", "92.06", "86.67%"):
        assert value in flat, value
    for r in ref["rows"]:
        assert wan(r["budget"]) in flat
    assert re.search(r"—\s*1\s*—", text) and re.search(r"—\s*2\s*—", text)  # page numbers
    assert "知识产权事业发展" in text and "0.00%" in flat  # a chart category and its data label
    pages, text = pdfs["forms.docx"]
    assert 3 <= pages <= 15
    flat = re.sub(r"\s+", "", text)
    for value in ("293.59", "98.80", "99.20", "100.00%"):
        assert value in flat, value


def test_libreoffice_converts_the_statement(pdfs):
    pages, text = pdfs["final.docx"]
    assert 4 <= pages <= 20
    flat = re.sub(r"\s+", "", text)
    for value in ("874.05", "877.47", "701.17", "51.17", "142.24%", "下降0.39%"):
        assert value in flat, value
    assert "凉山州科学技术协会2023年度部门决算说明" in flat


def test_libreoffice_converts_the_pptx_with_its_charts(pdfs, files):
    from pptx import Presentation

    pages, text = pdfs["deck.pptx"]
    assert pages == len(Presentation(io.BytesIO(files["deck.pptx"])).slides)
    flat = re.sub(r"\s+", "", text)
    assert "86.23%" in flat
    # chart-only text: 图1's categories and the rate chart's data labels are drawn from the chart parts
    assert "收入总计" in flat and "支出总计" in flat and "14.22%" in flat


def test_libreoffice_opens_every_chart_as_an_editable_chart_object(odts, files):
    for name, odt in odts.items():
        objects = [n for n in odt.namelist() if re.fullmatch(r"Object \d+/content\.xml", n)]
        charts = [odt.read(n).decode("utf-8") for n in objects]
        assert all("<chart:chart" in c for c in charts)
        assert len(charts) == len(_charts(_open(files[name]))), name
    values = set()
    for n in odts["final.docx"].namelist():
        if n.endswith("content.xml") and n.startswith("Object"):
            values |= set(re.findall(r'office:value="([0-9.]+)"', odts["final.docx"].read(n).decode("utf-8")))
    assert {"874.05", "877.47", "701.17", "7.41"} <= values  # the data a user edits in LibreOffice


def test_first_pages_are_saved_for_a_person(pdfs):
    for name in pdfs:
        shots = sorted(ARTIFACTS.glob(name.replace(".", "_") + "-*.png"))
        assert shots and all(p.stat().st_size > 5000 for p in shots), name


def test_forms_state_their_own_reasons(tmp_path):
    """A forms workbook: the 未完成原因分析 of the deducted indicators is the project's 偏差原因; the
    printed 填表说明 in a reason cell is not a reason."""
    from jixiao.export.bundle import export_file
    from jixiao.forms.rollup import stated_reasons

    ds = read_dataset(FORMS_XLSX.read_bytes(), FORMS_XLSX.name)
    reasons = stated_reasons(ds.detail)
    said = reasons["凉山州级科普专项经费"]
    assert "支付前期较缓慢" in said and "满意度未达设定目标" in said
    assert "预算执行率=预算执行数" not in said  # the 填表说明 copied into the form's reason cell
    written = export_file(FORMS_XLSX, tmp_path, only="docx", today=TODAY)
    assert set(written) == {"docx"}
    rows = _rows(_table(_open(Path(written["docx"]).read_bytes()), "序号", "偏差原因"))
    by_name = {r[1]: r[4] for r in rows}
    assert by_name["凉山州级科普专项经费"] == said
    assert by_name["科普宣传活动业务经费"] == reasons["51340022T000000278904"]  # by code or by name


def test_a_code_two_forms_share_finds_each_by_its_name():
    from jixiao.forms.compute import Form, FormsDataset, Indicator
    from jixiao.forms.rollup import stated_reasons

    def form(name: str, reason: str) -> Form:
        lost = Indicator(9, "产出指标", "数量指标", "培训人次", weight=10.0, score=8.0, reason=reason)
        return Form("表1", 1, 20, code="P-1", project=name, indicators=[lost])

    reasons = stated_reasons(FormsDataset("x.xlsx", forms=[form("甲", "场地未落实"), form("乙", "无")]))
    assert reasons == {
        "甲": "「培训人次」场地未落实。"
    }  # "无" explains nothing; the shared code names no one


def test_a_statement_with_some_figures_keeps_the_standard_numbers():
    yf = fam.YearFigures
    fa = fam.FinalAccounts(
        unit="某部门",
        data={
            2022: yf(income_total=10.0, expenditure_total=10.0, fiscal_total=8.0),
            2023: yf(income_total=12.5, expenditure_total=12.5, fiscal_total=9.0),
        },
    )
    doc = _open(build_final_docx(fa, today=TODAY))
    captions = [
        p.text for p in doc.paragraphs if p.style.name == gw.STYLE_CAPTION and p.text.startswith("图")
    ]
    assert captions == ["图1  收、支决算总计变动情况", "图4  财政拨款收、支决算总计变动情况"]
    assert _headings(doc, 1) == ["一、收入支出决算总体情况说明", "二、财政拨款收入支出决算总体情况说明"]
    assert "2023年度收、支总计均为12.5万元。与2022年度相比，收、支总计各增加2.5万元，增长25%。" in _text(doc)
    assert len(_charts(doc)) == 2


def test_control_characters_from_a_csv_do_not_break_the_files():
    """XML cannot hold \\x01 or \\x0b; a CSV cell can. The name is kept without them, in every export."""
    csv = "项目名称,全年预算数（万元）,全年执行数（万元）,预算执行率,自评得分\n科普\x0b活动\x01,10,5,50%,80\n"
    ds = read_dataset(csv.encode("utf-8"), "表\x02.csv")
    analysis = analyze(ds.table, Settings())
    doc = _open(build_selfeval_docx(analysis, today=TODAY, reasons={"科普 活动": "延期\x03实施"}))
    rows = _rows(_table(doc, "序号", "偏差原因"))
    assert rows[0][1] == "科普 活动" and rows[0][4] == "延期实施"
    assert "表.csv" in _text(doc)
    labels = list(_charts(doc)[0][1].plots[0].categories)
    assert labels == ["科普 活动"]
    assert build_pptx(analysis, today=TODAY)[:2] == b"PK"


def test_a_department_form_gets_the_department_report_title_and_wording():
    path = Path(__file__).resolve().parent.parent / "sample_data" / "heshan_2023_department_form.xlsx"
    ds = read_dataset(path.read_bytes(), path.name)
    data = build_selfeval_docx(analyze(ds.table))
    paragraphs = [p.text for p in Document(io.BytesIO(data)).paragraphs]
    assert paragraphs[0].endswith("部门整体支出绩效自评报告")
    assert any("部门整体支出开展了绩效自评" in p for p in paragraphs)
    assert not any("个项目开展了绩效自评" in p for p in paragraphs)
