"""Every table on the pages goes through ``show_table``: one place decides how a missing value reads."""

from __future__ import annotations

from typing import Any

import streamlit as st

# Streamlit writes "None" in a cell with no value; a finance reader expects a dash.
MISSING = "—"


def show_table(data: Any, **kwargs: Any) -> Any:
    """``st.dataframe`` with missing values shown as a dash (a caller may still pass its own)."""
    kwargs.setdefault("placeholder", MISSING)
    return st.dataframe(data, **kwargs)
