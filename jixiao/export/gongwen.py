"""The 公文 layout (GB/T 9704) for Word documents, and native charts inside them.

A4, 版心 156 × 225 mm (天头 37 mm, 订口 28 mm), 标题 2号 小标宋, 正文 3号 仿宋 on a 22-line × 28-character
grid, headings 一、 (黑体) （一） (楷体) 1. (仿宋 bold) （1） (仿宋), page numbers "— 1 —" in 4号 宋体 (odd pages right,
even pages left, one character in), tables in 五号 with the 表头 repeated on every page. Each East Asian
font is named in ``w:rFonts/@w:eastAsia`` (the Latin name alone leaves Chinese text to the viewer's
fallback) and gets a ``w:altName`` in the font table, so a machine without 方正小标宋简体 or 仿宋_GB2312
falls back to 华文中宋 / 仿宋 rather than to a sans font.

Charts are native DrawingML charts with their embedded workbook (right-click → 编辑数据 in Word, WPS and
LibreOffice): python-pptx builds them with the PowerPoint export's own builders (same number formats and
colours), then the chart part and its workbook are copied into the Word package and placed as an inline
``c:chart`` graphic. ``Gongwen`` knows nothing of budgets: any report in this style can use it.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Iterable, Sequence
from datetime import date

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

from jixiao.export.common import xml_text

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
# 28 characters in 156 mm is 15.79 pt each: 3号 (16 pt) condensed by 0.25 pt. Character spacing, not
# Word's character grid (docGrid linesAndChars), because LibreOffice lays that grid out at about 17
# characters a line.
CHAR_SPACING_TWENTIETHS = -5
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
# ASCII ids (the names stay Chinese in Word's style list), as Word itself gives its own styles
STYLE_IDS = {
    STYLE_TITLE: "GongwenTitle",
    STYLE_TABLE: "TableText",
    STYLE_CAPTION: "Caption2",
    STYLE_NOTE: "Note",
}

HEADER_FILL = "D9D9D9"
MAX_TABLE_ROWS = 300  # rows of one table; a province-wide table is in the Excel export
CHART_FONT_SCALE = 0.72  # the PowerPoint charts' type (14–16 pt) at the size of a Word page
CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (heading numbers)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def date_text(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


# --- fonts and paragraph properties ------------------------------------------------------------------
# Child order of w:pPr and w:rPr in the schema: Word refuses a file whose elements are out of order.
_PPR_ORDER = (
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd "
    "tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
    "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc "
    "textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
)
_RPR_ORDER = (
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof "
    "snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd "
    "fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath"
)


def _child(parent, tag: str, order: str):
    """The ``w:<tag>`` child of ``parent``, created at its place in the schema order when missing."""
    el = parent.find(qn(f"w:{tag}"))
    if el is not None:
        return el
    el = OxmlElement(f"w:{tag}")
    tags = order.split()
    later = {qn(f"w:{t}") for t in tags[tags.index(tag) + 1 :]}
    for i, sibling in enumerate(parent):
        if sibling.tag in later:
            parent.insert(i, el)
            return el
    parent.append(el)
    return el


def set_fonts(rpr_owner, east_asian: str, latin: str = LATIN_FONT) -> None:
    """Latin and East Asian font on a style's or run's ``w:rPr``; theme fonts removed (they win over
    the explicit names in Word)."""
    fonts = _child(rpr_owner.get_or_add_rPr(), "rFonts", _RPR_ORDER)
    for attr in list(fonts.attrib):
        if attr.lower().endswith("theme"):  # asciiTheme … and cstheme
            del fonts.attrib[attr]
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:hint"), "eastAsia")


def _on_off(ppr, tag: str, on: bool) -> None:
    _child(ppr, tag, _PPR_ORDER).set(qn("w:val"), "1" if on else "0")


def _first_line_chars(ppr, chars: int) -> None:
    """First-line indent in characters (Word and WPS keep it at two characters whatever the font)."""
    _child(ppr, "ind", _PPR_ORDER).set(qn("w:firstLineChars"), str(chars * 100))


def _char_spacing(style_element, twentieths: int) -> None:
    _child(style_element.get_or_add_rPr(), "spacing", _RPR_ORDER).set(qn("w:val"), str(twentieths))


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
        from jixiao.export.pptx_blocks import _Deck

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
        self._h = [0, 0, 0, 0]
        self._figures = 0
        self._tables = 0
        self._drawing_id = 0
        self._charts = 0
        self._setup_page()
        self._setup_styles()
        self._setup_font_table()
        self._page_numbers()
        package_rels = self.doc.part.package.rels
        for rid in [k for k, rel in package_rels.items() if rel.reltype == RT.THUMBNAIL]:
            package_rels.pop(rid)  # the template's preview picture is of another document
        props = self.doc.core_properties
        props.title = xml_text(title)
        props.author = xml_text(author) or "绩效看板"
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
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))

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
            # the character grid's pitch is reckoned from the default size (LibreOffice, WPS)
            for tag in ("w:sz", "w:szCs"):
                for el in defaults.iter(qn(tag)):
                    el.set(qn("w:val"), str(BODY_PT * 2))
            for lang in defaults.iter(qn("w:lang")):
                lang.set(qn("w:eastAsia"), "zh-CN")  # Chinese line breaking (no 。 at a line start)
            for spacing in defaults.iter(qn("w:spacing")):
                spacing.set(qn("w:after"), "0")
        normal = styles["Normal"]
        set_fonts(normal.element, BODY_FONT)
        normal.font.size = Pt(BODY_PT)
        normal.font.color.rgb = RGBColor(0, 0, 0)
        _char_spacing(normal.element, CHAR_SPACING_TWENTIETHS)
        pf = normal.paragraph_format
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(LINE_PT)
        pf.space_before = pf.space_after = Pt(0)
        pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        pf.widow_control = True
        levels = ((1, H1_FONT, False), (2, H2_FONT, False), (3, BODY_FONT, True), (4, BODY_FONT, False))
        for level, font, bold in levels:
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
        title.style_id = STYLE_IDS[STYLE_TITLE]
        title.base_style = normal
        set_fonts(title.element, TITLE_FONT)
        title.font.size = Pt(TITLE_PT)
        tp = title.paragraph_format
        tp.alignment = WD_ALIGN_PARAGRAPH.CENTER
        tp.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        tp.line_spacing = Pt(35)
        _on_off(title.element.get_or_add_pPr(), "snapToGrid", False)
        for name, size, align in (
            (STYLE_TABLE, TABLE_PT, WD_ALIGN_PARAGRAPH.LEFT),
            (STYLE_CAPTION, CAPTION_PT, WD_ALIGN_PARAGRAPH.CENTER),
            (STYLE_NOTE, CAPTION_PT, WD_ALIGN_PARAGRAPH.LEFT),
        ):
            st = styles.add_style(name, 1)
            st.style_id = STYLE_IDS[name]
            st.base_style = normal
            st.font.size = Pt(size)
            sp = st.paragraph_format
            sp.alignment = align
            sp.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            sp.line_spacing = Pt(size * 1.45)
            # off the document grid: the 28.95 pt line pitch is for 3号 body text only
            _on_off(st.element.get_or_add_pPr(), "snapToGrid", False)
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
        """ "— 1 —": odd pages right, even pages left, one character from the edge of the 版心."""
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
            _on_off(p._p.get_or_add_pPr(), "snapToGrid", False)
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
        self.doc.add_paragraph(xml_text(text or self.title_text), style=STYLE_TITLE)
        self.doc.add_paragraph()  # 标题 and 正文 are a blank line apart

    def heading(self, level: int, text: str) -> str:
        """一、 / （一） / 1. / （1） numbered automatically; a higher level restarts the ones below."""
        self._h[level - 1] += 1
        for i in range(level, 4):
            self._h[i] = 0
        n = self._h[level - 1]
        label = {1: f"{cn_number(n)}、", 2: f"（{cn_number(n)}）", 3: f"{n}.", 4: f"（{n}）"}[level] + text
        self.doc.add_paragraph(xml_text(label), style=f"Heading {level}")
        return label

    def paragraph(self, text: str, *, indent: bool = True, align=None, style: str | None = None):
        p = self.doc.add_paragraph(xml_text(text), style=style)
        if indent and style is None:
            _first_line_chars(p._p.get_or_add_pPr(), 2)
            p.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
        if align is not None:
            p.alignment = align
        return p

    def note(self, text: str, *, align=WD_ALIGN_PARAGRAPH.LEFT):
        p = self.doc.add_paragraph(xml_text(text), style=STYLE_NOTE)
        p.alignment = align
        return p

    def signature(self, unit: str, when: date) -> None:
        """落款: the unit and the date, right-aligned, four characters from the right edge; kept on the
        page of the last lines of text (a 落款 never stands alone on a page)."""
        body = self.doc.element.body
        last = body[-2] if len(body) > 1 and body[-1].tag == qn("w:sectPr") else body[-1]
        if last.tag == qn("w:p"):
            _on_off(last.get_or_add_pPr(), "keepNext", True)
        blank = self.doc.add_paragraph()
        blank.paragraph_format.keep_with_next = True
        for text in (unit, date_text(when)):
            if text:
                p = self.doc.add_paragraph(xml_text(text))
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
        # the style id set directly: python-docx looks a style up by scanning every style, per cell
        style_id = self.doc.styles[STYLE_TABLE].style_id
        if caption:
            self._tables += 1
            cap = self.doc.add_paragraph(xml_text(f"表{self._tables}  {caption}"), style=STYLE_CAPTION)
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
            p._p.get_or_add_pPr().style = style_id
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(xml_text(text))
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
                p._p.get_or_add_pPr().style = style_id
                lines = xml_text(text).split("\n")
                for k, line in enumerate(lines):
                    if k:
                        p = cell.add_paragraph()
                        p._p.get_or_add_pPr().style = style_id
                    if j in numeric:
                        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                    run = p.add_run(line)
                    if last:
                        run.bold = True
        self.doc.add_paragraph(style=STYLE_NOTE)  # air below the table
        return table

    # charts -----------------------------------------------------------------------------------------
    def charts(
        self,
        chart_parts: Sequence,
        sizes_mm: Sequence[tuple[float, float]],
        caption: str,
        *,
        number: int | None = None,
    ) -> list:
        """Native charts side by side in one centred paragraph, numbered caption below (the next
        number, or ``number`` where the figure has a fixed one, as 图1–图7 do). Returns the Word chart
        parts."""
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        pf = p.paragraph_format
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE  # an exact line height would clip the chart
        pf.keep_with_next = True
        _on_off(p._p.get_or_add_pPr(), "snapToGrid", False)
        added = []
        for part, (w, h) in zip(chart_parts, sizes_mm):
            added.append(self._embed_chart(p, part, Mm(w), Mm(h), caption))
        self._figures = number if number is not None else self._figures + 1
        self.doc.add_paragraph(xml_text(f"图{self._figures}  {caption}"), style=STYLE_CAPTION)
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
        safe = xml_text(name).replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
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
