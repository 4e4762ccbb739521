"""数据导入: upload or load the sample, download the template, see (and correct) what was detected,
and read the findings. Every change of data happens in a callback, so the sidebar drawn before this
page already shows the new file."""

from __future__ import annotations

import re

import streamlit as st

from components import data, state, storage, widgets
from components.links import through_app  # noqa: E402
from components.tables import show_table
from components.template import DOWNLOAD_NAME, build_template
from jixiao import model as m
from jixiao.fmt import col_letter
from jixiao.ingest.workbook import MAX_BYTES
from jixiao.read import FINAL_BESIDE
from jixiao.summary.sheets import names_a_unit

through_app(__file__)  # a link opened on a just-started server goes through app.py

T = {
    "title": "数据导入",
    "intro": "上传项目单位自评汇总表（每个项目一行），看板会自动找到表头、识别各列和金额单位，"
    "重新计算执行率和得分，并核对表中的数字。也可以上传项目支出绩效自评表或部门决算数据。",
    "upload": "上传 Excel、CSV 或 Word 文件",
    "upload_caption": "把文件拖到下面的框里，或点框中的按钮选择文件：.xlsx、.xlsm、.xls、.csv，"
    "或系统导出的网页表格（含“单个文件网页” .mht）、Excel 2003 XML 表格、Excel“Unicode 文本”（.txt），或表格在 Word 文档（.docx、.docm）里的自评报告，"
    "单个文件不超过 {mb} MB（框内的英文提示是上传控件自带的）。",
    "upload_help": "支持 .xlsx、.xlsm、.xls、.csv（GBK 编码也可以），以及系统导出的网页表格（含 .mht）、Excel 2003 XML 表格和 Excel“Unicode 文本”（.txt）；"
    "Word 文档（.docx）读取其中的表格（汇总表或每个项目的自评表）。单个文件不超过 {mb} MB。",
    "sample": "使用示例数据",
    "sample_help": "河南省科学技术协会 2023 年项目单位自评汇总表（15 个项目）",
    "template": "下载空白模板",
    "template_help": "表头、一行示例和填表说明；按模板填写的文件无需任何更正即可导入。",
    "kept": "已保留之前导入的数据（{name}）。",
    "final_loaded": "已识别为部门决算图表数据（{name}）。请打开「决算图表」页面查看图表和文字核对。",
    "forms_loaded": "已识别为{kind}，并汇总为项目表；逐表的复核请打开「项目自评表」页面。",
    "final_beside": "同一文件中的部门决算公开表也已读取：图1–图7 和文字核对请打开「决算图表」页面。",
    "open_final": "打开决算图表",
    "open_forms": "打开项目自评表",
    "detected": "识别结果",
    "file": "文件",
    "kind": "类型",
    "monthly": "说明",
    "sheet": "工作表",
    "header_rows": "表头所在行",
    "unit": "金额单位",
    "unit_yuan": "元（已按 ÷10,000 换算为万元）",
    "sheets_count": "（共 {n} 个工作表）",
    "combined": "（{n} 个工作表合并为一张表）",
    "unit_from_sheets": "取自各工作表的名称",
    "rows_value": "第 {rows} 行",
    "counts": "**项目行**：{projects} 个　**合计/小计行**：{totals} 个",
    "forms_count": "**自评表**：{n} 张（{sheets} 个工作表），已按每张表汇总为一行",
    "column_option": "{letter} 列 · {header}",
    "mapping": "各字段来自哪一列",
    "field": "字段",
    "column": "列",
    "header": "表头文字",
    "missing": "未找到",
    "passed_over": "未采用的候选列",
    "year_line": "**报告年度**：{year}年（本年/上年的列按此选取）",
    "hidden_line": "**隐藏的行和列**：{n} 个未计入（可在下方勾选计入）",
    "hidden_in": "**隐藏的行和列**：已按你的选择计入",
    "fix_year": "报告年度（上年/本年两组列时按此选取）",
    "fix_hidden": "包含隐藏的行和列",
    "fix_hidden_help": "默认不计入 Excel 中隐藏的行和列（常是旧数据或草稿）；勾选后全部计入。",
    "fix": "识别有误？手动更正后重新识别",
    "fix_sheet": "工作表",
    "hidden_sheet": "{name}（隐藏的工作表）",
    "fix_rows": "表头所在行（如 3，两行表头写 3,4）",
    "fix_unit": "表中金额单位",
    "unused": "（不使用）",
    "no_header": "（无表头）",
    "apply": "按更正重新识别",
    "reset": "恢复自动识别",
    "rows_bad": "表头行号应为数字，例如 3 或 3,4。",
    "findings": "审核结果",
    "findings_of": "以下是项目表「{name}」的识别结果和审核发现（不是刚读取的决算文件的）。",
    "findings_intro": "按严重程度分组；每条都指明工作表中的行号，便于回到原表修改。",
    "preview": "数据预览（重新计算后）",
    "none_yet": "还没有导入数据。上传文件，或点“使用示例数据”。",
    "save": "保存",
    "save_intro": "保存后，领导和同事以后打开看板即可在侧边栏选到这份数据，历年对比和单位对比也会用到它。",
    "save_what": "将保存：{name}（{kind}），连同当前的识别和更正设置。",
    "save_unit": "单位",
    "save_year": "年度",
    "save_label": "名称（可不填）",
    "save_label_placeholder": "如：2023年度终版",
    "save_button": "保存",
    "saved_already": "当前数据来自已保存的数据集（第 {version} 版），无需再次保存；在「数据管理」中可改名、查看版本。",
}
UPLOAD_KEY = "upload_file"
TYPES = [*widgets.WORKBOOK_TYPES, "txt", "tsv", "xml", "htm", "html"]  # and the text and markup files
UNITS = ["万元", "元"]
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def on_upload() -> None:
    f = st.session_state.get(UPLOAD_KEY)
    if f is None:
        data.forget_upload()
    else:
        data.handle_upload(f.getvalue(), f.name)


def parse_rows(text: str) -> list[int] | None:
    parts = [p for p in re.split(r"[,，、\s]+", text.strip()) if p]
    if not parts or len(parts) > 2 or not all(p.isdigit() and int(p) > 0 for p in parts):
        return None
    return [int(p) for p in parts]


def remap_keys(token: str) -> dict[str, str]:
    # "unit" is also a field name (单位 column), so the form's own inputs get a leading underscore.
    keys = {
        "_sheet": f"remap_sheet_{token}",
        "_rows": f"remap_rows_{token}",
        "_unit": f"remap_unit_{token}",
        "_year": f"remap_year_{token}",
        "_hidden": f"remap_hidden_{token}",
    }
    keys.update({f: f"remap_col_{f}_{token}" for f in m.FIELD_LABELS})
    return keys


def on_remap(token: str) -> None:
    """Re-read the current file as the user corrected it. A header or sheet change lets the parser
    find the columns again; otherwise the columns chosen here are used as they are."""
    table = data.table()
    if table is None:
        return
    src, ss, keys = table.source, st.session_state, remap_keys(token)
    rows = parse_rows(ss.get(keys["_rows"], ""))
    if rows is None:
        ss[state.UPLOAD_ERROR] = T["rows_bad"]
        return
    sheet = ss.get(keys["_sheet"], src.sheet)
    overrides: dict = {"amount_unit": ss.get(keys["_unit"], src.amount_unit)}
    year = ss.get(keys["_year"])
    if year:
        overrides["report_year"] = int(year)
    if ss.get(keys["_hidden"]):
        overrides["include_hidden"] = True
    # a new year or the hidden switch lets the parser choose the columns again
    rechoose = (year and year != src.report_year) or bool(ss.get(keys["_hidden"])) != src.include_hidden
    if src.combined_sheets and sheet == src.sheet and rows == src.header_rows:
        data.reparse(overrides)  # a sheet per unit: read them all again, with the unit or year set here
        return
    if sheet != src.sheet:
        overrides["sheet"] = sheet
        if rows != src.header_rows:
            overrides["header_rows"] = rows
    else:
        overrides["sheet"] = sheet
        overrides["header_rows"] = rows
        if rows == src.header_rows and not rechoose:
            overrides["columns"] = {
                f: int(ss[keys[f]])
                for f in m.FIELD_LABELS
                if ss.get(keys[f], -1) is not None and ss.get(keys[f], -1) >= 0
            }
    data.reparse(overrides)


def on_reset() -> None:
    data.reparse({})


@st.cache_data(show_spinner=False)
def template_bytes() -> bytes:
    return build_template()


st.title(data.heading(T["title"]))
st.caption(T["intro"])

left, right = st.columns([3, 2], gap="large")
with left:
    # the uploader's own words (Drag and drop, Browse files, Limit …) are Streamlit's English
    st.caption(T["upload_caption"].format(mb=MAX_BYTES // (1024 * 1024)))
    st.file_uploader(
        T["upload"],
        type=TYPES,
        key=UPLOAD_KEY,
        on_change=on_upload,
        help=T["upload_help"].format(mb=MAX_BYTES // (1024 * 1024)),
        max_upload_size=MAX_BYTES // (1024 * 1024),
    )
with right:
    st.button(
        T["sample"], key="sample_import", type="primary", on_click=data.load_sample, help=T["sample_help"]
    )
    st.download_button(
        T["template"],
        data=template_bytes(),
        file_name=DOWNLOAD_NAME,
        mime=XLSX_MIME,
        on_click="ignore",
        help=T["template_help"],
        icon=":material/download:",
    )

error = data.upload_error()
table = data.table()
ss = st.session_state
if error:
    kept = (
        T["kept"].format(name=widgets.md_escape(ss.get(state.UPLOAD_NAME, ""))) if table is not None else ""
    )
    st.error(f"{widgets.md_escape(error)} {kept}")
elif ss.get(state.LAST_KIND) == m.KIND_FINAL_ACCOUNTS and ss.get(state.FINAL_ACCOUNTS) is not None:
    st.success(T["final_loaded"].format(name=widgets.md_escape(ss.get(state.FINAL_ACCOUNTS_NAME, ""))))
    st.page_link("pages/final_accounts.py", label=T["open_final"], icon=":material/pie_chart:")
elif ss.get(state.LAST_KIND) in m.FORM_KINDS and table is not None:
    st.success(T["forms_loaded"].format(kind=m.KIND_LABELS[ss[state.LAST_KIND]]))
    st.page_link("pages/selfeval_forms.py", label=T["open_forms"], icon=":material/assignment:")
if (
    not error
    and table is not None
    and ss.get(state.LAST_KIND) != m.KIND_FINAL_ACCOUNTS
    and any(f.code == FINAL_BESIDE for f in table.findings)
):
    # the forms or the 汇总表 of a 决算 report: its 公开表 were read too
    st.success(T["final_beside"])
    st.page_link("pages/final_accounts.py", label=T["open_final"], icon=":material/pie_chart:")


def detected_lines(table: m.ProjectTable) -> list[str]:
    src = table.source
    lines = [
        f"**{T['file']}**：{widgets.md_escape(ss.get(state.UPLOAD_NAME) or src.file)}",
        f"**{T['kind']}**：{m.KIND_LABELS.get(table.kind, table.kind)}",
    ]
    if table.kind in m.FORM_KINDS:
        return [*lines, T["forms_count"].format(sheets=len(src.sheets), n=len(table.projects))]
    rows_text = "、".join(str(r) for r in src.header_rows)
    unit = widgets.amount_unit_text(table, T["unit_yuan"])
    return [
        *lines,
        *(
            []
            if widgets.is_csv(src.file)
            else [
                f"**{T['sheet']}**：{widgets.md_escape('、'.join(src.combined_sheets or [src.sheet]))}"
                + (
                    T["combined"].format(n=len(src.combined_sheets))
                    if src.combined_sheets
                    else T["sheets_count"].format(n=len(src.sheets))
                )
            ]
        ),
        f"**{T['header_rows']}**：" + T["rows_value"].format(rows=rows_text),
        f"**{T['unit']}**：{unit}",
        T["counts"].format(projects=len(table.projects), totals=len(table.totals)),
        *([T["year_line"].format(year=src.report_year)] if src.report_year and src.candidates else []),
        *([T["hidden_line"].format(n=src.hidden_left_out)] if src.hidden_left_out else []),
        *([T["hidden_in"]] if src.include_hidden else []),
        *(
            f"**{T['monthly']}**：{widgets.md_escape(f.message)}"
            for f in table.findings
            if f.code == "MONTHLY_TABLE"
        ),
    ]


def mapping_table(src: m.Source) -> None:
    def passed_over(f: str) -> str:
        cols = src.candidates.get(f, [])
        return "；".join(
            f"{col_letter(c)} 列 · {src.headers[c] if c < len(src.headers) else ''}" for c in cols
        )

    mapping = [
        {
            T["field"]: label,
            T["column"]: col_letter(src.columns[f]) if f in src.columns else "—",
            T["header"]: src.mapping.get(f, "")
            if f in src.columns
            else T["unit_from_sheets"]
            if f == m.UNIT and any(names_a_unit(x) for x in src.combined_sheets)
            else T["missing"],
            T["passed_over"]: passed_over(f),
        }
        for f, label in m.FIELD_LABELS.items()
    ]
    st.markdown(f"**{T['mapping']}**")
    show_table(mapping, hide_index=True, width="stretch", height="content")


def correction_form(src: m.Source) -> None:
    # Widget keys carry the file and its overrides, so a new file starts from its own detection.
    token = data.digest_of(f"{ss.get(state.UPLOAD_DIGEST)}|{ss.get(state.OVERRIDES)}".encode())[:12]
    keys = remap_keys(token)
    with st.expander(T["fix"]):
        with st.form(f"remap_{token}", border=False):
            c1, c2, c3 = st.columns(3)
            sheets = src.sheets or [src.sheet]
            hidden = set(getattr(src, "hidden_sheets", None) or ())
            c1.selectbox(
                T["fix_sheet"],
                sheets,
                index=sheets.index(src.sheet) if src.sheet in sheets else 0,
                format_func=lambda name: T["hidden_sheet"].format(name=name) if name in hidden else name,
                key=keys["_sheet"],
            )
            c2.text_input(T["fix_rows"], value=",".join(str(r) for r in src.header_rows), key=keys["_rows"])
            c3.selectbox(
                T["fix_unit"],
                UNITS,
                index=UNITS.index(src.amount_unit) if src.amount_unit in UNITS else 0,
                key=keys["_unit"],
            )
            c4, c5 = st.columns(2)
            c4.number_input(
                T["fix_year"],
                value=src.report_year,
                min_value=1990,
                max_value=2100,
                step=1,
                key=keys["_year"],
            )
            c5.checkbox(
                T["fix_hidden"], value=src.include_hidden, key=keys["_hidden"], help=T["fix_hidden_help"]
            )
            options = [-1, *range(len(src.headers))]

            def column_label(i: int) -> str:
                if i < 0:
                    return T["unused"]
                return T["column_option"].format(
                    letter=col_letter(i), header=src.headers[i] or T["no_header"]
                )

            grid = st.columns(3)
            for n, (f, label) in enumerate(m.FIELD_LABELS.items()):
                current = src.columns.get(f, -1)
                grid[n % 3].selectbox(
                    label,
                    options,
                    index=options.index(current) if current in options else 0,
                    format_func=column_label,
                    key=keys[f],
                )
            st.form_submit_button(T["apply"], on_click=on_remap, args=(token,), type="primary")
        if ss.get(state.OVERRIDES):
            st.button(T["reset"], on_click=on_reset, key="remap_reset")


SAVE_KEYS = {"unit": "save_unit", "year": "save_year", "label": "save_label", "token": "save_token"}


def on_save() -> None:
    ss = st.session_state
    year = ss.get(SAVE_KEYS["year"])
    level, message = storage.save(
        ss.get(SAVE_KEYS["unit"]) or "", None if year is None else int(year), ss.get(SAVE_KEYS["label"]) or ""
    )
    storage.notify(level, message)


def save_section() -> None:
    """保存: 单位 and 年度 guessed from the title and file name (editable), an optional 名称."""
    st.subheader(T["save"])
    storage.show_notice()
    record = storage.savable()
    origin = data.stored_origin()
    if record is None:
        if origin is not None:
            st.caption(T["saved_already"].format(version=origin[1]))
        return
    if not storage.can_edit():
        storage.edit_hint()
        return
    s, err = storage.store()
    if s is None:
        st.warning(widgets.md_escape(err))
        return
    st.caption(T["save_intro"])
    # fresh defaults for every new file (or new corrections); an empty field is filled again (the page
    # was left, or its first run was cut short by a click, and the field lost its state)
    token = data.digest_of(f"{data.digest_of(record['data'])}|{record['overrides']}".encode())[:12]
    unit, year = storage.save_defaults(record)
    if ss.get(SAVE_KEYS["token"]) != token:
        ss[SAVE_KEYS["unit"]], ss[SAVE_KEYS["year"]], ss[SAVE_KEYS["label"]] = unit, year, ""
        ss[SAVE_KEYS["token"]] = token
    else:
        if not ss.get(SAVE_KEYS["unit"]):
            ss[SAVE_KEYS["unit"]] = unit
        if ss.get(SAVE_KEYS["year"]) is None:
            ss[SAVE_KEYS["year"]] = year
    with st.form("save_form"):
        st.markdown(
            T["save_what"].format(
                name=widgets.md_escape(record["name"]), kind=m.KIND_LABELS.get(record["kind"], record["kind"])
            )
        )
        c1, c2, c3 = st.columns([3, 1, 3])
        c1.text_input(T["save_unit"], key=SAVE_KEYS["unit"], max_chars=200)
        c2.number_input(
            T["save_year"], value=None, min_value=1990, max_value=2100, step=1, key=SAVE_KEYS["year"]
        )
        c3.text_input(
            T["save_label"], key=SAVE_KEYS["label"], max_chars=300, placeholder=T["save_label_placeholder"]
        )
        st.form_submit_button(
            T["save_button"], on_click=on_save, type="primary", key="save_submit", icon=":material/save:"
        )


a = data.analysis()
if table is None or a is None:
    st.info(T["none_yet"])
    if storage.savable() is not None:  # a 决算 file read on its own
        save_section()
else:
    st.subheader(T["detected"])
    if ss.get(state.LAST_KIND) == m.KIND_FINAL_ACCOUNTS or error:
        # the message above is about another file: say whose detection and findings follow
        st.caption(
            T["findings_of"].format(name=widgets.md_escape(ss.get(state.UPLOAD_NAME) or table.source.file))
        )
    st.markdown("  \n".join(detected_lines(table)))
    if table.kind in m.FORM_KINDS:
        # a rolled-up set of forms has no header or columns to correct
        st.page_link("pages/selfeval_forms.py", label=T["open_forms"], icon=":material/assignment:")
    else:
        mapping_table(table.source)
        correction_form(table.source)
    save_section()

    st.subheader(T["findings"])
    st.caption(T["findings_intro"])
    widgets.findings_panel(a.findings)

    with st.expander(T["preview"]):
        show_table(
            widgets.project_frame(a.projects), hide_index=True, column_config=widgets.PROJECT_COLUMN_CONFIG
        )
