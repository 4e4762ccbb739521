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

from pathlib import Path

import streamlit as st

from components import data, state, storage
from jixiao import model as m

T = {"gone": "链接中的数据集（编号 {id}）无法打开：{reason}"}
LINK_ERROR = "jx_link_error"  # why the dataset a link named did not open, shown once
DEEP_PAGE = "jx_deep_page"  # the page a link named, when the server ran it without app.py
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


def _params() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in st.query_params}


def through_app(page_file: str) -> None:
    """Call first in every page. A server that has not yet run app.py (just started) treats pages/ as
    Streamlit's old folder of pages and runs a linked page on its own, without app.py's navigation,
    sidebar and link handling: go through app.py, which turns to this page with the link's parameters."""
    from streamlit.runtime.pages_manager import PagesManager

    if not PagesManager.uses_pages_directory:
        return
    st.session_state[DEEP_PAGE] = f"pages/{Path(page_file).name}"
    st.switch_page("app.py", query_params=_params())


def follow_deep_link(current: str) -> None:
    """In app.py after st.navigation: on to the page a link named (see ``through_app``)."""
    page = st.session_state.pop(DEEP_PAGE, None)
    if page and Path(page).stem != current:
        st.switch_page(page, query_params=_params())


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
