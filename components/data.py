"""Session glue: file bytes → parsed dataset (cached by content hash) → analysis under the settings.

Pages never touch st.session_state for the dataset directly; they call ``analysis()``, ``load()``,
``load_sample()`` and ``settings()`` here. The table helpers at the bottom are pure (frame in, frame
out) so the pages stay thin and the tests can call them without a running app.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from components import state
from jixiao import model as m
from jixiao.fmt import is_missing, round_array, round_half_up
from jixiao.naming import guess_unit_year
from jixiao.perf import gc_paused
from jixiao.read import Dataset, read_dataset
from jixiao.safe_text import md_escape
from jixiao.settings import Settings
from jixiao.summary.analysis import DEVIATES, Analysis, analyze
from jixiao.summary.flags import FLAG_LABELS

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_PATH = ROOT / "sample_data" / "henan_2023_summary.xlsx"
SAMPLE_NAME = "henan_2023_summary.xlsx"

MSG = {
    "sample_missing": "找不到示例数据文件（sample_data/henan_2023_summary.xlsx），请检查安装是否完整。",
    "unexpected": "读取文件时出现意外错误，未能导入。请确认文件是 Excel 或 CSV 表格；如问题持续，请把文件发给维护者。",
    "no_table": "文件已读取，但其中没有可用于看板的项目表。",
}


# --- parsing (cached by content hash) --------------------------------------------------------------
def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _overrides_key(overrides: dict[str, Any] | None) -> str:
    return json.dumps(overrides or {}, sort_keys=True, ensure_ascii=False)


@st.cache_data(max_entries=16, show_spinner="正在读取文件…")
def _parse(digest: str, filename: str, overrides_key: str, target_deviation: float, _data: bytes) -> Dataset:
    # The bytes are excluded from the cache key (leading underscore): the digest names them, so a
    # 20 MB file is hashed once, not on every rerun.
    overrides = json.loads(overrides_key)
    if "columns" in overrides:
        overrides["columns"] = {k: int(v) for k, v in overrides["columns"].items()}
    with gc_paused():
        return read_dataset(_data, filename, target_deviation=target_deviation, **overrides)


def parse(data: bytes, filename: str, overrides: dict[str, Any] | None = None) -> Dataset:
    """Raises jixiao.model.IngestError for a file that cannot be read. 自评表 are read with the
    deviation tolerance of the settings, so it is part of the cache key."""
    return _parse(digest_of(data), filename, _overrides_key(overrides), settings().target_deviation, data)


def load(
    data: bytes,
    filename: str,
    overrides: dict[str, Any] | None = None,
    *,
    origin: tuple[int, int] | None = None,
) -> str | None:
    """Parse ``data`` and make it the current dataset. Returns a Chinese error message, or None.

    ``origin`` is (dataset id, version) when the bytes come from the store (components/storage.py);
    None means a file of this session (upload, sample, correction), remembered so the sidebar can
    switch back to it and 数据导入 can save it.

    On any error the previously loaded data stays as it was: a bad file must not wipe a good one.
    """
    try:
        ds = parse(data, filename, overrides)
    except m.IngestError as exc:
        st.session_state[state.UPLOAD_ERROR] = exc.message
        return exc.message
    except Exception:  # a parser bug must not take the page down; the user keeps the old data
        st.session_state[state.UPLOAD_ERROR] = MSG["unexpected"]
        return MSG["unexpected"]
    ss = st.session_state
    if ds.kind == m.KIND_FINAL_ACCOUNTS:
        # 决算 data has no project table: it sits beside the current table, which stays.
        ss[state.FINAL_ACCOUNTS] = ds.detail
        ss[state.FINAL_ACCOUNTS_NAME] = filename
        ss[state.FINAL_FILE] = _file_record(data, filename, overrides, ds.kind, origin)
    elif ds.table is None:
        ss[state.UPLOAD_ERROR] = MSG["no_table"]
        return MSG["no_table"]
    else:
        if ss.get(state.UPLOAD_DIGEST) != digest_of(data):
            # another table: a unit filter or an open project of the last one means nothing here
            ss[state.FOCUS_UNITS], ss[state.FOCUS_PROJECT] = [], None
        ss[state.TABLE] = ds.table
        ss[state.KIND] = ds.kind
        ss[state.UPLOAD_NAME] = filename
        ss[state.UPLOAD_BYTES] = data
        ss[state.UPLOAD_DIGEST] = digest_of(data)
        ss[state.OVERRIDES] = dict(overrides or {})
        if ds.kind in m.FORM_KINDS:
            # the 项目自评表 page shows the forms behind the rolled-up table; a plain summary table
            # leaves forms read on that page alone
            ss[state.FORMS] = ds.detail
        if ds.final_accounts is not None:
            # a 决算 report with its 自评表 annexed: 决算图表 shows its figures without a second upload
            ss[state.FINAL_ACCOUNTS] = ds.final_accounts
            ss[state.FINAL_ACCOUNTS_NAME] = filename
        ss[state.DATASET] = None  # recomputed by analysis() under the current settings
        ss[state.STORED_ID], ss[state.STORED_VERSION] = origin or (None, None)
        ss[state.STORED_UNIT], ss[state.STORED_YEAR] = None, None  # components.storage sets them
        if origin is None:
            ss[state.SESSION_FILE] = _file_record(data, filename, overrides, ds.kind, None)
    if ss.get(state.UPLOAD_SEEN) != digest_of(data):
        # another file is current now: the uploader's file, handed back again, must be read again
        ss[state.UPLOAD_SEEN] = None
    ss[state.LAST_KIND] = ds.kind
    ss[state.UPLOAD_ERROR] = None
    return None


def _file_record(
    data: bytes, filename: str, overrides: dict[str, Any] | None, kind: str, origin: tuple[int, int] | None
) -> dict[str, Any]:
    return {
        "name": filename,
        "data": data,
        "overrides": dict(overrides or {}),
        "kind": kind,
        "origin": origin,
    }


def stored_origin() -> tuple[int, int] | None:
    """(dataset id, version) of the stored dataset the current table came from, or None."""
    ss = st.session_state
    sid = ss.get(state.STORED_ID)
    return None if sid is None else (int(sid), int(ss.get(state.STORED_VERSION) or 0))


def handle_upload(data: bytes, filename: str) -> str | None:
    """The uploader hands back the same file on every rerun: parse each new file once."""
    digest = digest_of(data)
    if st.session_state.get(state.UPLOAD_SEEN) == digest:
        return st.session_state.get(state.UPLOAD_ERROR)
    st.session_state[state.UPLOAD_SEEN] = digest
    return load(data, filename)


def forget_upload() -> None:
    """The uploader was cleared: the next file (even the same one again) is parsed afresh."""
    st.session_state[state.UPLOAD_SEEN] = None
    st.session_state[state.UPLOAD_ERROR] = None


def reparse(overrides: dict[str, Any]) -> str | None:
    """Re-read the current file with the user's corrections (sheet, header rows, columns, unit)."""
    data, name = st.session_state.get(state.UPLOAD_BYTES), st.session_state.get(state.UPLOAD_NAME)
    if data is None or name is None:
        return MSG["no_table"]
    return load(data, name, overrides)


def load_sample() -> str | None:
    try:
        data = SAMPLE_PATH.read_bytes()
    except OSError:
        st.session_state[state.UPLOAD_ERROR] = MSG["sample_missing"]
        return MSG["sample_missing"]
    return load(data, SAMPLE_NAME)


# --- settings and analysis ----------------------------------------------------------------------
def settings() -> Settings:
    s = st.session_state.get(state.SETTINGS)
    if not isinstance(s, Settings):
        s = Settings()
        st.session_state[state.SETTINGS] = s
    return s


def set_settings(s: Settings) -> None:
    old = settings()
    st.session_state[state.SETTINGS] = s
    ss = st.session_state
    if (
        s.target_deviation != old.target_deviation
        and ss.get(state.KIND) in m.FORM_KINDS
        and ss.get(state.UPLOAD_BYTES) is not None
    ):
        # 自评表 flags depend on the tolerance at read time: read the same file again (cached per value)
        load(ss[state.UPLOAD_BYTES], ss[state.UPLOAD_NAME], ss.get(state.OVERRIDES), origin=stored_origin())


def table() -> m.ProjectTable | None:
    return st.session_state.get(state.TABLE)


def analysis() -> Analysis | None:
    """The analysis of the current table under the current settings, recomputed only when either
    changed (the parse itself is cached separately)."""
    t = table()
    if t is None:
        return None
    s = settings()
    a = st.session_state.get(state.DATASET)
    if not isinstance(a, Analysis) or a.table is not t or a.settings != s:
        with gc_paused():
            a = analyze(t, s)
        st.session_state[state.DATASET] = a
    return a


def unit_year() -> tuple[str, int | None]:
    """Unit and year of the current table: as it was saved in the store, else read from the table's
    title and file name (the year also from its header or 年度 column), else the one unit its 单位
    column names. ("", None) when nothing says."""
    ss = st.session_state
    t = table()
    if t is None:
        return "", None
    if ss.get(state.STORED_ID) is not None and ss.get(state.STORED_UNIT):
        return str(ss[state.STORED_UNIT]), ss.get(state.STORED_YEAR)
    unit, year = guess_unit_year(t.source.title, ss.get(state.UPLOAD_NAME) or t.source.file)
    year = year or t.source.report_year  # the year its header columns or 年度 column name
    if not unit and t.has_units:
        names = t.projects[m.UNIT].dropna().astype(str).unique()
        if len(names) == 1:
            unit = names[0]
    return unit or "", year


def heading(title: str) -> str:
    """A page heading naming the unit and year of the data on screen: "总览 · 某单位 · 2023年"."""
    unit, year = unit_year()
    # the unit is typed by a user or read from a file: a Markdown title must show it as it is
    parts = [title, md_escape(unit) if unit else "", f"{year}年" if year else ""]
    return " · ".join(x for x in parts if x)


def upload_error() -> str | None:
    return st.session_state.get(state.UPLOAD_ERROR)


# --- pure table helpers ------------------------------------------------------------------------
# More units than UNIT_BARS_MAX make a unit bar chart metres long: the pages draw the slowest
# UNIT_BARS_TOP and say so (the ranking table below lists them all).
UNIT_BARS_MAX = 40
UNIT_BARS_TOP = 30


def bar_units(units: pd.DataFrame) -> pd.DataFrame:
    """The units a unit bar chart shows: all of them, or past UNIT_BARS_MAX the UNIT_BARS_TOP slowest
    (units without a rate last)."""
    if len(units) <= UNIT_BARS_MAX:
        return units
    rate = pd.to_numeric(units["execution_rate"], errors="coerce")
    order = rate.reset_index(drop=True).sort_values(na_position="last", kind="stable").index
    return units.iloc[order[:UNIT_BARS_TOP]]


def pick_projects(
    projects: pd.DataFrame,
    units: list[str] | None = None,
    query: str = "",
    order: str = "slowest",
    top_n: int | None = None,
) -> pd.DataFrame:
    """Filter by unit and name search, order, and keep the first ``top_n``. ``order`` is slowest /
    fastest / largest (budget) / lowest_score."""
    df = projects
    if units:
        df = df[df[m.UNIT].isin(units)]
    q = query.strip()
    if q:
        df = df[df[m.PROJECT].astype(str).str.contains(q, case=False, regex=False, na=False)]
    keys = {
        "slowest": (m.EXECUTION_RATE, True),
        "fastest": (m.EXECUTION_RATE, False),
        "largest": (m.BUDGET, False),
        "lowest_score": (m.SCORE, True),
    }
    col, asc = keys.get(order, keys["slowest"])
    sort_key = pd.to_numeric(df[col], errors="coerce")
    df = df.assign(_k=sort_key).sort_values("_k", ascending=asc, na_position="last", kind="stable")
    df = df.drop(columns="_k")
    return df.head(top_n) if top_n else df


# Column names and verdict words of the 偏差预警 table (page, download and tests share them).
FCOL = {
    "row": "行号",
    "seq": "序号",
    "unit": "单位",
    "project": "项目名称",
    "rate": "执行率（%）",
    "types": "偏差类型",
    "self": "单位自报偏差",
    "computed": "按规则判定",
    "agree": "是否一致",
    "budget": "预算数（万元）",
    "executed": "执行数（万元）",
    "reasons": "原因说明",
}
# The verdicts come right after the name: the reasons are long and read better last (and in the
# per-project list under the table).
FLAGGED_COLUMNS = list(FCOL.values())
WORDS = {
    "yes": "是",
    "no": "否",
    "blank": "未填",
    "agree": "一致",
    "disagree": "不一致",
    "deviates": "有偏差",
    "fine": "无偏差",
    "none": "—",
}


def self_flag_text(x: object) -> str:
    if x is None or is_missing(x):
        return WORDS["blank"]
    return WORDS["yes"] if bool(x) else WORDS["no"]


def self_flagged(x: object) -> bool:
    return self_flag_text(x) == WORDS["yes"]


def flagged_table(projects: pd.DataFrame) -> pd.DataFrame:
    """The 偏差预警 list with Chinese column names: every reason in words, the unit's own verdict
    beside the computed one. Built a column at a time: a province-wide list has tens of thousands
    of rows."""
    n = len(projects)
    if not n:
        return pd.DataFrame(columns=FLAGGED_COLUMNS)
    flags = projects[m.FLAGS].tolist()
    own = projects[m.SELF_FLAG].tolist()
    computed = projects[DEVIATES].to_numpy(dtype=bool)
    said = np.array([0 if x is None or is_missing(x) else 1 if bool(x) else 2 for x in own])
    agree = np.where(
        said == 0, WORDS["none"], np.where((said == 1) == computed, WORDS["agree"], WORDS["disagree"])
    )
    texts = {x: self_flag_text(x) for x in set(map(_key, own))}
    label = FLAG_LABELS.get
    columns = {
        FCOL["row"]: projects[m.SHEET_ROW].astype(int).to_numpy(),
        FCOL["seq"]: _texts(projects[m.SEQ]),
        FCOL["unit"]: _texts(projects[m.UNIT]),
        FCOL["project"]: [str(x) for x in projects[m.PROJECT].tolist()],
        FCOL["rate"]: _rounded(projects[m.EXECUTION_RATE]),
        FCOL["types"]: ["、".join(label(f.code, f.code) for f in fl) for fl in flags],
        FCOL["self"]: [texts[_key(x)] for x in own],
        FCOL["computed"]: np.where(computed, WORDS["deviates"], WORDS["fine"]).tolist(),
        FCOL["agree"]: agree.tolist(),
        FCOL["budget"]: _rounded(projects[m.BUDGET]),
        FCOL["executed"]: _rounded(projects[m.EXECUTED]),
        FCOL["reasons"]: ["\n".join(f.reason for f in fl) for fl in flags],
    }
    return pd.DataFrame(columns, columns=FLAGGED_COLUMNS)


def _key(x: object) -> object:
    """A self-flag cell as a dict key (NaN is never equal to itself)."""
    return None if x is None or is_missing(x) else x


def _texts(series: pd.Series) -> list[str]:
    return ["" if x is None or is_missing(x) else str(x) for x in series.tolist()]


def _rounded(series: pd.Series) -> list[float | None]:
    values = round_array(pd.to_numeric(series, errors="coerce").to_numpy(dtype=float), 2)
    return [None if x != x else x for x in values.tolist()]


def _round(x: object) -> float | None:
    if is_missing(x):
        return None
    try:
        return round_half_up(float(x), 2)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


# Column names of the unit ranking (总览).
UCOL = {
    "rank": "排名",
    "unit": "单位",
    "projects": "项目数",
    "budget": "预算数（万元）",
    "executed": "执行数（万元）",
    "unexecuted": "未执行（万元）",
    "rate": "执行率（%）",
    "deviating": "偏差项目数",
}


def unit_ranking(a: Analysis) -> pd.DataFrame:
    """Units slowest first, with the money not spent and the projects 有较大偏差: 排名 1 is the slowest."""
    units = a.units
    if units.empty:
        return pd.DataFrame(columns=list(UCOL.values()))
    p = a.projects
    deviating = p.groupby(p[m.UNIT].fillna("（未注明单位）"), sort=False)[DEVIATES].sum()
    df = units.assign(_r=pd.to_numeric(units["execution_rate"], errors="coerce"))
    df = df.sort_values("_r", na_position="last", kind="stable").reset_index(drop=True)
    budget = pd.to_numeric(df["budget"], errors="coerce")
    executed = pd.to_numeric(df["executed"], errors="coerce")
    return pd.DataFrame(
        {
            UCOL["rank"]: range(1, len(df) + 1),
            UCOL["unit"]: df["unit"].astype(str),
            UCOL["projects"]: df["projects"].astype(int),
            UCOL["budget"]: [_round(x) for x in budget],
            UCOL["executed"]: [_round(x) for x in executed],
            UCOL["unexecuted"]: [_round(x) for x in (budget - executed)],
            UCOL["rate"]: [_round(x) for x in df["_r"]],
            UCOL["deviating"]: [int(deviating.get(u, 0)) for u in df["unit"]],
        }
    )


def self_flag_column(a: Analysis) -> bool:
    """Whether the table has a 是否有较大偏差 column at all (a count of 0 from no column is no answer)."""
    return m.SELF_FLAG in a.table.source.columns or a.projects[m.SELF_FLAG].notna().any()
