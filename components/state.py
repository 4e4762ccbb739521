"""Every st.session_state key the app uses, defined once.

Widget state is dropped when the page changes, so parsed data and settings live under these keys,
not under widget keys. components/data.py is the only module that writes the dataset keys.
"""

from __future__ import annotations

# --- the current dataset --------------------------------------------------------------------
DATASET = "jx_dataset"  # jixiao.summary.analysis.Analysis of the current project table (or None)
TABLE = "jx_table"  # jixiao.model.ProjectTable the analysis is computed from (or None)
KIND = "jx_kind"  # jixiao.model.KIND_* of the loaded file
UPLOAD_NAME = "jx_upload_name"
UPLOAD_BYTES = "jx_upload_bytes"
UPLOAD_DIGEST = "jx_upload_digest"  # sha256 of UPLOAD_BYTES: the parse cache key
LAST_KIND = "jx_last_kind"  # kind of the last file read successfully (the import page says what it was)
UPLOAD_ERROR = "jx_upload_error"  # the last friendly error message, shown on the import page
UPLOAD_SEEN = "jx_upload_seen"  # digest of the last file the uploader handed us (parsed once)
OVERRIDES = "jx_overrides"  # the user's corrections on the import page (sheet, header rows, columns, unit)
SETTINGS = "jx_settings"  # jixiao.settings.Settings (always a valid one)
SETTINGS_ERROR = "jx_settings_error"  # why the last edit of the settings was not applied

# --- 部门决算 (final accounts) -----------------------------------------------------------------
FINAL_ACCOUNTS = "jx_final_accounts"
FINAL_ACCOUNTS_NAME = "jx_final_accounts_name"  # file the 决算 data came from

# --- 自评表 (per-project forms) ----------------------------------------------------------------
FORMS = "jx_forms"  # jixiao.forms.FormsDataset (or None): the detail behind a table rolled up from 自评表
FORMS_UPLOAD_DIGEST = "jx_forms_upload_digest"  # sha256 of the last forms upload read, so reruns skip it

# --- 汇报模式 ------------------------------------------------------------------------------------
PRESENT_SLIDE = "jx_present_slide"  # index of the slide shown in 汇报模式

# --- stored datasets (components/storage.py) ---------------------------------------------------
STORED_ID = "jx_stored_id"  # id of the stored dataset the current table came from; None = this session's file
STORED_VERSION = "jx_stored_version"  # its version as loaded
SESSION_FILE = "jx_session_file"  # this session's own table file: {name, data, overrides, kind} (or None)
FINAL_FILE = "jx_final_file"  # the 决算 file read through read_dataset: {name, data, overrides, kind, origin}
STORE_NOTICE = "jx_store_notice"  # (level, text) of the last save / rename / delete, shown once
STORE_ERROR = "jx_store_error"  # why the sidebar picker could not open a stored dataset
LOGIN_SESSION = "jx_login_session"  # this session's key in the login throttle (jixiao.auth.THROTTLE)
ADMIN = "jx_admin"  # True once the admin password was given (only matters with a password hash set)
ADMIN_ERROR = "jx_admin_error"  # the last failed login, in Chinese
STORED_UNIT = "jx_stored_unit"  # unit and year the current stored dataset was saved under (headings, exports)
STORED_YEAR = "jx_stored_year"

# --- what the user looks at (components/links.py puts it in the URL) ---------------------------
FOCUS_UNITS = "jx_focus_units"  # list[str]: the unit filter every page shares (a click on a unit bar sets it)
FOCUS_PROJECT = "jx_focus_project"  # index of the project whose detail is open (Analysis.projects), or None
LINK_RESTORED = "jx_link_restored"  # True once the URL of the first run was read (dataset, unit, project)

# --- 监控 (pages/monitor.py) ---------------------------------------------------------------------
MONITOR_SAMPLE_URL = "jx_monitor_sample_url"  # SQLite file of this session's monitoring sample (or None)
MONITOR_SERIES = "jx_monitor_series"  # (unit, year) shown on 监控
MONITOR_NOTICE = "jx_monitor_notice"  # (level, text) of the last snapshot save, shown once
