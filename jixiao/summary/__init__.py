"""项目单位自评汇总表: one row per project.

In: sheets from ``jixiao.ingest`` (cells, merges). Out: a ``model.ProjectTable`` (read.py), the
recomputed rates, scores, grades and unit roll-ups (compute.py, schemes.py), the deviation flags
(flags.py), the consistency findings (audit.py), and all of it at once as an ``Analysis``
(analysis.py). Forms roll up into the same ProjectTable, so every dashboard page uses this package.
"""
