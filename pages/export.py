"""导出报告: the current analysis as an editable PPTX, an Excel workbook, a printable HTML report, the
项目支出绩效自评报告 and the 部门决算说明 as Word documents, or all of them in a zip.

Thin: the files are built by jixiao.export. A file is built only when its button is clicked (the
button gets a callable), through ``export_bytes``, which st.cache_data keys by a short digest of the
data, the settings, the unit, the year and the 决算 figures: a rerun or a second click builds nothing.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import re
from datetime import date
from functools import partial
from typing import TYPE_CHECKING

import streamlit as st

from components import data, state, widgets
from components import reasons as reasons_mod
from components.links import through_app  # noqa: E402
from components.widgets import md_escape
from jixiao import model as m
from jixiao.export import common as bundle
from jixiao.export.bundle import kinds_for, zip_files
from jixiao.export.common import FILES as EXPORT_FILES
from jixiao.export.docx import build_selfeval_docx, selfeval_heading
from jixiao.export.final_docx import build_final_docx, final_heading
from jixiao.export.html import build_html
from jixiao.export.pptx import build_pptx
from jixiao.export.xlsx import build_xlsx
from jixiao.final_accounts import template as fam
from jixiao.forms.rollup import stated_reasons

through_app(__file__)  # a link opened on a just-started server goes through app.py

if TYPE_CHECKING:
    from jixiao.final_accounts.figures import FinalAccounts
    from jixiao.summary.analysis import Analysis

T = {
    "title": "导出报告",
    "intro": "把当前数据的分析结果导出为评审会用的演示文稿、可继续加工的 Excel 工作簿、可打印的报告，"
    "以及可直接报送的 Word 文档（项目支出绩效自评报告、部门决算说明）。"
    "文件按侧栏当前的设置（权重方案、预警线、截至日期）生成，点按钮时才生成。",
    "unit": "单位名称",
    "unit_help": "写在报告标题和每页页脚；默认取自表格标题或文件名，可修改，留空则不写单位。",
    "unit_placeholder": "如：某某市科学技术协会",
    "year": "年度",
    "year_help": "写在报告标题中，如 2023；留空则不写年度。",
    "year_placeholder": "如：2023",
    "year_bad": "年度应为四位数字，例如 2023。导出的文件暂不写年度。",
    "heading": "报告标题：{heading}",
    "final": "包含部门决算图表（图1—图7）",
    "final_help": "决算数据来自「决算图表」或「数据导入」页。",
    "final_year": "决算数据：{unit}，使用 {year} 年度的数字。",
    "final_other_unit": "决算数据属于「{final}」，不是本报告的单位「{unit}」，默认不包含；确需包含请打开上面的开关。",
    "no_final": "尚未导入部门决算数据；如需在报告中加入图1—图7或生成部门决算说明，请先在「决算图表」页导入。",
    "files": "下载文件",
    "empty_final_only": "已导入部门决算数据：可以下载图1—图7的演示文稿和报告、决算数据工作簿和部门决算说明（Word）；"
    "自评报告和项目分析还需要项目表（项目单位自评汇总表或项目自评表）。",
}
# what each file holds when only 决算 figures are loaded
FINAL_ONLY = {
    "pptx": "16:9 可编辑幻灯片：封面和图1—图7（原生图表，双击即可改数据），每张附标准说明文字。",
    "html": "单个网页文件：图1—图7、标准说明文字和数据表，可打印或另存为 PDF。",
    "xlsx": "决算数据（模板格式），可在「决算图表」页再次上传。",
    "final_docx": None,  # FILES' own line
}
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# kind -> (button label, one line on what is inside, extension, mime)
FILES = {
    "pptx": (
        "演示文稿（PPTX）",
        "16:9 可编辑幻灯片：封面、主要指标、主要情况、执行率和得分图表、偏差项目、审核发现{final}；"
        "图表是 PowerPoint/WPS 原生图表，双击即可改数据。",
        "pptx",
        PPTX_MIME,
    ),
    "xlsx": (
        "Excel 工作簿（XLSX）",
        "四张工作表：项目明细（含重新计算的执行率、得分和偏差原因）、单位汇总、审核发现、说明（口径与公式）。",
        "xlsx",
        XLSX_MIME,
    ),
    "html": (
        "打印版报告（HTML）",
        "单个网页文件，浏览器打开即可阅读、打印或另存为 PDF：主要指标、图表、项目表、偏差项目{final}、审核发现。",
        "html",
        "text/html",
    ),
    "docx": (
        "自评报告（Word）",
        "项目支出绩效自评报告，公文格式（A4、仿宋三号、页码“— 1 —”）：基本情况、预算执行、绩效指标完成情况、"
        "偏差及原因、审核发现、问题与改进、附表；图表是 Word/WPS 原生图表，右键“编辑数据”即可修改。",
        "docx",
        DOCX_MIME,
    ),
    "final_docx": (
        "部门决算说明（Word）",
        "公文格式的部门决算说明：图1—图7 逐图附标准说明文字和数据表，数字与「决算图表」页一致；图表可编辑。",
        "docx",
        DOCX_MIME,
    ),
    "zip": (
        "全部打包（ZIP）",
        "以上文件打包为一个 zip（report.pptx、report.xlsx、report.html、report.docx{final_file}），便于发送和存档。",
        "zip",
        "application/zip",
    ),
}
FINAL_PARTS = {"pptx": "、决算图1—图7", "html": "、决算图1—图7及说明文字"}
_YEAR = re.compile(r"^\s*((?:19|20)\d{2})\s*(?:年度?)?\s*$")
_BAD_FILE_CHARS = re.compile(r'[\\/:*?"<>|\s]+')


# --- pure helpers ----------------------------------------------------------------------------------
def parse_year(text: str | None) -> tuple[int, bool]:
    """(year, ok). Blank is 0, "no year" (None would make the builders guess it again); '2023',
    '2023年' and '2023年度' are 2023; anything else is (0, False)."""
    if text is None or not text.strip():
        return 0, True
    found = _YEAR.match(text)
    return (int(found.group(1)), True) if found else (0, False)


def file_stem(unit: str, year: int) -> str:
    """The download name without extension: the report heading, safe on Windows."""
    return _BAD_FILE_CHARS.sub("", bundle.heading(unit.strip(), year or None)) or bundle.REPORT_TITLE


def download_name(kind: str, stem: str, unit: str, year: int, fa: FinalAccounts | None) -> str:
    """The report heading as the file name; the Word documents are named by their own titles."""
    ext = FILES[kind][2]
    if kind == "docx":
        stem = _BAD_FILE_CHARS.sub("", selfeval_heading(unit.strip(), year or None))
    elif kind == "final_docx" and fa is not None:
        shown = bundle.final_accounts_year(fa, year or None)
        stem = _BAD_FILE_CHARS.sub("", final_heading(fa.unit.strip() or unit.strip(), shown))
    return f"{stem or bundle.REPORT_TITLE}.{ext}"


def form_reasons(analysis: Analysis) -> dict[str, str] | None:
    """The 偏差原因 the 自评表 behind the current table state themselves (None for a 汇总表)."""
    ss = st.session_state
    forms = ss.get(state.FORMS)
    if forms is None or ss.get(state.KIND) not in m.FORM_KINDS or analysis.table.kind not in m.FORM_KINDS:
        return None
    return stated_reasons(forms)


def final_key(fa: FinalAccounts | None) -> str:
    if fa is None:
        return ""
    doc = json.dumps(fam.to_dict(fa), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha1(doc.encode("utf-8")).hexdigest()[:16]


def data_key(analysis: Analysis) -> str:
    """A short digest naming the analysed data: the uploaded file's sha256 with its name and the
    corrections (cheap), else the pickled table; plus the settings."""
    ss = st.session_state
    digest = ss.get(state.UPLOAD_DIGEST)
    if digest and analysis.table is ss.get(state.TABLE):
        # the table's own outline too, so a table set without its file can never pass for the file's
        src, totals = analysis.table.source, analysis.totals
        outline = [src.file, src.sheet, len(analysis.projects), totals.get("budget"), totals.get("executed")]
        basis = [digest, ss.get(state.UPLOAD_NAME), ss.get(state.OVERRIDES), outline]
    else:
        basis = [hashlib.sha256(pickle.dumps(analysis.table)).hexdigest()]
    doc = json.dumps([*basis, repr(analysis.settings)], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha1(doc.encode("utf-8")).hexdigest()[:16]


@st.cache_data(max_entries=32, show_spinner=False)
def export_bytes(
    kind: str,
    key: str,
    fa_key: str,
    unit: str,
    year: int,
    today: str,
    _analysis: Analysis | None,
    _fa: FinalAccounts | None,
    _reasons: dict[str, str] | None = None,
) -> bytes:
    """One export file. The underscored arguments are not hashed: ``key`` and ``fa_key`` name them.
    Without an analysis the 决算 figures give 图1–图7 (pptx, html), their workbook (xlsx) and the
    部门决算说明 (final_docx). ``_reasons``: the 偏差原因 by project, which come from the same data
    ``key`` names."""
    when = date.fromisoformat(today)
    if kind == "final_docx" and _fa is not None:
        # the figures name their own unit (editable on 决算图表); the report's unit only when they do not
        return build_final_docx(_fa, year=year or None, unit=_fa.unit.strip() or unit or None, today=when)
    if _analysis is None:
        if _fa is None or kind not in FINAL_ONLY:
            raise ValueError(f"export kind {kind} needs an analysis")
        if kind == "xlsx":
            return fam.write_template(_fa)
        if kind == "pptx":
            return build_pptx(None, unit=unit, year=year or None, final_accounts=_fa, today=when)
        return build_html(None, final_accounts=_fa, unit=unit, year=year or None, today=when).encode("utf-8")
    if kind == "docx":
        return build_selfeval_docx(_analysis, unit=unit, year=year, today=when, reasons=_reasons)
    if kind == "pptx":
        return build_pptx(_analysis, unit=unit, year=year, final_accounts=_fa, today=when, reasons=_reasons)
    if kind == "xlsx":
        return build_xlsx(_analysis, _reasons)
    if kind == "html":
        return build_html(
            _analysis, final_accounts=_fa, unit=unit, year=year, today=when, reasons=_reasons
        ).encode("utf-8")
    if kind == "zip":  # packed from the files each button has built (and cached) already
        parts = {
            k: export_bytes(k, key, fa_key, unit, year, today, _analysis, _fa, _reasons)
            for k in kinds_for(_analysis, _fa)
        }
        return zip_files({EXPORT_FILES[k]: data for k, data in parts.items()})
    raise ValueError(f"unknown export kind: {kind}")


# --- page ------------------------------------------------------------------------------------------
def same_unit(a: str, b: str) -> bool:
    """Whether two spellings name one unit ("凉山州科协" and "凉山州科协本级" do; an unnamed side never
    contradicts the other)."""
    a, b = (a or "").strip(), (b or "").strip()
    return not a or not b or a in b or b in a


def _final_block(fa: FinalAccounts | None, year: int, unit: str) -> FinalAccounts | None:
    if fa is None or not fa.years:
        st.caption(T["no_final"])
        return None
    ours = same_unit(fa.unit, unit)
    # another unit's 决算 figures never slip into this unit's report unasked
    use = st.toggle(
        T["final"],
        value=ours,
        key="export_with_final" if ours else "export_with_final_other",
        help=T["final_help"],
        persist_state="session",
    )
    if not ours:
        st.caption(md_escape(T["final_other_unit"].format(final=fa.unit, unit=unit)))
    if not use:
        return None
    shown = bundle.final_accounts_year(fa, year or None)
    st.caption(md_escape(T["final_year"].format(unit=fa.unit or "—", year=shown)))
    return fa


def main() -> None:
    st.title(data.heading(T["title"]))
    st.caption(T["intro"])
    a = data.analysis()
    fa_loaded: FinalAccounts | None = st.session_state.get(state.FINAL_ACCOUNTS)
    if a is None:
        if fa_loaded is not None and fa_loaded.years:
            st.caption(T["empty_final_only"])
            _final_only(fa_loaded)
        widgets.empty_state("sample_export")
        return

    key = data_key(a)
    c1, c2 = st.columns([3, 1])
    # keyed by the data, so another file starts from its own guesses; kept across page switches
    # the unit and year the dataset was saved with come first; a fresh file's title next
    saved_unit, saved_year = data.unit_year()
    unit = c1.text_input(
        T["unit"],
        value=saved_unit or bundle.guess_unit(a, fa_loaded),
        key=f"export_unit_{key}",
        help=T["unit_help"],
        placeholder=T["unit_placeholder"],
        persist_state="session",
    )
    guessed = saved_year or bundle.guess_year(a, fa_loaded)
    year_text = c2.text_input(
        T["year"],
        value=str(guessed) if guessed else "",
        key=f"export_year_{key}",
        help=T["year_help"],
        placeholder=T["year_placeholder"],
        persist_state="session",
    )
    unit = (unit or "").strip()
    year, ok = parse_year(year_text)
    if not ok:
        st.warning(T["year_bad"])
    st.caption(md_escape(T["heading"].format(heading=bundle.heading(unit, year or None))))
    fa = _final_block(fa_loaded, year, unit)

    st.subheader(T["files"])
    stem = file_stem(unit, year)
    today = date.today().isoformat()
    fkey = final_key(fa)
    # the 偏差原因 written on 偏差预警 / 监控 join those the 自评表 state; the key changes with them
    reasons, key = reasons_mod.for_export(a, form_reasons(a), key)
    with st.container(border=True):
        for kind, (label, what, _ext, mime) in FILES.items():
            if kind == "final_docx" and fa is None:
                continue
            left, right = st.columns([1, 3], vertical_alignment="center")
            left.download_button(
                label,
                # built on click (and cached): opening this page costs nothing
                data=partial(export_bytes, kind, key, fkey, unit, year, today, a, fa, reasons),
                file_name=download_name(kind, stem, unit, year, fa),
                mime=mime,
                key=f"export_{kind}",
                icon=":material/download:",
                on_click="ignore",
                type="primary" if kind == "pptx" else "secondary",
                width="stretch",
            )
            right.caption(
                what.format(
                    final=FINAL_PARTS.get(kind, "") if fa is not None else "",
                    final_file="、final_accounts.docx" if fa is not None else "",
                )
            )


def _final_only(fa: FinalAccounts) -> None:
    """Only 决算 figures loaded: 图1–图7 (deck, report), the figures' workbook and the 部门决算说明, for
    the figures' own unit and latest year."""
    year = fa.latest_year or 0
    stem = file_stem(fa.unit, year)
    today = date.today().isoformat()
    with st.container(border=True):
        for kind, what in FINAL_ONLY.items():
            label, own_what, _, mime = FILES[kind]
            left, right = st.columns([1, 3], vertical_alignment="center")
            left.download_button(
                label,
                data=partial(export_bytes, kind, "", final_key(fa), fa.unit, year, today, None, fa),
                file_name=download_name(kind, stem, fa.unit, year, fa),
                mime=mime,
                key=f"export_{kind}",
                icon=":material/download:",
                on_click="ignore",
                type="primary" if kind == "pptx" else "secondary",
                width="stretch",
            )
            right.caption(what or own_what)


if __name__ == "__main__":  # streamlit runs a page as __main__; tests import the helpers
    main()
