"""The four grades a 自评 score earns (优 ≥ 90, 良 80–90, 中 60–80, 差 < 60) and the words tables print for
them (优秀, 良好, 合格 …): one place for the 汇总表 reader, the 自评表 reader and the cell parsers."""

from __future__ import annotations

import math
import re
import unicodedata

from jixiao.fmt import num

GRADES = (("优", 90.0), ("良", 80.0), ("中", 60.0), ("差", -math.inf))
SCALE = "优 ≥90 分，良 80–90 分，中 60–80 分，差 <60 分"
# the words for each grade; 合格 / 及格 stand for 中 in the four-grade scheme
GRADE_WORDS = {
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
# the words as a regex alternation, longest first ("不合格" before "合格")
GRADE_PATTERN = "|".join(sorted(GRADE_WORDS, key=len, reverse=True))
_LEAD = re.compile(r"^(?:自评|评价|绩效)?(?:等级|结果|结论)[:：为]?")
_TAIL = re.compile(r"(?:等级|等)$")


def grade_of(score: float | None) -> str | None:
    if score is None or math.isnan(score):
        return None
    for name, floor in GRADES:
        if score >= floor - 1e-9:
            return name
    return "差"


def grade_word(text: object) -> str | None:
    """The grade a cell names ("优秀", "等级：良", "合格等级" → 优 / 良 / 中), or None for a blank or
    anything else ("A", "一级", "98")."""
    if not isinstance(text, str):
        return None
    t = _LEAD.sub("", re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)))
    return GRADE_WORDS.get(t) or GRADE_WORDS.get(_TAIL.sub("", t))


def grade_mismatch(printed: str, earned: str, score: float) -> str:
    """The sentence for a printed grade the score does not earn."""
    return f"自评等级填报为「{printed}」，按得分 {num(score)} 分应为「{earned}」（{SCALE}）。"
