"""Word documents that can be filed: the 项目支出绩效自评报告 and the 部门决算说明, in 公文 layout.

Layout after GB/T 9704: A4, 版心 156 × 225 mm (天头 37 mm, 订口 28 mm), 标题 2号 小标宋, 正文 3号 仿宋
on a 22-line × 28-character grid, headings 一、 (黑体) （一） (楷体) 1. (仿宋 bold), page numbers
"— 1 —" in 4号 宋体 (odd pages right, even pages left, one character in), tables in 五号 with the 表头
repeated on every page. Each East Asian font is named in ``w:rFonts/@w:eastAsia`` (the Latin name alone
leaves Chinese text to the viewer's fallback) and gets an ``w:altName`` in the font table, so a machine
without 方正小标宋简体 or 仿宋_GB2312 falls back to 华文中宋 / 仿宋 rather than to a sans font.

Charts are native DrawingML charts with their embedded workbook (right-click → 编辑数据 in Word, WPS
and LibreOffice): python-pptx builds them exactly as in the PowerPoint export (same builders, same
number formats), then the chart part and its workbook are copied into the Word package and placed as an
inline ``c:chart`` graphic.

``Gongwen`` is the layout on its own, for any other document in the same style.
"""

from __future__ import annotations

import copy
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

from jixiao import model as m
from jixiao.export import bundle as b
from jixiao.flags import FLAG_LABELS, INDICATOR_SHORTFALL, LOW_EXECUTION, OVER_EXECUTION, SELF_FLAG_MISMATCH
from jixiao.fmt import is_missing, num, pct, to_float, wan

if TYPE_CHECKING:
    from jixiao.analysis import Analysis
    from jixiao.final_accounts import FinalAccounts

# --- 公文 geometry and type ------------------------------------------------------------------------
PAGE_W, PAGE_H = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
BODY_W_MM = 156
FOOTER_DISTANCE = Mm(24)  # puts the page number about 7 mm below the 版心, as GB/T 9704 asks
LINES, CHARS = 22, 28
TITLE_PT = 22  # 2号
BODY_PT = 16  # 3号
PAGE_NUMBER_PT = 14  # 4号
TABLE_PT = 10.5  # 五号
CAPTION_PT = 14  # 4号
LINE_PITCH_TWIPS = 579  # 225 mm ÷ 22 lines = 28.95 pt
# Word's character grid: pitch = font size + charSpace / 4096 pt; 156 mm ÷ 28 = 15.79 pt per character.
CHAR_SPACE = -842
LINE_PT = 28.95

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
H1_FONT = "黑体"
H2_FONT = "楷体_GB2312"
NUMBER_FONT = "宋体"  # page numbers
LATIN_FONT = "Times New Roman"
CHART_FONT = "宋体"
# Names a machine without the font should use instead (GB/T 9704 fonts are rarely installed).
FALLBACKS: dict[str, tuple[str, ...]] = {
    TITLE_FONT: ("华文中宋", "SimSun"),
    BODY_FONT: ("仿宋", "FangSong"),
    H2_FONT: ("楷体", "KaiTi"),
    H1_FONT: ("SimHei",),
    NUMBER_FONT: ("SimSun",),
}

STYLE_TITLE = "公文标题"
STYLE_TABLE = "表格文字"
STYLE_CAPTION = "图表标题"
STYLE_NOTE = "附注"

HEADER_FILL = "D9D9D9"
MAX_TABLE_ROWS = 300  # rows of one table; a province-wide table is in the Excel export
RATE_CHART_BARS = 20
CHART_FONT_SCALE = 0.72  # the PowerPoint charts' type (14–16 pt) at the size of a Word page
CN_DIGITS = "零一二三四五六七八九"

FILES = {"docx": "report.docx", "final_docx": "final_accounts.docx"}
SELFEVAL_TITLE = "项目支出绩效自评报告"
FINAL_TITLE = "部门决算说明"
NO_REASON = "未说明"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (heading numbers)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def date_text(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


# --- fonts and paragraph properties ------------------------------------------------------------------
def set_fonts(rpr_owner, east_asian: str, latin: str = LATIN_FONT) -> None:
    """Latin and East Asian font on a style's or run's ``w:rPr``; theme fonts removed (they win over
    the explicit names in Word)."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        if attr.endswith("Theme"):
            del fonts.attrib[attr]
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:hint"), "eastAsia")


def _on_off(ppr, tag: str, on: bool) -> None:
    el = ppr.find(qn(tag))
    if el is None:
        el = OxmlElement(tag)
        ppr.append(el)
    el.set(qn("w:val"), "1" if on else "0")


def _first_line_chars(ppr, chars: int) -> None:
    """First-line indent in characters (Word keeps it exact on the character grid)."""
    ind = ppr.find(qn("w:ind"))
    if ind is None:
        ind = OxmlElement("w:ind")
        ppr.append(ind)
    ind.set(qn("w:firstLineChars"), str(chars * 100))


def _shade(cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


# --- native charts -----------------------------------------------------------------------------------
def _restyle_chart(chart_space, typeface: str, scale: float) -> None:
    """The PowerPoint chart's type at Word size, in the document's typeface."""
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    for el in chart_space.iter(f"{a}defRPr", f"{a}rPr"):
        sz = el.get("sz")
        if sz:
            el.set("sz", str(max(700, int(round(int(sz) * scale / 50.0)) * 50)))
    for el in chart_space.iter(f"{a}latin", f"{a}ea"):
        el.set("typeface", typeface)


class _ChartSource:
    """A scratch presentation the PowerPoint chart builders draw on; each chart's part is copied out."""

    def __init__(self) -> None:
        from jixiao.export.pptx import _Deck

        self.deck = _Deck("")

    def slide(self):
        return self.deck.prs.slides.add_slide(self.deck.blank)

    @staticmethod
    def chart_parts(slide) -> list:
        return [shape.chart_part for shape in slide.shapes if shape.has_chart]


# --- the layout ----------------------------------------------------------------------------------
class Gongwen:
    """A Word document in 公文 layout: title, numbered headings, body, tables, native charts, 落款."""

    def __init__(self, title: str, *, author: str = "") -> None:
        self.doc = Document()
        self.title_text = title
        self._h = [0, 0, 0]
        self._figures = 0
        self._tables = 0
        self._drawing_id = 0
        self._charts = 0
        self._setup_page()
        self._setup_styles()
        self._setup_font_table()
        self._page_numbers()
        props = self.doc.core_properties
        props.title = title
        props.author = author or "绩效看板"
        props.last_modified_by = props.author
        props.comments = ""

    # page, styles, fonts ------------------------------------------------------------------------
    def _setup_page(self) -> None:
        s = self.doc.sections[0]
        s.page_width, s.page_height = PAGE_W, PAGE_H
        s.top_margin, s.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
        s.left_margin, s.right_margin = MARGIN_LEFT, MARGIN_RIGHT
        s.footer_distance = FOOTER_DISTANCE
        s.header_distance = Mm(15)
        s.start_type = WD_SECTION.NEW_PAGE
        sect = s._sectPr
        grid = sect.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            sect.append(grid)
        grid.set(qn("w:type"), "linesAndChars")
        grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
        grid.set(qn("w:charSpace"), str(CHAR_SPACE))

    def _setup_styles(self) -> None:
        styles = self.doc.styles
        # document defaults: no theme fonts, so every style below names its fonts for real
        defaults = self.doc.styles.element.find(qn("w:docDefaults"))
        if defaults is not None:
            for fonts in defaults.iter(qn("w:rFonts")):
                for attr in list(fonts.attrib):
                    del fonts.attrib[attr]
                fonts.set(qn("w:ascii"), LATIN_FONT)
                fonts.set(qn("w:hAnsi"), LATIN_FONT)
                fonts.set(qn("w:eastAsia"), BODY_FONT)
                fonts.set(qn("w:cs"), LATIN_FONT)
        normal = styles["Normal"]
        set_fonts(normal.element, BODY_FONT)
        normal.font.size = Pt(BODY_PT)
        normal.font.color.rgb = RGBColor(0, 0, 0)
        pf = normal.paragraph_format
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(LINE_PT)
        pf.space_before = pf.space_after = Pt(0)
        pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        pf.widow_control = True
        for level, font, bold in ((1, H1_FONT, False), (2, H2_FONT, False), (3, BODY_FONT, True)):
            st = styles[f"Heading {level}"]
            set_fonts(st.element, font)
            st.font.size = Pt(BODY_PT)
            st.font.bold = bold
            st.font.italic = False
            st.font.color.rgb = RGBColor(0, 0, 0)
            hp = st.paragraph_format
            hp.space_before = hp.space_after = Pt(0)
            hp.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            hp.line_spacing = Pt(LINE_PT)
            hp.keep_with_next = True
            hp.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            _first_line_chars(st.element.get_or_add_pPr(), 2)
            hp.first_line_indent = Pt(2 * BODY_PT)
        title = styles.add_style(STYLE_TITLE, 1)
        title.base_style = normal
        set_fonts(title.element, TITLE_FONT)
        title.font.size = Pt(TITLE_PT)
        tp = title.paragraph_format
        tp.alignment = WD_ALIGN_PARAGRAPH.CENTER
        tp.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        tp.line_spacing = Pt(35)
        _on_off(title.element.get_or_add_pPr(), "w:snapToGrid", False)
        for name, size, align in (
            (STYLE_TABLE, TABLE_PT, WD_ALIGN_PARAGRAPH.LEFT),
            (STYLE_CAPTION, CAPTION_PT, WD_ALIGN_PARAGRAPH.CENTER),
            (STYLE_NOTE, CAPTION_PT, WD_ALIGN_PARAGRAPH.LEFT),
        ):
            st = styles.add_style(name, 1)
            st.base_style = normal
            st.font.size = Pt(size)
            sp = st.paragraph_format
            sp.alignment = align
            sp.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            sp.line_spacing = Pt(size * 1.45)
            # off the document grid: the 28.95 pt line pitch is for 3号 body text only
            _on_off(st.element.get_or_add_pPr(), "w:snapToGrid", False)
        styles[STYLE_CAPTION].paragraph_format.keep_with_next = False

    def _setup_font_table(self) -> None:
        """Fonts the document names, each with its fallback (``w:altName``) and the GB2312 charset."""
        part = None
        for rel in self.doc.part.rels.values():
            if rel.reltype == RT.FONT_TABLE:
                part = rel.target_part
        if part is None:
            return
        root = etree.fromstring(part.blob)
        w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
        for name, alts in FALLBACKS.items():
            font = etree.SubElement(root, f"{{{w}}}font")
            font.set(f"{{{w}}}name", name)
            alt = etree.SubElement(font, f"{{{w}}}altName")
            alt.set(f"{{{w}}}val", alts[0])
            charset = etree.SubElement(font, f"{{{w}}}charset")
            charset.set(f"{{{w}}}val", "86")
            family = etree.SubElement(font, f"{{{w}}}family")
            family.set(f"{{{w}}}val", "modern" if name == H1_FONT else "roman")
            pitch = etree.SubElement(font, f"{{{w}}}pitch")
            pitch.set(f"{{{w}}}val", "variable")
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def _page_numbers(self) -> None:
        """"— 1 —": odd pages right, even pages left, one character from the edge of the 版心."""
        self.doc.settings.odd_and_even_pages_header_footer = True
        s = self.doc.sections[0]
        for footer, align in (
            (s.footer, WD_ALIGN_PARAGRAPH.RIGHT),
            (s.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
        ):
            footer.is_linked_to_previous = False
            p = footer.paragraphs[0]
            p.alignment = align
            pf = p.paragraph_format
            pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
            if align == WD_ALIGN_PARAGRAPH.RIGHT:
                pf.right_indent = Pt(PAGE_NUMBER_PT)
            else:
                pf.left_indent = Pt(PAGE_NUMBER_PT)
            _on_off(p._p.get_or_add_pPr(), "w:snapToGrid", False)
            self._number_run(p, "— ")
            self._field(p, "PAGE", "1")
            self._number_run(p, " —")

    @staticmethod
    def _number_run(p, text: str):
        run = p.add_run(text)
        set_fonts(run._r, NUMBER_FONT, NUMBER_FONT)
        run.font.size = Pt(PAGE_NUMBER_PT)
        return run

    def _field(self, p, instr: str, shown: str) -> None:
        for kind, text in (("begin", None), ("instr", f" {instr} "), ("separate", None), ("text", shown)):
            run = self._number_run(p, "")
            if kind == "instr":
                el = OxmlElement("w:instrText")
                el.set(qn("xml:space"), "preserve")
                el.text = text
                run._r.append(el)
            elif kind == "text":
                run.text = text
            else:
                fld = OxmlElement("w:fldChar")
                fld.set(qn("w:fldCharType"), kind)
                run._r.append(fld)
        end = self._number_run(p, "")
        fld = OxmlElement("w:fldChar")
        fld.set(qn("w:fldCharType"), "end")
        end._r.append(fld)

    # text -------------------------------------------------------------------------------------------
    def title(self, text: str | None = None) -> None:
        self.doc.add_paragraph(text or self.title_text, style=STYLE_TITLE)
        self.doc.add_paragraph()  # 标题 and 正文 are a blank line apart

    def heading(self, level: int, text: str) -> str:
        """一、 / （一） / 1. numbered automatically; a higher level restarts the ones below."""
        self._h[level - 1] += 1
        for i in range(level, 3):
            self._h[i] = 0
        n = self._h[level - 1]
        label = {1: f"{cn_number(n)}、", 2: f"（{cn_number(n)}）", 3: f"{n}."}[level] + text
        self.doc.add_paragraph(label, style=f"Heading {level}")
        return label

    def paragraph(self, text: str, *, indent: bool = True, align=None, style: str | None = None):
        p = self.doc.add_paragraph(text, style=style)
        if indent and style is None:
            _first_line_chars(p._p.get_or_add_pPr(), 2)
            p.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
        if align is not None:
            p.alignment = align
        return p

    def note(self, text: str, *, align=WD_ALIGN_PARAGRAPH.LEFT):
        p = self.doc.add_paragraph(text, style=STYLE_NOTE)
        p.alignment = align
        return p

    def signature(self, unit: str, when: date) -> None:
        """落款: the unit and the date, right-aligned, four characters from the right edge."""
        self.doc.add_paragraph()
        for text in (unit, date_text(when)):
            if text:
                p = self.doc.add_paragraph(text)
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                p.paragraph_format.right_indent = Pt(4 * BODY_PT)

    # tables -------------------------------------------------------------------------------------------
    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths_mm: Sequence[float],
        *,
        numeric: Iterable[int] = (),
        caption: str = "",
        unit_note: str = "",
        bold_last: bool = False,
    ):
        """A bordered table, 表头 shaded and repeated on every page, rows never split across pages,
        numbers right-aligned. ``caption`` above it (表1 …), ``unit_note`` (单位：万元) right-aligned."""
        numeric = set(numeric)
        if caption:
            self._tables += 1
            cap = self.doc.add_paragraph(f"表{self._tables}  {caption}", style=STYLE_CAPTION)
            cap.paragraph_format.keep_with_next = True
        if unit_note:
            u = self.doc.add_paragraph(unit_note, style=STYLE_TABLE)
            u.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            u.paragraph_format.keep_with_next = True
        table = self.doc.add_table(rows=1, cols=len(header))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        widths = [Mm(w) for w in widths_mm]
        for col, w in zip(table.columns, widths):
            col.width = w
        head = table.rows[0]
        trpr = head._tr.get_or_add_trPr()
        for tag in ("w:tblHeader", "w:cantSplit"):
            el = OxmlElement(tag)
            el.set(qn("w:val"), "true")
            trpr.append(el)
        for j, (cell, text) in enumerate(zip(head.cells, header)):
            cell.width = widths[j]
            _shade(cell, HEADER_FILL)
            p = cell.paragraphs[0]
            p.style = self.doc.styles[STYLE_TABLE]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(text)
            run.bold = True
            set_fonts(run._r, H1_FONT)
        for i, values in enumerate(rows):
            row = table.add_row()
            el = OxmlElement("w:cantSplit")
            el.set(qn("w:val"), "true")
            row._tr.get_or_add_trPr().append(el)
            last = bold_last and i == len(rows) - 1
            for j, (cell, text) in enumerate(zip(row.cells, values)):
                cell.width = widths[j]
                p = cell.paragraphs[0]
                p.style = self.doc.styles[STYLE_TABLE]
                lines = str(text).split("\n")
                for k, line in enumerate(lines):
                    if k:
                        p = cell.add_paragraph(style=self.doc.styles[STYLE_TABLE])
                    if j in numeric:
                        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                    run = p.add_run(line)
                    if last:
                        run.bold = True
        self.doc.add_paragraph(style=STYLE_NOTE)  # air below the table
        return table

    # charts -----------------------------------------------------------------------------------------
    def charts(self, chart_parts: Sequence, sizes_mm: Sequence[tuple[float, float]], caption: str) -> list:
        """Native charts side by side in one centred paragraph, numbered caption below.
        Returns the Word chart parts."""
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        pf = p.paragraph_format
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE  # an exact line height would clip the chart
        pf.keep_with_next = True
        _on_off(p._p.get_or_add_pPr(), "w:snapToGrid", False)
        added = []
        for part, (w, h) in zip(chart_parts, sizes_mm):
            added.append(self._embed_chart(p, part, Mm(w), Mm(h), caption))
        self._figures += 1
        self.doc.add_paragraph(f"图{self._figures}  {caption}", style=STYLE_CAPTION)
        return added

    def _embed_chart(self, paragraph, pptx_part, cx: int, cy: int, name: str):
        package = self.doc.part.package
        self._charts += 1
        n = self._charts
        xlsx = Part(
            PackURI(f"/word/embeddings/Microsoft_Excel_Worksheet{n}.xlsx"),
            CT.SML_SHEET,
            pptx_part.chart_workbook.xlsx_part.blob,
            package,
        )
        chart = Part(PackURI(f"/word/charts/chart{n}.xml"), CT.DML_CHART, None, package)
        space = copy.deepcopy(pptx_part._element)
        _restyle_chart(space, CHART_FONT, CHART_FONT_SCALE)
        external = space.find(qn("c:externalData"))
        if external is None:
            external = OxmlElement("c:externalData")
            space.append(external)
        external.set(qn("r:id"), chart.relate_to(xlsx, RT.PACKAGE))
        chart._blob = etree.tostring(space, xml_declaration=True, encoding="UTF-8", standalone=True)
        rid = self.doc.part.relate_to(chart, RT.CHART)
        self._drawing_id += 1
        safe = name.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
        drawing = parse_xml(
            f"<w:drawing {nsdecls('w', 'wp', 'a', 'c', 'r')}>"
            f'<wp:inline distT="0" distB="0" distL="0" distR="0">'
            f'<wp:extent cx="{int(cx)}" cy="{int(cy)}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
            f'<wp:docPr id="{self._drawing_id}" name="图表 {self._drawing_id}" descr="{safe}"/>'
            f"<wp:cNvGraphicFramePr/><a:graphic>"
            f'<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
            f'<c:chart r:id="{rid}"/></a:graphicData></a:graphic></wp:inline></w:drawing>'
        )
        paragraph.add_run()._r.append(drawing)
        return chart

    def page_break(self) -> None:
        self.doc.add_page_break()

    def bytes(self) -> bytes:
        buf = io.BytesIO()
        self.doc.save(buf)
        return buf.getvalue()


# --- 项目支出绩效自评报告 --------------------------------------------------------------------------------
def selfeval_heading(unit: str, year: int | None) -> str:
    return unit + (f"{year}年度" if year else "") + SELFEVAL_TITLE


def final_heading(unit: str, year: int | None) -> str:
    return unit + (f"{year}年度" if year else "") + FINAL_TITLE


def _label(rec: Mapping, name: str, with_unit: bool) -> str:
    unit = rec.get(m.UNIT)
    if with_unit and not is_missing(unit) and str(unit).strip():
        return f"{name}（{unit}）"
    return name


def reason_for(reasons: Mapping[str, str] | None, rec: Mapping, label: str) -> str:
    """The reason typed for a project: looked up by its code, by "unit/project", by the label the
    report prints, then by its name; '' when there is none."""
    if not reasons:
        return ""
    name = b.project_name(rec.get(m.PROJECT))
    unit = rec.get(m.UNIT)
    keys = []
    code = rec.get(m.CODE)
    if not is_missing(code) and str(code).strip():
        keys.append(str(code).strip())
    if not is_missing(unit) and str(unit).strip():
        keys.append(f"{str(unit).strip()}/{name}")
    keys += [label, name, str(rec.get(m.PROJECT) or "").strip()]
    for k in keys:
        text = reasons.get(k)
        if text is not None and str(text).strip():
            return str(text).strip()
    return ""


def _rates(frame: pd.DataFrame) -> pd.Series:
    return pd.to_numeric(frame[m.EXECUTION_RATE], errors="coerce")


def _intro(g: Gongwen, analysis: Analysis, unit: str, year: int | None) -> None:
    n = len(analysis.projects)
    who = unit or "本单位"
    what = f"{year}年度" if year else "本年度"
    if analysis.table.kind == m.KIND_SELFEVAL_FORMS:
        source = f"依据报送的{n}张《项目支出绩效自评表》"
    else:
        source = "依据《项目单位自评汇总表》"
    g.paragraph(
        f"按照预算绩效管理有关要求，{who}对{what}{n}个项目开展了绩效自评。本报告{source}，"
        f"对预算数、执行数、执行率和自评得分逐项重新计算和核对后形成。现将有关情况报告如下。"
    )


def _basic(g: Gongwen, analysis: Analysis) -> None:
    g.heading(1, "基本情况")
    t = analysis.totals
    p = analysis.projects
    text = f"纳入自评的项目共{len(p)}个"
    units = analysis.units
    if analysis.table.has_units and len(units) > 1:
        text += f"，涉及{len(units)}个单位"
    text += f"，全年预算数{wan(t.get('budget'))}万元，全年执行数{wan(t.get('executed'))}万元。"
    missing_budget = int(pd.to_numeric(p[m.BUDGET], errors="coerce").isna().sum())
    if missing_budget:
        text += f"其中{missing_budget}个项目没有可用的预算数，未计入合计。"
    src = analysis.table.source
    text += f"数据来源：{src.file or '上传文件'}"
    text += f"（工作表“{src.sheet}”）。" if src.sheet else "。"
    g.paragraph(text)


def _execution(g: Gongwen, analysis: Analysis, source: _ChartSource) -> None:
    from jixiao.export import pptx as px

    g.heading(1, "预算执行情况")
    t = analysis.totals
    low = analysis.settings.low_threshold
    g.heading(2, "总体执行情况")
    rate = t.get("execution_rate")
    text = f"全年预算数{wan(t.get('budget'))}万元，执行数{wan(t.get('executed'))}万元，预算执行率{pct(rate)}"
    if rate is not None:
        text += "，低于" if rate < low - 1e-9 else "，达到"
        text += f"{pct(low)}的预警线"
        tp = analysis.time_progress
        if tp is not None:
            gap = rate - tp
            text += f"，{'快于' if gap >= 0 else '慢于'}序时进度（{pct(tp)}）{num(abs(gap))}个百分点"
    g.paragraph(text + "。")
    p = analysis.projects
    rates = _rates(p)
    over = int((rates > 100 + 1e-9).sum())
    no_rate = int(rates.isna().sum())
    counts = [
        f"执行率达到预警线的{int((rates >= low - 1e-9).sum())}个",
        f"低于预警线的{int((rates < low - 1e-9).sum())}个",
    ]
    if over:
        counts.append(f"其中超过100%的{over}个")
    if no_rate:
        counts.append(f"无法计算执行率的{no_rate}个")
    g.paragraph("按项目看，" + "，".join(counts) + "。")

    units = analysis.units
    if analysis.table.has_units and len(units) > 1:
        g.heading(2, "分单位执行情况")
        u = units.assign(_r=pd.to_numeric(units["execution_rate"], errors="coerce"))
        u = u.sort_values("_r", na_position="last", kind="stable")
        g.paragraph(f"{len(u)}个单位的执行情况见下表，按执行率从低到高排列。")
        rows = [
            [
                str(i + 1),
                b.project_name(r["unit"]),
                str(int(r["projects"])),
                wan(to_float(r["budget"])),
                wan(to_float(r["executed"])),
                pct(to_float(r["execution_rate"])),
            ]
            for i, r in enumerate(m.records(u.head(MAX_TABLE_ROWS)))
        ]
        g.table(
            ["序号", "单位", "项目数", "预算数", "执行数", "执行率"],
            rows,
            [12, 54, 16, 26, 26, 22],
            numeric=(2, 3, 4, 5),
            caption="各单位预算执行情况",
            unit_note="单位：万元",
        )
        slide = source.slide()
        px._rate_chart(
            slide,
            [b.project_name(x) for x in u["unit"].tolist()[:RATE_CHART_BARS]],
            [to_float(x) for x in u["_r"].tolist()[:RATE_CHART_BARS]],
            [_band(analysis, to_float(x)) for x in u["_r"].tolist()[:RATE_CHART_BARS]],
        )
        n = min(len(u), RATE_CHART_BARS)
        g.charts(source.chart_parts(slide), [(BODY_W_MM, _bar_height(n))], "各单位预算执行率")

    g.heading(2, "执行较慢的项目")
    df = p.assign(_r=rates).sort_values("_r", na_position="last", kind="stable")
    slow = df[df["_r"] < low - 1e-9]
    if len(slow):
        names = b.project_labels(slow)
        listed = "、".join(f"{n}（{pct(r)}）" for n, r in zip(names[:10], slow["_r"].tolist()[:10]))
        more = f"等{len(slow)}个项目" if len(slow) > 10 else f"共{len(slow)}个项目"
        g.paragraph(f"执行率低于{pct(low)}的有：{listed}，{more}。")
    else:
        g.paragraph(f"没有执行率低于{pct(low)}的项目。")
    shown = df[df["_r"].notna()].head(RATE_CHART_BARS)
    if len(shown):
        from jixiao.analysis import BAND

        slide = source.slide()
        px._rate_chart(
            slide,
            b.project_labels(shown, px.LABEL_WIDTH),
            [to_float(x) for x in shown["_r"].tolist()],
            shown[BAND].tolist(),
        )
        what = "各项目预算执行率" + (
            f"（执行率最低的{len(shown)}个）" if len(df) > len(shown) else ""
        )
        g.charts(source.chart_parts(slide), [(BODY_W_MM, _bar_height(len(shown)))], what)
        st = analysis.settings
        g.note(
            f"注：绿色为执行率达到{pct(st.low_threshold)}，橙色为{pct(st.amber_floor)}至{pct(st.low_threshold)}，"
            f"红色为低于{pct(st.amber_floor)}。各项目数字见附表。"
        )


def _band(analysis: Analysis, rate: float | None) -> str:
    from jixiao.metrics import band_of

    st = analysis.settings
    return band_of(rate, st.low_threshold, st.amber_floor)


def _bar_height(n: int) -> float:
    return min(200.0, 28.0 + 7.5 * n)


def _scores(g: Gongwen, analysis: Analysis, source: _ChartSource) -> None:
    from components.charts import GRADE_ORDER, grade_counts

    g.heading(1, "绩效指标完成情况")
    s = analysis.scores
    p = analysis.projects
    g.heading(2, "自评得分")
    if not s:
        g.paragraph("自评表中没有可用的自评得分，无法计算平均分和评价等级。")
    else:
        weighted, simple = s.get("mean_budget_weighted"), s.get("mean_simple")
        text = (
            f"有自评得分的项目{s.get('scored_projects', len(p))}个。金额加权平均分{num(weighted)}分"
            f"（以各项目预算数为权数加权平均），简单平均分{num(simple)}分（各项目得分的算术平均）"
        )
        if weighted is not None and simple is not None and abs(weighted - simple) >= 0.005:
            higher = weighted > simple
            text += (
                f"。金额加权平均分{'高于' if higher else '低于'}简单平均分{num(abs(weighted - simple))}分，"
                f"说明预算规模较大的项目得分{'较高' if higher else '较低'}"
            )
        text += f"；90分以上的项目占{pct(s.get('share_90_plus'))}。"
        g.paragraph(text)
        c = analysis.choice
        g.paragraph(
            f"得分按“{c.scheme.label}”（{c.scheme.describe()}）重新计算，"
            f"{c.comparable}个可比项目中有{c.reproduced}个与填报得分一致；"
            "平均分和等级采用填报得分，未填报的采用重新计算的得分。"
        )
        g.heading(2, "评价等级")
        counts = grade_counts(p)
        parts = [f"{grade}{counts[grade]}个" for grade in GRADE_ORDER]
        g.paragraph(
            "按优（90分及以上）、良（80分至90分）、中（60分至80分）、差（60分以下）划分，"
            + "，".join(parts)
            + "。"
        )
        slide = source.slide()
        _grade_chart(slide, counts)
        g.charts(source.chart_parts(slide), [(120, 70)], "评价等级分布")
    rows = _component_rows(analysis)
    if rows:
        g.heading(2, "各类指标得分率")
        g.paragraph("各类指标的得分率（得分占该类指标分值的百分比）按项目简单平均，未达100%的项目见下表。")
        g.table(
            ["指标类别", "填报项目数", "平均得分率", "未达100%的项目数"],
            rows,
            [44, 34, 40, 38],
            numeric=(1, 2, 3),
            caption="各类指标得分率",
        )


def _component_rows(analysis: Analysis) -> list[list[str]]:
    p = analysis.projects
    rows = []
    for comp, col in m.COMPONENT_COLUMNS.items():
        if col not in p:
            continue
        v = pd.to_numeric(p[col], errors="coerce")
        if not v.notna().any():
            continue
        rows.append(
            [
                m.COMPONENT_LABELS[comp],
                str(int(v.notna().sum())),
                pct(float(v.mean())),
                str(int((v < 100 - 1e-9).sum())),
            ]
        )
    return rows


def _grade_chart(slide, counts: Mapping[str, int]) -> None:
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION
    from pptx.util import Inches, Pt

    from components.charts import GRADE_COLORS, GRADE_ORDER
    from jixiao.export import pptx as px

    data = CategoryChartData(number_format="0")
    data.categories = [f"{g}" for g in GRADE_ORDER]
    data.add_series("项目数（个）", [counts[g] for g in GRADE_ORDER])
    chart = slide.shapes.add_chart(
        XL_CHART_TYPE.COLUMN_CLUSTERED, Inches(1), Inches(1), Inches(8), Inches(4.5), data
    ).chart
    px._style_chart(chart, 16)
    chart.has_title = False
    chart.has_legend = False
    plot = chart.plots[0]
    plot.gap_width = 80
    plot.vary_by_categories = False
    plot.has_data_labels = True
    plot.data_labels.number_format = '0"个"'
    plot.data_labels.number_format_is_linked = False
    plot.data_labels.position = XL_LABEL_POSITION.OUTSIDE_END
    plot.data_labels.font.size = Pt(16)
    for i, grade in enumerate(GRADE_ORDER):
        point = plot.series[0].points[i]
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = px._rgb(GRADE_COLORS[grade])
    val = chart.value_axis
    val.minimum_scale = 0
    val.maximum_scale = max(1, math.ceil(max(counts.values(), default=0) * 1.25))
    val.tick_labels.number_format = "0"
    val.tick_labels.number_format_is_linked = False
    px._gridlines(val)


def _deviations(g: Gongwen, analysis: Analysis, reasons: Mapping[str, str] | None) -> int:
    """偏差及原因; returns how many flagged projects have no reason."""
    g.heading(1, "偏差及原因")
    flagged = analysis.flagged
    if not len(flagged):
        g.paragraph("按预警规则核对，没有项目存在较大偏差。")
        return 0
    low = analysis.settings.low_threshold
    counts: dict[str, int] = {}
    for flags in flagged[m.FLAGS]:
        for code in dict.fromkeys(f.code for f in flags):
            counts[code] = counts.get(code, 0) + 1
    said = "，".join(f"{FLAG_LABELS.get(c, c)}{n}个" for c, n in counts.items())
    df = flagged.assign(_r=_rates(flagged)).sort_values("_r", na_position="last", kind="stable")
    names = b.project_labels(df)
    with_units = analysis.table.has_units
    rows, missing = [], 0
    for i, (name, rec) in enumerate(zip(names, m.records(df, [m.PROJECT, m.UNIT, m.CODE, "_r", m.FLAGS]))):
        label = _label(rec, name, with_units)
        what = "\n".join(f"{FLAG_LABELS.get(f.code, f.code)}：{f.reason}" for f in rec[m.FLAGS])
        why = reason_for(reasons, rec, name)
        if not why:
            missing += 1
        rows.append([str(i + 1), label, pct(to_float(rec["_r"])), what, why or NO_REASON])
    text = (
        f"按执行率预警线{pct(low)}等规则核对，存在偏差的项目共{len(flagged)}个（{said}；"
        f"一个项目可能同时存在多种偏差）。"
    )
    text += (
        f"其中{missing}个项目尚未说明偏差原因，表中记为“{NO_REASON}”。"
        if missing
        else "各项目均已说明偏差原因。"
    )
    g.paragraph(text)
    shown = rows[:MAX_TABLE_ROWS]
    g.table(
        ["序号", "项目名称", "执行率", "偏差情况", "偏差原因"],
        shown,
        [10, 36, 18, 52, 40],
        numeric=(2,),
        caption="偏差项目及原因",
    )
    if len(rows) > len(shown):
        g.note(f"注：仅列出执行率最低的{len(shown)}个，全部{len(rows)}个见 Excel 导出的“项目明细”。")
    return missing


def _findings(g: Gongwen, analysis: Analysis) -> None:
    g.heading(1, "审核发现")
    problems = b.problem_findings(analysis)
    infos = [f for f in analysis.findings if f.severity == "info"]
    if not problems:
        g.paragraph(
            "对预算数、执行数、执行率、得分和合计行逐项重新计算核对，未发现错误或警告"
            + (f"；另有提示{len(infos)}条" if infos else "")
            + "。"
        )
        return
    errors = sum(1 for f in problems if f.severity == "error")
    g.paragraph(
        f"对预算数、执行数、执行率、得分和合计行逐项重新计算核对，发现问题{len(problems)}个"
        f"（错误{errors}个，警告{len(problems) - errors}个）"
        + (f"，另有提示{len(infos)}条" if infos else "")
        + "。问题如下表。"
    )
    shown = problems[:MAX_TABLE_ROWS]
    g.table(
        ["序号", "级别", "位置", "说明"],
        [
            [str(i + 1), m.SEVERITY_LABELS.get(f.severity, f.severity), f.where, f.message]
            for i, f in enumerate(shown)
        ],
        [10, 14, 52, 80],
        caption="审核发现的问题",
    )
    if len(problems) > len(shown):
        g.note(f"注：仅列出前{len(shown)}个，全部{len(problems)}个见 Excel 导出的“审核发现”。")


# codes of findings that say a printed figure disagrees with the recomputed one
_MISMATCH_CODES = ("RATE_MISMATCH", "SCORE_MISMATCH", "TOTAL_MISMATCH", "FORM_TOTAL_MISMATCH")


def improvement_points(analysis: Analysis, missing_reasons: int) -> list[tuple[str, str]]:
    """(heading, text) per problem the figures and findings imply, for the user to edit."""
    out: list[tuple[str, str]] = []
    p = analysis.projects
    low = analysis.settings.low_threshold
    codes: dict[str, int] = {}
    for flags in p[m.FLAGS]:
        for code in dict.fromkeys(f.code for f in flags):
            codes[code] = codes.get(code, 0) + 1
    if codes.get(LOW_EXECUTION):
        out.append(
            (
                "部分项目预算执行偏慢",
                f"{codes[LOW_EXECUTION]}个项目执行率低于{pct(low)}。改进措施：加强项目前期准备，"
                "按进度计划及时支付资金，对执行缓慢的项目逐个分析原因并督促整改。",
            )
        )
    if codes.get(OVER_EXECUTION):
        out.append(
            (
                "个别项目执行数超过预算",
                f"{codes[OVER_EXECUTION]}个项目执行率超过100%。改进措施：核实超支原因，"
                "严格按批复预算执行，确需调整的按程序办理预算调整。",
            )
        )
    if codes.get(INDICATOR_SHORTFALL):
        out.append(
            (
                "部分绩效指标未全部完成",
                f"{codes[INDICATOR_SHORTFALL]}个项目有指标得分率低于100%。改进措施：科学设置绩效目标，"
                "加强绩效运行监控，对偏离目标的指标及时纠偏。",
            )
        )
    if codes.get(SELF_FLAG_MISMATCH):
        out.append(
            (
                "自评结论与实际偏差情况不一致",
                f"{codes[SELF_FLAG_MISMATCH]}个项目填报的“是否有较大偏差”与按规则判断的结果不同。"
                "改进措施：按自评要求如实判断和填报偏差情况。",
            )
        )
    mismatches = [f for f in analysis.findings if f.code in _MISMATCH_CODES and f.severity != "info"]
    others = [f for f in b.problem_findings(analysis) if f.code not in _MISMATCH_CODES]
    if mismatches:
        out.append(
            (
                "填报数据与重新计算的结果不一致",
                f"执行率、得分或合计与重新计算结果不一致的{len(mismatches)}处（见“审核发现”）。"
                "改进措施：填报后逐项复核计算，确保报表数字准确。",
            )
        )
    if others:
        out.append(
            (
                "填报内容不完整或不规范",
                f"其他审核问题{len(others)}个（见“审核发现”）。改进措施：按填报说明完整填写各栏目。",
            )
        )
    if missing_reasons:
        out.append(
            (
                "偏差原因说明不到位",
                f"{missing_reasons}个存在偏差的项目尚未说明原因。改进措施：逐项分析偏差原因并补充说明。",
            )
        )
    return out


def _improvements(g: Gongwen, analysis: Analysis, missing_reasons: int) -> None:
    g.heading(1, "问题与改进")
    points = improvement_points(analysis, missing_reasons)
    g.paragraph("以下问题根据数据核对结果列出，改进措施为参考意见，请结合实际情况修改完善。")
    if not points:
        g.paragraph("数据核对未发现需要说明的问题。")
        return
    for head, text in points:
        g.heading(2, head)
        g.paragraph(text)


def _appendix(g: Gongwen, analysis: Analysis) -> None:
    p = analysis.projects
    if not len(p):
        return
    g.page_break()
    set_fonts(g.paragraph("附表", indent=False).runs[0]._r, H1_FONT)
    with_units = analysis.table.has_units
    df = p.head(MAX_TABLE_ROWS)
    names = b.project_labels(df)
    rows = []
    for i, (name, rec) in enumerate(
        zip(names, m.records(df, [m.UNIT, m.BUDGET, m.EXECUTED, m.EXECUTION_RATE, m.SCORE, m.GRADE]))
    ):
        grade = rec[m.GRADE]
        rows.append(
            [
                str(i + 1),
                _label(rec, name, with_units),
                wan(to_float(rec[m.BUDGET])),
                wan(to_float(rec[m.EXECUTED])),
                pct(to_float(rec[m.EXECUTION_RATE])),
                num(to_float(rec[m.SCORE])),
                "—" if is_missing(grade) or not grade else str(grade),
            ]
        )
    t = analysis.totals
    s = analysis.scores or {}
    rows.append(
        [
            "",
            "合计",
            wan(t.get("budget")),
            wan(t.get("executed")),
            pct(t.get("execution_rate")),
            num(s.get("mean_budget_weighted")),
            "",
        ]
    )
    g.table(
        ["序号", "项目名称", "预算数", "执行数", "执行率", "自评得分", "等级"],
        rows,
        [10, 54, 24, 24, 18, 16, 10],
        numeric=(2, 3, 4, 5),
        caption="项目自评情况汇总表",
        unit_note="单位：万元",
        bold_last=True,
    )
    notes = "注：执行率按执行数÷预算数重新计算；合计行的自评得分为金额加权平均分。"
    if len(p) > len(df):
        notes += f"仅列出前{len(df)}个项目，全部{len(p)}个见 Excel 导出的“项目明细”。"
    g.note(notes)


def build_selfeval_docx(
    analysis: Analysis,
    *,
    unit: str | None = None,
    year: int | None = None,
    today: date | None = None,
    reasons: Mapping[str, str] | None = None,
) -> bytes:
    """The 项目支出绩效自评报告 as .docx bytes. ``reasons`` maps a project (its code, "unit/project", or
    its name) to the 偏差原因 typed for it; a flagged project without one reads "未说明"."""
    unit = b.guess_unit(analysis) if unit is None else unit
    year = b.guess_year(analysis) if year is None else year
    today = today or date.today()
    g = Gongwen(selfeval_heading(unit, year), author=unit)
    g.title()
    source = _ChartSource()
    _intro(g, analysis, unit, year)
    _basic(g, analysis)
    _execution(g, analysis, source)
    _scores(g, analysis, source)
    missing = _deviations(g, analysis, reasons)
    _findings(g, analysis)
    _improvements(g, analysis, missing)
    g.signature(unit, today)
    _appendix(g, analysis)
    return g.bytes()


# --- 部门决算说明 ------------------------------------------------------------------------------------------
# (heading, charts and sentence keys under it), in the order of the published 决算说明
def _final_sections() -> list[tuple[str, list[str]]]:
    from jixiao import final_accounts as fam
    from jixiao import narrative

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
    from jixiao import final_accounts as fam
    from jixiao.export import pptx as px

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
    g.charts(parts, sizes, title)
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
    from jixiao import final_accounts as fam
    from jixiao import narrative

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
    findings = fam.validate(fa)
    if findings:
        g.heading(1, "数据核对")
        g.paragraph(f"对各项合计与明细逐项核对，发现{len(findings)}处不一致，请核实：")
        for i, f in enumerate(findings, start=1):
            g.paragraph(f"{i}. {f.where}：{f.message}")
    g.signature(unit, today)
    return g.bytes()


def _has_chart(fa: FinalAccounts, chart: str, year: int) -> bool:
    from jixiao import final_accounts as fam

    years = [y for y in (fa.previous_year(year), year) if y is not None]
    if chart in fam.BAR_CHARTS:
        return any(y in v for v in fam.bar_series(fa, chart).values() for y in years)
    return any(v > 0 for y in years for v in fam.structure_items(fa, chart, y).values())


def build_docx(
    analysis: Analysis | None = None,
    *,
    final_accounts: FinalAccounts | None = None,
    unit: str | None = None,
    year: int | None = None,
    today: date | None = None,
    reasons: Mapping[str, str] | None = None,
) -> dict[str, bytes]:
    """Both Word documents the data allows: {"report.docx": 自评报告, "final_accounts.docx": 决算说明}."""
    out: dict[str, bytes] = {}
    if analysis is not None:
        out[FILES["docx"]] = build_selfeval_docx(analysis, unit=unit, year=year, today=today, reasons=reasons)
    if final_accounts is not None and final_accounts.years:
        fa_unit = unit if unit else None
        out[FILES["final_docx"]] = build_final_docx(final_accounts, year=year, unit=fa_unit, today=today)
    return out


__all__: list[str] = [
    "FILES",
    "Gongwen",
    "build_docx",
    "build_final_docx",
    "build_selfeval_docx",
    "improvement_points",
    "reason_for",
]
