"""Datasets that last (SQLAlchemy 2; SQLite by default, PostgreSQL for an office).

In: the original file bytes with the corrections and settings in force. Out: stored series (unit,
year, kind) with versions, read back as the same bytes so pages re-derive everything (db.py).
"""
