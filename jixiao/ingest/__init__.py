"""Bytes → sheets: the only package that touches file formats.

In: uploaded bytes and a file name. Out: ``workbook.Sheet`` objects (cells as Python values, merged
ranges), guarded against hostile files (workbook.py, excel.py); value parsing shared by every reader
(values.py) and the header synonyms of the project table (header.py). Imports no domain code.
"""
