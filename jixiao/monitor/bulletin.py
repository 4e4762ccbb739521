"""The month's 监控通报 as .docx (公文-like) and .xlsx, from one Monitor.

Both files print the same rows (``unit_rows`` / ``red_rows``): the headline sentence with the
system-wide rate and the gap in 个百分点, the units ranked, the red projects with their 偏差原因 or
"未说明", and the chart (a picture in Word, a native line chart in Excel). Money in 万元 and rates in
percent, rounded half-up to two decimals, as the page shows them.

A small Word writer of its own for now (仿宋 body, 小标宋 title, A4 with the 公文 margins); the
Word-report helper may replace it later.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

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

BODY_FONT = "仿宋"  # 仿宋_GB2312 on older machines; Word falls back by the East Asian name
TITLE_FONT = "方正小标宋简体"
TABLE_FONT = "仿宋"
CJK_FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "/System/Library/Fonts/PingFang.ttc",
)


def r2(x) -> float | None:
    return round_half_up(to_float(x), 2)


def unit_rows(mon: c.Monitor) -> list[list]:
    return [
        [
            int(u[c.RANK]) if u[c.RANK] is not None and u[c.RANK] == u[c.RANK] else None,
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
        f"（绿灯：不低于序时进度{num(mon.settings.monitor_green_below)}个百分点以内；黄灯：低于序时进度不超过"
        f"{num(mon.settings.monitor_red_below)}个百分点；红灯：低于序时进度超过{num(mon.settings.monitor_red_below)}个百分点）。"
    )
    waiting = mon.waiting()
    if counts[c.RED]:
        out.append(f"红灯项目中已说明偏差原因{counts[c.RED] - len(waiting)}个，未说明{len(waiting)}个。")
    return out


def file_stem(mon: c.Monitor) -> str:
    return f"{mon.unit}{mon.year}年{c.period_label(mon.as_of)}绩效运行监控通报" if mon.as_of else TITLE


# --- chart as a picture (for Word) --------------------------------------------------------------
def _font(size: int):
    from PIL import ImageFont

    for path in CJK_FONT_FILES:
        if Path(path).is_file():
            return ImageFont.truetype(path, size)
    return None


def chart_png(mon: c.Monitor, width: int = 1600, height: int = 900) -> bytes | None:
    """Each unit's 支出进度 by 截至日期 with the 序时进度 line, drawn with Pillow (no browser needed). None
    without a CJK font or with fewer than one snapshot: the bulletin then says the chart is online."""
    from PIL import Image, ImageDraw

    font, small = _font(30), _font(24)
    if font is None or not len(mon.snapshots):
        return None
    img = Image.new("RGB", (width, height), "white")
    d = ImageDraw.Draw(img)
    left, right, top, bottom = 130, width - 330, 90, height - 110
    d.text((left, 25), "各单位支出进度与序时进度（%）", fill="#1f2933", font=font)
    dates = list(mon.snapshots[c.AS_OF])
    n = len(dates)
    xs = {dt: left + (right - left) * (i / (n - 1) if n > 1 else 0.5) for i, dt in enumerate(dates)}
    ymax = 100.0

    def y(v: float) -> float:
        return bottom - (bottom - top) * max(0.0, min(v, ymax)) / ymax

    for t in range(0, 101, 20):
        d.line([(left, y(t)), (right, y(t))], fill="#e4e7eb", width=2)
        d.text((left - 20, y(t)), f"{t}", fill="#52606d", font=small, anchor="rm")
    for dt in dates:
        d.text((xs[dt], bottom + 20), f"{dt.month}月{dt.day}日", fill="#52606d", font=small, anchor="ma")
    palette = ["#1f5fa8", "#2a9d8f", "#e9a23b", "#7b5ea7", "#d1495b", "#5c8a3a", "#8d6e63", "#4f6d7a"]
    tp = [(xs[r[c.AS_OF]], y(r[c.TIME_PROGRESS])) for r in m.records(mon.snapshots)]
    series = [("序时进度", tp, "#c8363d")]
    lines = mon.unit_lines if mon.has_inner_units else mon.unit_lines.iloc[0:0]
    for i, (name, g) in enumerate(lines.groupby(m.UNIT, sort=False)):
        pts = [(xs[a], y(r)) for a, r in zip(g[c.AS_OF], g[c.RATE]) if r == r]
        series.append((str(name), pts, palette[i % len(palette)]))
    whole = [(xs[a], y(r)) for a, r in zip(mon.snapshots[c.AS_OF], mon.snapshots[c.RATE]) if r == r]
    series.append(("全系统", whole, "#1f2933"))
    for k, (name, pts, color) in enumerate(series):
        dashed = name == "序时进度"
        w = 6 if name in ("全系统", "序时进度") else 4
        for a, b in zip(pts, pts[1:]):
            if dashed:
                _dash(d, a, b, color, w)
            else:
                d.line([a, b], fill=color, width=w)
        for px, py in pts:
            d.ellipse([px - 7, py - 7, px + 7, py + 7], fill=color)
        ly = top + k * 46
        d.line([(right + 30, ly + 15), (right + 80, ly + 15)], fill=color, width=w)
        d.text((right + 92, ly), name[:8], fill="#1f2933", font=small)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _dash(d, a, b, color, w, step: float = 18.0) -> None:
    (x0, y0), (x1, y1) = a, b
    length = max(((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5, 1e-9)
    k = 0.0
    while k < length:
        e = min(k + step, length)
        d.line(
            [
                (x0 + (x1 - x0) * k / length, y0 + (y1 - y0) * k / length),
                (x0 + (x1 - x0) * e / length, y0 + (y1 - y0) * e / length),
            ],
            fill=color,
            width=w,
        )
        k += 2 * step


# --- Word ---------------------------------------------------------------------------------------
def _run_font(run, name: str, size_pt: float, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), name)


def _para(
    doc,
    text: str,
    *,
    font: str = BODY_FONT,
    size: float = 16,
    bold: bool = False,
    center: bool = False,
    indent: bool = True,
):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = doc.add_paragraph()
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    p.paragraph_format.line_spacing = Pt(28)  # 22 lines on the 225 mm 版心
    _run_font(p.add_run(text), font, size, bold)
    return p


def _table(doc, headers: list[str], rows: list[list], kinds: list[str]) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    t = doc.add_table(rows=1, cols=len(headers))
    t.style = "Table Grid"
    for j, h in enumerate(headers):
        cell = t.rows[0].cells[j]
        cell.text = ""
        _run_font(cell.paragraphs[0].add_run(h), "黑体", 10.5, True)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for row in rows:
        cells = t.add_row().cells
        for j, (v, kind) in enumerate(zip(row, kinds)):
            text = _cell_text(v, kind)
            cells[j].text = ""
            para = cells[j].paragraphs[0]
            _run_font(para.add_run(text), TABLE_FONT, 10.5)
            if kind in ("wan", "pct", "int"):
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT


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


def bulletin_docx(mon: c.Monitor, whole: str = "全系统", today: date | None = None) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Mm

    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    # GB/T 9704: 版心 156 × 225 mm
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    _para(
        doc,
        f"{mon.unit}{mon.year}年{c.period_label(mon.as_of)}" if mon.as_of else mon.unit,
        size=16,
        center=True,
    )
    _para(doc, TITLE, font=TITLE_FONT, size=22, center=True)
    if today:
        _para(doc, f"（{today.year}年{today.month}月{today.day}日）", size=16, center=True)
    _para(doc, "一、总体情况", font="黑体", size=16, indent=True)
    for sentence in summary_sentences(mon, whole):
        _para(doc, sentence)
    _para(doc, "二、各单位支出进度排名", font="黑体", size=16)
    _table(doc, UNIT_HEADERS, unit_rows(mon), UNIT_KINDS)
    _para(doc, "三、红灯项目及偏差原因", font="黑体", size=16)
    reds = red_rows(mon)
    if reds:
        _table(doc, RED_HEADERS, reds, RED_KINDS)
        waiting = mon.waiting()
        if len(waiting):
            per_unit = waiting.groupby(m.UNIT, sort=False).size()
            text = "；".join(f"{u}{n}个" for u, n in per_unit.items())
            _para(doc, f"请以下单位尽快说明偏差原因：{text}。")
    else:
        _para(doc, "本期无红灯项目。")
    _para(doc, "四、支出进度走势", font="黑体", size=16)
    png = chart_png(mon)
    if png:
        doc.add_picture(io.BytesIO(png), width=Cm(15.6))
    else:
        _para(doc, "（本机缺少中文字体，走势图请在看板「监控」页查看。）")
    _table(
        doc,
        TREND_HEADERS,
        [[f"{a.month}月{a.day}日", *rest] for a, *rest in trend_rows(mon)],
        ["text", "pct", "pct", "pct", "wan", "wan"],
    )
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


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
