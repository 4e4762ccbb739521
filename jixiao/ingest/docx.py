"""A Word .docx -> its text, paragraphs then table rows (cells tab-separated), one per line.

Runs inside the guarded worker: the statement checker's uploads get the same zip checks, memory
cap and time limit as workbooks.
"""

from __future__ import annotations

import io

from jixiao.ingest.caps import ReadError

DAMAGED = "Word 文件已损坏或不是 .docx 格式，无法读取。"


def docx_text(data: bytes) -> str:
    from docx import Document

    try:
        doc = Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several unrelated types for a bad package
        raise ReadError(DAMAGED) from exc
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)
