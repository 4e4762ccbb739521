"""Statements without an amount of their own: a share named by the words before 占比 ("科学技术支出占比
80.22%"), checked against the figures, and changes stated in 个百分点 — this year's percentage minus last
year's, from the figures (both years' shares) or from the two percentages the sentence states."""

from __future__ import annotations

import re
from decimal import Decimal

from jixiao.final_accounts.figures import dec
from jixiao.final_accounts.statement_kinds import _direction, _finish_change, _match, _squeeze, _subject
from jixiao.final_accounts.statement_text import (
    _D1,
    _D2,
    _DOWN_AMOUNT,
    _DOWN_RATE,
    _UP_AMOUNT,
    _UP_RATE,
    BASIS_FIGURES,
    BASIS_TEXT,
    INCONSISTENT,
    KIND_CHANGE,
    KIND_POINTS,
    KIND_SHARE,
    LAST_YEAR_RE,
    NUM,
    PCT_RE,
    SHARE_RE,
    UNCHECKED,
    UNIT,
    Statement,
    _amount_for,
    _clause_before,
    _decimals,
    _Entry,
    _exact_pct,
    _Paragraph,
    _pct_text,
    _r2,
    _sentence_end,
    _sentence_start,
    _sentence_year,
    judge,
)


def _points(para: _Paragraph, m: re.Match[str], entries: list[_Entry]) -> Statement:
    """'占80.22%，比上年下降0.45个百分点', '执行率98.90%，较上年提高2.1个百分点，上年为96.8%': this year's
    percentage minus last year's. From the figures when the sentence states a share tied to them (both
    years' shares recomputed), else from the two percentages the text states; otherwise 无法核对."""
    text = para.text
    d2, raw = m.group("d2"), m.group("num")
    sign = _direction(d2, _UP_RATE, _DOWN_RATE)
    stated = (sign or 1) * float(raw.replace(",", ""))
    st = Statement(
        "", KIND_POINTS, stated, f"{d2}{raw}个百分点", None, UNCHECKED, start=m.start(), end=m.end()
    )
    if "/" in d2:
        st.note = "模板占位文字（“增长/下降”）没有改成实际的增减方向。"
        return st
    sent, end = _sentence_start(text, m.start()), _sentence_end(text, m.end())
    found = _points_from_figures(para, m, entries, sent) if entries else None
    if found is None:
        found = _points_from_text(text, m, sent, end)
    if found is None and (hit := _AMOUNT_CHANGE_BEFORE.search(text, sent, m.start())):
        return _points_for_a_rate(para, m, hit, st, entries)
    if found is None:
        st.note = "找不到本年和上年的百分比，无法核对。"
        return st
    exact, low, high, basis, how = found
    st.computed = _r2(exact)
    st.basis = basis
    st.status = judge(stated, _decimals(raw), exact, low, high)
    r = _r2(exact)
    st.correct_text = "持平" if r == 0 else f"{'提高' if r > 0 else '下降'}{abs(r):.2f}个百分点"
    st.note = f"{how}，应为{st.correct_text}。"
    return st


# "减少49.19万元，下降86.62个百分点": an amount's change, its rate written in 个百分点
_AMOUNT_CHANGE_BEFORE = re.compile(
    rf"(?P<d1>{_D1})了?\s*(?<![\d.,])(?P<num>{NUM})\s*(?:{UNIT})\s*[，,、]?\s*$"
)


def _points_for_a_rate(
    para: _Paragraph, m: re.Match[str], hit: re.Match[str], st: Statement, entries: list[_Entry]
) -> Statement:
    """个百分点 are a difference of two percentages; an amount's change is in %: the number is judged as
    the percent it stands for, and the statement is wrong in its words whatever the number."""
    amount = _amount_for(para, hit.start("num"))
    delta = _direction(hit.group("d1"), _UP_AMOUNT, _DOWN_AMOUNT) * amount.value
    rate = Statement("", KIND_CHANGE, st.stated, st.stated_text, None, UNCHECKED)
    rate = _finish_change(
        rate, para, hit.start(), _subject(para, hit.start()), delta, amount.half, m.group("num"), entries
    )
    if rate.computed is None:
        st.note = f"“个百分点”只用于两个百分比之差，金额的增减应以%表示；{rate.note}"
        return st
    st.computed, st.basis, st.status = rate.computed, rate.basis, INCONSISTENT
    st.correct_text = _pct_text(rate.computed, signed_words=True)
    st.note = f"“个百分点”只用于两个百分比之差，金额的增减应以%表示：{rate.note}"
    return st


def _points_from_figures(
    para: _Paragraph, m: re.Match[str], entries: list[_Entry], sent: int
) -> tuple[Decimal, float | None, float | None, str, str] | None:
    text = para.text
    shares = list(SHARE_RE.finditer(text, sent, m.start()))
    if not shares:
        return None
    amount = _amount_for(para, shares[-1].start("num"))
    e = _match(entries, amount.value, amount.label, "total", _sentence_year(text, m.start()))
    if e is None or not e.total:
        return None
    p = next((x for x in entries if x.labels == e.labels and x.year == e.year - 1 and x.total), None)
    if p is None or not p.total:
        return None
    now, prev = _exact_pct(e.value, e.total), _exact_pct(p.value, p.total)
    how = f"按决算数据，本年占{_pct_text(now)}、上年占{_pct_text(prev)}"
    return now - prev, None, None, BASIS_FIGURES, how


_RATE_WORD_BEFORE = re.compile(rf"(?:{_D2})了?\s*(?:为|达到|达|约)?\s*$")


def _points_from_text(
    text: str, m: re.Match[str], sent: int, end: int
) -> tuple[Decimal, float | None, float | None, str, str] | None:
    previous, current = None, None
    for pm in PCT_RE.finditer(text, sent, end):
        label = _clause_before(text, pm.start())
        if LAST_YEAR_RE.search(label):
            previous = previous or pm
        elif pm.end() <= m.start() and not _RATE_WORD_BEFORE.search(label):
            current = pm  # the nearest before the statement
    if previous is None or current is None:
        return None
    now, prev = (float(x.group("pct").replace(",", "")) for x in (current, previous))
    h_now = 0.5 * 10 ** -_decimals(current.group("pct"))
    h_prev = 0.5 * 10 ** -_decimals(previous.group("pct"))
    exact = dec(now) - dec(prev)
    how = f"按本句本年{current.group('pct')}%、上年{previous.group('pct')}%"
    return exact, (now - h_now) - (prev + h_prev), (now + h_now) - (prev - h_prev), BASIS_TEXT, how


def _named_share(para: _Paragraph, m: re.Match[str], entries: list[_Entry]) -> Statement:
    """'科学技术支出占比80.22%': the figure named before 占比, as a share of its whole in the figures."""
    text = para.text
    raw = m.group("pct")
    stated = float(raw.replace(",", ""))
    st = Statement("", KIND_SHARE, stated, f"占比{raw}%", None, UNCHECKED, start=m.start(), end=m.end())
    if not entries:
        st.note = "句中没有金额，需要导入决算数据才能核对。"
        return st
    name = _squeeze(_clause_before(text, m.start()))
    year = _sentence_year(text, m.start())
    hits = [
        (max(len(lab) for lab in e.labels if _squeeze(lab) in name), e)
        for e in entries
        if e.total and any(_squeeze(lab) in name for lab in e.labels) and (year is None or e.year == year)
    ]
    if not hits:
        st.note = "决算数据中找不到这一项，无法核对。"
        return st
    longest = max(h for h, _ in hits)
    e = max((e for h, e in hits if h == longest), key=lambda e: e.year)
    exact = _exact_pct(e.value, e.total)  # type: ignore[arg-type]
    st.computed, st.basis = _r2(exact), BASIS_FIGURES
    st.status = judge(stated, _decimals(raw), exact)
    st.correct_text = _pct_text(exact)
    st.note = (
        f"按决算数据，{e.labels[0]}{e.value:.2f}万元、合计{e.total:.2f}万元计算，应为{st.correct_text}。"
    )
    return st
