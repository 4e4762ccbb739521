"""Where a project table's rows end and its totals hide: a 合计 row whose label was left blank, and
another table printed under the projects."""

from __future__ import annotations

import math
import re
from operator import itemgetter
from typing import Any

from jixiao import fmt
from jixiao import model as m
from jixiao.ingest import values as v
from jixiao.ingest.header import SIGNATURE, normalize_label, year_in_text
from jixiao.summary.blocks import TOTAL, has_prefix

UNNAMED = "（未命名项目"  # how the reader names a row with money and no name
UNLABELLED = "合计（未标注）"  # the label given to a total row whose label cell was left blank
BREAKDOWN = re.compile(r"^([（(]?其中|含\s*[:：])")  # a row marked as a part of the row above it
SECTION = re.compile(r"^([一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）])")  # 一、 （一）
# the numbering in front of a unit's heading: 一、 （一） (1) 1、
SECTION_PREFIX = re.compile(
    r"^([一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．])\s*"
)
# A note or a signature line under the table ("注：…", "填表人：", "审核：").
NOTE_PREFIX = re.compile(
    r"^(注|备注|说明|填表|制表|审核|复核|负责人|单位负责人|财务负责人|分管|联系人|联系电话|电话|数据来源|填报|经办)"
)
# A printed page break's mark on a row of its own: 续表, （续上页）, 接上页, 续表一.
CONTINUED = re.compile(
    r"^[（(]?\s*(续表|续上页|接上页|续前页|承上页|续)\s*[一二三四五六七八九十\d]*\s*[)）]?$"
)
_HEADER_WORD = re.compile(
    r"(指标|来源|金额|名称|类别|类型|科目|数量|标准|值$|序号|编号|年度|时间|依据|方式|原因|措施|得分|分值|权重)"
)


def unlabelled_total(
    reader: Any, row, sheet_row: int, recs, cells, starts: tuple[int, int], factor
) -> int | None:
    """A row with money and no name whose amounts are the sum of the projects above it (since
    the last total): a 合计 or 小计 row whose label was left blank. The index its sum starts at."""
    reader.unlabelled_checks += 1
    if reader.unlabelled_checks > 20:  # a table without names is not a table of totals
        return None
    fields = [f for f in (m.BUDGET, m.EXECUTED) if f in reader.cols]
    own = {f: v.parse_number(row[reader.cols[f]])[0] for f in fields}
    if not fields or not any(own.values()):  # blank or 0: no evidence of a total
        return None
    seq = reader.cols.get(m.SEQ)

    def marked(k: int) -> bool:  # "其中：…" rows are parts of the row above: a 合计 leaves them out
        return marked_part(recs[k][m.PROJECT], cells[k], seq)

    def adds_up(rows) -> bool:
        sums = {f: _sum(cells, rows, reader.cols[f]) for f in fields}
        return all(own[f] is None or abs(own[f] - sums[f]) * factor[f] <= 0.01 + 1e-9 for f in fields)

    for start in dict.fromkeys((*starts, 0)):  # since the last subtotal, total, or the top
        if len(recs) - start < 2 or any(r[m.PROJECT].startswith(UNNAMED) for r in recs[start:]):
            continue  # a sum of nameless rows is no evidence of a total
        rows = range(start, len(recs))
        if adds_up(rows) or adds_up([k for k in rows if not marked(k)]):
            first, last = recs[start][m.SHEET_ROW], recs[-1][m.SHEET_ROW]
            reader.add(
                "info",
                "UNLABELLED_TOTAL",
                reader.where(sheet_row),
                f"这一行有金额但没有名称，金额等于第{first}–{last}行项目之和：按合计行处理，未计入项目。",
            )
            return start
    return None


def marked_part(name: str, row: list[Any], seq: int | None) -> bool:
    """The row says it is a part of the row above: "其中：…" in its name or in its 序号 cell."""
    x = row[seq] if seq is not None and seq < len(row) else ""
    return bool(BREAKDOWN.match(name) or (type(x) is str and BREAKDOWN.match(x.strip())))


def _sum(cells, rows, c: int) -> float:
    return math.fsum(x for k in rows if (x := v.parse_number(cells[k][c])[0]) is not None)


def unlabelled_total_on_top(reader: Any, recs, cells, totals, factor) -> None:
    """The first row, nameless, is the sum of every project under it: a 合计 printed on top."""
    row, sheet_row = cells[0], recs[0][m.SHEET_ROW]
    reader.unlabelled_checks = 0
    if unlabelled_total(reader, row, sheet_row, recs[1:], cells[1:], (0, 0), factor) is None:
        return
    rec = reader.total_record(row, sheet_row, UNLABELLED, factor, None)
    reader.cover(rec, recs, range(1, len(recs)))
    totals.insert(0, rec)
    del recs[0], cells[0]
    reader.findings = [
        f for f in reader.findings if not (f.code == "MISSING_PROJECT_NAME" and f.sheet_row == sheet_row)
    ]


def another_table(reader: Any, row: list[Any], sheet_row: int, header_fields: set[str]) -> bool:
    """Under a blank row or the 合计, a row of labels that is not this table's header repeated
    (资金来源 / 金额, 一级指标 / 二级指标 / 指标值): another table starts, this one has ended."""
    texts = [x.strip() for x in row if isinstance(x, str) and x.strip()]
    if len(texts) < 2 or SECTION.match(texts[0]) or any(isinstance(x, (int, float)) for x in row):
        return False  # a number in the row: a project row with its money unreadable, say
    if any(v.parse_number(t)[1] == v.OK or v.parse_rate(t)[0] is not None for t in texts):
        return False
    if any(t in ("是", "否") for t in texts):
        return False
    worded = sum(1 for t in texts if len(t) <= 12 and _HEADER_WORD.search(t))
    if worded < 2 or worded * 2 < len(texts) or reader.looks_like_header(row, header_fields):
        return False  # a header names things; a project row with "/" everywhere does not
    reader.add(
        "info",
        "TABLE_ENDS",
        reader.where(sheet_row),
        f"第{sheet_row}行起是另一张表（“{'、'.join(texts[:4])}”），项目表到此为止，下面的行未作为项目读取。",
        sheet_row,
    )
    return True


def another_year(reader: Any, titles: list[str], sheet_row: int) -> bool:
    """Under the 合计, the header again with a title naming another year than the table's own
    ("2022年度项目支出…" under the 2023 table): another year's table, not more projects."""
    said = next((y for t in reversed(titles) if (y := year_in_text(t)) is not None), None)
    own = reader.guess.report_year  # the year set on 数据导入, else the title's or the file name's
    if said is None or own is None or said == own:
        return False
    reader.add(
        "warning",
        "TABLE_ENDS",
        reader.where(sheet_row),
        f"第{sheet_row}行起是另一张表（“{titles[-1][:30]}”，{said}年），与本表（{own}年）年份不同：未计入。"
        "如需读取那张表，请把它放到单独的工作表后再上传。",
        sheet_row,
    )
    return True


_COLUMN_MARKS = frozenset({"甲", "乙", "丙", "丁", "戊", "己", "栏次", "行次", "列次", "栏号", "—", "-", "/"})


def column_numbers(row: list[Any]) -> bool:
    """A 栏次 row under the header: the columns numbered 1, 2, 3 … left to right (the text columns
    marked 甲 / 乙 / 栏次 or blank), or lettered A, B, C …. Not a project, though it has numbers where
    the money goes."""
    if column_letters(row):
        return True
    numbers = []
    for x in row:
        if isinstance(x, bool):
            return False
        if isinstance(x, (int, float)):
            if not (math.isfinite(x) and abs(x) < 1e6):  # a column number is small: inf, 1e308 are not
                return False
            numbers.append(x)
        elif isinstance(x, str) and x.strip():
            t = x.strip()
            # isdecimal, not isdigit: "²" is a digit int() refuses; and no 400-digit "column number"
            if t.isdecimal() and len(t) <= 6:
                numbers.append(int(t))
            elif t not in _COLUMN_MARKS:
                return False
    if len(numbers) < 2 or any(float(n) != int(n) for n in numbers):
        return False
    return all(b == a + 1 for a, b in zip(numbers, numbers[1:]))


_LETTER = re.compile(r"^[A-Z](\s*[=＝].*)?$")  # "C", "E=D/C", "F＝E÷C"


def column_letters(row: list[Any]) -> bool:
    """The columns lettered A, B, C … under the header (some with their formula, "E=D/C"), as a
    column-number row is numbered: not a project."""
    cells = [x.strip() for x in row if isinstance(x, str) and x.strip()]
    if len(cells) < 3 or any(not isinstance(x, str) for x in row if x != ""):
        return False
    letters = [c[0] for c in cells if _LETTER.match(c)]
    return len(letters) == len(cells) and all(ord(b) == ord(a) + 1 for a, b in zip(letters, letters[1:]))


def only_name(row: list[Any], name: Any, seq_col: int | None) -> bool:
    """The row holds its name and nothing else (a 序号 aside; a merged heading repeats the name), and
    the name is not a "key：value" line ("单位：万元", "填报单位：XX科协")."""
    text = str(name).strip().rstrip("：:")
    if not text or "：" in text or ":" in text:
        return False
    return all(x == "" or x == name or c == seq_col for c, x in enumerate(row))


def bare_headings_said(rows: list[int]) -> str:
    listed = fmt.listed(rows)
    return (
        f"第{listed}行只有名称、没有金额，表中也没有“单位”列：按单位标题读取，其下的项目归入该单位，"
        "这些行不作为项目计入。"
    )


def pop_trailing_text(records: list[Any], text_only: set[int], *parallel: list[Any]) -> list[int]:
    """Rows at the end of a table that hold a name and no money ("以上数据未经审计", a remark with no 合计
    above it) are not projects: nothing with money follows them. Taken off ``records`` (and the lists
    kept beside it); their sheet rows are returned for the finding."""
    dropped = []
    while len(records) > 1 and len(records) - 1 in text_only:
        dropped.append(records.pop()[m.SHEET_ROW])
        for other in parallel:
            other.pop()
    return dropped


def pop_signature_rows(records: list[Any], cells: list[list[Any]], project_col: int) -> list[int]:
    """Rows at the end of a table whose first cells, up to the project's, hold a signing label ("填表人：张三",
    "联系电话") are the signing lines, not projects — even with a telephone number in a money column.
    Taken off ``records`` and ``cells``; their sheet rows are returned for the finding."""
    dropped = []
    while len(records) > 1 and _signed(cells[-1], project_col):
        dropped.append(records.pop()[m.SHEET_ROW])
        cells.pop()
    return dropped


def _signed(row: list[Any], project_col: int) -> bool:
    return any(type(x) is str and SIGNATURE.match(x.strip()) for x in row[: project_col + 1])


def name_goes_on(row: list[Any], filled: dict[int, Any], amount_cols: list[int], project_col: int) -> bool:
    """A row whose money is all merged down from the project above and whose own cell is a piece of
    text in the project column: the project's name, wrapped onto a second row."""
    name = row[project_col]
    return (
        bool(amount_cols)
        and type(name) is str
        and bool(name.strip())
        and project_col not in filled
        and all(c in filled and row[c] == "" for c in amount_cols)
        and not TOTAL.search(name)
    )


def continued_said(rows: list[int]) -> str:
    listed = "、".join(str(r) for r in rows)
    return f"第{listed}行的项目名称接在上一行之后（金额单元格与上一行合并）：按同一个项目读取，名称已连起来。"


def signature_rows_said(rows: list[int]) -> str:
    listed = "、".join(str(r) for r in sorted(rows))
    return f"表格末尾第{listed}行是签字栏（填表人、负责人、联系电话或日期），不是项目：其中的数字（如电话号码）不计入金额。"


def trailing_text_said(rows: list[int]) -> str:
    listed = "、".join(str(r) for r in sorted(rows))
    return f"表格末尾第{listed}行只有文字、没有金额，其后也没有项目：按说明文字处理，不作为项目计入。"


def _seq_number(x: Any) -> int | None:
    if type(x) is int or (type(x) is float and x.is_integer()):
        return int(x)
    if type(x) is str and x.strip().isdigit():
        return int(x.strip())
    return None


_UNIT_MARK = re.compile(r"[（(]\s*(亿元|百万元|万元|千元|元)\s*[)）]")


def numbered_project(
    reader: Any, row: list[Any], label: str, cells: list[list[Any]], start: int, has_amount: bool
) -> bool:
    """A row named like a total ("科技统计数据汇总", "学术年会合计") that carries money and the next number
    of the 序号 column the projects above it count with is a project, said in a finding. A bare 合计 /
    小计 never is, nor a "…小计", nor a row whose number does not follow on, nor one whose money is the sum
    of the rows since the last total (a numbered subtotal)."""
    seq_col = reader.cols.get(m.SEQ)
    if (
        seq_col is None
        or not has_amount
        or not cells
        or not has_prefix(_UNIT_MARK.sub("", label))  # "合计（元）" is a bare 合计 with its unit
        or "小计" in normalize_label(label)
    ):
        return False  # (a name ending in 小计 is a subtotal's; a first row is not "among" projects)
    own = _seq_number(row[seq_col])
    before = _seq_number(cells[-1][seq_col])
    if own is None or before is None or own != before + 1:
        return False
    for field in (m.BUDGET, m.EXECUTED):
        c = reader.cols.get(field)
        if c is None:
            continue
        mine, status = v.parse_number(row[c])
        parts = [v.parse_number(r[c])[0] for r in cells[start:]]
        if status == v.OK and parts and math.isclose(mine, sum(x or 0.0 for x in parts), abs_tol=0.005):
            return False
    reader.add(
        "info",
        "TOTAL_WORD_PROJECT",
        f"工作表「{reader.sheet.name}」「{label.strip()}」",
        f"“{label.strip()}”的名称里有“合计/汇总”等字样，但它带有接续项目的序号 {own}：按项目读取，不作为合计行。",
    )
    return True


def unnumbered_total_projects(
    reader: Any, recs: list[dict], cells: list[list[Any]], totals: list[dict], factor
) -> None:
    """With no 序号 column to tell them apart: rows named like a total ("科技统计数据汇总") among the projects
    are projects when the table's one 合计, under everything, adds up only with their money counted in —
    and is off by exactly that without it — and none is the sum of the rows above it (a subtotal, even
    under a 合计 that counts it twice). They are moved from ``totals`` into ``recs`` / ``cells``."""
    if reader.cols.get(m.SEQ) is not None or len(totals) < 2 or not recs:
        return  # with a 序号 column numbered_project has decided
    grand, named = totals[-1], totals[:-1]
    if has_prefix(grand[m.TOTAL_LABEL]) or grand[m.SHEET_ROW] < recs[-1][m.SHEET_ROW]:
        return
    if not all(
        has_prefix(t[m.TOTAL_LABEL]) and "小计" not in normalize_label(t[m.TOTAL_LABEL]) for t in named
    ):
        return
    if not all(recs[0][m.SHEET_ROW] < t[m.SHEET_ROW] for t in named):
        return  # a project above each: not a total printed over the table
    checked = False
    for field in (m.BUDGET, m.EXECUTED):
        c, said = reader.cols.get(field), grand.get(field)
        if c is None or said is None or said != said:
            continue
        money = [v.amount_in_wan(r[c], factor[field]) or 0.0 for r in cells]
        for t in named:  # a row that is the sum of the rows it follows is a subtotal, whatever the 合计 says
            above = [x for x, r in zip(money, recs, strict=True) if r[m.SHEET_ROW] < t[m.SHEET_ROW]]
            if t.get(field) is not None and math.isclose(t[field], sum(above), abs_tol=0.005):
                return
        rows = sum(money)
        extra = sum(t.get(field) or 0.0 for t in named if t.get(field) == t.get(field))
        if math.isclose(said, rows, abs_tol=0.005) or not math.isclose(said, rows + extra, abs_tol=0.005):
            return
        checked = True
    if not checked:
        return
    for t in named:
        at = next((i for i, r in enumerate(recs) if r[m.SHEET_ROW] > t[m.SHEET_ROW]), len(recs))
        label = t[m.TOTAL_LABEL]
        recs.insert(at, {m.SHEET_ROW: t[m.SHEET_ROW], m.PROJECT: label, m.UNIT: recs[at - 1][m.UNIT]})
        cells.insert(at, reader.sheet.rows[t[m.SHEET_ROW] - 1])
        totals.remove(t)
        reader.add(
            "info",
            "TOTAL_WORD_PROJECT",
            f"工作表「{reader.sheet.name}」第{t[m.SHEET_ROW]}行「{label}」",
            f"“{label}”的名称里有“合计/汇总”等字样，但它的金额不是上面各行之和，而表末的合计只有算上它才对得上："
            "按项目读取，不作为合计行。",
        )
    reader.cover(grand, recs, range(len(recs)))


def filtered_rows_finding(sheet: Any, header_row: int, name: str) -> m.Finding | None:
    """Rows an active filter hid under the header (``Sheet.filtered_rows``): read, and said."""
    rows = sorted(r + 1 for r in getattr(sheet, "filtered_rows", ()) if r > header_row)
    if not rows:
        return None
    shown = fmt.listed(rows)
    return m.Finding(
        "info",
        "FILTERED_ROWS_READ",
        f"工作表「{name}」",
        f"表格设置了筛选，被筛选隐藏的 {len(rows)} 行（第{shown}行）也已读取：筛选只是查看方式，看板按全部数据计算。",
    )


def written_cells_said(reader: Any, parsed: Any) -> None:
    """Amount cells read otherwise than their column says: a unit of their own, or "-" for zero."""
    where = f"工作表「{reader.sheet.name}」"
    for f, count in parsed.own_units.items():
        reader.add(
            "info",
            "AMOUNT_UNIT_IN_CELLS",
            where,
            f"「{_label(reader, f)}」列有 {count} 个单元格写明了与本列不同的单位"
            "（如“39万元”“390000元”），已按各自写明的单位换算为万元。",
            fieldname=f,
        )
    for f, count in parsed.dashes.items():
        said = f"「{_label(reader, f)}」列有 {count} 个单元格填的是“-”（会计格式中表示零），按 0 计算。"
        reader.add("info", "AMOUNT_DASH_AS_ZERO", where, said, fieldname=f)


def _label(reader: Any, fieldname: str) -> str:
    return reader.headers.get(fieldname) or m.FIELD_LABELS.get(fieldname, fieldname)


_AMOUNT_NAMES = {
    m.BUDGET: "预算数（如“全年预算数”“调整后预算数”）",
    m.EXECUTED: "执行数（如“全年执行数”“实际支出”）",
}


def missing_amount_column(columns: dict[str, int], sheet: str) -> list[m.Finding]:
    """A header with the budget and no 执行数 (or the other way), and no rate to work it out from:
    no 执行率 can be computed, which a table of blanks would not say."""
    if m.REPORTED_RATE in columns or (m.BUDGET in columns) == (m.EXECUTED in columns):
        return []
    lost = m.EXECUTED if m.BUDGET in columns else m.BUDGET
    return [
        m.Finding(
            "warning",
            "AMOUNT_COLUMN_MISSING",
            f"工作表「{sheet}」",
            f"表头中没有找到{_AMOUNT_NAMES[lost]}一列，无法计算执行率。"
            "如表中有这一列，请在数据导入页“识别有误？”中指定。",
            field=lost,
        )
    ]


def collapsed_said(sheet: str, hidden: int) -> m.Finding:
    return m.Finding(
        "warning",
        "PROJECT_ROWS_HIDDEN",
        f"工作表「{sheet}」",
        f"表头下面除合计、小计外的 {hidden} 行都是隐藏的（如用“分级显示”折叠了明细）：没有它们就没有项目，"
        "已读取这些隐藏行。请确认它们就是要分析的项目。",
    )


# a row of the 序时进度 (the share of the year gone, 8.33% …) printed among the projects of a 执行表
TIME_PROGRESS = re.compile(r"^(序时进度|时间进度|序时|时序进度|进度要求)")


def time_progress_said(sheet: str, rows: list[int]) -> m.Finding:
    listed = fmt.listed(rows)
    return m.Finding(
        "info",
        "TIME_PROGRESS_ROW",
        f"工作表「{sheet}」",
        f"第{listed}行是序时进度（各月应达到的进度），不是项目：未计入；监控按截至日期自行计算序时进度。",
    )


def pop_time_progress(records: list[Any], cells: list[list[Any]], text_only: set[int]) -> list[int]:
    """序时进度 rows among the projects (a cheap word check first: a province has 50,000 names)."""
    names = "\n".join(map(itemgetter(m.PROJECT), records))  # one C-level scan of 50,000 names
    if "进度" not in names and "序时" not in names:
        return []
    at = [i for i, r in enumerate(records) if ("进度" in r[m.PROJECT] or "序时" in r[m.PROJECT])]
    at = [i for i in at if TIME_PROGRESS.match(records[i][m.PROJECT])]
    if not at:
        return []
    rows = [records[i][m.SHEET_ROW] for i in at]
    drop = set(at)
    records[:] = [r for i, r in enumerate(records) if i not in drop]
    cells[:] = [c for i, c in enumerate(cells) if i not in drop]
    moved = {i - sum(1 for d in drop if d < i) for i in text_only if i not in drop}
    text_only.clear()
    text_only.update(moved)
    return rows


def unit_column_in_use(
    rows: list[list[Any]], first: int, cols: dict[str, int], amount_cols: list[int]
) -> int | None:
    """The 单位 column, unless it names units only on rows holding nothing else while the rows with
    money leave it blank: then the units are named on rows of their own ("科协机关" over its projects)
    and are read as the headings of a table without a 单位 column are. (The first row naming a unit
    beside anything else ends the look: a filled column costs nothing.)"""
    unit_col = cols.get(m.UNIT)
    if unit_col is None:
        return None
    own = {unit_col, cols.get(m.PROJECT), cols.get(m.SEQ)}
    money = False
    for row in rows[first:]:
        x = row[unit_col]
        if type(x) is str and x.strip():
            if any(y != "" for c, y in enumerate(row) if c not in own):
                return unit_col
        elif not money and any(_money(row[c]) for c in amount_cols):
            money = True
    return None if money else unit_col


def _money(x: Any) -> bool:
    return type(x) in (int, float) or (type(x) is str and x != "" and v.parse_number(x)[1] == v.OK)


_LINE_BREAK = re.compile(r"(.)?[ \t]*\n\s*(.)?")


def one_line(name: str) -> str:
    """A name typed over two lines in its cell (Alt+Enter, or two paragraphs in a Word cell) as one:
    joined directly between Chinese characters, with a space between Latin letters or digits."""
    if "\n" not in name:
        return name

    def join(hit: re.Match) -> str:
        a, b = hit.group(1) or "", hit.group(2) or ""
        gap = " " if a.isascii() and a.isalnum() and b.isascii() and b.isalnum() else ""
        return a + gap + b

    return _LINE_BREAK.sub(join, name).strip()
