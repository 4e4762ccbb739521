"""Stored datasets in the app: one jixiao.store.Store per process, the sidebar picker, saving the
current file, opening a stored one, and who may change what (jixiao.auth).

Every store call goes through ``call``: a database that cannot be reached, or an action the store
refuses, becomes a Chinese message (StoreError.message) and never a traceback; the data of the
session stays usable. Opening a stored dataset goes through components.data.load with the stored
parse overrides, so every page works on it exactly as on a fresh upload.
"""

from __future__ import annotations

import json
import math
import secrets
import time
from collections.abc import Callable
from datetime import date, timedelta, timezone
from typing import Any, TypeVar

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from components import data, state, widgets
from jixiao import auth, history
from jixiao import model as m
from jixiao.naming import guess_unit_year
from jixiao.settings import Settings
from jixiao.store.db import DatasetInfo, Store, StoredFile, StoreError, default_url, summary_of
from jixiao.store.faults import failure_message
from jixiao.summary.analysis import Analysis, analyze
from jixiao.summary.schemes import requested_scheme

T = {
    "picker": "选择数据",
    "picker_help": "本次上传的文件，或已保存的数据集（每个单位每个年度一份，显示当前版本）。",
    "picker_placeholder": "选择已保存的数据集",
    "upload_option": "本次上传：{name}",
    "stored_option": "{unit} · {year} · {label}（第{version}版）",
    "deleted": "（已删除）",
    "broken": "无法打开数据库：JIXIAO_DB_URL 的设置有误，或缺少数据库驱动。"
    "已上传的数据仍可在本次会话中使用，但暂时不能保存或读取历史数据。",
    "failed": "数据库操作没有完成，请稍后再试。已上传的数据仍可在本次会话中使用。",
    "no_table": "这份数据没有可用于看板的项目表。",
    "nothing_to_save": "没有可保存的数据：请先上传文件。",
    "year_missing": "请填写年度。",
    "login_needed": "保存、改名、删除和恢复版本需要管理员登录：请在侧边栏「管理员登录」中输入密码。",
    "local_mode": "单机模式：未设置管理员密码，所有人都可以保存和删除数据",
    "login": "管理员登录",
    "password": "管理员密码",
    "login_button": "登录",
    "wrong_password": "密码不正确。",
    "wrong_wait": "密码不正确。连续输错 {n} 次以上后每次都要等待，请 {wait}后再试。",
    "must_wait": "密码错误次数过多，请 {wait}后再试（这次输入的密码没有核对）。",
    "deleted_viewer": "这个数据集已删除：只有管理员登录后才能下载它的原始文件。",
    "logged_in": "已以管理员身份登录，可以保存、改名、删除和恢复版本。",
    "logout": "退出",
}
PICKER_KEY = "data_picker"
LOGIN_KEY = "admin_password"
UPLOAD_OPTION = 0  # the picker's entry for this session's own file (stored ids start at 1)
TABLE_KINDS = (m.KIND_PROJECT_TABLE, *m.FORM_KINDS)
BEIJING = timezone(timedelta(hours=8), "北京时间")
RETRY_SECONDS = 15.0  # after a failed connection, pages do not wait on the database again before this

R = TypeVar("R")


# --- the store ----------------------------------------------------------------------------------
@st.cache_resource(show_spinner=False)
def _open_store(url: str) -> Store:
    return Store(url)


def open_url(url: str) -> Store:
    """The process's Store for another database (the 监控 page's session sample)."""
    return _open_store(url)


_failures: dict[str, tuple[float, str]] = {}


def url() -> str:
    return default_url()


def store() -> tuple[Store | None, str | None]:
    """The process's Store for JIXIAO_DB_URL (or data/jixiao.db), or the Chinese reason there is none.

    A failed connection is remembered for RETRY_SECONDS, so a dead database server does not slow down
    every rerun of every page."""
    u = url()
    failed = _failures.get(u)
    if failed and time.monotonic() - failed[0] < RETRY_SECONDS:
        return None, failed[1]
    try:
        s = _open_store(u)
    except StoreError as exc:
        _failures[u] = (time.monotonic(), exc.message)
        return None, exc.message
    except Exception:  # a malformed URL or a missing driver: still a message, never a traceback
        _failures[u] = (time.monotonic(), T["broken"])
        return None, T["broken"]
    _failures.pop(u, None)
    return s, None


def call(fn: Callable[..., R], *args: Any, **kwargs: Any) -> tuple[R | None, str | None]:
    """Run one store method; (result, None) or (None, Chinese message)."""
    try:
        return fn(*args, **kwargs), None
    except StoreError as exc:
        return None, exc.message
    except SQLAlchemyError as exc:  # told apart: read-only, disk full, server gone …
        return None, failure_message(url(), exc)


def datasets(*, include_deleted: bool = False) -> tuple[list[DatasetInfo], str | None]:
    s, err = store()
    if s is None:
        return [], err
    infos, err = call(s.list_datasets, include_deleted=include_deleted)
    return infos or [], err


def table_datasets() -> tuple[list[DatasetInfo], str | None]:
    """Stored datasets the dashboard pages can show (project tables and rolled-up 自评表)."""
    infos, err = datasets()
    return [i for i in infos if i.kind in TABLE_KINDS], err


def one_per_unit_year(infos: list[DatasetInfo]) -> list[DatasetInfo]:
    """Where a unit saved both a 汇总表 and 自评表 for one year, the comparisons use the 汇总表."""
    best: dict[tuple[str, int], DatasetInfo] = {}
    for i in infos:
        key = (i.unit, i.year)
        if key not in best or (best[key].kind != m.KIND_PROJECT_TABLE and i.kind == m.KIND_PROJECT_TABLE):
            best[key] = i
    return list(best.values())


def comparable_datasets_or_stop(none_text: str, import_label: str) -> list[DatasetInfo]:
    """What 历年对比 and 单位对比 compare: one stored table per unit and year. With none (or no
    database) the page says so, links to 数据导入, and stops."""
    infos, error = table_datasets()
    if error:
        st.error(widgets.md_escape(error))
        st.stop()
    infos = one_per_unit_year(infos)
    if not infos:
        st.info(none_text)
        st.page_link("pages/import_data.py", label=import_label, icon=":material/upload_file:")
        st.stop()
    return infos


def display_label(info: DatasetInfo) -> str:
    """The dataset's name; the store's default name ("单位 2023年 类型", e.g. from the CLI) repeats the
    unit and year every listing shows anyway, so only its kind is left."""
    kind = m.KIND_LABELS.get(info.kind, info.kind)
    return kind if info.label == f"{info.unit} {info.year}年 {kind}" else info.label


def dataset_name(info: DatasetInfo) -> str:
    """The name a list of datasets shows: its own name, or by default its unit and year with its kind
    ("河南省科学技术协会 2023年 项目单位自评汇总表"), so two units' tables never read alike."""
    kind = m.KIND_LABELS.get(info.kind, info.kind)
    if display_label(info) == kind:
        return f"{info.unit} {info.year}年 {kind}"
    return info.label


def option_label(info: DatasetInfo) -> str:
    text = T["stored_option"].format(
        unit=info.unit, year=info.year, label=display_label(info), version=info.version
    )
    return text + (T["deleted"] if info.deleted else "")


def local_time(dt) -> str:
    return dt.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


@st.cache_data(max_entries=8, show_spinner=False)
def _stored_file(store_url: str, dataset_id: int, version: int) -> StoredFile:
    # A version's bytes never change once written, so (database, id, version) names them for good.
    return _open_store(store_url).load(dataset_id, version)


def stored_file(dataset_id: int, version: int) -> tuple[StoredFile | None, str | None]:
    """A stored version's original file. A deleted dataset's files are the admin's alone."""
    s, err = store()
    if s is None:
        return None, err
    if not can_edit():
        deleted, err = call(s.is_deleted, int(dataset_id))
        if err or deleted:
            return None, err or T["deleted_viewer"]
    return call(_stored_file, s.url, int(dataset_id), int(version))


# --- settings as stored with a version ---------------------------------------------------------
def settings_to_dict(s: Settings) -> dict[str, Any]:
    return {
        "scheme": s.scheme,
        "custom_weights": dict(s.custom_weights),
        "low_threshold": s.low_threshold,
        "amber_floor": s.amber_floor,
        "target_deviation": s.target_deviation,
        "as_of": s.as_of.isoformat() if s.as_of else None,
        "monitor_green_below": s.monitor_green_below,
        "monitor_red_below": s.monitor_red_below,
        "unspent_tiers": list(s.unspent_tiers),
    }


def settings_from_dict(d: dict[str, Any] | None) -> Settings | None:
    """The settings a version was saved under, or None when it has none usable (e.g. a CLI import)."""
    if not d:
        return None
    try:
        s = Settings(
            scheme=str(d.get("scheme", Settings.scheme)),
            custom_weights={str(k): float(v) for k, v in (d.get("custom_weights") or {}).items()},
            low_threshold=float(d.get("low_threshold", Settings.low_threshold)),
            amber_floor=float(d.get("amber_floor", Settings.amber_floor)),
            target_deviation=float(d.get("target_deviation", Settings.target_deviation)),
            as_of=date.fromisoformat(d["as_of"]) if d.get("as_of") else None,
            monitor_green_below=float(d.get("monitor_green_below", Settings.monitor_green_below)),
            monitor_red_below=float(d.get("monitor_red_below", Settings.monitor_red_below)),
            unspent_tiers=tuple(float(x) for x in d.get("unspent_tiers", Settings.unspent_tiers)),
        )
        requested_scheme(s)  # custom weights that do not add up: not usable
    except (TypeError, ValueError, AttributeError):  # SchemeError is a ValueError
        return None
    return s


def _apply_settings(s: Settings) -> None:
    """Make ``s`` the session's settings and show it in the sidebar widgets (this runs in a callback,
    before the widgets are drawn)."""
    ss = st.session_state
    ss[widgets.K["scheme"]] = s.scheme
    ss[widgets.K["low"]] = float(s.low_threshold)
    ss[widgets.K["amber"]] = float(s.amber_floor)
    ss[widgets.K["as_of"]] = s.as_of
    ss[widgets.K["deviation"]] = float(s.target_deviation)
    for comp, w in s.custom_weights.items():
        ss[widgets.WEIGHT_KEY.format(comp=comp)] = float(w)
    data.set_settings(s)


# --- open and save ------------------------------------------------------------------------------
def open_dataset(dataset_id: int, version: int | None = None) -> str | None:
    """Load a stored dataset (its current version unless told) as the current data, under the settings
    it was saved with. Returns a Chinese error message, or None."""
    s, err = store()
    if s is None:
        return err
    sf, err = call(s.load, int(dataset_id), version)
    if sf is None:
        return err
    saved = settings_from_dict(sf.settings)
    if saved is not None and saved != data.settings():
        _apply_settings(saved)
    err = data.load(sf.data, sf.file_name, sf.parse_options or {}, origin=(sf.dataset_id, sf.version))
    if err is None:
        _remember_unit_year(s, int(dataset_id))
    return err


def _remember_unit_year(s: Store, dataset_id: int) -> None:
    """The unit and year the dataset was saved under name it in headings and exports."""
    infos, _ = call(s.list_datasets, include_deleted=True)
    for i in infos or []:
        if i.id == dataset_id:
            st.session_state[state.STORED_UNIT], st.session_state[state.STORED_YEAR] = i.unit, i.year


def latest(infos: list[DatasetInfo]) -> DatasetInfo | None:
    """The dataset a fresh visit opens: the latest year, a 汇总表 before 自评表 of that year, then the
    most recently imported."""
    shown = [i for i in infos if i.kind in TABLE_KINDS and not i.deleted]
    if not shown:
        return None
    return max(shown, key=lambda i: (i.year, i.kind == m.KIND_PROJECT_TABLE, i.imported_at, i.id))


def open_latest() -> str | None:
    """Open the latest stored dataset (nothing when the store is empty or unreachable)."""
    infos, err = table_datasets()
    info = latest(infos)
    if err or info is None:
        return None
    return open_dataset(info.id)


def savable() -> dict[str, Any] | None:
    """The file 保存 would store: the 决算 file just read, else this session's own table file while it
    is the current data (a dataset opened from the store is stored already)."""
    ss = st.session_state
    final = ss.get(state.FINAL_FILE)
    if ss.get(state.LAST_KIND) == m.KIND_FINAL_ACCOUNTS and final and final.get("origin") is None:
        return final
    if data.table() is not None and ss.get(state.STORED_ID) is None and ss.get(state.SESSION_FILE):
        return ss[state.SESSION_FILE]
    return None


def save_defaults(record: dict[str, Any]) -> tuple[str, int | None]:
    """单位 and 年度 for the 保存 form: from the table's title and the file name, else the one unit the
    table's own 单位 column names (自评表 carry it on every form)."""
    if record["kind"] in TABLE_KINDS and data.table() is not None:
        unit, year = data.unit_year()
    else:
        unit, year = guess_unit_year("", record["name"])
    if record["kind"] == m.KIND_FINAL_ACCOUNTS:
        # 决算 figures name their unit and years themselves (FinalAccounts.unit / latest_year)
        figures = st.session_state.get(state.FINAL_ACCOUNTS)
        unit = unit or str(getattr(figures, "unit", "") or "")
        year = getattr(figures, "latest_year", None) or year
    return unit or "", year


def _exists(s: Store, unit: str, year: int, kind: str) -> bool:
    infos, _ = call(s.list_datasets, include_deleted=True, kind=kind)
    return any(i.unit == unit.strip() and i.year == year for i in infos or [])


def save(unit: str, year: int | None, label: str = "") -> tuple[str, str]:
    """Store the savable file as a new version of (unit, year, kind). Returns (level, message) with level
    success / info (identical bytes already stored) / error."""
    if not can_edit():
        return "error", T["login_needed"]
    record = savable()
    if record is None:
        return "error", T["nothing_to_save"]
    if year is None:
        return "error", T["year_missing"]
    s, err = store()
    if s is None:
        return "error", err or T["failed"]
    kind = record["kind"]
    table = data.table() if kind in TABLE_KINDS else None
    label = (label or "").strip()
    if not label and unit.strip() and not _exists(s, unit, int(year), kind):
        label = m.KIND_LABELS.get(kind, kind)  # a new dataset is named by its kind; a rename is kept
    result, err = call(
        s.import_file,
        record["data"],
        record["name"],
        unit=unit,
        year=int(year),
        kind=kind,
        label=label or None,
        parse_options=record["overrides"],
        mapping=table.source.mapping if table is not None else {},
        settings=settings_to_dict(data.settings()),
        summary=summary_of(table),
        # the sidebar's 截至日期 makes the version a 监控 snapshot when it falls in the year saved
        as_of=as_of if (as_of := data.settings().as_of) and as_of.year == int(year) else None,
    )
    if result is None:
        return "error", err or T["failed"]
    if result.duplicate:
        return "info", result.message
    if table is not None:
        # the current data is now exactly this stored version: the picker shows it as such
        st.session_state[state.STORED_ID] = result.dataset_id
        st.session_state[state.STORED_VERSION] = result.version
        st.session_state[state.STORED_UNIT], st.session_state[state.STORED_YEAR] = unit.strip(), int(year)
    return "success", result.message


def notify(level: str, text: str) -> None:
    st.session_state[state.STORE_NOTICE] = (level, text)


def show_notice() -> None:
    """The outcome of the last save / rename / delete, once."""
    n = st.session_state.pop(state.STORE_NOTICE, None)
    if n:
        level, text = n
        {"success": st.success, "info": st.info, "warning": st.warning}.get(level, st.error)(
            widgets.md_escape(text)
        )


# --- analyses of stored datasets (历年对比, 单位对比) ----------------------------------------------
def _settings_key(s: Settings) -> str:
    return json.dumps(settings_to_dict(s), sort_keys=True, ensure_ascii=False)


@st.cache_resource(max_entries=64, show_spinner=False)
def _analyze(
    digest: str, overrides_key: str, settings_key: str, _table: m.ProjectTable, _s: Settings
) -> Analysis:
    # keyed by the file, its overrides and the settings; the table and settings objects are what
    # those name
    return analyze(_table, _s)


_CHANGES = "_hist_changes"  # session key: the last year-to-year matching, with the analyses it is of


def project_changes(prev: Analysis, cur: Analysis) -> pd.DataFrame:
    """``history.project_changes`` kept for the session while the two analyses stay the same objects
    (they are cached resources): matching 2 × 50,000 projects by code and name takes a second, and
    every widget on 历年对比 reruns the page."""
    entry = st.session_state.get(_CHANGES)
    if entry and entry[0] is prev and entry[1] is cur:
        return entry[2]
    changes = history.project_changes(prev, cur)
    st.session_state[_CHANGES] = (prev, cur, changes)
    return changes


def analysis_of(info: DatasetInfo) -> tuple[Analysis | None, str | None]:
    """The current version of a stored dataset, analysed under the session's settings (one yardstick
    for every year and unit)."""
    sf, err = stored_file(info.id, info.version)
    if sf is None:
        return None, err
    overrides = sf.parse_options or {}
    try:
        ds = data.parse(sf.data, sf.file_name, overrides)
    except m.IngestError as exc:
        return None, exc.message
    except Exception:  # a parser bug on one stored file must not take the comparison down
        return None, data.MSG["unexpected"]
    if ds.table is None:
        return None, T["no_table"]
    s = data.settings()
    okey = json.dumps(overrides, sort_keys=True, ensure_ascii=False)
    return _analyze(data.digest_of(sf.data), okey, _settings_key(s), ds.table, s), None


# --- who may change data ------------------------------------------------------------------------
def can_edit() -> bool:
    """Single-user local mode (no admin password hash set), or logged in as admin."""
    return not auth.protected() or st.session_state.get(state.ADMIN) is True


def client_address() -> str:
    """The browser's address for the login throttle. Streamlit gives None for a connection from this
    machine; behind a reverse proxy on this machine that is the proxy, so the address it appended to
    X-Forwarded-For (the last entry, the only one a client cannot forge) is the client's."""
    ip = st.context.ip_address
    if isinstance(ip, str) and ip:
        return ip
    forwarded = st.context.headers.get("X-Forwarded-For")
    forwarded = forwarded.split(",")[-1].strip() if isinstance(forwarded, str) else ""
    return forwarded or "local"


def login_keys() -> list[str]:
    ss = st.session_state
    if not ss.get(state.LOGIN_SESSION):
        ss[state.LOGIN_SESSION] = secrets.token_hex(8)
    return [f"session:{ss[state.LOGIN_SESSION]}", f"address:{client_address()}"]


def _seconds(wait: float) -> str:
    s = max(1, math.ceil(wait))
    return f"{s} 秒" if s < 120 else f"{math.ceil(s / 60)} 分钟"


def _login() -> None:
    ss = st.session_state
    password = ss.get(LOGIN_KEY) or ""
    ss[LOGIN_KEY] = ""  # never kept in the session
    result = auth.login(password, login_keys())
    if result.ok:
        ss[state.ADMIN], ss[state.ADMIN_ERROR] = True, None
    elif result.refused:
        ss[state.ADMIN], ss[state.ADMIN_ERROR] = False, T["must_wait"].format(wait=_seconds(result.wait))
    elif result.wait > 0:
        ss[state.ADMIN] = False
        ss[state.ADMIN_ERROR] = T["wrong_wait"].format(n=auth.FREE_ATTEMPTS, wait=_seconds(result.wait))
    else:
        ss[state.ADMIN], ss[state.ADMIN_ERROR] = False, T["wrong_password"]


def _logout() -> None:
    st.session_state[state.ADMIN] = False
    st.session_state[state.ADMIN_ERROR] = None


def edit_hint() -> None:
    """On a page with changing controls, when they are hidden: say why."""
    if not can_edit():
        st.info(T["login_needed"], icon=":material/lock:")


# --- sidebar ------------------------------------------------------------------------------------
def _on_pick() -> None:
    ss = st.session_state
    ss[state.STORE_ERROR] = None
    choice = ss.get(PICKER_KEY)
    if choice is None:
        return
    if choice == UPLOAD_OPTION:
        rec = ss.get(state.SESSION_FILE)
        if rec:
            data.load(rec["data"], rec["name"], rec["overrides"])
        return
    err = open_dataset(int(choice))
    if err:
        ss[state.STORE_ERROR] = err


def picker() -> None:
    """The sidebar's choice of data: this session's file or a stored dataset. Drawn inside the sidebar."""
    ss = st.session_state
    s, err = store()
    if s is None:
        st.warning(widgets.md_escape(err), icon=":material/cloud_off:")
        return
    infos, err = datasets(include_deleted=True)
    if err:
        st.warning(widgets.md_escape(err), icon=":material/cloud_off:")
        return
    current = ss.get(state.STORED_ID)
    listed = [i for i in infos if i.kind in TABLE_KINDS and (not i.deleted or i.id == current)]
    if not listed:
        return  # nothing stored yet: the lines below say what is loaded
    own = ss.get(state.SESSION_FILE)
    options: list[int] = ([UPLOAD_OPTION] if own else []) + [i.id for i in listed]
    labels = {i.id: option_label(i) for i in listed}
    if own:
        labels[UPLOAD_OPTION] = T["upload_option"].format(name=own["name"])
    if current is not None and current in labels:
        ss[PICKER_KEY] = current
    elif current is None and own and data.table() is not None:
        ss[PICKER_KEY] = UPLOAD_OPTION
    else:
        ss[PICKER_KEY] = None
    st.selectbox(
        T["picker"],
        options,
        index=None,
        format_func=lambda o: labels.get(o, str(o)),
        key=PICKER_KEY,
        on_change=_on_pick,
        placeholder=T["picker_placeholder"],
        help=T["picker_help"],
    )
    if ss.get(state.STORE_ERROR):
        st.error(widgets.md_escape(ss[state.STORE_ERROR]))


def admin_sidebar() -> None:
    """Single-user mode said on screen; with a password hash set, the login (or 退出)."""
    ss = st.session_state
    with st.sidebar:
        if not auth.protected():
            st.caption(T["local_mode"])
            return
        if can_edit():
            st.caption(T["logged_in"])
            st.button(T["logout"], key="admin_logout", on_click=_logout, icon=":material/logout:")
            return
        with st.expander(T["login"], expanded=bool(ss.get(state.ADMIN_ERROR)), icon=":material/lock:"):
            with st.form("admin_login", border=False):
                st.text_input(T["password"], type="password", key=LOGIN_KEY)
                st.form_submit_button(T["login_button"], on_click=_login, key="admin_login_submit")
            if ss.get(state.ADMIN_ERROR):
                st.error(ss[state.ADMIN_ERROR])
