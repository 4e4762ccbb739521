"""决算图表: the seven standard 部门决算 charts, their tables and sentences, and the statement checker.

Thin: figures live in st.session_state[state.FINAL_ACCOUNTS] (a jixiao.final_accounts.FinalAccounts);
reading, arithmetic, sentences and checks are in jixiao.*, figures in components.final_charts.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import streamlit as st

from components import final_charts as fc
from components import state, widgets
from components.links import through_app  # noqa: E402
from components.tables import show_table
from jixiao.final_accounts import figures as fam
from jixiao.final_accounts import narrative
from jixiao.final_accounts import read as fa_read
from jixiao.final_accounts import statement_text as fa_statement_text
from jixiao.final_accounts import statements as stm
from jixiao.final_accounts import template as fa_template
from jixiao.final_accounts import validate as fa_validate
from jixiao.model import SEVERITY_LABELS, Finding, IngestError

through_app(__file__)  # a link opened on a just-started server goes through app.py

SAMPLE_PATH = Path(__file__).resolve().parent.parent / "sample_data" / fa_template.SAMPLE_FILE

TEXT = {
    "title": "决算图表",
    "intro": "部门决算说明中的图1—图7：上传填好的模板或本单位的部门决算公开表（公开01—07表），或使用示例数据，"
    "即可得到图表、数据表和标准说明文字，并核对报告中的增减额、增减率、占比是否算对。金额单位：万元。",
    "sample": "使用示例数据",
    "sample_caption": "示例：凉山州科学技术协会 2022—2023 年度部门决算。",
    "template": "下载空白模板",
    "download_filled": "下载当前数据（模板格式）",
    "upload": "上传填好的模板或部门决算公开表（.xlsx / .xls / .csv，或含公开表的 Word 文档 .docx；本年和上年的文件可一起选）",
    "upload_failed": "文件读取失败：{message}",
    "upload_failed_named": "文件「{name}」读取失败：{message}",
    "no_data": "还没有决算数据。请点击“使用示例数据”，或上传部门决算公开表，或下载空白模板，填好后上传。",
    "unit_label": "单位：{unit}　年度：{years}",
    "edit": "查看和修改数据",
    "unit_name": "单位名称",
    "apply": "应用修改",
    "edit_failed": "修改没有生效：{message}",
    "edit_help": "直接在表格中修改金额（万元）；图6 可在表格末尾增加功能分类行（写类级科目名称）。改完点“应用修改”。",
    "year": "图表年度",
    "large": "投影模式（大字号）",
    "sentence": "标准说明文字（可复制）",
    "no_sentence": "数据不全，无法生成本图的说明文字。",
    "other_texts": "其他说明文字",
    "download_text": "下载全部说明文字（.txt）",
    "findings": "数据核对",
    "no_findings": "各项合计与明细相符，未发现问题。",
    "check_title": "语句核对",
    "check_help": "粘贴决算说明的文字（或上传 .txt/.docx），系统找出其中的“增加/减少 X 万元，增长/下降 Y%”"
    "“X 万元，占 Y%”“完成预算的 Y%”等语句，逐条重新计算。",
    "check_text": "报告文字",
    "check_upload": "或上传报告文件（.txt / .docx）",
    "check_use_figures": "同时用上面的决算数据核对",
    "check_only_problems": "只显示有问题的语句",
    "check_none": "没有找到增减变动、占比或完成预算的语句。",
    "check_summary": "共找到 {total} 处语句：一致 {ok} 处，舍入差异 {rounding} 处，不一致 {bad} 处，无法核对 {unchecked} 处。",
    "check_failed": "报告文件读取失败：{message}",
}
FINDING_COLUMNS = {"severity": "级别", "where": "位置", "message": "说明"}


def _digest(fa: fam.FinalAccounts) -> str:
    """Changes whenever the figures change, so the editor starts afresh from the stored figures."""
    doc = json.dumps(fa_template.to_dict(fa), sort_keys=True, ensure_ascii=False)
    return hashlib.sha1(doc.encode("utf-8")).hexdigest()[:12]


@st.cache_data(show_spinner=False)
def _read_upload(data: bytes, name: str) -> tuple[fam.FinalAccounts | None, list[Finding], str]:
    try:
        fa, findings = fa_template.read_template(data, name)
    except IngestError as exc:
        return None, [], exc.message
    return fa, findings, ""


@st.cache_data(show_spinner=False)
def _blank_template() -> bytes:
    return fa_template.write_template()


def _load_sample() -> fam.FinalAccounts:
    fa, _ = fa_template.read_template(SAMPLE_PATH.read_bytes(), SAMPLE_PATH.name)
    return fa


def _read_uploads(files) -> tuple[fam.FinalAccounts | None, list[Finding], list[str]]:
    """Every uploaded file's figures as one, the reading notes, and a message per file that could not
    be read."""
    reads, errors = [], []
    for upload in files:
        fa, found, error = _read_upload(upload.getvalue(), upload.name)
        if error:
            named = len(files) > 1
            key = "upload_failed_named" if named else "upload_failed"
            errors.append(TEXT[key].format(name=upload.name, message=error))
        else:
            reads.append((upload.name, fa, found))
    if not reads:
        return None, [], errors
    fa, findings = fa_template.combine_reads(reads)
    return fa, findings, errors


def _on_upload() -> None:
    # Runs only when the uploaded files change, so later edits are not overwritten on every rerun.
    fa, _, _ = _read_uploads(st.session_state.get("fa_upload") or [])
    if fa is not None:
        st.session_state[state.FINAL_ACCOUNTS] = fa


def _data_block() -> list[Finding]:
    """Buttons, upload and downloads; returns the findings of reading the current upload."""
    cols = st.columns([1, 1, 2])
    if cols[0].button(TEXT["sample"], key="fa_sample", type="primary"):
        st.session_state[state.FINAL_ACCOUNTS] = _load_sample()
        st.caption(TEXT["sample_caption"])
    cols[1].download_button(
        TEXT["template"],
        _blank_template(),
        file_name="部门决算图表数据模板.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="fa_template",
    )
    uploads = cols[2].file_uploader(
        TEXT["upload"],
        type=widgets.WORKBOOK_TYPES,
        key="fa_upload",
        on_change=_on_upload,
        accept_multiple_files=True,
    )
    if not uploads:
        return []
    fa, findings, errors = _read_uploads(uploads)
    for error in errors:
        st.error(widgets.md_escape(error))
    if fa is None:
        return []
    # Reading notes belong to the figures only while they are still the uploaded ones.
    return findings if fa == st.session_state.get(state.FINAL_ACCOUNTS) else []


def _editor(fa: fam.FinalAccounts) -> None:
    key = _digest(fa)
    with st.expander(TEXT["edit"]), st.form(f"fa_form_{key}"):
        st.caption(TEXT["edit_help"])
        unit = st.text_input(TEXT["unit_name"], value=fa.unit, key=f"fa_unit_{key}")
        frame = fa_read.to_frame(fa)
        config = {c: st.column_config.NumberColumn(c, format="%.2f") for c in frame.columns[2:]}
        edited = st.data_editor(
            frame, key=f"fa_editor_{key}", num_rows="dynamic", hide_index=True, column_config=config
        )
        if st.form_submit_button(TEXT["apply"]):
            try:
                new_fa, _ = fa_read.from_frame(edited, unit)
            except IngestError as exc:
                st.error(TEXT["edit_failed"].format(message=widgets.md_escape(exc.message)))
                return
            if new_fa != fa:
                st.session_state[state.FINAL_ACCOUNTS] = new_fa
                st.rerun()


def _charts(fa: fam.FinalAccounts, year: int, large: bool) -> None:
    texts = narrative.chart_texts(fa, year)
    for chart in fam.CHARTS:
        with st.container(border=True):
            st.plotly_chart(
                fc.figure(fa, chart, year, large=large),
                key=f"fa_chart_{chart}",
                config={"displaylogo": False},
            )
            table = fc.table(fa, chart, year)
            # A blank (no previous year) reads as "—", not Streamlit's "None"; the tables are small.
            shown, config = widgets.numbers_as_text(table, {c: "{:,.2f}" for c in table.columns[1:]})
            show_table(shown, hide_index=True, column_config=config, key=f"fa_table_{chart}")
            st.caption(TEXT["sentence"])
            if texts[chart]:
                st.code(texts[chart], language=None, wrap_lines=True)
            else:
                st.caption(TEXT["no_sentence"])
    others = [texts[k] for k in (narrative.BASIC, narrative.ADMIN) if texts[k]]
    if others:
        st.subheader(TEXT["other_texts"])
        for t in others:
            st.code(t, language=None, wrap_lines=True)
    st.download_button(
        TEXT["download_text"],
        narrative.full_text(fa, year).encode("utf-8"),
        file_name=f"{fa.unit or '部门'}{year}年度决算说明.txt",
        mime="text/plain",
        key="fa_text_download",
    )


def _findings(findings: list[Finding]) -> None:
    st.subheader(TEXT["findings"])
    if not findings:
        st.success(TEXT["no_findings"])
        return
    rows = [
        {
            FINDING_COLUMNS["severity"]: SEVERITY_LABELS.get(f.severity, f.severity),
            FINDING_COLUMNS["where"]: f.where,
            FINDING_COLUMNS["message"]: f.message,
        }
        for f in findings
    ]
    show_table(
        pd.DataFrame(rows),
        hide_index=True,
        key="fa_findings",
        column_config={FINDING_COLUMNS["message"]: st.column_config.TextColumn(width="large")},
    )


def _checker(fa: fam.FinalAccounts | None) -> None:
    st.header(TEXT["check_title"])
    st.caption(TEXT["check_help"])
    text = st.text_area(TEXT["check_text"], key="fa_text", height=180)
    upload = st.file_uploader(TEXT["check_upload"], type=["txt", "docx"], key="fa_text_upload")
    use_figures = st.checkbox(
        TEXT["check_use_figures"], value=True, disabled=fa is None, key="fa_use_figures"
    )
    only_problems = st.toggle(TEXT["check_only_problems"], key="fa_only_problems")
    if upload is not None:
        try:
            text = fa_statement_text.read_text(upload.getvalue(), upload.name)
        except IngestError as exc:
            st.error(TEXT["check_failed"].format(message=widgets.md_escape(exc.message)))
            return
    if not text.strip():
        return
    found = stm.check_text(text, fa if (use_figures and fa is not None) else None)
    if not found:
        st.info(TEXT["check_none"])
        return
    counts = stm.summary(found)
    st.markdown(
        TEXT["check_summary"].format(
            total=len(found),
            ok=counts[fa_statement_text.CONSISTENT],
            rounding=counts[fa_statement_text.ROUNDING],
            bad=counts[fa_statement_text.INCONSISTENT],
            unchecked=counts[fa_statement_text.UNCHECKED],
        )
    )
    shown = (
        [s for s in found if s.status in (fa_statement_text.INCONSISTENT, fa_statement_text.ROUNDING)]
        if only_problems
        else found
    )
    show_table(
        pd.DataFrame(stm.to_rows(shown)),
        hide_index=True,
        key="fa_statements",
        column_config={"语句": st.column_config.TextColumn(width="large")},
    )


def main() -> None:
    st.title(TEXT["title"])
    st.caption(TEXT["intro"])
    read_findings = _data_block()
    fa = st.session_state.get(state.FINAL_ACCOUNTS)
    if not isinstance(fa, fam.FinalAccounts):  # nothing loaded yet (or something this page cannot show)
        fa = None
    if fa is None or not fa.years:
        st.info(TEXT["no_data"])
    else:
        st.text(TEXT["unit_label"].format(unit=fa.unit or "—", years="、".join(str(y) for y in fa.years)))
        _editor(fa)
        st.download_button(
            TEXT["download_filled"],
            fa_template.write_template(fa),
            file_name=f"{fa.unit or '部门'}决算图表数据.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="fa_download_filled",
        )
        cols = st.columns([1, 1])
        years = list(reversed(fa.years))
        year = cols[0].selectbox(
            TEXT["year"], years, format_func=fa_read.year_label, key=f"fa_year_{'-'.join(map(str, years))}"
        )
        large = cols[1].toggle(TEXT["large"], key="fa_large")
        _charts(fa, year, large)
        _findings(read_findings + fa_validate.validate(fa))
    st.divider()
    _checker(fa)


main()
