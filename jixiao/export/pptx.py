"""An editable 16:9 PowerPoint for 评审会: title, KPIs, main findings in words, native charts, tables.

Every chart is a python-pptx chart object (double-click in PowerPoint/WPS to edit the data), never a
picture. Numbers carry their format in the chart itself: 万元 '#,##0.00', rates '0.00"%"' (the values
are percent, 86.23, as everywhere in jixiao). Chinese text gets an East Asian typeface (``a:ea``) on
every run, because the Latin typeface alone leaves the CJK glyphs to the viewer's fallback font.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR
from pptx.util import Inches, Pt

from jixiao import model as m
from jixiao.export import common as b
from jixiao.final_accounts import figures as fam
from jixiao.final_accounts import narrative
from jixiao.final_accounts import read as fa_read
from jixiao.fmt import is_missing, pct, round_half_up, to_float, wan
from jixiao.summary.flags import FLAG_LABELS

if TYPE_CHECKING:
    from jixiao.final_accounts.figures import FinalAccounts
    from jixiao.summary.analysis import Analysis


from components.charts import COMPONENT_COLORS, LOST_COLOR, component_frame
from components.theme import BAND_COLORS, GREY, INK, MUTED, PALETTE, RED
from jixiao.export.pptx_blocks import (
    BARS_PER_SLIDE,
    BODY_BOTTOM,
    BODY_TOP,
    LABEL_WIDTH,
    LIGHT,
    LINE,
    MARGIN,
    MAX_BAR_SLIDES,
    MAX_SCORE_SLIDES,
    MAX_TABLE_SLIDES,
    PCT_AXIS_FORMAT,
    PCT_FORMAT,
    POINTS_FORMAT,
    SCORES_PER_SLIDE,
    SHARE_FORMAT,
    SLIDE_H,
    SLIDE_W,
    WAN_AXIS_FORMAT,
    WAN_FORMAT,
    T,
    TextChartData,
    _axis_font,
    _chart_box,
    _Deck,
    _gridlines,
    _paginate,
    _rect,
    _rgb,
    _style_chart,
    _style_font,
    _table,
    _textbox,
    _top_down,
    set_east_asian,
)


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


def _r2(x: object) -> float | None:
    v = to_float(x)
    return None if v is None else round_half_up(v, 2)


def _chunks(n: int, per: int, max_slides: int) -> list[tuple[int, int]]:
    return [(i, min(i + per, n)) for i in range(0, min(n, per * max_slides), per)]


def _rate_chart(slide, labels: list[str], rates: list[float | None], bands: list[str]) -> None:
    data = TextChartData(number_format=PCT_FORMAT)
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
    from jixiao.summary.analysis import BAND

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
    from jixiao.summary.compute import band_of

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
    # A scheme with weights loses points per component; the forms' own weights only know the total.
    lost = frame[[c for c in frame.columns if c.startswith("lost_")]].sum(axis=1).tolist()
    chunks = _chunks(len(df), SCORES_PER_SLIDE, MAX_SCORE_SLIDES)
    sub = "得分从低到高排列；" + (
        f"权重：{scheme.describe()}（{scheme.label}）" if scheme.weights else scheme.label
    )
    if len(df) > chunks[-1][1]:
        sub += f"；仅列出得分最低的 {chunks[-1][1]} 个"
    for k, (lo, hi) in enumerate(chunks):
        s = deck.slide(T["scores"] + (T["continued"].format(n=k) if k else ""), sub)
        data = TextChartData(number_format=POINTS_FORMAT)
        data.categories = labels[lo:hi]
        for c in comps:
            weight = scheme.weights.get(c)
            data.add_series(
                f"{m.COMPONENT_LABELS[c]}（{weight:g}分）" if weight else m.COMPONENT_LABELS[c],
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


def _flagged_slides(deck: _Deck, analysis: Analysis, reasons: Mapping[str, str] | None = None) -> None:
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
    for name, rec in zip(names, m.records(df, [m.SHEET_ROW, "_r", m.FLAGS, m.UNIT, m.PROJECT, m.CODE])):
        label = name
        if units and not is_missing(rec[m.UNIT]):
            name += f"\n（{rec[m.UNIT]}）"
        why = "\n".join(f"【{FLAG_LABELS.get(x.code, x.code)}】{x.reason}" for x in rec[m.FLAGS])
        said = b.explained(reasons, rec, label)
        if said:
            why += f"\n【单位说明】{said}"
        rows.append([str(int(rec[m.SHEET_ROW])), name, pct(to_float(rec["_r"])), why])
        low_rate.append(any(x.code in ("LOW_EXECUTION", "OVER_EXECUTION", "NO_RATE") for x in rec[m.FLAGS]))
    widths = [0.85, 3.2, 1.35, SLIDE_W / 914400 - 2 * MARGIN / 914400 - 0.85 - 3.2 - 1.35]
    size = 14
    pages = _paginate(rows, widths, size, (BODY_BOTTOM - BODY_TOP) / 914400 - 0.8, MAX_TABLE_SLIDES)
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
    pages = _paginate(rows, widths, size, (BODY_BOTTOM - BODY_TOP) / 914400 - 0.8, 5)[:5]
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
def _final_sub(fa: FinalAccounts, note: str) -> str:
    """Every 决算 slide names whose figures it shows: they need not be the unit of the project table."""
    unit = (fa.unit or "").strip()
    return f"{unit}　{note}" if unit else note


def _final_slides(deck: _Deck, fa: FinalAccounts, year: int) -> None:

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

    series = fam.bar_series(fa, chart_key)
    prev = fa.previous_year(year)
    years = [y for y in (prev, year) if y is not None and any(y in v for v in series.values())]
    if not years:
        return
    s = deck.slide(fam.CHART_TITLES[chart_key], _final_sub(fa, "单位：万元"))
    data = TextChartData(number_format=WAN_FORMAT)
    data.categories = list(series)
    for y in years:
        data.add_series(fa_read.year_label(y), [_r2(series[name].get(y)) for name in series])
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

    prev = fa.previous_year(year)
    years = [
        y
        for y in (prev, year)
        if y is not None and any(v > 0 for v in fam.structure_items(fa, chart_key, y).values())
    ]
    if not years:
        return
    s = deck.slide(fam.CHART_TITLES[chart_key], _final_sub(fa, "单位：万元；金额为0的项目不画入图中"))
    top, h = BODY_TOP + Inches(0.1), Inches(4.1)
    width = (SLIDE_W - 2 * MARGIN) / len(years)
    left_out: list[str] = []
    for i, y in enumerate(years):
        items = fam.structure_items(fa, chart_key, y)
        drawn = {k: v for k, v in items.items() if v > 0}
        prefix = fa_read.year_label(y) if len(years) > 1 else ""
        zero = [k for k, v in items.items() if v == 0]
        negative = [k for k, v in items.items() if v < 0]
        if zero:
            left_out.append(f"{prefix}金额为0、未画入图中：" + "、".join(zero))
        if negative:
            left_out.append(f"{prefix}金额为负数、无法画入图中：" + "、".join(negative))
        data = TextChartData(number_format=WAN_FORMAT)
        data.categories = list(drawn)
        data.add_series(fa_read.year_label(y), [_r2(v) for v in drawn.values()])
        x = MARGIN + int(width * i)
        chart = s.shapes.add_chart(XL_CHART_TYPE.DOUGHNUT, x, top, int(width), h, data).chart
        _style_chart(chart, 14)
        chart.has_title = True
        chart.chart_title.text_frame.text = (
            f"{fa_read.year_label(y)}（合计 {wan(fam.structure_total(fa, chart_key, y), unit=True)}）"
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

    extra = ["#3d8bd9", "#80c4b7", "#f2c57c", "#b39ddb", "#ef8a96", "#9ccc65", "#bcaaa4", "#90a4ae"]
    colors = PALETTE + extra
    names: list[str] = []
    for y in years:
        names += [k for k in fam.structure_items(fa, chart_key, y) if k not in names]
    return {k: colors[i % len(colors)] for i, k in enumerate(names)}


# --- entry point ---------------------------------------------------------------------------------
def build_pptx(
    analysis: Analysis | None,
    *,
    unit: str | None = None,
    year: int | None = None,
    final_accounts: FinalAccounts | None = None,
    today: date | None = None,
    reasons: Mapping[str, str] | None = None,
) -> bytes:
    """The whole deck as .pptx bytes. ``unit`` / ``year`` default to what the table's title and file
    name say; ``final_accounts`` adds 图1–图7 (the latest year, or ``year`` when the figures have it).
    Without a project table (``analysis`` None) the deck is the title and 图1–图7. ``reasons``: the
    偏差原因 units typed, a 【单位说明】 line under each flagged project ("未说明" where missing)."""
    if analysis is None and final_accounts is None:
        raise ValueError("build_pptx needs a project table or 决算 figures")
    unit = b.guess_unit(analysis, final_accounts) if unit is None else unit
    year = b.guess_year(analysis, final_accounts) if year is None else year
    today = today or date.today()
    footer = " · ".join(x for x in (unit, f"{year}年度" if year else "", b.REPORT_TITLE) if x)
    deck = _Deck(footer)
    source = analysis.table.source.file if analysis is not None else ""
    _title_slide(deck, unit, year, today, source)
    if analysis is not None:
        _kpi_slide(deck, analysis)
        _summary_slide(deck, analysis)
        _execution_slides(deck, analysis)
        _unit_slide(deck, analysis)
        _flagged_slides(deck, analysis, reasons)
        _score_slides(deck, analysis)
        _findings_slides(deck, analysis)
    if final_accounts is not None:
        fa_year = b.final_accounts_year(final_accounts, year)
        if fa_year is not None:
            _final_slides(deck, final_accounts, fa_year)
    return deck.bytes()
