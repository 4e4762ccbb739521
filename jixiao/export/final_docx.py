"""The 部门决算说明 as a Word document in 公文 layout: each 图 with its standard sentence, the native chart
and the table, from the same code as the 决算图表 page (jixiao.final_accounts.narrative for the sentences,
components.final_charts for the tables, the PowerPoint export's builders for the charts).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from jixiao import model as m
from jixiao.export import common as b
from jixiao.export.gongwen import BODY_W_MM, Gongwen, _ChartSource
from jixiao.fmt import num, to_float, wan

if TYPE_CHECKING:
    from jixiao.final_accounts.figures import FinalAccounts

FINAL_TITLE = "部门决算说明"


def final_heading(unit: str, year: int | None) -> str:
    return unit + (f"{year}年度" if year else "") + FINAL_TITLE


# (heading, charts and sentence keys under it), in the order of the published 决算说明
def _final_sections() -> list[tuple[str, list[str]]]:
    from jixiao.final_accounts import figures as fam
    from jixiao.final_accounts import narrative

    return [
        ("收入支出决算总体情况说明", [fam.FIG1]),
        ("收入决算情况说明", [fam.FIG2]),
        ("支出决算情况说明", [fam.FIG3]),
        ("财政拨款收入支出决算总体情况说明", [fam.FIG4]),
        ("一般公共预算财政拨款支出决算情况说明", [fam.FIG5, fam.FIG6]),
        ("一般公共预算财政拨款基本支出决算情况说明", [narrative.BASIC]),
        ("“三公”经费财政拨款支出决算情况说明", [fam.FIG7]),
        ("机关运行经费支出情况说明", [narrative.ADMIN]),
    ]


def _final_table(g: Gongwen, fa: FinalAccounts, chart: str, year: int) -> None:
    from components import final_charts as fc

    frame = fc.table(fa, chart, year)
    header = [str(c) for c in frame.columns]
    rows = []
    for rec in m.records(frame):
        row = [str(rec[header[0]])]
        for c in header[1:]:
            v = to_float(rec[c])
            if "%" in c:
                row.append(num(v))
            else:
                row.append(wan(v))
        rows.append(row)
    label_w = 46
    other = (BODY_W_MM - label_w) / (len(header) - 1)
    g.table(
        [h.replace("（万元）", "") for h in header],
        rows,
        [label_w] + [other] * (len(header) - 1),
        numeric=range(1, len(header)),
        unit_note="单位：万元",
        bold_last=rows and rows[-1][0] == fc.TOTAL_ROW,
    )


def _final_chart(g: Gongwen, fa: FinalAccounts, chart: str, year: int, source: _ChartSource) -> None:
    from components import final_charts as fc
    from jixiao.export import pptx as px
    from jixiao.final_accounts import figures as fam

    deck = source.deck
    before = len(deck.prs.slides)
    if chart in fam.BAR_CHARTS:
        px._final_bar_slide(deck, fa, chart, year, "")
    else:
        px._final_doughnut_slide(deck, fa, chart, year, "")
    if len(deck.prs.slides) == before:
        return  # nothing to draw (no figures for either year)
    parts = source.chart_parts(deck.prs.slides[before])
    title = fam.CHART_TITLES[chart].split("：", 1)[-1]
    if chart in fam.BAR_CHARTS:
        sizes = [(BODY_W_MM, 80.0)]
    else:
        sizes = [(BODY_W_MM / len(parts) - 1, 95.0 if len(parts) > 1 else 85.0)] * len(parts)
    g.charts(parts, sizes, title, number=fam.CHARTS.index(chart) + 1)  # 图4 stays 图4 when 图3 is missing
    if chart in fam.STRUCTURE_CHARTS:
        prev = fa.previous_year(year)
        note = fc.undrawn_note(fa, chart, [y for y in (prev, year) if y is not None])
        if note:
            g.note(note)


def build_final_docx(
    fa: FinalAccounts,
    *,
    year: int | None = None,
    unit: str | None = None,
    today: date | None = None,
) -> bytes:
    """The 部门决算说明 as .docx bytes: each 图 with its standard sentence and table, from the same
    code as the 决算图表 page (jixiao.narrative, components.final_charts)."""
    from jixiao.final_accounts import figures as fam
    from jixiao.final_accounts import narrative

    year = b.final_accounts_year(fa, year)
    if year is None:
        raise m.IngestError("部门决算数据中没有年度，无法生成决算说明。")
    unit = (fa.unit or "").strip() if unit is None else unit
    today = today or date.today()
    g = Gongwen(final_heading(unit, year), author=unit)
    g.title()
    texts = narrative.chart_texts(fa, year)
    source = _ChartSource()
    prev = fa.previous_year(year)
    g.paragraph(
        f"本说明依据{unit or '本部门'}{year}年度部门决算数据编制"
        + (f"，并与{prev}年度对比" if prev else "")
        + "。金额单位为万元，增减率和占比按四舍五入保留两位小数。"
    )
    for head, keys in _final_sections():
        said = [k for k in keys if texts.get(k)]
        charts = [k for k in keys if k in fam.CHARTS]
        if not said and not any(_has_chart(fa, k, year) for k in charts):
            continue
        g.heading(1, head)
        for k in keys:
            if texts.get(k):
                g.paragraph(texts[k])
            if k in fam.CHARTS and _has_chart(fa, k, year):
                _final_chart(g, fa, k, year, source)
                _final_table(g, fa, k, year)
    from jixiao.final_accounts.validate import validate

    findings = validate(fa)
    if findings:
        g.heading(1, "数据核对")
        g.paragraph(f"对各项合计与明细逐项核对，发现{len(findings)}处不一致，请核实：")
        for i, f in enumerate(findings, start=1):
            g.paragraph(f"{i}. {f.where}：{f.message}")
    g.signature(unit, today)
    return g.bytes()


def _has_chart(fa: FinalAccounts, chart: str, year: int) -> bool:
    from jixiao.final_accounts import figures as fam

    years = [y for y in (fa.previous_year(year), year) if y is not None]
    if chart in fam.BAR_CHARTS:
        return any(y in v for v in fam.bar_series(fa, chart).values() for y in years)
    return any(v > 0 for y in years for v in fam.structure_items(fa, chart, y).values())
