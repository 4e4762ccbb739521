"""The HTML report (jixiao.export.html): self-contained, every chart and figure, escaped user text,
print rules for A4."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from plotly.offline import get_plotlyjs

from components import charts as ch
from jixiao.export.html import build_html
from jixiao.final_accounts import figures as fam
from jixiao.final_accounts import narrative
from jixiao.final_accounts import template as fa_template
from jixiao.read import read_dataset
from jixiao.settings import Settings
from jixiao.summary.analysis import analyze

ROOT = Path(__file__).resolve().parent.parent
FA_XLSX = ROOT / "sample_data" / fa_template.SAMPLE_FILE
TODAY = date(2024, 5, 20)
PROJECT_CHART_TITLES = [
    ch.T["execution_bars"],
    ch.T["traffic_light"],
    ch.T["budget_vs_executed"],
    ch.T["flag_reasons"],
    ch.T["components"],
    ch.T["reported_vs_computed"],
    ch.T["grades"],
]


@pytest.fixture(scope="module")
def final_accounts() -> fam.FinalAccounts:
    fa, _ = fa_template.load_figures(FA_XLSX.read_bytes(), FA_XLSX.name)
    return fa


@pytest.fixture(scope="module")
def report(henan_analysis, final_accounts) -> str:
    return build_html(henan_analysis, final_accounts=final_accounts, today=TODAY)


@pytest.fixture(scope="module")
def plotlyjs() -> str:
    return get_plotlyjs()


def _without_bundle(doc: str, bundle: str) -> str:
    assert doc.count(bundle) == 1
    return doc.replace(bundle, "")


def _figures(doc: str) -> list[dict]:
    """The JSON of every chart script (the '<\\/' escapes undone)."""
    out = []
    pattern = r'class="chart"></div><script>\(function\(\)\{var f=(\{.*?\});Plotly\.newPlot\("chart-'
    for payload in re.findall(pattern, doc, flags=re.S):
        out.append(json.loads(payload.replace("<\\/", "</")))
    return out


def _small_workbook(names: list[str]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["测试单位2024年度项目单位自评汇总表"])
    ws.append(["序号", "项目名称", "预算数（万元）", "执行数（万元）", "自评得分"])
    for i, name in enumerate(names):
        ws.append([i + 1, name, 100, 40 + 20 * i, 70 + i])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_plotly_is_inlined_once_and_nothing_is_fetched(report, plotlyjs):
    """Offline: the plotly.js bundle appears exactly once, byte for byte, and the rest of the document
    holds no URL at all. The bundle itself keeps the strings it ships with (SVG/XML namespace names
    such as http://www.w3.org/2000/svg that it needs to draw, licence links, and map-tile addresses
    used only by map traces this report never draws), so those are checked for what matters: no tag
    anywhere loads a resource (no src=, no <link>, no @import, no url() in the CSS)."""
    rest = _without_bundle(report, plotlyjs)
    assert not re.search(r"https?://", rest, flags=re.I)
    assert not re.search(r"<script[^>]*\bsrc\s*=", report, flags=re.I)
    assert not re.search(r"<link\b", report, flags=re.I)
    assert not re.search(r"<(img|iframe|object|embed)\b", rest, flags=re.I)
    assert "@import" not in rest and "url(" not in rest
    assert "@font-face" not in rest
    assert report.count("<script") - report.count("<script>") == 1  # only the bundle's typed tag


def test_every_chart_title_and_one_plot_per_chart(report, plotlyjs):
    titles = PROJECT_CHART_TITLES + [fam.CHART_TITLES[c] for c in fam.CHARTS]
    for title in titles:
        assert f"<h3>{title}</h3>" in report, title
    figures = _figures(report)
    assert len(figures) == report.count('class="chart"') == len(titles)
    assert _without_bundle(report, plotlyjs).count("Plotly.newPlot(") == len(titles)


def test_kpis_and_sentences(report):
    for label in (
        "预算总额",
        "执行总额",
        "总体执行率",
        "金额加权平均分",
        "简单平均分",
        "偏差项目数",
        "审核问题数",
    ):
        assert label in report
    assert "7,863.66" in report and "6,780.62" in report
    assert '<div class="value bad">86.23%</div>' in report  # below the 90% line: red
    assert "96.39" in report and "92.06" in report
    assert "共 15 个项目，预算 7,863.66 万元，执行 6,780.62 万元，执行率 86.23%" in report
    assert "河南省科学技术协会2023年度预算绩效分析报告" in report


def test_flagged_list_findings_and_notes(report, henan_analysis):
    section = report.split("<h2>偏差项目</h2>")[1].split("</section>")[0]
    assert section.count("<tr>") == 1 + len(henan_analysis.flagged) == 11
    assert "知识产权事业发展" in section and "执行率偏低" in section
    assert '<td class="num bad">14.22%</td>' in section
    findings = report.split("<h2>审核发现</h2>")[1].split("</section>")[0]
    assert findings.count('<tr class="warning">') == 3
    assert "99.81%" in findings
    notes = report.split("<h2>口径与公式</h2>")[1]
    assert "河南汇总表口径" in notes and "执行数 ÷ 预算数" in notes


def test_final_accounts_sentences_and_tables(report, final_accounts):
    texts = narrative.chart_texts(final_accounts, 2023)
    for key in fam.CHARTS:
        assert texts[key] and texts[key] in report, key
    assert "下降0.39%" in report and "下降86.62%" in report
    # 图3's table lists the zero items the donut leaves out
    fig3 = report.split(f"<h3>{fam.CHART_TITLES[fam.FIG3]}</h3>")[1].split("<figure>")[0]
    assert "上缴上级支出" in fig3 and "53.66%" in fig3


def test_project_report_without_final_accounts(henan_analysis):
    doc = build_html(henan_analysis, today=TODAY)
    assert "部门决算图表" not in doc
    assert len(_figures(doc)) == len(PROJECT_CHART_TITLES)


def test_user_text_is_escaped_everywhere():
    evil = "<script>alert(1)</script>"
    names = [evil, '"><img src=x onerror=alert(2)>', "普通项目"]
    table = read_dataset(_small_workbook(names), "<b>evil</b>.xlsx").table
    doc = build_html(analyze(table, Settings()), unit="<i>单位</i>", year=2024, today=TODAY)
    assert "<script>alert" not in doc and "<script>alert" not in doc.replace("<\\/", "</")
    assert "<img src=x" not in doc
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in doc
    assert "<b>evil</b>" not in doc and "&lt;b&gt;evil&lt;/b&gt;.xlsx" in doc
    assert "<i>单位</i>" not in doc and "&lt;i&gt;单位&lt;/i&gt;" in doc
    # inside the chart JSON the names reach plotly escaped as well
    labels = json.dumps(_figures(doc), ensure_ascii=False)
    assert "&lt;script&gt;" in labels and "<script>" not in labels


def test_script_cannot_be_closed_from_figure_text(henan_analysis, final_accounts):
    """决算 item names go into plotly labels as they are; the figure JSON must not close its script."""
    import copy
    import dataclasses

    fa = copy.deepcopy(final_accounts)
    y = fa.data[2023]
    fa.data[2023] = dataclasses.replace(y, expenditure={"</script><b>x": 468.99, **y.expenditure})
    doc = build_html(henan_analysis, final_accounts=fa, today=TODAY)
    assert "</script><b>x" not in doc
    assert "&lt;/script&gt;&lt;b&gt;x" in doc  # the 图3 table
    pies = [t for f in _figures(doc) for t in f["data"] if t.get("type") == "pie"]
    assert any("</script><b>x" in t["labels"] for t in pies)  # the label reaches plotly intact


def test_print_rules_for_a4(report):
    css = report.split("<style>")[1].split("</style>")[0]
    assert "@page" in css and "size: A4" in css
    media = css.split("@media print")[1]
    assert "break-before: page" in media and "section" in media
    assert "table-header-group" in css  # table headers repeat on every printed page
    assert "break-inside: avoid" in css
    assert "max-width: 180mm" in css  # charts are drawn at the printed width
    assert '"Noto Sans CJK SC"' in css and '"Microsoft YaHei"' in css
    for fig in _figures(report):
        assert fig["layout"].get("height", 0) <= 820
        assert fig["layout"].get("width") is None
