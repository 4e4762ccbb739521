"""Unit and year as a table's title or file name states them ("河南省科学技术协会2023年度项目单位自评汇总表").

One place for the guess, used by the 保存 form, the CLI import and the exports' headings.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from pathlib import Path

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_YEAR_WORDS = re.compile(r"(?<!\d)(?:19|20)\d{2}\s*年度?")
# Where a table title stops naming the unit and starts naming the table.
_TABLE_WORDS = re.compile(
    r"项目|部门预算|部门决算|部门整体|整体支出|预算|决算|绩效|自评|汇总表|明细表|一览表|情况表"
)
# Verbs and particles a title puts between the unit and the table's name ("…协会纳入绩效评价项目…",
# "…中心关于…"): not part of the unit's name.
_TRAILING_WORDS = re.compile(r"(?:纳入|列入|关于|开展|实施|组织|的)+$")


def year_in(text: object) -> int | None:
    found = _YEAR.search(str(text or ""))
    return int(found.group(1)) if found else None


def unit_in(text: object) -> str:
    """The first run of Chinese before the table's own name; '' when nothing names a unit."""
    text = _YEAR_WORDS.sub(" ", str(text or ""))
    for chunk in re.split(r"[\s_\-—·:：()（）]+", text):
        head = _TRAILING_WORDS.sub("", _TABLE_WORDS.split(chunk, maxsplit=1)[0].strip())
        if len(head) >= 2 and re.search(r"[\u4e00-\u9fff]", head):
            return head
    return ""


_Y = r"((?:19|20)\d{2})\s*年"
_MONTHS = "|".join(["1[0-2]", "0?[1-9]", "十[一二]", "[一二三四五六七八九十]"])
_M = rf"({_MONTHS})\s*月份?"
_TO = r"\s*(?:-|－|—|–|~|～|至|到)\s*"
_UNTIL = r"截[至止](?:到|目前)?\s*[:：（(]?\s*"
# "截至2023年9月30日", "数据截至：2023年9月30日", "截止到2023年9月底", "截至2023-09-30", "2023年1-9月",
# "2023年1月至9月", "2023年一至九月", "2023年9月末", "2023年上半年", "2023年前三季度" — the date a
# table's figures are up to, as its title says it
_AS_OF = (
    (re.compile(rf"{_UNTIL}{_Y}\s*{_M}\s*(\d{{1,2}})\s*[日号]"), "ymd"),
    (re.compile(rf"{_UNTIL}((?:19|20)\d{{2}})[-/.](1[0-2]|0?[1-9])[-/.](\d{{1,2}})"), "ymd"),
    (re.compile(rf"{_UNTIL}{_Y}\s*{_M}\s*(?:底|末)?"), "ym"),
    (re.compile(rf"{_Y}\s*(?:度\s*)?(?:1|一)\s*(?:月份?)?{_TO}{_M}"), "ym"),
    (re.compile(rf"{_Y}\s*{_M}\s*(?:底|末)"), "ym"),
    (
        re.compile(rf"{_Y}\s*(?:度\s*)?(上半年|半年|前三季度|(?:第\s*)?(?:[一二三四1-4])\s*季度)"),
        "part",
    ),
)
_CN_MONTH = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_CN_MONTH |= {"十一": 11, "十二": 12}
_QUARTER = {"一": 3, "二": 6, "三": 9, "四": 12, "1": 3, "2": 6, "3": 9, "4": 12}


def _month(text: str) -> int:
    return _CN_MONTH[text] if text in _CN_MONTH else int(text)


def _part_month(text: str) -> int:
    if text in ("上半年", "半年"):
        return 6
    if text == "前三季度":
        return 9
    return _QUARTER[re.sub(r"[第\s季度]", "", text)]


# Where a text states the date without its year ("截至6月30日执行数", "1-6月累计", "上半年"): the year
# the title or file name gives goes in front, and the text is read as if it had said it.
_YEARLESS = (
    re.compile(rf"(?<=截至|截止)(?:到|目前)?\s*[:：（(]?\s*(?=(?:{_MONTHS})\s*月)"),
    re.compile(rf"(?<![年\d])(?=(?:1|一)\s*(?:月份?)?{_TO}(?:{_MONTHS})\s*月)"),
    re.compile(r"(?<![年\d])(?=上半年|前三季度|第\s*[一二三四1-4]\s*季度)"),
)


def as_of_in(text: object, year: int | None = None) -> date | None:
    """The 截至日期 a title or file name states, or None (a month alone — "2023年9月" — says too little:
    its end, or a day in it). With ``year``, a text that leaves the year out ("截至6月30日") is read in it."""
    text = str(text or "")
    found = _as_of(text)
    if found is not None or year is None:
        return found
    for pattern in _YEARLESS:
        text = pattern.sub(f"{year}年", text, count=1)
    return _as_of(text)


def _as_of(text: str) -> date | None:
    for pattern, how in _AS_OF:
        found = pattern.search(text)
        if not found:
            continue
        year = int(found.group(1))
        try:
            if how == "ymd":
                return date(year, _month(found.group(2)), int(found.group(3)))
            month = _part_month(found.group(2)) if how == "part" else _month(found.group(2))
            return date(year, month, calendar.monthrange(year, month)[1])
        except ValueError:  # 2月30日
            return None
    return None


def guess_unit_year(title: str, file_name: str) -> tuple[str | None, int | None]:
    unit = unit_in(title) or unit_in(Path(file_name or "").stem)
    year = year_in(title) or year_in(file_name)
    return unit or None, year


def tell_apart(
    names: list[str], units: list[object], rows: list[object], sheets: list[object] | None = None
) -> list[str]:
    """What to add to each of a list of project names so that repeated names read as different
    projects: the unit where it tells them apart ("（科技馆）", as a reader would say it), else the sheet
    row ("（第12行）", with its sheet's name when the table was put together from several: "（第2页第10行）");
    "" for a name that occurs once."""

    def given(x: object) -> bool:
        return x is not None and x == x and str(x).strip() != ""

    counts: dict[str, int] = {}
    pairs: dict[tuple[str, str], int] = {}
    for n, u in zip(names, units):
        counts[n] = counts.get(n, 0) + 1
        if given(u):
            pairs[(n, str(u).strip())] = pairs.get((n, str(u).strip()), 0) + 1
    out = []
    for n, u, r, s in zip(names, units, rows, sheets if sheets is not None else [None] * len(names)):
        if counts[n] < 2:
            out.append("")
        elif given(u) and pairs[(n, str(u).strip())] == 1:
            out.append(f"（{str(u).strip()}）")
        elif given(r):
            out.append(f"（{str(s).strip() if given(s) else ''}第{int(r)}行）")
        else:
            out.append("")
    return out
