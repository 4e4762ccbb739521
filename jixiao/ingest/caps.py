"""Limits of what one uploaded file may make the reader hold, and the error the readers raise.

Kept free of pandas and of the rest of the package: the guarded worker (``worker.py``) imports it
in a process that must start in milliseconds.
"""

from __future__ import annotations

MAX_SHEETS = 200
MAX_ROWS = 200_000
MAX_COLS = 200
# calamine holds a sheet as a dense grid from its first to its last cell
MAX_GRID_CELLS = 10_000_000
MAX_CELLS = 10_000_000  # cells written in the XML, whatever their positions
# Cells of all the sheets together that reach the server: each is a Python object there, and every
# reader looks at every one. A few sheets each under the grid cap made 1.6 GB and 35 seconds of it.
MAX_TOTAL_CELLS = MAX_GRID_CELLS
# Beyond this the first ranges are kept: 30,000 merged ranges cost minutes in header detection.
MAX_MERGED = 5_000
MAX_MERGED_CELLS = 100_000  # one range larger than this is dropped: filling it costs more than the sheet
# Characters of shared strings the cells reference, counted once per referencing cell: one long
# string referenced by every cell is a few KB on disk and gigabytes once read.
MAX_STRING_CHARS = 100_000_000

STOPPED = "文件过大或结构异常，已停止读取："


class ReadError(Exception):
    """A file that cannot be read; ``message`` is the Chinese text shown to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
