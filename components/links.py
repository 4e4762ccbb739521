"""Links that reopen a view: the stored dataset, the unit filter and the open project live in the URL.

The page is the URL's path (st.navigation names each page after its file, /execution); the rest is
in ``st.query_params``:

    /execution?dataset=3&unit=科技馆&project=12

``restore`` reads the URL once, on the first run of a session (a link opened in another browser, or a
reload), before any widget is drawn; ``publish`` writes the current view back on every run, so the
address bar always holds a link that can be sent. Only a stored dataset can be named in a link: a
file uploaded in this session is in nobody else's browser.
"""

from __future__ import annotations

import streamlit as st

from components import data, state, storage
from jixiao import model as m

T = {"gone": "链接中的数据集（编号 {id}）无法打开：{reason}"}
LINK_ERROR = "jx_link_error"  # why the dataset a link named did not open, shown once
DATASET = "dataset"
UNIT = "unit"
PROJECT = "project"


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def restore() -> None:
    """First run of a session: open the dataset the URL names (or, with none named and nothing loaded,
    the latest stored dataset), then the unit filter and the project it names."""
    ss = st.session_state
    if ss.get(state.LINK_RESTORED):
        return
    ss[state.LINK_RESTORED] = True
    qp = st.query_params
    dataset_id = _int(qp.get(DATASET))
    if dataset_id is not None and dataset_id != ss.get(state.STORED_ID):
        err = storage.open_dataset(dataset_id)
        if err:
            ss[LINK_ERROR] = T["gone"].format(id=dataset_id, reason=err)
            return
    elif dataset_id is None and data.table() is None:
        storage.open_latest()
    units = [u for u in qp.get_all(UNIT) if u.strip()]
    if units:
        ss[state.FOCUS_UNITS] = units
    project = _int(qp.get(PROJECT))
    if project is not None:
        ss[state.FOCUS_PROJECT] = project


def notice() -> None:
    """Why the link's dataset did not open (once, above the page)."""
    err = st.session_state.pop(LINK_ERROR, None)
    if err:
        st.warning(err, icon=":material/link_off:")


def current() -> dict[str, list[str]]:
    """The query parameters of the view on screen."""
    ss = st.session_state
    out: dict[str, list[str]] = {}
    if ss.get(state.STORED_ID) is not None and data.table() is not None:
        out[DATASET] = [str(ss[state.STORED_ID])]
    units = focus_units()
    if units:
        out[UNIT] = list(units)
    project = ss.get(state.FOCUS_PROJECT)
    if project is not None and data.table() is not None:
        out[PROJECT] = [str(project)]
    return out


def publish() -> None:
    """Put the current view into the address bar (only when it changed: each write is a message to the
    browser)."""
    want = current()
    have = {k: st.query_params.get_all(k) for k in st.query_params}
    if have != want:
        st.query_params.from_dict(want)


# --- the focus every page shares ----------------------------------------------------------------
def focus_units() -> list[str]:
    return list(st.session_state.get(state.FOCUS_UNITS) or [])


def set_units(units: list[str]) -> None:
    ss = st.session_state
    ss[state.FOCUS_UNITS] = list(units)
    a = data.analysis()
    project = ss.get(state.FOCUS_PROJECT)
    # the open project stays open only while it belongs to the units shown
    if (
        units
        and a is not None
        and project in a.projects.index
        and str(a.projects.at[project, m.UNIT]) not in units
    ):
        ss[state.FOCUS_PROJECT] = None


def focus_project() -> int | None:
    return st.session_state.get(state.FOCUS_PROJECT)


def set_project(index: int | None) -> None:
    st.session_state[state.FOCUS_PROJECT] = None if index is None else int(index)
