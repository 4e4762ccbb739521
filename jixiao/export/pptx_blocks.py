"""The building blocks of the PowerPoint export: sizes, fonts (East Asian typeface on every run),
text boxes, the deck, chart styling and paginated tables. The slides themselves are in pptx.py."""

from __future__ import annotations

import io
import math
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.chart.xlsx import CategoryWorkbookWriter
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_AXIS_CROSSES
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import OxmlElement
from pptx.util import Emu, Inches, Pt

if TYPE_CHECKING:
    pass


from components.theme import INK, MUTED, PALETTE, RED
from jixiao.safe_text import XLSXWRITER_TEXT_OPTIONS

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


# --- chart data ------------------------------------------------------------------------------------
class _TextWorkbookWriter(CategoryWorkbookWriter):
    """python-pptx's writer of a chart's embedded workbook, with XlsxWriter told to keep strings
    strings: by default a category "=HYPERLINK(…)" would become a live formula in the workbook that
    PowerPoint opens for 编辑数据, and "http://…" a hyperlink."""

    @contextmanager
    def _open_worksheet(self, xlsx_file):
        from xlsxwriter import Workbook

        workbook = Workbook(xlsx_file, {"in_memory": True, **XLSXWRITER_TEXT_OPTIONS})
        worksheet = workbook.add_worksheet()
        yield workbook, worksheet
        workbook.close()


class TextChartData(CategoryChartData):
    """CategoryChartData whose embedded workbook holds category and series names as text."""

    @cached_property
    def _workbook_writer(self):
        return _TextWorkbookWriter(self)


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
    rows: list[list[str]], widths: list[float], size: float, room_in: float, limit: int | None = None
) -> list[list[list[str]]]:
    """The rows by page. With ``limit``, at most limit + 1 pages: the last one (when there are more)
    only says there are more, and the rows after it are not measured (50,000 flagged projects)."""
    pages: list[list[list[str]]] = [[]]
    used = 0.0
    for row in rows:
        h = _row_height(row, widths, size)
        if pages[-1] and used + h > room_in:
            if limit is not None and len(pages) > limit:
                break
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
