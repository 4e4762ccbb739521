"""An editable 16:9 PowerPoint for 评审会: title, KPIs, main findings in words, native charts, tables.

Every chart is a python-pptx chart object (double-click in PowerPoint/WPS to edit the data), never a
picture. Numbers carry their format in the chart itself: 万元 '#,##0.00', rates '0.00"%"' (the values
are percent, 86.23, as everywhere in jixiao). Chinese text gets an East Asian typeface (``a:ea``) on
every run, because the Latin typeface alone leaves the CJK glyphs to the viewer's fallback font.
"""

from __future__ import annotations

import io
import math
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_AXIS_CROSSES, XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import OxmlElement
from pptx.util import Emu, Inches, Pt

from jixiao import model as m
from jixiao.export import bundle as b
from jixiao.flags import FLAG_LABELS
from jixiao.fmt import is_missing, pct, round_half_up, to_float, wan

if TYPE_CHECKING:
    from jixiao.analysis import Analysis
    from jixiao.final_accounts import FinalAccounts


from components.charts import COMPONENT_COLORS, LOST_COLOR, component_frame
from components.theme import BAND_COLORS, GREY, INK, MUTED, PALETTE, RED

FONT = "Microsoft YaHei"  # Latin and East Asian typeface; WPS and LibreOffice substitute their own CJK sans
SLIDE_W = Emu(12192000)  # 13.333 in
SLIDE_H = Emu(6858000)  # 7.5 in
MARGIN = Inches(0.6)
BODY_TOP = Inches(1.35)
BODY_BOTTOM = Inches(7.1)

PCT_FORMAT = '0.00"%"'  # values are percent (86.23), so the sign is literal, not Excel's ×100
PCT_AXIS_FORMAT = '0"%"'
WAN_FORMAT = "#,##0.00"
WAN_AXIS_FORMAT = "#,##0"
POINTS_FORMAT = "0.00"
SHARE_FORMAT = "0.00%"  # a doughnut's percentage label is a fraction, so here Excel's ×100 applies

BARS_PER_SLIDE = 20
MAX_BAR_SLIDES = 5
SCORES_PER_SLIDE = 15
MAX_SCORE_SLIDES = 3
MAX_TABLE_SLIDES = 15
LABEL_WIDTH = 24  # characters of a project name on a chart axis

LIGHT = "F0F4F8"
LINE = "D5DAE1"
FLAG_FILL = "FDECEC"
HEADER_FILL = PALETTE[0].lstrip("#")

T = {
    "kpis": "主要指标",
    "summary": "主要情况",
    "execution": "各项目预算执行率",
    "units": "各单位预算执行率",
    "flagged": "偏差项目",
    "scores": "各项目得分构成与失分",
    "findings": "审核发现",
    "continued": "（续{n}）",
    "rate_series": "预算执行率",
    "lost": "失分",
    "no_flagged": "没有项目触发偏差规则。",
    "no_findings": "审核未发现问题。",
}


# --- text ----------------------------------------------------------------------------------------
def _rgb(hex_color: str) -> RGBColor:
    return RGBColor.from_string(hex_color.lstrip("#").upper())


def set_east_asian(rPr, typeface: str = FONT) -> None:
    """Latin and East Asian typeface on an ``a:rPr`` / ``a:defRPr`` (python-pptx only sets Latin)."""
    latin = rPr.get_or_add_latin()
    latin.set("typeface", typeface)
    ea = rPr.find(qn("a:ea"))
    if ea is None:
        ea = OxmlElement("a:ea")
        latin.addnext(ea)
    ea.set("typeface", typeface)


def _style_font(font, size: float, *, bold: bool = False, color: str = INK) -> None:
    font.size = Pt(size)
    font.bold = bold
    font.color.rgb = _rgb(color)
    set_east_asian(font._rPr)


def _fill_text(
    frame,
    paragraphs: list[str] | str,
    size: float,
    *,
    bold: bool = False,
    color: str = INK,
    align=None,
    space_after: float = 0,
) -> None:
    frame.word_wrap = True
    if isinstance(paragraphs, str):
        paragraphs = [paragraphs]
    for i, text in enumerate(paragraphs):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        if align is not None:
            para.alignment = align
        if space_after:
            para.space_after = Pt(space_after)
        run = para.add_run()
        run.text = text
        _style_font(run.font, size, bold=bold, color=color)


def _textbox(slide, x, y, w, h, paragraphs, size, **kw):
    box = slide.shapes.add_textbox(x, y, w, h)
    frame = box.text_frame
    frame.margin_left = frame.margin_right = Inches(0.05)
    _fill_text(frame, paragraphs, size, **kw)
    return box


def _rect(slide, x, y, w, h, fill: str, *, line: str | None = None, shape=MSO_SHAPE.RECTANGLE):
    shp = slide.shapes.add_shape(shape, x, y, w, h)
    shp.fill.solid()
    shp.fill.fore_color.rgb = _rgb(fill)
    if line:
        shp.line.color.rgb = _rgb(line)
        shp.line.width = Pt(1)
    else:
        shp.line.fill.background()
    shp.shadow.inherit = False
    return shp


# --- slides --------------------------------------------------------------------------------------
class _Deck:
    def __init__(self, footer: str):
        self.prs = Presentation()
        self.prs.slide_width = SLIDE_W
        self.prs.slide_height = SLIDE_H
        self.blank = self.prs.slide_layouts[6]
        self.footer = footer

    def slide(self, title: str, subtitle: str = ""):
        s = self.prs.slides.add_slide(self.blank)
        _textbox(s, MARGIN, Inches(0.3), SLIDE_W - 2 * MARGIN, Inches(0.65), title, 28, bold=True)
        _rect(s, MARGIN, Inches(0.95), Inches(1.2), Inches(0.06), PALETTE[0])
        if subtitle:
            _textbox(s, MARGIN, Inches(1.0), SLIDE_W - 2 * MARGIN, Inches(0.35), subtitle, 14, color=MUTED)
        n = len(self.prs.slides)
        _textbox(s, MARGIN, Inches(7.1), Inches(9), Inches(0.3), self.footer, 11, color=MUTED)
        _textbox(
            s,
            SLIDE_W - MARGIN - Inches(1),
            Inches(7.1),
            Inches(1),
            Inches(0.3),
            str(n),
            11,
            color=MUTED,
            align=PP_ALIGN.RIGHT,
        )
        return s

    def bytes(self) -> bytes:
        buf = io.BytesIO()
        self.prs.save(buf)
        return buf.getvalue()


def _title_slide(deck: _Deck, unit: str, year: int | None, today: date, source: str) -> None:
    s = deck.prs.slides.add_slide(deck.blank)
    _rect(s, 0, 0, SLIDE_W, Inches(0.35), PALETTE[0])
    _rect(s, 0, SLIDE_H - Inches(0.2), SLIDE_W, Inches(0.2), PALETTE[1])
    lines_y = Inches(2.0)
    if unit:
        _textbox(s, Inches(1), lines_y, SLIDE_W - Inches(2), Inches(0.9), unit, 32, color=MUTED)
    title = (f"{year}年度" if year else "") + b.REPORT_TITLE
    _textbox(s, Inches(1), lines_y + Inches(0.9), SLIDE_W - Inches(2), Inches(1.2), title, 44, bold=True)
    _rect(s, Inches(1), lines_y + Inches(2.2), Inches(2.0), Inches(0.08), PALETTE[0])
    when = f"{today.year}年{today.month}月{today.day}日"
    _textbox(s, Inches(1), lines_y + Inches(2.5), SLIDE_W - Inches(2), Inches(0.6), when, 20, color=INK)
    if source:
        _textbox(
            s,
            Inches(1),
            lines_y + Inches(3.2),
            SLIDE_W - Inches(2),
            Inches(0.5),
            f"数据来源：{source}",
            14,
            color=MUTED,
        )


def _kpi_slide(deck: _Deck, analysis: Analysis) -> None:
    s = deck.slide(T["kpis"])
    cards = b.kpis(analysis)
    cols, gap = 4, Inches(0.3)
    w = int((SLIDE_W - 2 * MARGIN - gap * (cols - 1)) / cols)
    h = Inches(2.5)
    rate = analysis.totals.get("execution_rate")
    for i, k in enumerate(cards):
        x = MARGIN + (w + gap) * (i % cols)
        y = BODY_TOP + Inches(0.35) + (h + gap) * (i // cols)
        _rect(s, x, y, w, h, LIGHT, line=LINE, shape=MSO_SHAPE.ROUNDED_RECTANGLE).adjustments[0] = 0.06
        _textbox(s, x + Inches(0.2), y + Inches(0.2), w - Inches(0.4), Inches(0.5), k.label, 18, color=MUTED)
        color = INK
        if k.label == "总体执行率" and rate is not None and rate < analysis.settings.low_threshold - 1e-9:
            color = RED
        box = _textbox(
            s,
            x + Inches(0.2),
            y + Inches(0.8),
            w - Inches(0.4),
            Inches(0.9),
            k.value,
            32,
            bold=True,
            color=color,
        )
        if k.unit:
            run = box.text_frame.paragraphs[0].add_run()
            run.text = " " + k.unit
            _style_font(run.font, 18, color=MUTED)
        if k.note:
            _textbox(
                s, x + Inches(0.2), y + Inches(1.75), w - Inches(0.4), Inches(0.5), k.note, 13, color=MUTED
            )


def _summary_slide(deck: _Deck, analysis: Analysis) -> None:
    s = deck.slide(T["summary"])
    box = _textbox(
        s,
        MARGIN,
        BODY_TOP + Inches(0.2),
        SLIDE_W - 2 * MARGIN,
        BODY_BOTTOM - BODY_TOP - Inches(0.3),
        ["• " + t for t in b.project_sentences(analysis)],
        18,
        space_after=8,
    )
    box.text_frame.vertical_anchor = MSO_ANCHOR.TOP


# --- charts --------------------------------------------------------------------------------------
def _style_chart(chart, size: float = 14) -> None:
    chart.font.size = Pt(size)
    chart.font.color.rgb = _rgb(INK)
    set_east_asian(chart.font._rPr)


def _axis_font(axis, size: float = 14) -> None:
    f = axis.tick_labels.font
    f.size = Pt(size)
    set_east_asian(f._rPr)


def _top_down(chart) -> None:
    """Bar charts list categories bottom-up; reverse them and keep the value axis at the bottom
    (the value axis crosses the category axis at its maximum, Excel's "at maximum category")."""
    chart.category_axis.reverse_order = True
    val = chart.value_axis._element
    val._remove_crosses()
    val._remove_crossesAt()
    val._add_crosses(val=XL_AXIS_CROSSES.MAXIMUM)


def _gridlines(axis) -> None:
    axis.has_major_gridlines = True
    axis.major_gridlines.format.line.color.rgb = _rgb("E4E7EB")


def _chart_box():
    return MARGIN, BODY_TOP + Inches(0.1), SLIDE_W - 2 * MARGIN, BODY_BOTTOM - BODY_TOP - Inches(0.15)


def _r2(x: object) -> float | None:
    v = to_float(x)
    return None if v is None else round_half_up(v, 2)


def _chunks(n: int, per: int, max_slides: int) -> list[tuple[int, int]]:
    return [(i, min(i + per, n)) for i in range(0, min(n, per * max_slides), per)]


def _rate_chart(slide, labels: list[str], rates: list[float | None], bands: list[str]) -> None:
    data = CategoryChartData(number_format=PCT_FORMAT)
    data.categories = labels
    data.add_series(T["rate_series"], [_r2(r) for r in rates])
    x, y, w, h = _chart_box()
    chart = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, x, y, w, h, data).chart
    _style_chart(chart)
    chart.has_title = False
    chart.has_legend = False
    plot = chart.plots[0]
    plot.gap_width = 45
    plot.vary_by_categories = False
    plot.has_data_labels = True
    dl = plot.data_labels
    dl.number_format = PCT_FORMAT
    dl.number_format_is_linked = False
    dl.position = XL_LABEL_POSITION.OUTSIDE_END
    dl.font.size = Pt(14)
    set_east_asian(dl.font._rPr)
    cat = chart.category_axis
    _top_down(chart)  # slowest at the top, as the dashboard shows it
    _axis_font(cat, 14)
    val = chart.value_axis
    known = [r for r in rates if r is not None]
    val.minimum_scale = 0
    val.maximum_scale = max(110.0, math.ceil(max(known, default=0.0) * 1.12 / 10) * 10)
    val.major_unit = 10 if val.maximum_scale <= 150 else 50
    val.tick_labels.number_format = PCT_AXIS_FORMAT
    val.tick_labels.number_format_is_linked = False
    _axis_font(val, 14)
    _gridlines(val)
    series = plot.series[0]
    for i, band in enumerate(bands):
        point = series.points[i]
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = _rgb(BAND_COLORS.get(band, GREY))


def _execution_slides(deck: _Deck, analysis: Analysis) -> None:
    from jixiao.analysis import BAND

    p = analysis.projects
    if not len(p):
        return
    df = p.assign(_r=pd.to_numeric(p[m.EXECUTION_RATE], errors="coerce"))
    df = df.sort_values("_r", na_position="last", kind="stable")
    labels = b.project_labels(df, LABEL_WIDTH)
    rates = [to_float(r) for r in df["_r"].tolist()]
    bands = df[BAND].tolist()
    chunks = _chunks(len(df), BARS_PER_SLIDE, MAX_BAR_SLIDES)
    low, floor = analysis.settings.low_threshold, analysis.settings.amber_floor
    legend = f"绿色 ≥{pct(low)}，橙色 {pct(floor)}–{pct(low)}，红色 <{pct(floor)}；执行率从低到高排列"
    if len(df) > chunks[-1][1]:
        legend += f"；仅列出最低的 {chunks[-1][1]} 个（共 {len(df)} 个，完整清单见 Excel）"
    for k, (lo, hi) in enumerate(chunks):
        title = T["execution"] + (T["continued"].format(n=k) if k else "")
        s = deck.slide(title, legend)
        _rate_chart(s, labels[lo:hi], rates[lo:hi], bands[lo:hi])


def _unit_slide(deck: _Deck, analysis: Analysis) -> None:
    from jixiao.metrics import band_of

    u = analysis.units
    if u is None or not len(u):
        return
    df = u.assign(_r=pd.to_numeric(u["execution_rate"], errors="coerce"))
    total = len(df)
    df = df.sort_values("_r", na_position="last", kind="stable").head(BARS_PER_SLIDE)
    rates = [to_float(r) for r in df["_r"].tolist()]
    st = analysis.settings
    bands = [band_of(r, st.low_threshold, st.amber_floor) for r in rates]
    sub = "执行率从低到高排列" + (
        f"；仅列出最低的 {len(df)} 个单位（共 {total} 个）" if total > len(df) else ""
    )
    s = deck.slide(T["units"], sub)
    _rate_chart(s, [b.project_name(x) for x in df["unit"].tolist()], rates, bands)


def _score_slides(deck: _Deck, analysis: Analysis) -> None:
    comp = analysis.components
    p = analysis.projects
    if comp is None or comp.empty or not len(p):
        return
    scores = pd.to_numeric(p[m.COMPUTED_SCORE], errors="coerce")
    if not scores.notna().any():
        return
    scheme = analysis.choice.scheme
    frame = component_frame(p, comp, scheme)
    comps = [c[len("earned_") :] for c in frame.columns if c.startswith("earned_")]
    df = p.assign(_s=scores)
    df = df[df["_s"].notna()].sort_values("_s", kind="stable")
    frame = frame.loc[df.index]
    labels = b.project_labels(df, LABEL_WIDTH)
    lost = frame[[f"lost_{c}" for c in comps]].sum(axis=1).tolist()
    chunks = _chunks(len(df), SCORES_PER_SLIDE, MAX_SCORE_SLIDES)
    sub = f"得分从低到高排列；权重：{scheme.describe()}（{scheme.label}）"
    if len(df) > chunks[-1][1]:
        sub += f"；仅列出得分最低的 {chunks[-1][1]} 个"
    for k, (lo, hi) in enumerate(chunks):
        s = deck.slide(T["scores"] + (T["continued"].format(n=k) if k else ""), sub)
        data = CategoryChartData(number_format=POINTS_FORMAT)
        data.categories = labels[lo:hi]
        for c in comps:
            data.add_series(
                f"{m.COMPONENT_LABELS[c]}（{scheme.weights[c]:g}分）",
                [_r2(x) for x in frame[f"earned_{c}"].tolist()[lo:hi]],
            )
        data.add_series(T["lost"], [_r2(x) for x in lost[lo:hi]])
        x, y, w, h = _chart_box()
        chart = s.shapes.add_chart(XL_CHART_TYPE.BAR_STACKED, x, y, w, h, data).chart
        _style_chart(chart)
        chart.has_title = False
        plot = chart.plots[0]
        plot.gap_width = 40
        plot.overlap = 100
        colors = [COMPONENT_COLORS.get(c, PALETTE[i % len(PALETTE)]) for i, c in enumerate(comps)] + [
            LOST_COLOR
        ]
        for series, color in zip(plot.series, colors):
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = _rgb(color)
        chart.has_legend = True
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(14)
        set_east_asian(chart.legend.font._rPr)
        cat = chart.category_axis
        _top_down(chart)
        _axis_font(cat, 14)
        val = chart.value_axis
        val.minimum_scale, val.maximum_scale, val.major_unit = 0, 100, 20
        val.tick_labels.number_format = "0"
        val.tick_labels.number_format_is_linked = False
        _axis_font(val, 14)
        _gridlines(val)


# --- tables --------------------------------------------------------------------------------------
def _lines(text: str, width_in: float, size: float) -> int:
    """Lines a text takes in a column: a CJK character is about one em wide, a Latin one half."""
    per_line = max(1.0, width_in * 72 / size)
    total = 0
    for para in text.split("\n"):
        units = sum(1.0 if ord(ch) > 0x2E80 else 0.55 for ch in para)
        total += max(1, math.ceil(units / per_line))
    return total


def _paginate(
    rows: list[list[str]], widths: list[float], size: float, room_in: float
) -> list[list[list[str]]]:
    pages: list[list[list[str]]] = [[]]
    used = 0.0
    for row in rows:
        h = _row_height(row, widths, size)
        if pages[-1] and used + h > room_in:
            pages.append([])
            used = 0.0
        pages[-1].append(row)
        used += h
    return pages if pages[0] else []


def _row_height(row: list[str], widths: list[float], size: float) -> float:
    lines = max(_lines(t, w - 0.2, size) for t, w in zip(row, widths))
    return lines * size * 1.3 / 72 + 0.16


def _table(slide, header: list[str], rows: list[list[str]], widths: list[float], size: float, highlight=None):
    x, y = MARGIN, BODY_TOP + Inches(0.15)
    total_h = Inches(0.5) + sum(Inches(_row_height(r, widths, size)) for r in rows)
    shape = slide.shapes.add_table(len(rows) + 1, len(header), x, y, Inches(sum(widths)), total_h)
    table = shape.table
    table.first_row = True
    table.horz_banding = False
    for j, w in enumerate(widths):
        table.columns[j].width = Inches(w)
    table.rows[0].height = Inches(0.5)
    for i, row in enumerate(rows, start=1):
        table.rows[i].height = Inches(_row_height(row, widths, size))
    for j, text in enumerate(header):
        cell = table.cell(0, j)
        cell.fill.solid()
        cell.fill.fore_color.rgb = _rgb(HEADER_FILL)
        cell.text_frame.paragraphs[0].text = ""
        _fill_text(cell.text_frame, text, size, bold=True, color="#FFFFFF")
        cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    for i, row in enumerate(rows, start=1):
        for j, text in enumerate(row):
            cell = table.cell(i, j)
            cell.fill.solid()
            cell.fill.fore_color.rgb = _rgb("FFFFFF" if i % 2 else LIGHT)
            color = RED if highlight and highlight(i - 1, j) else INK
            _fill_text(cell.text_frame, text.split("\n"), size, color=color)
            cell.vertical_anchor = MSO_ANCHOR.TOP
            cell.margin_top = cell.margin_bottom = Inches(0.04)
    return table


def _flagged_slides(deck: _Deck, analysis: Analysis) -> None:
    flagged = analysis.flagged
    if not len(flagged):
        s = deck.slide(T["flagged"])
        _textbox(s, MARGIN, BODY_TOP + Inches(0.3), SLIDE_W - 2 * MARGIN, Inches(1), T["no_flagged"], 22)
        return
    df = flagged.assign(_r=pd.to_numeric(flagged[m.EXECUTION_RATE], errors="coerce"))
    df = df.sort_values("_r", na_position="last", kind="stable")
    names = b.project_labels(df)
    units = analysis.table.has_units
    rows, low_rate = [], []
    for name, rec in zip(names, m.records(df, [m.SHEET_ROW, "_r", m.FLAGS, m.UNIT])):
        if units and not is_missing(rec[m.UNIT]):
            name += f"\n（{rec[m.UNIT]}）"
        reasons = "\n".join(f"【{FLAG_LABELS.get(x.code, x.code)}】{x.reason}" for x in rec[m.FLAGS])
        rows.append([str(int(rec[m.SHEET_ROW])), name, pct(to_float(rec["_r"])), reasons])
        low_rate.append(any(x.code in ("LOW_EXECUTION", "OVER_EXECUTION", "NO_RATE") for x in rec[m.FLAGS]))
    widths = [0.85, 3.2, 1.35, SLIDE_W / 914400 - 2 * MARGIN / 914400 - 0.85 - 3.2 - 1.35]
    size = 14
    pages = _paginate(rows, widths, size, (BODY_BOTTOM - BODY_TOP) / 914400 - 0.8)
    shown = pages[:MAX_TABLE_SLIDES]
    done = 0
    for k, page in enumerate(shown):
        sub = f"共 {len(rows)} 个项目，按执行率从低到高；红字为超出规则的执行率"
        if k == len(shown) - 1 and len(pages) > len(shown):
            sub += f"；其余 {len(rows) - done - len(page)} 个见 Excel“项目明细”"
        s = deck.slide(T["flagged"] + (T["continued"].format(n=k) if k else ""), sub)
        offset = done
        _table(
            s,
            ["行号", "项目名称", "执行率", "偏差原因"],
            page,
            widths,
            size,
            highlight=lambda i, j, o=offset: j == 2 and low_rate[o + i],
        )
        done += len(page)


def _findings_slides(deck: _Deck, analysis: Analysis) -> None:
    findings = analysis.findings
    if not findings:
        s = deck.slide(T["findings"])
        _textbox(s, MARGIN, BODY_TOP + Inches(0.3), SLIDE_W - 2 * MARGIN, Inches(1), T["no_findings"], 22)
        return
    rows = [[m.SEVERITY_LABELS.get(x.severity, x.severity), x.where, x.message] for x in findings]
    widths = [0.9, 4.0, SLIDE_W / 914400 - 2 * MARGIN / 914400 - 4.9]
    size = 14
    pages = _paginate(rows, widths, size, (BODY_BOTTOM - BODY_TOP) / 914400 - 0.8)[:5]
    for k, page in enumerate(pages):
        s = deck.slide(T["findings"] + (T["continued"].format(n=k) if k else ""), f"共 {len(rows)} 条")
        _table(
            s,
            ["级别", "位置", "说明"],
            page,
            widths,
            size,
            highlight=lambda i, j, pg=page: j == 0 and pg[i][0] == "错误",
        )


# --- 部门决算 图1–图7 --------------------------------------------------------------------------------
def _final_slides(deck: _Deck, fa: FinalAccounts, year: int) -> None:
    from jixiao import final_accounts as fam
    from jixiao import narrative

    texts = narrative.chart_texts(fa, year)
    for chart in fam.CHARTS:
        if chart in fam.BAR_CHARTS:
            _final_bar_slide(deck, fa, chart, year, texts.get(chart, ""))
        else:
            _final_doughnut_slide(deck, fa, chart, year, texts.get(chart, ""))


def _caption(slide, text: str, top) -> None:
    """The report's sentence under a chart, smaller type for the long ones so it stays on the slide."""
    if text:
        size = 16 if len(text) <= 150 else 14 if len(text) <= 300 else 12
        _textbox(slide, MARGIN, top, SLIDE_W - 2 * MARGIN, BODY_BOTTOM - top, text.split("\n"), size)


def _final_bar_slide(deck: _Deck, fa: FinalAccounts, chart_key: str, year: int, text: str) -> None:
    from jixiao import final_accounts as fam

    series = fam.bar_series(fa, chart_key)
    prev = fa.previous_year(year)
    years = [y for y in (prev, year) if y is not None and any(y in v for v in series.values())]
    if not years:
        return
    s = deck.slide(fam.CHART_TITLES[chart_key], "单位：万元")
    data = CategoryChartData(number_format=WAN_FORMAT)
    data.categories = list(series)
    for y in years:
        data.add_series(fam.year_label(y), [_r2(series[name].get(y)) for name in series])
    x, top, w = MARGIN, BODY_TOP + Inches(0.1), SLIDE_W - 2 * MARGIN
    h = Inches(4.1)
    chart = s.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, x, top, w, h, data).chart
    _style_chart(chart, 16)
    chart.has_title = False
    plot = chart.plots[0]
    plot.gap_width = 80
    plot.overlap = -10
    plot.has_data_labels = True
    plot.data_labels.number_format = WAN_FORMAT
    plot.data_labels.number_format_is_linked = False
    plot.data_labels.position = XL_LABEL_POSITION.OUTSIDE_END
    for series_obj, y in zip(plot.series, years):
        series_obj.format.fill.solid()
        series_obj.format.fill.fore_color.rgb = _rgb(PALETTE[0] if y == year else GREY)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.TOP
    chart.legend.include_in_layout = False
    val = chart.value_axis
    val.minimum_scale = 0
    val.tick_labels.number_format = WAN_AXIS_FORMAT
    val.tick_labels.number_format_is_linked = False
    _gridlines(val)
    _caption(s, text, top + h + Inches(0.1))


def _final_doughnut_slide(deck: _Deck, fa: FinalAccounts, chart_key: str, year: int, text: str) -> None:
    from jixiao import final_accounts as fam

    prev = fa.previous_year(year)
    years = [
        y
        for y in (prev, year)
        if y is not None and any(v > 0 for v in fam.structure_items(fa, chart_key, y).values())
    ]
    if not years:
        return
    s = deck.slide(fam.CHART_TITLES[chart_key], "单位：万元；金额为0的项目不画入图中")
    top, h = BODY_TOP + Inches(0.1), Inches(4.1)
    width = (SLIDE_W - 2 * MARGIN) / len(years)
    left_out: list[str] = []
    for i, y in enumerate(years):
        items = fam.structure_items(fa, chart_key, y)
        drawn = {k: v for k, v in items.items() if v > 0}
        prefix = fam.year_label(y) if len(years) > 1 else ""
        zero = [k for k, v in items.items() if v == 0]
        negative = [k for k, v in items.items() if v < 0]
        if zero:
            left_out.append(f"{prefix}金额为0、未画入图中：" + "、".join(zero))
        if negative:
            left_out.append(f"{prefix}金额为负数、无法画入图中：" + "、".join(negative))
        data = CategoryChartData(number_format=WAN_FORMAT)
        data.categories = list(drawn)
        data.add_series(fam.year_label(y), [_r2(v) for v in drawn.values()])
        x = MARGIN + int(width * i)
        chart = s.shapes.add_chart(XL_CHART_TYPE.DOUGHNUT, x, top, int(width), h, data).chart
        _style_chart(chart, 14)
        chart.has_title = True
        chart.chart_title.text_frame.text = (
            f"{fam.year_label(y)}（合计 {wan(fam.structure_total(fa, chart_key, y), unit=True)}）"
        )
        for run in chart.chart_title.text_frame.paragraphs[0].runs:
            _style_font(run.font, 16, bold=True)
        plot = chart.plots[0]
        plot.vary_by_categories = True
        plot.has_data_labels = True
        dl = plot.data_labels
        # One number format serves a whole label, so the label shows the share and the amounts stay
        # in the series (万元 format), the chart title (合计) and the sentence under the chart.
        dl.number_format = SHARE_FORMAT
        dl.number_format_is_linked = False
        dl.show_value = False
        dl.show_percentage = True
        dl.font.size = Pt(13)
        set_east_asian(dl.font._rPr)
        series = plot.series[0]
        colors = _item_colors(fa, chart_key, years)
        for j, name in enumerate(drawn):
            pt = series.points[j]
            pt.format.fill.solid()
            pt.format.fill.fore_color.rgb = _rgb(colors[name])
        chart.has_legend = True
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(13)
        set_east_asian(chart.legend.font._rPr)
    _caption(
        s,
        "\n".join(x for x in ["；".join(left_out) + "。" if left_out else "", text] if x),
        top + h + Inches(0.1),
    )


def _item_colors(fa: FinalAccounts, chart_key: str, years: list[int]) -> dict[str, str]:
    from jixiao import final_accounts as fam

    extra = ["#3d8bd9", "#80c4b7", "#f2c57c", "#b39ddb", "#ef8a96", "#9ccc65", "#bcaaa4", "#90a4ae"]
    colors = PALETTE + extra
    names: list[str] = []
    for y in years:
        names += [k for k in fam.structure_items(fa, chart_key, y) if k not in names]
    return {k: colors[i % len(colors)] for i, k in enumerate(names)}


# --- entry point ---------------------------------------------------------------------------------
def build_pptx(
    analysis: Analysis,
    *,
    unit: str | None = None,
    year: int | None = None,
    final_accounts: FinalAccounts | None = None,
    today: date | None = None,
) -> bytes:
    """The whole deck as .pptx bytes. ``unit`` / ``year`` default to what the table's title and file
    name say; ``final_accounts`` adds 图1–图7 (the latest year, or ``year`` when the figures have it)."""
    unit = b.guess_unit(analysis, final_accounts) if unit is None else unit
    year = b.guess_year(analysis, final_accounts) if year is None else year
    today = today or date.today()
    source = analysis.table.source
    footer = " · ".join(x for x in (unit, f"{year}年度" if year else "", b.REPORT_TITLE) if x)
    deck = _Deck(footer)
    _title_slide(deck, unit, year, today, source.file)
    _kpi_slide(deck, analysis)
    _summary_slide(deck, analysis)
    _execution_slides(deck, analysis)
    _unit_slide(deck, analysis)
    _flagged_slides(deck, analysis)
    _score_slides(deck, analysis)
    _findings_slides(deck, analysis)
    if final_accounts is not None:
        fa_year = b.final_accounts_year(final_accounts, year)
        if fa_year is not None:
            _final_slides(deck, final_accounts, fa_year)
    return deck.bytes()
