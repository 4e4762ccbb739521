"""Exports of an analysis: an editable PowerPoint, a clean Excel workbook, a printable HTML report, Word documents.

    jixiao.export.pptx.build_pptx(analysis, *, unit=None, year=None, final_accounts=None, today=None) -> bytes
    jixiao.export.xlsx.build_xlsx(analysis) -> bytes; flagged_xlsx(analysis, projects=None, *, title=None)
    jixiao.export.html.build_html(analysis, *, final_accounts=None, unit=None, year=None, today=None) -> str
    jixiao.export.bundle.build_all(...) -> {"report.pptx", "report.xlsx", "report.html", "report.docx"[, "final_accounts.docx"]: bytes}
    jixiao.export.docx.build_selfeval_docx / jixiao.export.final_docx.build_final_docx -> bytes (公文 layout: gongwen.py)
    jixiao.export.common: what they share (unit and year, KPIs, labels, sentences)

The figure builders and the colours come from ``components/`` (plain plotly, no streamlit), which
is installed with the package.
"""
