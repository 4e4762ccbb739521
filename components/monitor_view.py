"""What the 监控 page needs besides figures: which series, the sample store, saving a snapshot, the
monitoring settings, and the tables in Chinese. Domain work is in jixiao.monitor."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from components import data, state, storage, widgets
from jixiao import model as m
from jixiao.fmt import round_half_up
from jixiao.monitor import compute as c
from jixiao.monitor import sample
from jixiao.monitor.series import import_snapshot, load
from jixiao.store.db import Store

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_PATH = ROOT / "sample_data" / sample.MONTHLY_FILE
SAMPLE_AS_OF = date(2023, 9, 30)  # the sample is shown as the 1–9月 bulletin would see it

T = {
    "sample_missing": "示例数据文件缺失（sample_data/tangshan_2023_monthly_execution.xlsx）。",
    "tiers_bad": "结余档次请填写用逗号分隔的金额（万元），如 200, 500, 1000。",
}
COL = {
    "rank": "排名",
    "unit": "单位",
    "project": "项目名称",
    "budget": "预算数（万元）",
    "executed": "执行数（万元）",
    "rate": "支出进度（%）",
    "gap": "与序时进度差（个百分点）",
    "unspent": "结余（万元）",
    "tier": "结余档次",
    "band": "监控结果",
    "red": "红灯项目",
    "missing": "待说明",
    "status": "变化",
    "reason": "偏差原因",
    "as_of": "最后出现",
}
MONEY = {
    COL["budget"]: "%,.2f",
    COL["executed"]: "%,.2f",
    COL["unspent"]: "%,.2f",
    COL["rate"]: "%.2f",
    COL["gap"]: "%+.2f",
}


# --- which store and series ----------------------------------------------------------------------
def current_store() -> tuple[Store | None, str | None, bool]:
    """(store, error, is_sample): the session's sample store while the sample is on, else the app's."""
    url = st.session_state.get(state.MONITOR_SAMPLE_URL)
    if url:
        s, err = storage.call(storage.open_url, url)
        return s, err, True
    s, err = storage.store()
    return s, err, False


SAMPLE_PREFIX = "jixiao-monitor-"
SAMPLE_MAX_AGE = 24 * 3600  # seconds: a session that never left the sample has long ended by then


def _drop_sample_folders(url: str | None) -> None:
    """The session's own sample database (it is leaving it or loading a fresh one), and any left by
    sessions that ended a day ago or more: each sample click writes a small SQLite file in the temp
    folder, which a server running for months must not keep collecting."""
    import shutil
    import time

    tmp = Path(tempfile.gettempdir())
    mine = Path(url.removeprefix("sqlite:///")).parent if url and url.startswith("sqlite:///") else None
    for folder in tmp.glob(SAMPLE_PREFIX + "*"):
        try:
            old = time.time() - folder.stat().st_mtime > SAMPLE_MAX_AGE
            if folder == mine or old:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def load_sample() -> None:
    """A fresh SQLite file for this session with the sample 月度执行表 in it: the user's own database is
    never touched by the sample."""
    try:
        raw = SAMPLE_PATH.read_bytes()
    except OSError:
        st.session_state[state.MONITOR_NOTICE] = ("error", T["sample_missing"])
        return
    _drop_sample_folders(st.session_state.get(state.MONITOR_SAMPLE_URL))
    folder = Path(tempfile.mkdtemp(prefix=SAMPLE_PREFIX))
    url = f"sqlite:///{folder / 'sample.db'}"
    s = storage.open_url(url)
    import_snapshot(s, raw, SAMPLE_PATH.name, unit=sample.UNIT, year=sample.YEAR, as_of=SAMPLE_AS_OF)
    st.session_state[state.MONITOR_SAMPLE_URL] = url
    st.session_state[state.MONITOR_SERIES] = (sample.UNIT, sample.YEAR)


def leave_sample() -> None:
    _drop_sample_folders(st.session_state.get(state.MONITOR_SAMPLE_URL))
    st.session_state[state.MONITOR_SAMPLE_URL] = None
    st.session_state[state.MONITOR_SERIES] = None


def save_snapshot(s: Store, upload, unit: str, year: int | None, as_of: date | None) -> tuple[str, str]:
    if upload is None:
        return "error", "请先选择文件。"
    try:
        result, err = storage.call(
            import_snapshot,
            s,
            upload.getvalue(),
            upload.name,
            unit=unit,
            year=None if year is None else int(year),
            as_of=as_of,
            settings=storage.settings_to_dict(data.settings()),
        )
    except m.IngestError as exc:
        return "error", exc.message
    if result is None:
        return "error", err or storage.T["failed"]
    st.session_state[state.MONITOR_SERIES] = (unit.strip(), int(result.year or year))
    return ("info" if result.duplicate else "success"), result.message


def monitor_of(s: Store, unit: str, year: int) -> tuple[c.Monitor | None, list[str], str | None]:
    try:
        result, err = storage.call(load, s, unit, year, data.settings())
    except m.IngestError as exc:
        return None, [], exc.message
    if result is None:
        return None, [], err
    mon, notes = result
    return mon, notes, None


# --- settings ------------------------------------------------------------------------------------
def settings_panel() -> None:
    """The band edges and 结余 tiers, kept with the session's other settings."""
    s = data.settings()
    col1, col2, col3 = st.columns(3)
    green = col1.number_input(
        "绿灯：低于序时进度不超过（个百分点）",
        min_value=0.0,
        max_value=100.0,
        step=1.0,
        value=float(s.monitor_green_below),
        key="mon_green",
        help="默认 0：不低于序时进度为绿灯。",
    )
    red = col2.number_input(
        "红灯：低于序时进度超过（个百分点）",
        min_value=0.0,
        max_value=100.0,
        step=1.0,
        value=float(s.monitor_red_below),
        key="mon_red",
        help="默认 10：低于序时进度 10 个百分点以内为黄灯，超过为红灯。",
    )
    tiers_text = col3.text_input(
        "结余档次（万元）",
        value=", ".join(f"{x:g}" for x in s.unspent_tiers),
        key="mon_tiers",
        help="截至日期尚未支出的金额分档，用逗号分隔，默认 200, 500, 1000。",
    )
    try:
        tiers = tuple(float(x) for x in tiers_text.replace("，", ",").split(",") if x.strip())
    except ValueError:
        st.error(T["tiers_bad"])
        return
    new = s.with_(monitor_green_below=float(green), monitor_red_below=float(red), unspent_tiers=tiers)
    problem = c.check_settings(new)
    if problem:
        st.error(problem)
    elif new != s:
        data.set_settings(new)
        st.rerun()


# --- tables --------------------------------------------------------------------------------------
def _r(values) -> list[float | None]:
    return [round_half_up(x, 2) if x == x and x is not None else None for x in values]


def units_table(mon: c.Monitor) -> pd.DataFrame:
    u = mon.units
    return pd.DataFrame(
        {
            COL["rank"]: u[c.RANK],
            COL["unit"]: u[m.UNIT].astype(str),
            COL["budget"]: _r(u[m.BUDGET]),
            COL["executed"]: _r(u[m.EXECUTED]),
            COL["rate"]: _r(u[c.RATE]),
            COL["gap"]: _r(u[c.GAP]),
            COL["unspent"]: _r(u[c.UNSPENT]),
            COL["tier"]: u[c.TIER_LABEL],
            COL["band"]: [c.BAND_LABELS.get(b, "—") for b in u[c.BAND]],
            COL["red"]: u[c.RED_PROJECTS],
            COL["missing"]: u[c.MISSING_REASONS],
        }
    )


def projects_table(mon: c.Monitor) -> pd.DataFrame:
    p = mon.projects
    out = pd.DataFrame(
        {
            COL["band"]: [c.BAND_LABELS.get(b, "—") for b in p[c.BAND]],
            COL["unit"]: p[m.UNIT].astype(str),
            COL["project"]: p[m.PROJECT].astype(str),
            COL["budget"]: _r(p[m.BUDGET]),
            COL["executed"]: _r(p[m.EXECUTED]),
            COL["rate"]: _r(p[c.RATE]),
            COL["gap"]: _r(p[c.GAP]),
            COL["unspent"]: _r(p[c.UNSPENT]),
            COL["tier"]: p[c.TIER_LABEL],
            COL["status"]: p[c.STATUS],
            COL["reason"]: [
                r if r else ("待说明" if need else "") for r, need in zip(p[c.REASON], p[c.NEEDS_REASON])
            ],
        }
    )
    return out if mon.has_inner_units else out.drop(columns=[COL["unit"]])


def indicators_table(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "监控结果": [c.BAND_LABELS.get(b, "—") if isinstance(b, str) else "—" for b in frame["band"]],
            "项目名称": frame["project"].astype(str),
            "指标": frame["indicator"].astype(str),
            "指标性质": frame["nature"],
            "指标值": frame["target"],
            "完成值（年中）": frame["actual"],
            "度量单位": frame["measure"],
            "完成进度（%）": _r(frame["progress"]),
            COL["gap"]: _r(frame["gap_points"]),
        }
    )


def column_config() -> dict:
    cfg = {k: st.column_config.NumberColumn(format=f) for k, f in MONEY.items()}
    cfg[COL["project"]] = st.column_config.TextColumn(width="medium", pinned=True)
    cfg[COL["reason"]] = st.column_config.TextColumn(width="large")
    return cfg


def show_notice() -> None:
    n = st.session_state.pop(state.MONITOR_NOTICE, None)
    if n:
        level, text = n
        {"success": st.success, "info": st.info}.get(level, st.error)(widgets.md_escape(text))
