"""Exports of an analysis: an editable PowerPoint, a clean Excel workbook, a printable HTML report.

    build_pptx(analysis, *, unit=None, year=None, final_accounts=None, today=None) -> bytes
    build_xlsx(analysis) -> bytes
    flagged_xlsx(analysis, projects=None, *, title=None) -> bytes
    build_html(analysis, *, final_accounts=None, unit=None, year=None, today=None) -> str
    build_all(...) -> {"report.pptx": bytes, "report.xlsx": bytes, "report.html": bytes}

The figure builders and the colours come from ``components/`` (plain plotly, no streamlit), which
is installed with the package.
"""

from __future__ import annotations

from jixiao.export.bundle import build_all, build_zip, export_file
from jixiao.export.html import build_html
from jixiao.export.pptx import build_pptx
from jixiao.export.xlsx import build_xlsx, flagged_xlsx

__all__ = [
    "build_all",
    "build_html",
    "build_pptx",
    "build_xlsx",
    "build_zip",
    "export_file",
    "flagged_xlsx",
]
