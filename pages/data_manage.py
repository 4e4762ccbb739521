"""数据管理: the stored datasets — list, open, download the original file, rename, delete (soft) and
restore, versions and 恢复此版本. Changing anything needs the admin login when a password is set."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import state, storage, widgets
from components.links import through_app  # noqa: E402
from components.tables import show_table
from jixiao import model as m
from jixiao.fmt import round_half_up
from jixiao.store.db import DatasetInfo

through_app(__file__)  # a link opened on a just-started server goes through app.py

T = {
    "title": "数据管理",
    "intro": "已保存的数据集：每个单位每个年度一份，每次保存新的文件即增加一个版本，旧版本都保留。"
    "删除的数据集可以恢复。时间为北京时间。",
    "show_deleted": "显示已删除",
    "none": "还没有保存的数据集。在「数据导入」上传文件后，填写单位和年度并点“保存”。",
    "to_import": "去导入数据",
    "pick": "选择数据集",
    "open": "打开",
    "open_help": "把这份数据设为当前数据，总览、预算执行等页面都显示它。",
    "opened": "已打开「{name}」第 {version} 版，各页面现在显示这份数据。",
    "open_failed": "未能打开：{message}",
    "go_overview": "查看总览",
    "is_open": "这是当前打开的数据。",
    "download": "下载原文件",
    "rename": "改名",
    "new_label": "新名称",
    "rename_button": "保存名称",
    "renamed": "已改名为「{label}」。",
    "delete": "删除",
    "delete_confirm": "确定删除「{name}」吗？删除后可在“显示已删除”中恢复。",
    "delete_button": "确认删除",
    "delete_help": "删除后不再出现在列表和侧边栏中；打开“显示已删除”可以恢复。",
    "deleted": "已删除「{name}」。打开“显示已删除”可以恢复。",
    "restore": "恢复",
    "restored": "已恢复「{name}」。",
    "versions": "版本",
    "versions_intro": "每次保存内容不同的文件都会增加一个版本。选一个旧版本可以下载它，或把它恢复为当前版本。",
    "version_pick": "选择版本",
    "version_option": "第 {version} 版 · {time} · {file}",
    "download_version": "下载此版本原文件",
    "make_current": "恢复此版本",
    "make_current_help": "把这个版本设为当前版本；其他版本都保留，可以随时换回。",
    "made_current": "「{name}」已恢复为第 {version} 版。",
    "current_mark": "当前",
}
COL = {
    "unit": "单位",
    "year": "年度",
    "kind": "类型",
    "label": "名称",
    "version": "版本",
    "projects": "项目数",
    "budget": "预算数（万元）",
    "executed": "执行数（万元）",
    "rate": "执行率（%）",
    "imported": "导入时间",
    "as_of": "截至日期",
    "status": "状态",
    "file": "文件名",
    "current": "当前",
}
NUMBER_CONFIG = {
    COL["budget"]: st.column_config.NumberColumn(format="%,.2f"),
    COL["executed"]: st.column_config.NumberColumn(format="%,.2f"),
    COL["rate"]: st.column_config.NumberColumn(format="%.2f%%"),
    COL["year"]: st.column_config.NumberColumn(format="%d"),
}


def listing(infos: list[DatasetInfo], with_status: bool) -> pd.DataFrame:
    df = pd.DataFrame(
        {
            COL["status"]: ["已删除" if i.deleted else "" for i in infos],
            COL["unit"]: [i.unit for i in infos],
            COL["year"]: [i.year for i in infos],
            COL["label"]: [storage.dataset_name(i) for i in infos],
            COL["version"]: [f"第{i.version}版（共{i.versions}版）" for i in infos],
            COL["projects"]: pd.array([i.projects for i in infos], dtype="Int64"),
            COL["budget"]: [round_half_up(i.budget) for i in infos],
            COL["executed"]: [round_half_up(i.executed) for i in infos],
            COL["rate"]: [round_half_up(i.execution_rate) for i in infos],
            COL["imported"]: [storage.local_time(i.imported_at) for i in infos],
            COL["kind"]: [m.KIND_LABELS.get(i.kind, i.kind) for i in infos],
        }
    )
    return df if with_status else df.drop(columns=[COL["status"]])


def _name(info: DatasetInfo) -> str:
    return f"{info.unit} · {info.year} · {storage.display_label(info)}"


# --- callbacks (run before the page is drawn, so the sidebar already shows the outcome) -----------
def on_open(info: DatasetInfo) -> None:
    err = storage.open_dataset(info.id)
    if err:
        storage.notify("error", T["open_failed"].format(message=err))
    else:
        storage.notify("success", T["opened"].format(name=_name(info), version=info.version))


def _change(fn, *args) -> str | None:
    """Run a changing store call, if this session may change data."""
    if not storage.can_edit():
        return storage.T["login_needed"]
    s, err = storage.store()
    if s is None:
        return err
    _, err = storage.call(getattr(s, fn), *args)
    return err


def _report(err: str | None, success: str) -> None:
    if err:
        storage.notify("error", err)
    else:
        storage.notify("success", success)


def on_rename(info: DatasetInfo, key: str) -> None:
    label = (st.session_state.get(key) or "").strip()
    _report(_change("rename", info.id, label), T["renamed"].format(label=label))


def on_delete(info: DatasetInfo) -> None:
    _report(_change("delete", info.id), T["deleted"].format(name=_name(info)))


def on_restore(info: DatasetInfo) -> None:
    _report(_change("restore", info.id), T["restored"].format(name=_name(info)))


def on_make_current(info: DatasetInfo, key: str) -> None:
    version = st.session_state.get(key)
    if version is None:
        return
    err = _change("set_current_version", info.id, int(version))
    if err:
        storage.notify("error", err)
        return
    if st.session_state.get(state.STORED_ID) == info.id:
        # the open dataset changed version: show the version now current
        err = storage.open_dataset(info.id)
    if err:
        storage.notify("error", err)
    else:
        storage.notify("success", T["made_current"].format(name=_name(info), version=version))


# --- the page -----------------------------------------------------------------------------------
st.title(T["title"])
st.caption(T["intro"])
storage.show_notice()

store, error = storage.store()
if store is None:
    st.error(widgets.md_escape(error))
    st.stop()

show_deleted = st.toggle(T["show_deleted"], key="dm_show_deleted")
infos, error = storage.datasets(include_deleted=show_deleted)
if error:
    st.error(widgets.md_escape(error))
    st.stop()
if not infos:
    st.info(T["none"])
    st.page_link("pages/import_data.py", label=T["to_import"], icon=":material/upload_file:")
    st.stop()

show_table(listing(infos, show_deleted), hide_index=True, column_config=NUMBER_CONFIG)

by_id = {i.id: i for i in infos}
open_id = st.session_state.get(state.STORED_ID)
ids = list(by_id)
if st.session_state.get("dm_pick") not in by_id:
    st.session_state["dm_pick"] = open_id if open_id in by_id else ids[0]
picked = st.selectbox(T["pick"], ids, format_func=lambda i: storage.option_label(by_id[i]), key="dm_pick")
info = by_id[picked]
editable = storage.can_edit()

with st.container(horizontal=True, vertical_alignment="center", gap="small"):
    st.button(
        T["open"],
        key="dm_open",
        type="primary",
        on_click=on_open,
        args=(info,),
        disabled=info.deleted,
        help=T["open_help"],
        icon=":material/open_in_new:",
    )
    # a deleted dataset's originals are the admin's alone (storage.stored_file checks it again)
    files_hidden = info.deleted and not editable
    current_file, file_error = (None, None) if files_hidden else storage.stored_file(info.id, info.version)
    if current_file is not None:
        st.download_button(
            T["download"],
            data=current_file.data,
            file_name=current_file.file_name,
            key="dm_download",
            on_click="ignore",
            icon=":material/download:",
        )
    if editable:
        if info.deleted:
            st.button(
                T["restore"], key="dm_restore", on_click=on_restore, args=(info,), icon=":material/restore:"
            )
        else:
            # a click that removes a dataset from every list asks first
            with st.popover(T["delete"], icon=":material/delete:", help=T["delete_help"]):
                st.markdown(T["delete_confirm"].format(name=widgets.md_escape(_name(info))))
                st.button(
                    T["delete_button"],
                    key="dm_delete",
                    on_click=on_delete,
                    args=(info,),
                    type="primary",
                    icon=":material/delete:",
                )
if file_error:
    st.error(widgets.md_escape(file_error))
if files_hidden:
    st.info(storage.T["deleted_viewer"], icon=":material/lock:")
if open_id == info.id:
    st.caption(T["is_open"])
    st.page_link("pages/overview.py", label=T["go_overview"], icon=":material/dashboard:")

if editable:
    with st.form(f"dm_rename_{info.id}", border=False):
        key = f"dm_label_{info.id}"
        c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
        c1.text_input(T["new_label"], value=info.label, key=key, max_chars=300)
        c2.form_submit_button(T["rename_button"], on_click=on_rename, args=(info, key), key="dm_rename")
else:
    storage.edit_hint()

# --- versions -----------------------------------------------------------------------------------
st.subheader(T["versions"])
st.caption(T["versions_intro"])
versions, error = storage.call(store.versions, info.id)
if error:
    st.error(widgets.md_escape(error))
    st.stop()
show_table(
    pd.DataFrame(
        {
            COL["version"]: [f"第{v.version}版" for v in versions],
            COL["current"]: [T["current_mark"] if v.current else "" for v in versions],
            COL["file"]: [v.file_name for v in versions],
            COL["imported"]: [storage.local_time(v.imported_at) for v in versions],
            COL["as_of"]: [v.as_of.isoformat() if v.as_of else "" for v in versions],  # 监控 snapshots
            COL["projects"]: pd.array([v.summary.get("projects") for v in versions], dtype="Int64"),
            COL["budget"]: [round_half_up(v.summary.get("budget")) for v in versions],
            COL["executed"]: [round_half_up(v.summary.get("executed")) for v in versions],
            COL["rate"]: [round_half_up(v.summary.get("execution_rate")) for v in versions],
        }
    ),
    hide_index=True,
    column_config=NUMBER_CONFIG,
)
by_version = {v.version: v for v in versions}
vkey = f"dm_version_{info.id}"
if st.session_state.get(vkey) not in by_version:
    st.session_state[vkey] = info.version
chosen = st.selectbox(
    T["version_pick"],
    list(by_version),
    format_func=lambda n: (
        T["version_option"].format(
            version=n, time=storage.local_time(by_version[n].imported_at), file=by_version[n].file_name
        )
        + (f"（{T['current_mark']}）" if by_version[n].current else "")
    ),
    key=vkey,
)
with st.container(horizontal=True, vertical_alignment="center", gap="small"):
    version_file, file_error = (None, None) if files_hidden else storage.stored_file(info.id, chosen)
    if version_file is not None:
        st.download_button(
            T["download_version"],
            data=version_file.data,
            file_name=version_file.file_name,
            key="dm_download_version",
            on_click="ignore",
            icon=":material/download:",
        )
    if editable and not by_version[chosen].current:
        st.button(
            T["make_current"],
            key="dm_make_current",
            on_click=on_make_current,
            args=(info, vkey),
            type="primary",
            help=T["make_current_help"],
            icon=":material/history:",
        )
if file_error:
    st.error(widgets.md_escape(file_error))
