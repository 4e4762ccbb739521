"""The 自评等级 a 汇总表 prints beside each score ("优", "良好", "合格"), checked against the grade the
score earns (优 ≥ 90, 良 80–90, 中 60–80, 差 < 60: ``compute.GRADES``). A grade typed by hand often
stays as it was when the score was corrected; the dashboard shows the difference rather than trusting
either."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from jixiao import model as m
from jixiao.fmt import num

# the words tables use for each grade; 合格 / 及格 stand for 中 in the four-grade scheme
_WORDS = {
    "优秀": "优",
    "优": "优",
    "良好": "良",
    "良": "良",
    "中等": "中",
    "中": "中",
    "一般": "中",
    "合格": "中",
    "及格": "中",
    "较差": "差",
    "差": "差",
    "不合格": "差",
    "不及格": "差",
}
_LEAD = re.compile(r"^(?:自评)?(?:等级|结果)[:：为]?")
SCALE = "优 ≥90 分，良 80–90 分，中 60–80 分，差 <60 分"


def grade_word(text: object) -> str | None:
    """The grade a cell names (优 / 良 / 中 / 差), or None for a blank or anything else ("A", "一级")."""
    if not isinstance(text, str):
        return None
    t = _LEAD.sub("", re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)))
    return _WORDS.get(t.rstrip("等级").rstrip("等") if t not in _WORDS else t)


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


def said(printed: str, earned: str, score: float) -> str:
    return f"自评等级填报为「{printed}」，按得分 {num(score)} 分应为「{earned}」（{SCALE}）。"
