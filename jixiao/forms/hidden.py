"""Hidden rows and columns in a 自评表 are left out as in every other table: the helper lives in
jixiao/ingest/hidden.py, shared with the 部门决算公开表 reader; this name stays for existing imports."""

from jixiao.ingest.hidden import without_hidden

__all__ = ["without_hidden"]
