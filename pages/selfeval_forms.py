"""项目自评表: read 项目支出绩效自评表 (and 部门整体支出绩效自评表), show each form's reported and
recomputed scores and its findings.

Thin: parsing, scoring and checks live in jixiao (forms, form_audit, form_rollup); figures in
components.form_charts. User text (project names, reasons) is never rendered as HTML: tables go
through st.dataframe, free text through st.text, and markdown gets escaped first.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:  # `streamlit run pages/selfeval_forms.py` puts only pages/ on the path
    sys.path.insert(0, str(_ROOT))

import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402

from components import data, state  # noqa: E402
from components.form_charts import indicator_scores_bar, level1_rate_bar  # noqa: E402
from components.links import through_app  # noqa: E402
from components.tables import show_table  # noqa: E402
from components.widgets import WORKBOOK_TYPES, show_chart  # noqa: E402
from components.widgets import md_escape as md  # noqa: E402
from jixiao.fmt import num, pct, wan  # noqa: E402
from jixiao.forms.audit import audit_dataset  # noqa: E402
from jixiao.forms.compute import Form, FormsDataset, money_owners  # noqa: E402
from jixiao.forms.read import read_forms  # noqa: E402
from jixiao.forms.rollup import forms_summary_xlsx  # noqa: E402
from jixiao.model import SEVERITY_LABELS, IngestError  # noqa: E402

through_app(__file__)  # a link opened on a just-started server goes through app.py

SAMPLE = _ROOT / "sample_data" / "liangshan_2023_selfeval_forms.xlsx"
DEPARTMENT_SAMPLE = _ROOT / "sample_data" / "heshan_2023_department_form.xlsx"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

T = {
    "title": "项目自评表",
    "intro": "上传部门预算项目支出绩效自评表（每张表一个项目，可一表一页，也可多张表排在同一工作表）"
    "或部门整体支出绩效自评表（每张表一个部门），系统逐项重新计算得分并与填报得分对照，"
    "找出合计不符、权重不为 100、扣分无原因等问题。",
    "load": "导入自评表",
    "sample": "使用示例数据",
    "sample_help": "凉山州科协 2023 年的 5 张自评表",
    "department_sample": "部门整体示例",
    "department_sample_help": "赫山区科协 2023 年的部门整体支出绩效自评表（据其自评报告重建，执行数和得分为示例假设）",
    "upload": "上传自评表（.xlsx / .xls / .csv，或表格在 Word 文档 .docx 里）",
    "empty": "还没有导入自评表。点“使用示例数据”看看效果，或上传自己的文件。",
    "loaded": "已读取 {n} 张自评表（{file}）。",
    "loaded_department": "已读取 {n} 张部门整体支出绩效自评表（{file}）：{names}。",
    "dept_name": "部门（单位）",
    "dept_budget": "部门整体支出（万元）",
    "groups": "各一级指标：权重、填报得分与公式复核",
    "goals": "年度总体目标",
    "goal_expected": "预期目标",
    "goal_actual": "实际完成情况",
    "deviation": "完成值偏离指标值超过 ±{pct}% 记为偏差（在侧栏“更多设置”中修改）。",
    "n_forms": "自评表",
    "budget_sum": "预算合计（万元）",
    "executed_sum": "执行数合计（万元）",
    "n_errors": "错误",
    "n_warnings": "警告",
    "all_forms": "全部自评表",
    "file_findings": "文件层面的提示",
    "pick": "选择一张自评表",
    "code": "项目编码",
    "department": "主管部门",
    "unit": "实施单位",
    "place": "位置",
    "place_value": "工作表「{sheet}」第 {first}–{last} 行",
    "reported_total": "合计得分（填报）",
    "parts_total": "分项相加",
    "formula_total": "公式复核",
    "rate": "预算执行率（复核）",
    "form_findings": "本表审核结果",
    "no_findings": "本表没有发现问题。",
    "infos": "提示 {n} 条（不是错误：无法按公式复核的指标、与公式得分的差异等）",
    "budget": "预算执行情况（万元）",
    "indicators": "绩效指标：填报得分与公式复核得分对照",
    "charts": "图表",
    "texts": "评价结论、存在问题、改进措施",
    "conclusion": "评价结论",
    "problems": "存在问题",
    "measures": "改进措施",
    "none": "（未填写）",
    "download": "下载生成的项目单位自评汇总表（xlsx）",
    "download_name": "项目单位自评汇总表.xlsx",
    "money_note": "项目编码重复的自评表，金额只计一次（详见审核结果）。",
    "yes": "是",
    "no": "否",
}
COL = {
    "seq": "序号",
    "sheet": "工作表",
    "row": "行",
    "code": "项目编码",
    "project": "项目名称",
    "kind": "类型",
    "unit": "实施单位",
    "budget": "调整后预算数",
    "executed": "预算执行数",
    "rate": "执行率",
    "reported": "合计得分（填报）",
    "parts": "分项相加",
    "formula": "公式复核",
    "errors": "错误",
    "warnings": "警告",
    "infos": "提示",
    "label": "项目",
    "initial": "年初预算",
    "printed_rate": "执行率（填报）",
    "computed_rate": "执行率（复核）",
    "weight": "权重",
    "score": "得分",
    "reason": "原因",
    "level1": "一级指标",
    "level2": "二级指标",
    "level3": "三级指标",
    "nature": "指标性质",
    "target": "指标值",
    "measure": "度量单位",
    "actual": "完成值",
    "reported_score": "填报得分",
    "formula_score": "公式得分",
    "recomputable": "可按公式复核",
    "why": "不能复核的原因",
    "undone": "未完成原因分析",
    "notes": "审核提示",
    "count": "指标数",
    "group_rate": "得分率",
    "severity": "级别",
    "where": "位置",
    "message": "说明",
}


def _load(content: bytes, name: str) -> None:
    """Forms loaded here become the app's current dataset (rolled up), like an upload on 数据导入."""
    try:
        read_forms(content, name)  # a file with no form is refused before it replaces the current data
    except IngestError as exc:
        st.error(md(exc.message))
        return
    error = data.load(content, name)
    if error:
        st.error(md(error))


def load_block(ds: FormsDataset | None) -> None:
    with st.expander(T["load"], expanded=ds is None):
        left, right = st.columns([1, 3])
        if left.button(T["sample"], key="forms_sample", help=T["sample_help"]):
            _load(SAMPLE.read_bytes(), SAMPLE.name)
        if right.button(
            T["department_sample"], key="forms_department_sample", help=T["department_sample_help"]
        ):
            _load(DEPARTMENT_SAMPLE.read_bytes(), DEPARTMENT_SAMPLE.name)
        up = st.file_uploader(T["upload"], type=WORKBOOK_TYPES, key="forms_upload")
        if up is not None:
            content = up.getvalue()
            digest = hashlib.sha256(content).hexdigest()
            # The uploader keeps its file across reruns; read it once, so the sample button still works.
            if st.session_state.get(state.FORMS_UPLOAD_DIGEST) != digest:
                st.session_state[state.FORMS_UPLOAD_DIGEST] = digest
                _load(content, up.name)


def _counts(form: Form) -> dict[str, int]:
    out = {"error": 0, "warning": 0, "info": 0}
    for f in form.findings:
        out[f.severity] = out.get(f.severity, 0) + 1
    return out


FILE_SHOWN = 10  # file-level errors and warnings shown one by one; the rest are listed in the expander


def overview(ds: FormsDataset) -> None:
    counted = money_owners(ds.forms)
    budget = sum(f.adjusted or 0.0 for i, f in enumerate(ds.forms) if counted[i])
    executed = sum(f.executed or 0.0 for i, f in enumerate(ds.forms) if counted[i])
    findings = ds.all_findings()
    cols = st.columns(5)
    cols[0].metric(T["n_forms"], len(ds.forms))
    cols[1].metric(T["budget_sum"], wan(budget))
    cols[2].metric(T["executed_sum"], wan(executed))
    cols[3].metric(T["n_errors"], sum(f.severity == "error" for f in findings))
    cols[4].metric(T["n_warnings"], sum(f.severity == "warning" for f in findings))
    if not all(counted.values()):
        st.caption(md(T["money_note"]))
    st.subheader(T["all_forms"])
    rows = []
    for i, form in enumerate(ds.forms):
        c = _counts(form)
        rows.append(
            {
                COL["seq"]: i + 1,
                COL["sheet"]: form.sheet,
                COL["row"]: form.first_row,
                COL["kind"]: "部门整体" if form.is_department else "项目",
                COL["code"]: form.code or "",
                COL["project"]: form.name,
                COL["unit"]: form.unit,
                COL["budget"]: wan(form.adjusted),
                COL["executed"]: wan(form.executed),
                COL["rate"]: pct(form.execution_rate),
                COL["reported"]: num(form.reported_total),
                COL["parts"]: num(form.parts_total),
                COL["formula"]: num(form.formula_total),
                COL["errors"]: c["error"],
                COL["warnings"]: c["warning"],
                COL["infos"]: c["info"],
            }
        )
    show_table(pd.DataFrame(rows), hide_index=True, width="stretch")
    # Errors and warnings about the file as a whole (a 汇总表 beside the forms that disagrees with them)
    # are said as plainly as a form's own; notes stay folded.
    rest = _say(ds.findings, limit=FILE_SHOWN)
    if rest:
        with st.expander(T["file_findings"]):
            show_table(_findings_frame(rest), hide_index=True, width="stretch")


def _say(findings, *, drop: str = "", limit: int | None = None) -> list:
    """Errors, then warnings, each in its own box (the first ``limit``); returns the findings left for a
    folded table. ``drop`` is taken out of every `where`."""
    show = {"error": st.error, "warning": st.warning}
    loud = sorted((f for f in findings if f.severity in show), key=lambda f: f.severity != "error")
    for f in loud[:limit]:
        show[f.severity](md(f"{f.where.replace(drop, '') if drop else f.where}：{f.message}"))
    return loud[len(loud) if limit is None else limit :] + [f for f in findings if f.severity not in show]


def _findings_frame(findings) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                COL["severity"]: SEVERITY_LABELS.get(f.severity, f.severity),
                COL["where"]: f.where,
                COL["message"]: f.message,
            }
            for f in findings
        ]
    )


def _notes_by_row(form: Form) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for f in form.findings:
        if f.sheet_row is not None:
            out.setdefault(f.sheet_row, []).append(
                f"{SEVERITY_LABELS.get(f.severity, f.severity)}：{f.message}"
            )
    return out


def form_detail(ds: FormsDataset, form: Form) -> None:
    place = (T["place"], T["place_value"].format(sheet=form.sheet, first=form.first_row, last=form.last_row))
    if form.is_department:
        st.subheader(md(f"{form.name}（部门整体支出）"))
        facts = [(T["dept_name"], form.name), place]
    else:
        st.subheader(md(form.name))
        facts = [
            (T["code"], form.code or "—"),
            (T["department"], form.department or "—"),
            (T["unit"], form.unit or "—"),
            place,
        ]
    st.caption(md("；".join(f"{k}：{v}" for k, v in facts)))
    cols = st.columns(4)
    cols[0].metric(T["reported_total"], num(form.reported_total))
    cols[1].metric(T["parts_total"], num(form.parts_total))
    cols[2].metric(T["formula_total"], num(form.formula_total))
    cols[3].metric(T["rate"], pct(form.execution_rate))

    st.markdown(f"**{T['form_findings']}**")
    if not form.findings:
        st.success(T["no_findings"])
    # Inside one form the project name in every `where` is noise; the sheet and row stay.
    infos = _say(form.findings, drop=f"（{'部门' if form.is_department else '项目'}「{form.name}」）")
    if infos:
        with st.expander(T["infos"].format(n=len(infos))):
            show_table(_findings_frame(infos), hide_index=True, width="stretch")

    notes = _notes_by_row(form)
    st.markdown(f"**{T['dept_budget'] if form.is_department else T['budget']}**")
    show_table(_budget_frame(form, notes), hide_index=True, width="stretch")
    if form.goal_expected or form.goal_actual:
        with st.expander(T["goals"], expanded=form.is_department):
            for key in ("goal_expected", "goal_actual"):
                st.markdown(f"**{T[key]}**")
                st.text(getattr(form, key) or T["none"])
    if form.is_department:
        st.markdown(f"**{T['groups']}**")
        show_table(_group_frame(form), hide_index=True, width="stretch")
    st.markdown(f"**{T['indicators']}**")
    show_table(_indicator_frame(form, notes), hide_index=True, width="stretch")

    st.markdown(f"**{T['charts']}**")
    show_chart(level1_rate_bar(form), key="forms_rate_bar")
    if form.indicators:
        show_chart(indicator_scores_bar(form), key="forms_score_bar")

    with st.expander(T["texts"]):
        for key in ("conclusion", "problems", "measures"):
            st.markdown(f"**{T[key]}**")
            st.text(getattr(form, key) or T["none"])


# A department form prints 全年预算数 / 全年执行数 / 分值 where a project form prints 调整后预算数 / 预算执行数 / 权重.
DEPARTMENT_COL = {"budget": "全年预算数", "executed": "全年执行数", "weight": "分值"}


def _budget_frame(form: Form, notes: dict[int, list[str]]) -> pd.DataFrame:
    frame = pd.DataFrame(
        [
            {
                COL["label"]: line.label,
                COL["initial"]: wan(line.initial),
                COL["budget"]: wan(line.adjusted),
                COL["executed"]: wan(line.executed),
                COL["printed_rate"]: pct(line.printed_rate),
                COL["computed_rate"]: pct(line.rate),
                COL["weight"]: num(line.weight) if line.weight is not None else "",
                COL["score"]: num(line.score) if line.score is not None else "",
                COL["reason"]: line.reason,
                COL["notes"]: "\n".join(notes.get(line.sheet_row, [])),
            }
            for line in form.budget_lines
        ]
    )
    if form.is_department:
        frame = frame.rename(columns={COL[k]: v for k, v in DEPARTMENT_COL.items()})
    return frame


def _group_frame(form: Form) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                COL["level1"]: g["level1"],
                COL["count"]: g["indicators"],
                COL["weight"]: num(g["weight"]),  # type: ignore[arg-type]
                COL["reported_score"]: num(g["score"]),  # type: ignore[arg-type]
                COL["formula_score"]: num(g["formula_score"]),  # type: ignore[arg-type]
                COL["group_rate"]: pct(g["rate"]),  # type: ignore[arg-type]
            }
            for g in form.group_scores()
        ]
    )


def _indicator_frame(form: Form, notes: dict[int, list[str]]) -> pd.DataFrame:
    rows = []
    for ind in form.indicators:
        rows.append(
            {
                COL["row"]: ind.sheet_row,
                COL["level1"]: ind.level1,
                COL["level2"]: ind.level2,
                COL["level3"]: ind.level3,
                COL["nature"]: ind.nature_raw,
                COL["target"]: ind.target_raw,
                COL["measure"]: ind.unit,
                COL["actual"]: ind.actual_raw,
                COL["weight"]: num(ind.weight),
                COL["reported_score"]: num(ind.score),
                COL["formula_score"]: num(ind.formula_score),
                COL["recomputable"]: T["yes"] if ind.recomputable else T["no"],
                COL["why"]: ind.not_recomputable_reason,
                COL["undone"]: ind.reason,
                COL["notes"]: "\n".join(notes.get(ind.sheet_row, [])),
            }
        )
    return pd.DataFrame(rows)


def main() -> None:
    st.title(T["title"])
    st.caption(T["intro"])
    load_block(st.session_state.get(state.FORMS))
    ds: FormsDataset | None = st.session_state.get(state.FORMS)
    if not ds or not ds.forms:
        st.info(T["empty"])
        return
    if ds.is_department:
        names = "、".join(f.name for f in ds.forms)
        st.success(md(T["loaded_department"].format(n=len(ds.forms), file=ds.file, names=names)))
    else:
        st.success(md(T["loaded"].format(n=len(ds.forms), file=ds.file)))
    # The 偏差 threshold is the app-wide setting (sidebar), so this page and the others agree.
    threshold = data.settings().target_deviation / 100.0
    if abs(threshold - ds.deviation) > 1e-9:
        audit_dataset(ds, deviation=threshold)
    st.caption(T["deviation"].format(pct=f"{threshold * 100:g}"))
    overview(ds)
    pick = st.selectbox(
        T["pick"],
        options=list(range(len(ds.forms))),
        format_func=lambda i: f"{i + 1}. {ds.forms[i].name}",
        key="forms_pick",
    )
    form_detail(ds, ds.forms[pick if pick is not None and pick < len(ds.forms) else 0])
    st.download_button(
        T["download"],
        data=forms_summary_xlsx(ds),
        file_name=T["download_name"],
        mime=XLSX_MIME,
        key="forms_download",
    )


main()
