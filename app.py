"""绩效看板 entry point: page config, navigation over pages/, and the sidebar every page shares.

Run with ``streamlit run app.py``. Each page script stays thin: it reads the analysis from
components.data and places figures from components.charts.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# `streamlit run app.py` puts app.py's folder on sys.path only for the main script; the pages import
# components/ and jixiao/ too, so make the project root importable without an install.
ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from components import links, storage, widgets  # noqa: E402

TITLE = "绩效看板"
PAGES = [
    # (script, title, icon, default)
    ("pages/overview.py", "总览", ":material/dashboard:", True),
    ("pages/import_data.py", "数据导入", ":material/upload_file:", False),
    ("pages/data_manage.py", "数据管理", ":material/database:", False),
    ("pages/execution.py", "预算执行", ":material/bar_chart:", False),
    ("pages/deviations.py", "偏差预警", ":material/warning:", False),
    ("pages/monitor.py", "监控", ":material/monitoring:", False),
    ("pages/scores.py", "得分分析", ":material/grading:", False),
    ("pages/history.py", "历年对比", ":material/timeline:", False),
    ("pages/units.py", "单位对比", ":material/leaderboard:", False),
    ("pages/selfeval_forms.py", "项目自评表", ":material/assignment:", False),
    ("pages/final_accounts.py", "决算图表", ":material/pie_chart:", False),
    ("pages/presentation.py", "汇报模式", ":material/slideshow:", False),
    ("pages/export.py", "导出报告", ":material/download:", False),
]

st.set_page_config(page_title=TITLE, page_icon="📊", layout="wide", initial_sidebar_state="auto")

nav = st.navigation(
    [st.Page(script, title=title, icon=icon, default=default) for script, title, icon, default in PAGES],
    # every page listed: past ten Streamlit would hide the rest behind "View more"
    expanded=True,
)
# A link to a page that a just-started server ran without this script comes back here first.
links.follow_deep_link(nav.url_path)
# A link opened in a fresh browser names its dataset, unit and project: open them before any widget is
# drawn (with nothing named, the latest stored dataset).
links.restore()
# Every change of data (upload, sample, re-mapping) happens in widget callbacks, which run before this
# script, so the sidebar drawn here already shows what the page below will use.
widgets.dataset_sidebar(picker=storage.picker)
storage.admin_sidebar()
widgets.settings_sidebar()
# the address bar holds the view on screen; callbacks (a click on a bar, a row) ran before this line
links.publish()
links.notice()
widgets.phone_layout(f"{nav.url_path}|{links.current()}")
nav.run()
