"""Check the numbers a report's own sentences state: changes, shares and completion of the budget.

Each statement is recomputed from the figures when they are given and the statement can be tied to
one of them (same amount, and its name in the sentence), otherwise from the numbers around it:
this year's amount and the change give last year's; a share is taken of the paragraph's 合计.
It is compared at the precision printed ("下降4%" against a whole percent) and judged

- 一致: the printed value is the correct one rounded half-up to the printed precision;
- 舍入差异: off by at most 0.01 percentage point, truncated instead of rounded, or within what the
  printed amounts' own rounding (±0.005 万元) allows — e.g. "97.55%" from unrounded 元 figures;
- 不一致: none of the above, with the correct value;
- 无法核对: nothing to recompute it from (no 上年数, no 合计, no 预算数).
"""

from __future__ import annotations

from typing import Any

from jixiao.final_accounts.figures import FinalAccounts
from jixiao.final_accounts.statement_kinds import (
    _change,
    _completion,
    _entries,
    _flat,
    _rate_only,
    _share,
)
from jixiao.final_accounts.statement_points import _named_share, _points
from jixiao.final_accounts.statement_text import (
    _CHANGE_WORD_BEFORE,
    _COMPARISON,
    AMOUNT_RE,
    CHANGE_RE,
    COMPLETION_RE,
    CONSISTENT,
    FLAT_RE,
    INCONSISTENT,
    KIND_LABELS,
    NAMED_SHARE_RE,
    POINTS_RE,
    RATE_RE,
    REVERSED_CHANGE_RE,
    ROUNDING,
    SHARE_RE,
    UNCHECKED,
    Statement,
    _Amount,
    _amount_at,
    _amount_for,
    _clause_before,
    _context,
    _Entry,
    _inside,
    _is_change,
    _Paragraph,
    _sentence_before,
    _sentence_year,
    normalize_text,
    read_text,
)


# --- the checker -------------------------------------------------------------------------------
def check_text(text: str, figures: FinalAccounts | None = None) -> list[Statement]:
    """Every change, share and completion statement in ``text``, in order, each with its verdict."""
    text = normalize_text(text)
    entries = _entries(figures) if figures is not None else []
    out: list[Statement] = []
    offset = 0
    before: list[_Amount] = []
    earlier: list[_Amount] = []
    for line in text.split("\n"):
        # A change sentence sometimes starts a new paragraph (Word users press Enter after the total).
        para = _Paragraph(line, offset, before=before, earlier=earlier)
        out += _check_paragraph(para, entries)
        offset += len(line) + 1
        if line.strip():
            before = [a for a in para.amounts if a.role != "change"]
            earlier.extend(before)  # after the paragraph is checked: it never sees its own amounts here
    return out


def check_bytes(data: bytes, filename: str, figures: FinalAccounts | None = None) -> list[Statement]:
    return check_text(read_text(data, filename), figures)


def _check_paragraph(para: _Paragraph, entries: list[_Entry]) -> list[Statement]:
    text = para.text
    for m in AMOUNT_RE.finditer(text):
        value, half = _amount_at(text, m)
        label = _clause_before(text, m.start())
        para.amounts.append(
            _Amount(m.start(), m.end(), value, half, label, year=_sentence_year(text, m.start()))
        )
    found: list[tuple[int, Statement]] = []
    taken: list[tuple[int, int]] = []
    for m in COMPLETION_RE.finditer(text):
        if m.group("bnum"):  # "完成年初预算614.51万元的…": the budget, never this year's amount
            _amount_for(para, m.start("bnum")).role = "budget"
    for a in para.amounts:
        # "增加20万元" with no rate after it is still a change, never this year's amount.
        if _CHANGE_WORD_BEFORE.search(text, max(0, a.start - 8), a.start):
            a.role = "change"
    for m in SHARE_RE.finditer(text):
        _amount_for(para, m.start("num")).role = "share"
    for m in CHANGE_RE.finditer(text):
        if _is_change(text, m):
            _amount_for(para, m.start("num")).role = "change"
    for m in SHARE_RE.finditer(text):
        found.append((m.start(), _share(para, m, entries)))
        taken.append(m.span())
    for m in NAMED_SHARE_RE.finditer(text):
        if not _inside(m.span(), taken):  # "X万元，占比Y%" is a share with its amount, read above
            found.append((m.start(), _named_share(para, m, entries)))
            taken.append(m.span())
    for m in CHANGE_RE.finditer(text):
        if _is_change(text, m):
            found.append((m.start(), _change(para, m, entries)))
            taken.append(m.span())
    for m in REVERSED_CHANGE_RE.finditer(text):
        if not _inside(m.span(), taken):
            found.append((m.start(), _change(para, m, entries)))
            taken.append(m.span())
    for m in RATE_RE.finditer(text):
        if not _inside(m.span(), taken) and _COMPARISON.search(_sentence_before(text, m.start())):
            found.append((m.start(), _rate_only(para, m, entries)))
            taken.append(m.span())
    for m in FLAT_RE.finditer(text):
        if not _inside(m.span(), taken):
            found.append((m.start(), _flat(para, m, entries)))
    for m in COMPLETION_RE.finditer(text):
        found.append((m.start(), _completion(para, m, entries)))
    for m in POINTS_RE.finditer(text):
        found.append((m.start(), _points(para, m, entries)))
    found.sort(key=lambda pair: pair[0])
    statements = [s for _, s in found]
    for s in statements:
        s.text = _context(text, s.start, s.end)
        s.start += para.offset
        s.end += para.offset
    return statements


# --- a table for the page and the CLI ----------------------------------------------------------
def to_rows(statements: list[Statement]) -> list[dict[str, Any]]:
    """Chinese column names for the page's table."""
    return [
        {
            "结论": s.status,
            "语句": s.text,
            "报告所写": s.stated_text,
            "正确值": s.correct_text or "—",
            "类型": KIND_LABELS[s.kind],
            "说明": s.note,
        }
        for s in statements
    ]


def summary(statements: list[Statement]) -> dict[str, int]:
    counts = {CONSISTENT: 0, ROUNDING: 0, INCONSISTENT: 0, UNCHECKED: 0}
    for s in statements:
        counts[s.status] += 1
    return counts
