"""The unit of money a table states: in a column's label ("预算数（万元）", "（千元）"), on a line of its own
("单位：人民币元"), and the sizes beyond which an amount with no unit written cannot be 万元."""

from __future__ import annotations

import re

# what stands between "单位：" and the unit: "单位：人民币元", "单位：（元）", "单位：(万元)"
UNIT_LINE_LEAD = r"(?:金额)?单位\s*[:：]\s*(?:人民币)?\s*[（(]?\s*"
_AMOUNT_UNIT_LINE = re.compile(UNIT_LINE_LEAD + r"(亿元|百万元|万元|千元|元)")


def amount_unit_of_label(label: str) -> str | None:
    for unit in ("亿元", "百万元"):  # before 万元 and 元, which they contain
        if unit in label:
            return unit
    if "万元" in label or re.search(r"[(（]\s*万\s*[)）]", label):
        return "万元"
    if "千元" in label:
        return "千元"
    if re.search(r"[(（]\s*元\s*[)）]|金额\s*元|\(元\)", label) or label.endswith("元)"):
        return "元"
    return None


# With no unit written anywhere, a project above this, read in 万元, is over 1 亿元: the amounts are in 元
# (a 科协's projects run from a few 万元 to a few thousand 万元; in 元 they are 10,000 and up).
ASSUMED_YUAN_MEDIAN = 10_000
# A unit that is written is only doubted beyond 10 亿元 a project.
YUAN_MEDIAN = 100_000


def find_amount_unit_line(rows: list[list[object]], upto: int) -> str | None:
    for row in rows[:upto]:
        for v in row:
            if (
                isinstance(v, str) and "单位" in v
            ):  # asked of every row of a sheet: the regex only when it can hit
                hit = _AMOUNT_UNIT_LINE.search(v.replace(" ", ""))
                if hit:
                    return hit.group(1)
    return None
