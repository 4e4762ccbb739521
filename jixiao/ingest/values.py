"""Cell values as finance staff type them: '1,234.50', '86.23%', 0.8623, '80.34', '/', '', '是',
'96.32分', '９６.３２', '98.75 %'.

Each parser returns the value and a status, never raises: a cell that cannot be read becomes a
finding that quotes it, not a traceback.
"""

from __future__ import annotations

import re
from typing import Any

from jixiao.grading import GRADE_PATTERN

OK = "ok"
BLANK = "blank"
NA = "na"  # '/', '—', '不适用': not applicable, distinct from missing
BAD = "bad"

_NA_TEXT = frozenset(
    {"/", "／", "\\", "—", "——", "-", "--", "－", "无", "不适用", "n/a", "N/A", "NA", "×", "不涉及"}
)
# a dash in an amount cell: zero (Excel's 会计专用 format shows 0 as "-"); "/" and "无" stay not applicable
DASHES = frozenset({"-", "--", "－", "—", "——", "–"})
# a name cell that holds no name: a dash or slash typed into it (a 合计 row's, beside 合计 in the 序号 column)
NA_NAMES = DASHES | {"/", "／", "\\", "无", "×"}
# thin, narrow and zero-width spaces come with figures copied from web pages and PDFs ("2 119.00")
_STRIP = str.maketrans(
    dict.fromkeys([",", "，", " ", "\u3000", "\xa0", "\u2009", "\u202f", "\u2007", "\u200b", "¥", "￥"], "")
)
_FULLWIDTH = str.maketrans("０１２３４５６７８９．％－＋", "0123456789.%-+")
_UNIT_SUFFIX = re.compile(r"(万元|元|万|分|[wW])$")  # "20w": 万 as typed in a hurry
_SCORE_SUFFIX = re.compile(r"分$")  # '96.32分', '100 分': a score typed with its unit
# the grade a score earns typed after it: '95 优', '88分/良好', '92，等级：优' (spaces are gone by then)
_GRADE_SUFFIX = re.compile(rf"(?<=[\d分])[,，、/;；]?(?:(?:自评)?等级[:：]?)?(?:{GRADE_PATTERN})$")
# "\d+(\.\d*)?", not "\d+\.?\d*": that one splits a run of digits between its two parts every which
# way before it gives up, and a cell of 30,000 digits took seconds.
_NUMBER = re.compile(r"^[+-]?(\d+(?:\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _without_remark(text: str) -> str:
    """The cell without a remark typed after the number: "76.99%（含结转）", "100%(四舍五入)", "20（追加）"
    — its last bracket, holding no other bracket and some Chinese. Looked for from the end: the regex
    it replaces backtracked quadratically, and a cell of 30,000 spaces or of "(" and Chinese took
    seconds, on every reading of the cell."""
    t = text.rstrip()
    if not t.endswith((")", "）")):
        return text
    start = max(t.rfind("("), t.rfind("（"))
    inner = t[start + 1 : -1]
    if start < 0 or ")" in inner or "）" in inner or not _HAN.search(inner):
        return text
    return t[:start].rstrip()


def _clean(text: str) -> str:
    return _without_remark(text).translate(_FULLWIDTH).translate(_STRIP).strip()


def written_factor(v: Any) -> float | None:
    """万元 per unit of an amount cell that says its own unit: 1 for "39万元" / "39万", 0.0001 for
    "390000元"; None for a cell that says none (its column's unit applies)."""
    if type(v) is not str:
        return None
    t = v.strip()
    if t.endswith(("万元", "万", "w", "W")):
        return 1.0
    if t.endswith("元"):
        return 0.0001
    return None


def amount_in_wan(v: Any, factor: float) -> float | None:
    """An amount cell in 万元: its column's ``factor`` applies unless the cell writes its own unit."""
    x = parse_number(v)[0]
    if x is None:
        return None
    own = written_factor(v)
    return x * (factor if own is None else own)


def parse_number(v: Any) -> tuple[float | None, str]:
    """An amount or a score. Returns (value, status)."""
    if type(v) is float:  # the common case on a 50,000-row sheet: keep it fast
        if v - v == 0.0:
            return v, OK
        return (None, BLANK) if v != v else (None, BAD)  # inf is no amount anyone typed
    if v is None or v == "":
        return None, BLANK
    if isinstance(v, bool):
        return None, BAD
    if isinstance(v, (int, float)):
        x = _to_float(v)
        if x is None:
            return None, BAD
        return (x, OK) if x == x else (None, BLANK)
    text = str(v).strip()
    if not text:
        return None, BLANK
    if text in _NA_TEXT:
        return None, NA
    t = _UNIT_SUFFIX.sub("", _GRADE_SUFFIX.sub("", _clean(text)))
    negative = t.startswith(("(", "（")) and t.endswith((")", "）"))
    if negative:
        t = t[1:-1]
    if _NUMBER.match(t):
        x = float(t)
        if x - x != 0.0:  # '1e400' overflows to inf
            return None, BAD
        return (-x if negative else x), OK
    return None, BAD


def _to_float(v: int | float) -> float | None:
    """A number cell as float; None for what no one typed (inf, an int beyond a double). NaN stays
    NaN: it is how an empty numeric cell comes out of some writers."""
    try:
        x = float(v)
    except OverflowError:
        return None
    return x if x - x == 0.0 or x != x else None


def parse_rate(v: Any) -> tuple[float | None, str, bool, int | None]:
    """A rate cell: (number, status, had_percent_sign, printed_decimals).

    The number is what the cell says: 86.23 for '86.23%', 0.8623 for a fraction, 80.34 for a bare
    '80.34'. Whether a bare number is a fraction or a percent is decided per column
    (``normalize_rate_column``), because one cell alone cannot tell.
    """
    if type(v) is float:
        if v - v == 0.0:
            return v, OK, False, None
        return (None, BLANK, False, None) if v != v else (None, BAD, False, None)
    if v is None or v == "":
        return None, BLANK, False, None
    if isinstance(v, bool):
        return None, BAD, False, None
    if isinstance(v, (int, float)):
        x = _to_float(v)
        if x is None:
            return None, BAD, False, None
        return (x, OK, False, None) if x == x else (None, BLANK, False, None)
    text = str(v).strip()
    if not text:
        return None, BLANK, False, None
    if text in _NA_TEXT:
        return None, NA, False, None
    t = _SCORE_SUFFIX.sub("", _GRADE_SUFFIX.sub("", _clean(text)))
    has_pct = t.endswith("%")
    if has_pct:
        t = t.rstrip("%")
    if _NUMBER.match(t) and float(t) - float(t) == 0.0:
        decimals = len(t.split(".", 1)[1]) if "." in t else 0
        return float(t), OK, has_pct, decimals
    return None, BAD, False, None


FRACTION_MAX = 1.5  # a fraction column holds 0..~1.2; 1.5 leaves room for over-execution


def rate_style(bare_numbers, signed: int) -> str:
    """'fraction' when a column's bare numbers are fractions (Excel's % format, or 0.8623 typed),
    'percent' when they are percents with the sign left off throughout (a '(%)' header).
    ``signed`` counts the cells written with a % sign."""
    import numpy as np

    x = np.asarray(bare_numbers, dtype=float)
    x = x[~np.isnan(x) & (x != 0)]
    small = int((np.abs(x) <= FRACTION_MAX).sum())
    return "percent" if len(x) - small > small + signed else "fraction"


def to_percent(parsed: tuple[float | None, str, bool, int | None], style: str) -> tuple[float | None, bool]:
    """(percent, sign_forgotten): sign_forgotten is True for a bare '80.34' in a fraction column."""
    x, status, has_pct, _ = parsed
    if status != OK or x is None:
        return None, False
    if has_pct or style == "percent":
        return x, False
    if abs(x) <= FRACTION_MAX:
        return x * 100.0, False
    return x, True


_YES = frozenset({"是", "有", "y", "yes", "√", "✓", "存在", "较大偏差", "true", "1"})
_NO = frozenset({"否", "无", "n", "no", "×", "不存在", "没有", "false", "0", "无偏差"})


_YES_NO_FAST = {"是": (True, OK), "否": (False, OK), "": (None, BLANK)}


def parse_yes_no(v: Any) -> tuple[bool | None, str]:
    if type(v) is str and v in _YES_NO_FAST:  # what nearly every cell says
        return _YES_NO_FAST[v]
    if v is None or v == "":
        return None, BLANK
    text = str(v).strip().lower()
    if not text:
        return None, BLANK
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        text = "1" if v == 1 else "0" if v == 0 else text
    if text in _YES:
        return True, OK
    if text in _NO:
        return False, OK
    if text.startswith(("是", "有")):
        return True, OK
    if text.startswith(("否", "无")):
        return False, OK
    return None, BAD


def text_of(v: Any) -> str:
    """A cell as the user typed it, for messages ('12' not '12.0')."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()
