"""The month's 监控通报 as .docx (公文) and .xlsx, from one Monitor.

Both files print the same rows (``unit_rows`` / ``red_rows``): the headline sentence with the
system-wide rate and the gap in 个百分点, the units ranked, the red projects with their 偏差原因 or
"未说明", and the trend as a native line chart. Money in 万元 and rates in percent, rounded half-up to
two decimals, as the page shows them. The Word file is laid out by ``jixiao.export.gongwen``, as the
自评报告 is; its red-project table says the 结余档次 in a sentence above it (ten columns do not fit the
版心), the Excel file keeps it as a column.
"""

from __future__ import annotations

import io
from datetime import date

import pandas as pd

from jixiao import model as m
from jixiao.fmt import num, round_half_up, to_float, wan
from jixiao.monitor import compute as c

TITLE = "绩效运行监控通报"
NOT_EXPLAINED = "未说明"
UNIT_HEADERS = [
    "排名",
    "单位",
    "预算数（万元）",
    "执行数（万元）",
    "支出进度（%）",
    "与序时进度差（个百分点）",
    "结余（万元）",
    "监控结果",
    "红灯项目数",
]
RED_HEADERS = [
    "单位",
    "项目名称",
    "预算数（万元）",
    "执行数（万元）",
    "支出进度（%）",
    "与序时进度差（个百分点）",
    "结余（万元）",
    "结余档次",
    "偏差原因",
    "说明人",
]
TREND_HEADERS = [
    "截至日期",
    "序时进度（%）",
    "支出进度（%）",
    "与序时进度差（个百分点）",
    "预算数（万元）",
    "执行数（万元）",
]

# The Word tables name their unit once above them (单位：万元) and keep headers short; the red-project
# table leaves 结余档次 to the sentence above it and puts 说明人 in the 偏差原因 cell: ten columns do not fit
# the 156 mm 版心 in 五号 without breaking the figures over lines.
MONEY_NOTE = "单位：万元"
UNIT_WORD_HEADERS = [
    "排名",
    "单位",
    "预算数",
    "执行数",
    "支出进度（%）",
    "与序时进度差（个百分点）",
    "结余",
    "监控结果",
    "红灯项目数",
]
RED_WORD_HEADERS = [
    "单位",
    "项目名称",
    "预算数",
    "执行数",
    "支出进度（%）",
    "进度差（个百分点）",
    "结余",
    "偏差原因（说明人）",
]
TREND_WORD_HEADERS = [
    "截至日期",
    "序时进度（%）",
    "支出进度（%）",
    "与序时进度差（个百分点）",
    "预算数",
    "执行数",
]
UNIT_WIDTHS_MM = [10, 24, 19, 19, 15, 19, 19, 14, 17]
RED_WIDTHS_MM = [19, 30, 17, 17, 16, 15, 17, 25]
TREND_WIDTHS_MM = [24, 24, 24, 30, 27, 27]
SERIES_COLORS = ["1F5FA8", "2A9D8F", "E9A23B", "7B5EA7", "5C8A3A", "8D6E63", "4F6D7A", "D1495B"]
WHOLE_COLOR, TIME_COLOR = "1F2933", "C8363D"


def r2(x) -> float | None:
    return round_half_up(to_float(x), 2)


def unit_rows(mon: c.Monitor) -> list[list]:
    return [
        [
            # pd.NA (no rank: a unit whose gap cannot be computed, e.g. every budget 0) has no truth value
            None if pd.isna(u[c.RANK]) else int(u[c.RANK]),
            u[m.UNIT],
            r2(u[m.BUDGET]),
            r2(u[m.EXECUTED]),
            r2(u[c.RATE]),
            r2(u[c.GAP]),
            r2(u[c.UNSPENT]),
            c.BAND_LABELS.get(u[c.BAND], "—"),
            int(u[c.RED_PROJECTS]),
        ]
        for u in m.records(mon.units)
    ]


def red_rows(mon: c.Monitor) -> list[list]:
    p = mon.projects
    return [
        [
            row[m.UNIT],
            row[m.PROJECT],
            r2(row[m.BUDGET]),
            r2(row[m.EXECUTED]),
            r2(row[c.RATE]),
            r2(row[c.GAP]),
            r2(row[c.UNSPENT]),
            row[c.TIER_LABEL],
            row[c.REASON] or NOT_EXPLAINED,
            row[c.REASON_AUTHOR] or "",
        ]
        for row in m.records(p[p[c.BAND] == c.RED])
    ]


def trend_rows(mon: c.Monitor) -> list[list]:
    return [
        [
            row[c.AS_OF],
            r2(row[c.TIME_PROGRESS]),
            r2(row[c.RATE]),
            r2(row[c.GAP]),
            r2(row[m.BUDGET]),
            r2(row[m.EXECUTED]),
        ]
        for row in m.records(mon.snapshots)
    ]


def summary_sentences(mon: c.Monitor, whole: str = "全系统") -> list[str]:
    out = [c.headline(mon, whole) or "暂无可计算的支出进度。"]
    counts = c.band_counts(mon.projects)
    out.append(
        f"纳入监控项目{len(mon.projects)}个，其中绿灯{counts[c.GREEN]}个、黄灯{counts[c.YELLOW]}个、红灯{counts[c.RED]}个"
        f"（{c.band_rules(mon.settings)}）。"
    )
    waiting = mon.waiting()
    if counts[c.RED]:
        out.append(f"红灯项目中已说明偏差原因{counts[c.RED] - len(waiting)}个，未说明{len(waiting)}个。")
    return out


def file_stem(mon: c.Monitor) -> str:
    return f"{mon.unit}{mon.year}年{c.period_label(mon.as_of)}绩效运行监控通报" if mon.as_of else TITLE


# --- chart as a picture (for Word) --------------------------------------------------------------
# --- Word ---------------------------------------------------------------------------------------
def _cell_text(v, kind: str) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return "—"
    if kind == "wan":
        return wan(v)
    if kind == "pct":
        return num(v)
    if kind == "int":
        return str(int(v))
    return str(v)


UNIT_KINDS = ["int", "text", "wan", "wan", "pct", "pct", "wan", "text", "int"]
RED_KINDS = ["text", "text", "wan", "wan", "pct", "pct", "wan", "text", "text", "text"]
TREND_KINDS = ["text", "pct", "pct", "pct", "wan", "wan"]


def _texts(rows: list[list], kinds: list[str]) -> list[list[str]]:
    return [[_cell_text(v, k) for v, k in zip(row, kinds)] for row in rows]


def _numeric(kinds: list[str]) -> list[int]:
    return [j for j, k in enumerate(kinds) if k in ("wan", "pct", "int")]


def _red_word_rows(reds: list[list]) -> list[list[str]]:
    out = []
    for row in _texts(reds, RED_KINDS):
        reason, author = row[8], row[9]
        out.append([*row[:7], f"{reason}（{author}）" if author and reason != NOT_EXPLAINED else reason])
    return out


def tier_sentence(mon: c.Monitor, reds: list[list]) -> str:
    """红灯项目 by 结余档次, smallest 结余 first, as the Word table leaves the column out."""
    counts: dict[str, int] = {}
    for row in reds:
        counts[row[7]] = counts.get(row[7], 0) + 1
    order = [*c.tier_labels(mon.settings.unspent_tiers), "—"]
    parts = [f"{t}{counts[t]}个" for t in order if t in counts]
    return "红灯项目按结余档次：" + "、".join(parts) + "。"


def _trend_chart(mon: c.Monitor, source):
    """Each unit's 支出进度 by 截至日期 with the whole and the 序时进度 line: a native line chart."""
    from pptx.chart.data import CategoryChartData
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_MARKER_STYLE
    from pptx.enum.dml import MSO_LINE_DASH_STYLE
    from pptx.util import Emu, Pt

    from jixiao.export.pptx_blocks import _axis_font, _gridlines, _style_chart

    dates = list(mon.snapshots[c.AS_OF])
    data = CategoryChartData(number_format="0.00")
    data.categories = [f"{d.month}月{d.day}日" for d in dates]
    series = [("序时进度", [r2(x) for x in mon.snapshots[c.TIME_PROGRESS]], TIME_COLOR)]
    if mon.has_inner_units:
        for i, (name, g) in enumerate(mon.unit_lines.groupby(m.UNIT, sort=False)):
            by_date = dict(zip(g[c.AS_OF], g[c.RATE]))
            color = SERIES_COLORS[i % len(SERIES_COLORS)]
            series.append((str(name), [r2(by_date.get(d)) for d in dates], color))
    series.append(("全系统", [r2(x) for x in mon.snapshots[c.RATE]], WHOLE_COLOR))
    for name, values, _ in series:
        data.add_series(name, values)
    slide = source.slide()
    frame = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, 0, 0, Emu(9_144_000), Emu(5_143_500), data)
    chart = frame.chart
    _style_chart(chart, 14)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    val = chart.value_axis
    val.minimum_scale, val.maximum_scale = 0, 100
    _gridlines(val)
    _axis_font(val, 14)
    _axis_font(chart.category_axis, 14)
    for plot_series, (name, _, color) in zip(chart.plots[0].series, series):
        line = plot_series.format.line
        line.color.rgb = RGBColor.from_string(color)
        line.width = Pt(3 if name in ("序时进度", "全系统") else 2)
        if name == "序时进度":
            line.dash_style = MSO_LINE_DASH_STYLE.DASH
        plot_series.smooth = False
        plot_series.marker.style = XL_MARKER_STYLE.CIRCLE
        plot_series.marker.format.fill.solid()
        plot_series.marker.format.fill.fore_color.rgb = RGBColor.from_string(color)
    return slide


def bulletin_docx(mon: c.Monitor, whole: str = "全系统", today: date | None = None) -> bytes:
    """The 通报 in 公文 layout (jixiao.export.gongwen, as the 自评报告): tables that fit the 版心 and
    a native line chart Word and WPS can edit."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from jixiao.export.gongwen import BODY_W_MM, Gongwen, _ChartSource

    g = Gongwen(file_stem(mon), author=mon.unit)
    if mon.as_of:
        g.paragraph(
            f"{mon.unit}{mon.year}年{c.period_label(mon.as_of)}",
            indent=False,
            align=WD_ALIGN_PARAGRAPH.CENTER,
        )
    g.title(TITLE)
    g.heading(1, "总体情况")
    for sentence in summary_sentences(mon, whole):
        g.paragraph(sentence)
    g.heading(1, "各单位支出进度排名")
    g.table(
        UNIT_WORD_HEADERS,
        _texts(unit_rows(mon), UNIT_KINDS),
        UNIT_WIDTHS_MM,
        numeric=_numeric(UNIT_KINDS),
        unit_note=MONEY_NOTE,
    )
    g.heading(1, "红灯项目及偏差原因")
    reds = red_rows(mon)
    if reds:
        g.paragraph(tier_sentence(mon, reds))
        g.table(
            RED_WORD_HEADERS,
            _red_word_rows(reds),
            RED_WIDTHS_MM,
            numeric=_numeric(RED_KINDS[:7]),
            unit_note=MONEY_NOTE,
        )
        waiting = mon.waiting()
        if len(waiting):
            per_unit = waiting.groupby(m.UNIT, sort=False).size()
            text = "；".join(f"{u}{n}个" for u, n in per_unit.items())
            g.paragraph(f"请以下单位尽快说明偏差原因：{text}。")
    else:
        g.paragraph("本期无红灯项目。")
    g.heading(1, "支出进度走势")
    if len(mon.snapshots):
        source = _ChartSource()
        slide = _trend_chart(mon, source)
        g.charts(source.chart_parts(slide), [(BODY_W_MM, 95)], "各单位支出进度与序时进度（%）")
    g.table(
        TREND_WORD_HEADERS,
        [[f"{a.month}月{a.day}日", *_texts([rest], TREND_KINDS[1:])[0]] for a, *rest in trend_rows(mon)],
        TREND_WIDTHS_MM,
        numeric=_numeric(TREND_KINDS),
        unit_note=MONEY_NOTE,
    )
    if today:
        g.signature(mon.unit, today)
    return g.bytes()


# --- Excel --------------------------------------------------------------------------------------
def bulletin_xlsx(mon: c.Monitor, whole: str = "全系统") -> bytes:
    from openpyxl import Workbook
    from openpyxl.chart import LineChart, Reference
    from openpyxl.styles import Font

    from jixiao.export.xlsx import AMOUNT_FORMAT, _header, _widths, write_cell

    formats = {"wan": AMOUNT_FORMAT, "pct": "0.00", "int": "0"}
    wb = Workbook()
    ws = wb.active
    ws.title = "通报"
    write_cell(ws, 1, 1, f"{file_stem(mon)}").font = Font(bold=True, size=14)
    for i, sentence in enumerate(summary_sentences(mon, whole), start=3):
        write_cell(ws, i, 1, sentence)
    ws.column_dimensions["A"].width = 120

    def sheet(title: str, headers: list[str], rows: list[list], kinds: list[str], widths: list[float]):
        s = wb.create_sheet(title)
        _header(s, 1, headers)
        for r, row in enumerate(rows, start=2):
            for j, (v, kind) in enumerate(zip(row, kinds), start=1):
                write_cell(s, r, j, v, formats.get(kind))
        _widths(s, widths)
        s.freeze_panes = "A2"
        return s

    sheet("单位排名", UNIT_HEADERS, unit_rows(mon), UNIT_KINDS, [6, 18, 14, 14, 12, 16, 14, 10, 10])
    sheet("红灯项目", RED_HEADERS, red_rows(mon), RED_KINDS, [14, 34, 14, 14, 12, 16, 14, 16, 50, 10])
    trend = sheet(
        "走势",
        TREND_HEADERS,
        trend_rows(mon),
        ["date", "pct", "pct", "pct", "wan", "wan"],
        [14, 14, 14, 18, 14, 14],
    )
    for r in range(2, len(mon.snapshots) + 2):
        trend.cell(r, 1).number_format = "yyyy-mm-dd"
    if len(mon.snapshots):
        chart = LineChart()
        chart.title = "支出进度与序时进度（%）"
        chart.y_axis.title = "%"
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 100
        chart.add_data(
            Reference(trend, min_col=2, max_col=3, min_row=1, max_row=len(mon.snapshots) + 1),
            titles_from_data=True,
        )
        chart.set_categories(Reference(trend, min_col=1, min_row=2, max_row=len(mon.snapshots) + 1))
        chart.height, chart.width = 9, 18
        trend.add_chart(chart, "H2")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
