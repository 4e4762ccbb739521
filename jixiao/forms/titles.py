"""What a form's title says: the year it reports on, and — on a form with no 项目名称 line — the
project ("2023年度凉山州级科普专项经费项目支出绩效自评表")."""

from __future__ import annotations

import re
from collections import Counter

from jixiao.forms.compute import FormsDataset
from jixiao.ingest.header import year_in_text
from jixiao.model import Finding

_BRACKETED_YEAR = re.compile(r"[(（]\s*20\d{2}\s*年度?\s*[)）]")
_YEAR = re.compile(r"20\d{2}\s*年度?")
_TAIL = re.compile(r"(项目)?(支出)?(绩效(自评|自我评价|评价)?|自评|自我评价)(表|报告)?$")
# what is left of a generic title ("部门预算项目支出绩效自评表") once its tail is gone: no project's name
_GENERIC = (
    "部门预算",
    "预算",
    "部门",
    "单位",
    "财政",
    "财政支出",
    "专项",
    "项目",
    "部门整体",
    "整体",
    "附表",
)
_NAMED = 6


def name_from_title(title: str, *not_names: str) -> str:
    """The project a title names, or "": the words between the year and 项目支出绩效自评表. A title whose
    year comes after the words ("凉山州科协2023年度项目支出绩效自评表") names the unit, not a project,
    as does a title naming the form's 主管部门 or 实施单位 (``not_names``)."""
    text = re.sub(r"\s+", "", _BRACKETED_YEAR.sub("", title or ""))
    year = _YEAR.search(text)
    if year:
        text = text[year.end() :]
    name = _TAIL.sub("", text)
    if len(name) < 2 or name in _GENERIC or name.endswith(("部门预算", "自评表")):
        return ""
    if any(name == re.sub(r"\s+", "", other or "") for other in not_names):
        return ""
    return name


def leave_out_other_years(ds: FormsDataset) -> None:
    """Forms whose title states another year than the file's (the year most titles state; on a tie
    the file name's, else the latest) are last year's forms kept beside this year's: counted with them
    they add another year's money to the headline. They are left out, and said per sheet."""
    years = [year_in_text(form.title) for form in ds.forms]
    stated = Counter(y for y in years if y is not None)
    if len(stated) < 2:
        return
    most = max(stated.values())
    tied = [y for y, n in stated.items() if n == most]
    named = year_in_text(ds.file, loose=True)
    year = named if named in tied else max(tied)
    gone = [(form, y) for form, y in zip(ds.forms, years, strict=True) if y not in (None, year)]
    ds.forms = [form for form, y in zip(ds.forms, years, strict=True) if y in (None, year)]
    by_sheet: dict[str, list] = {}
    for form, y in gone:
        by_sheet.setdefault(form.sheet, []).append((form, y))
    how = (
        "文件名所写" if year == named else "多数自评表标题所写" if len(tied) == 1 else "标题所写年度中最近的"
    )
    for sheet, items in by_sheet.items():
        listed = "；".join(
            f"第{form.first_row}–{form.last_row}行「{form.name}」（标题「{form.title}」，{y}年）"
            for form, y in items[:_NAMED]
        ) + ("等" if len(items) > _NAMED else "")
        ds.findings.append(
            Finding(
                "warning",
                "FORM_OTHER_YEAR",
                f"工作表「{sheet}」第{items[0][0].first_row}行",
                f"工作表「{sheet}」有 {len(items)} 张自评表的标题写的是其他年度：{listed}。本文件的报告年度是 "
                f"{year} 年（{how}），这些往年的自评表未计入本年的金额、得分和核对。如需看往年，请单独上传。",
                items[0][0].first_row,
                sheet=sheet,
            )
        )
