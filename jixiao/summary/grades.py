"""The 自评等级 a 汇总表 prints beside each score ("优", "良好", "合格"), checked against the grade the
score earns (``jixiao.grading``). A grade typed by hand often stays as it was when the score was
corrected; the dashboard shows the difference rather than trusting either."""

from __future__ import annotations

import pandas as pd

from jixiao import model as m
from jixiao.grading import grade_word


def mismatches(projects: pd.DataFrame) -> list[tuple[int, str, str, float]]:
    """(row position, grade as printed, grade the score earns, score) where the two differ."""
    if m.REPORTED_GRADE not in projects.columns:
        return []
    printed = projects[m.REPORTED_GRADE].tolist()
    known = {t: grade_word(t) for t in set(printed) if isinstance(t, str)}
    out = []
    for i, (text, earned, score) in enumerate(
        zip(printed, projects[m.GRADE].tolist(), projects[m.SCORE].tolist())
    ):
        said = known.get(text) if isinstance(text, str) else None
        if said and earned and said != earned:
            out.append((i, text.strip(), earned, float(score)))
    return out
