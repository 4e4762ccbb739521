"""The statement checker, kind by kind: shares, changes (amount and percent, 持平), completion of the
budget, and tying a statement to the 决算 figures it speaks of."""

from __future__ import annotations

import functools
import re
from decimal import Decimal
from typing import Any

from jixiao.final_accounts import figures as fa_mod
from jixiao.final_accounts.figures import FinalAccounts, dec
from jixiao.final_accounts.statement_text import (
    _D1,
    _DOWN_AMOUNT,
    _DOWN_RATE,
    _UP_AMOUNT,
    _UP_RATE,
    AMOUNT_RE,
    AMOUNT_TOLERANCE,
    BARE_NUMBER_RE,
    BASIS_FIGURES,
    BASIS_TEXT,
    BUDGET_RE,
    CONSISTENT,
    INCONSISTENT,
    KIND_CHANGE,
    KIND_COMPLETION,
    KIND_SHARE,
    LAST_YEAR_RE,
    SHARE_RE,
    UNCHECKED,
    Statement,
    _Amount,
    _amount_at,
    _amount_for,
    _clause_before,
    _decimals,
    _Entry,
    _exact_pct,
    _names_another,
    _Paragraph,
    _pct_text,
    _r2,
    _range,
    _sentence_before,
    _sentence_end,
    _sentence_start,
    _sentence_year,
    _wan,
    _window_start,
    judge,
    stated_rate,
)


# --- shares ------------------------------------------------------------------------------------
def _share(para: _Paragraph, m: re.Match[str], entries: list[_Entry]) -> Statement:
    text = para.text
    amount = _amount_for(para, m.start("num"))
    stated = float(m.group("pct").replace(",", ""))
    dp = _decimals(m.group("pct"))
    st = Statement(
        "", KIND_SHARE, stated, f"占{m.group('pct')}%", None, UNCHECKED, start=m.start(), end=m.end()
    )
    entry = _match(entries, amount.value, amount.label, "total", _sentence_year(text, m.start()))
    nearby = None
    if entry is None and entries and _named_total(_of(m)):
        # the whole the text itself states under that name beats the figures' one
        nearby = _named_total_nearby(para, m, amount)
        total = None if nearby else _named_total_value(entries, _of(m), _sentence_year(text, m.start()))
        if total is not None:
            entry = _Entry((), 0, amount.value, total=total)
    if entry is not None:
        total, half_total, basis = entry.total, 0.005, BASIS_FIGURES
        note = f"按决算数据，合计{_wan(total)}"
    else:
        found = _paragraph_total(para, m) or nearby or _named_total_nearby(para, m, amount)
        if found is None:
            st.note = "本段找不到合计数，无法核对占比。"
            return st
        total, half_total, how = found
        basis, note = BASIS_TEXT, f"按本段{how}{_wan(total)}"
    if total == 0:  # "0万元，占0%" of a whole that is 0 too is the reports' convention
        if amount.value != 0:
            st.note = "合计为0，占比无意义。"
            return st
        st.computed, st.correct_text, st.basis = 0.0, "0.00%", basis
        st.status = judge(stated, dp, 0.0)
        st.note = f"{note}，金额为0，占比为0%。"
        return st
    exact = _exact_pct(amount.value, total)
    half = amount.half if basis == BASIS_TEXT else 0.005
    rng = _range(
        lambda a, t: a / t * 100,
        (max(amount.value - half, 0), amount.value + half),
        (total - half_total, total + half_total),
    )
    st.computed = _r2(exact)
    st.status = judge(stated, dp, exact, *(rng or (None, None)))
    st.correct_text = _pct_text(exact)
    st.basis = basis
    st.note = f"{note}计算，应为{_pct_text(exact)}。"
    return st


def _of(m: re.Match[str]) -> str:
    """The whole a share names: "占本年支出合计的" names 本年支出合计; "占比" names nothing."""
    of = m.group("of")
    return of[1:] if of.startswith("比") else of


def _named_total_nearby(
    para: _Paragraph, m: re.Match[str], amount: _Amount
) -> tuple[float, float, str] | None:
    """The whole a share names ("占本年支出合计的97.24%"), stated elsewhere in the text: later in its own
    sentence or the next ("…（本年支出合计512.36万元）"), or in an earlier paragraph, the nearest first, of
    the same year. Earlier in the same paragraph is ``_paragraph_total``'s first rule."""
    named = _core(_of(m))
    if len(named) < 2:
        return None
    text = para.text
    end = _sentence_end(text, _sentence_end(text, m.end()) + 1)
    later = [a for a in para.amounts if m.end() <= a.start < end and a.role == ""]
    year = _sentence_year(text, m.start())
    for a in [*later, *reversed(para.earlier)]:
        if a.role == "change" or named not in _core(a.label) or a.value < amount.value - amount.half:
            continue
        if year is not None and a.year is not None and a.year != year:
            continue  # 2022年的本年支出合计 is not this year's whole
        return a.value, a.half, named
    return None


def _named_total(of: str) -> bool:
    return any(w in of for w in ("本年支出合计", "支出合计", "本年收入合计", "收入合计"))


def _named_total_value(entries: list[_Entry], of: str, year: int | None) -> float | None:
    name = "本年收入合计" if "收入" in of else "本年支出合计"
    for e in sorted(entries, key=lambda e: -e.year):
        if name in e.labels and (year is None or e.year == year):
            return e.value
    return None


def _paragraph_total(para: _Paragraph, m: re.Match[str]) -> tuple[float, float, str] | None:
    """The 合计 a share in a paragraph of text is taken of, looking back no further than the sentence
    before its own.

    In order: an earlier amount under the name the share gives (…占政府采购支出总额的…); the amount
    just before the nearest "其中" (…874.05万元，其中：…); the first amount of the sentence that is no
    share itself (…支出874.05万元，主要用于以下方面：…); the sum of the shares of its sentence when
    their percents add up to 100 (a list without its total).
    """
    text, pos = para.text, m.start()
    amount = _amount_for(para, m.start("num"))
    named = _core(_of(m))
    if len(named) >= 2:  # "占授予中小企业合同金额的60%": the whole it names, stated earlier in the paragraph
        for a in reversed([a for a in para.amounts if a.end <= amount.start and a.role != "change"]):
            if named in _core(a.label) and a.value >= amount.value - amount.half:
                return a.value, a.half, named
    window, sent = _window_start(text, pos), _sentence_start(text, pos)
    for lo, hi in ((sent, pos), (window, sent)):  # its own sentence first, then the one before
        anchor = _before_qizhong(para, lo, hi)
        if anchor is not None:
            # The nearest "…合计X万元，其中：" is the list this share belongs to; if X cannot be its
            # whole, the paragraph's numbers do not say what the whole is.
            if anchor.value >= amount.value - amount.half and _compatible(named, anchor.label):
                return anchor.value, anchor.half, "合计"
            return None
        first = next((a for a in para.amounts if lo <= a.start < hi and a.role == ""), None)
        if first is not None:
            # A share that names its whole ("占本年支出合计的…") takes no amount of another name.
            fits = _compatible(named, first.label) and (not named or _common(named, _core(first.label)) >= 2)
            if first.value >= amount.value - amount.half and fits:
                return first.value, first.half, "总数"
            break
    # The list it is in: the shares of its sentence.
    group = [
        (sm, _amount_for(para, sm.start("num")))
        for sm in SHARE_RE.finditer(text, sent, _sentence_end(text, m.end()))
    ]
    stated_sum = sum(float(sm.group("pct").replace(",", "")) for sm, _ in group)
    # A list that adds up to 100% is its own whole; a lone share is only when it says 100%.
    if (len(group) > 1 and abs(stated_sum - 100) <= 0.5) or (len(group) == 1 and stated_sum == 100):
        whole = float(sum((dec(a.value) for _, a in group), Decimal(0)))
        return whole, sum(a.half for _, a in group), "各项之和"
    return None


def _before_qizhong(para: _Paragraph, lo: int, hi: int) -> _Amount | None:
    """The amount written right before the nearest "其中" in text[lo:hi] that has one."""
    text = para.text
    i = text.rfind("其中", lo, hi)
    while i >= 0:
        before = [a for a in para.amounts if lo <= a.start and a.end <= i]
        if before and re.fullmatch(r"[\s，,、：:；;]*", text[before[-1].end : i]):
            return before[-1]
        i = text.rfind("其中", lo, i)
    return None


def _compatible(named: str, label: str) -> bool:
    """A whole the share names as 支出 is no 收入 total, and the other way round."""
    for word, other in (("支出", "收入"), ("收入", "支出")):
        if word in named and other in label and word not in label:
            return False
    return True


# --- changes -----------------------------------------------------------------------------------
def _direction(word: str | None, up: tuple[str, ...], down: tuple[str, ...]) -> int:
    if not word:
        return 0
    if word in up:
        return 1
    if word in down:
        return -1
    return 0  # a placeholder such as 增加/减少


def _subject(para: _Paragraph, start: int, upto: int | None = None) -> _Amount | None:
    """This year's amount a change sentence is about, or None when that is not clear.

    The nearest amount before it in the same clause group (up to the last ；); else, in the
    paragraph's earlier sentences (or the previous paragraph), the amount whose clause shares most
    words with the change sentence up to ``upto`` (…收、支总计均为874.05万元。与2022年度相比，收、支
    总计各减少…), a total before a share item, the nearest on a tie.
    """
    text = para.text
    sent = _sentence_start(text, start)
    clause = max(sent, text.rfind("；", 0, start) + 1)
    candidates = [a for a in para.amounts if a.end <= start and a.role not in ("change", "budget")]
    # "2023年度支出7.60万元，与2022年度56.74万元相比，减少…": the year compared with is not the subject
    same = [a for a in candidates if a.start >= clause and not LAST_YEAR_RE.search(a.label)]
    if same:
        return same[-1]
    pool = candidates or para.before
    if not pool:
        return None
    prefix = _core(text[clause : upto or start])
    scored = [(_common(prefix, _core(a.label)), a.role != "share", i, a) for i, a in enumerate(pool)]
    best = max(scored, key=lambda s: (s[0] >= 2 and s[0], s[1], s[2]))
    return best[3] if best[0] >= 2 else None


# "增加3人，增长10%": the rate is about the people, not about an amount nearby.
_COUNTED_CHANGE = re.compile(rf"(?:{_D1})了?\s*\d+(?:\.\d+)?\s*(?!\d|\.|万元|亿元|元|%)")


def _clause_group(text: str, pos: int) -> str:
    return text[max(_sentence_start(text, pos), text.rfind("；", 0, pos) + 1) : pos]


@functools.lru_cache(maxsize=8192)  # the same labels are compared again and again down a long report
def _core(s: str) -> str:
    s = re.sub(
        r"(?:19|20)\d{2}年度?|与|相比|比较|较|上年度?|同期|各|均为|均|为|决算数?|[\d.,，。；：、\s“”]", "", s
    )
    return s


def _common(a: str, b: str) -> int:
    """Length of the longest common substring."""
    best = 0
    prev = [0] * (len(b) + 1)
    for ca in a:
        cur = [0] * (len(b) + 1)
        for j, cb in enumerate(b, 1):
            if ca == cb:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best


def _change(para: _Paragraph, m: re.Match[str], entries: list[_Entry]) -> Statement:
    d1, d2 = m.group("d1"), m.group("d2")
    pct_raw, printed = stated_rate(m)
    s1 = _direction(d1, _UP_AMOUNT, _DOWN_AMOUNT)
    s2 = _direction(d2, _UP_RATE, _DOWN_RATE)
    stated_sign = s2 or s1
    stated = stated_sign * float(pct_raw.replace(",", "")) if stated_sign else float(pct_raw.replace(",", ""))
    stated_text = f"{d2}{printed}"
    st = Statement("", KIND_CHANGE, stated, stated_text, None, UNCHECKED, start=m.start(), end=m.end())
    if (d1 and "/" in d1) or "/" in d2:
        st.note = "模板占位文字（“增加/减少”“增长/下降”）没有改成实际的增减方向。"
        return st
    if s1 and s2 and s1 != s2:
        st.status = INCONSISTENT
        st.note = f"前面说“{d1}”，后面说“{d2}”，增减方向自相矛盾。"
        return st
    sign = s1 or s2
    delta_amount = _amount_for(para, m.start("num"))
    subject = _subject(para, m.start())
    if not d1 and LAST_YEAR_RE.search(delta_amount.label):
        # "上年21.94万元，同比增长17.32%", "比上年的21.94万元增长17.32%": the amount is last year's, not the change
        if subject is None:
            st.note = "找不到本年金额，无法核对。"
            return st
        delta = float(dec(subject.value) - dec(delta_amount.value))
        return _finish_change(
            st, para, m.start(), subject, delta, subject.half + delta_amount.half, pct_raw, entries
        )
    delta = sign * delta_amount.value
    return _finish_change(st, para, m.start(), subject, delta, delta_amount.half, pct_raw, entries)


def _finish_change(
    st: Statement,
    para: _Paragraph,
    pos: int,
    subject: _Amount | None,
    delta: float | None,
    delta_half: float,
    pct_raw: str | None,
    entries: list[_Entry],
) -> Statement:
    """Recompute a change from the figures or from this year's amount and the stated change."""
    text = para.text
    dp = _decimals(pct_raw) if pct_raw else 2
    entry = None
    if subject is not None:
        context = (subject.label, subject.label + _sentence_before(text, pos))
        entry = _match(entries, subject.value, context, "previous", subject.year)
    if entry is not None:
        prev, now, h = entry.previous, entry.value, 0.005
        st.basis = BASIS_FIGURES
        how = f"按决算数据，上年{_wan(prev)}、本年{_wan(now)}"
        if delta is not None and abs((now - prev) - delta) > AMOUNT_TOLERANCE + 1e-9:
            st.computed = _change_pct(prev, now)
            st.status = INCONSISTENT
            st.correct_text = _change_words(prev, now)
            st.note = f"{how}，增减额应为{_signed_wan(now - prev)}，{st.correct_text}。"
            return st
        if pct_raw is None:  # 持平
            return _flat_verdict(st, prev, now, how)
        if prev == 0:
            st.note = f"{how}，上年为0，增长率无意义。"
            return st
        rng = (
            _range(lambda a, p: (a - p) / p * 100, (now - h, now + h), (prev - h, prev + h))
            if prev > h
            else None
        )
    else:
        if subject is None or delta is None:
            st.note = "找不到本年金额或增减额，无法核对。"
            return st
        now, h = subject.value, subject.half
        prev = float(dec(now) - dec(delta))
        st.basis = BASIS_TEXT
        how = f"按本年{_wan(now)}、增减额{_signed_wan(delta)}推算上年为{_wan(prev)}"
        if abs(prev) < 1e-9:
            st.note = f"{how}，上年为0，增长率无意义。"
            return st
        if prev < 0:
            st.note = f"{how}，上年数为负，无法核对。"
            return st
        sign = 1 if delta >= 0 else -1
        d_abs = abs(delta)
        rng = _range(
            lambda a, d: sign * d / (a - sign * d) * 100,
            (now - h, now + h),
            (max(d_abs - delta_half, 0), d_abs + delta_half),
        )
        if rng is not None and (now - h) - sign * (d_abs + delta_half) <= 0:
            rng = None  # last year could be 0 within rounding: no range
    if pct_raw is None:  # 持平
        return _flat_verdict(st, prev, now, how)
    exact = _exact_pct(float(dec(now) - dec(prev)), prev)
    st.computed = _r2(exact)
    st.correct_text = _change_words(prev, now)
    st.status = judge(st.stated, dp, exact, *(rng or (None, None)))
    st.note = f"{how}，应为{st.correct_text}。"
    return st


def _flat_verdict(st: Statement, prev: float, now: float, how: str) -> Statement:
    st.computed = _change_pct(prev, now) if prev else (0.0 if fa_mod.round2(now) == 0 else None)
    st.correct_text = _change_words(prev, now)
    st.status = CONSISTENT if fa_mod.change(prev, now).amount == 0 else INCONSISTENT
    st.note = f"{how}，应为{st.correct_text}。"
    return st


def _change_pct(prev: float, now: float) -> float | None:
    return fa_mod.change(prev, now).percent


def _change_words(prev: float, now: float) -> str:
    ch = fa_mod.change(prev, now)
    if ch.amount == 0:
        return "持平"
    words = ("增加" if ch.amount > 0 else "减少") + _wan(abs(ch.amount))
    if ch.percent is not None:
        words += "，" + _pct_text(ch.percent, signed_words=True)
    return words


def _signed_wan(x: float) -> str:
    return f"{fa_mod.round2(x):+.2f}万元"


def _rate_only(para: _Paragraph, m: re.Match[str], entries: list[_Entry]) -> Statement:
    """'同比增长5%', '减幅8%': a change without its amount; checkable only against the figures."""
    d2, (pct_raw, printed) = m.group("d2"), stated_rate(m)
    sign = _direction(d2, _UP_RATE, _DOWN_RATE)
    stated = (sign or 1) * float(pct_raw.replace(",", ""))
    st = Statement("", KIND_CHANGE, stated, f"{d2}{printed}", None, UNCHECKED, start=m.start(), end=m.end())
    if "/" in d2:
        st.note = "模板占位文字（“增长/下降”）没有改成实际的增减方向。"
        return st
    subject = (
        None if _COUNTED_CHANGE.search(_clause_group(para.text, m.start())) else _subject(para, m.start())
    )
    st = _finish_change(st, para, m.start(), subject, None, 0.0, pct_raw, entries)
    if subject is None:
        st.note = "找不到这句话对应的本年金额，无法核对。"
    elif st.basis == "":
        st.note = "句中没有增减额，需要导入决算数据才能核对。"
    return st


def _flat(para: _Paragraph, m: re.Match[str], entries: list[_Entry]) -> Statement:
    """'与2022年度持平': a change of 0; checkable only against the figures."""
    st = Statement("", KIND_CHANGE, 0.0, "持平", None, UNCHECKED, start=m.start(), end=m.end())
    subject = _subject(para, m.start(), upto=m.end())
    # "在职人员与上年持平" after an amount is about the people: the words before 与/较 name the thing.
    noun = _core(_clause_before(para.text, m.start()))
    if subject is not None and noun and _common(noun, _core(subject.label)) < 2:
        subject = None
    if not entries or subject is None:
        st.note = "需要导入决算数据才能核对“持平”。"
        return st
    # The noun is inside the match (与2022年度相比，收入总计持平), so the context runs to its end.
    st = _finish_change(st, para, m.end(), subject, None, 0.0, None, entries)
    if st.basis == "":
        st.status, st.computed, st.correct_text = UNCHECKED, None, ""
        st.note = "决算数据中找不到这一项的上年数，无法核对“持平”。"
    return st


# --- completion --------------------------------------------------------------------------------
def _completion(para: _Paragraph, m: re.Match[str], entries: list[_Entry]) -> Statement:
    text = para.text
    stated = float(m.group("pct").replace(",", ""))
    dp = _decimals(m.group("pct"))
    which = m.group("which") or ""
    st = Statement("", KIND_COMPLETION, stated, f"完成{which}预算{m.group('pct')}%", None, UNCHECKED)
    st.start, st.end = m.start(), m.end()
    sent = _sentence_start(text, m.start())
    amounts = [a for a in para.amounts if sent <= a.start and a.end <= m.start() and a.role == ""]
    if amounts:
        actual, h = amounts[-1].value, amounts[-1].half
        label = amounts[-1].label
    else:
        bare = [b for b in BARE_NUMBER_RE.finditer(text, sent, m.start()) if "." in b.group("num")]
        if not bare:
            st.note = "句中找不到决算数，无法核对。"
            return st
        actual, h = float(bare[-1].group("num").replace(",", "")), 0.005
        label = _clause_before(text, bare[-1].start())
    budget = None
    context = (label, label + _sentence_before(text, m.start()))
    entry = _match(entries, actual, context, "budget", _sentence_year(text, m.start()))
    if entry is not None:
        budget, hb, st.basis = entry.budget, 0.005, BASIS_FIGURES
        how = f"按决算数据，年初预算{_wan(budget)}、决算{_wan(actual)}"
    elif m.group("bnum"):  # "完成年初预算614.51万元的142.24%": the budget is in the statement
        budget, hb = _amount_at(text, AMOUNT_RE.match(text, m.start("bnum")))  # type: ignore[arg-type]
        st.basis = BASIS_TEXT
        how = f"按句中预算数{_wan(budget)}、决算数{_wan(actual)}"
    else:
        end = _sentence_end(text, m.end())
        b = next((x for x in BUDGET_RE.finditer(text, sent, end) if not _overlaps(x.span(), m.span())), None)
        if b is not None:
            budget, hb = _amount_at(text, b)
            st.basis = BASIS_TEXT
            how = f"按句中预算数{_wan(budget)}、决算数{_wan(actual)}"
    if not budget:
        st.note = "找不到对应的预算数，无法核对。"
        return st
    exact = _exact_pct(actual, budget)
    rng = _range(lambda a, b: a / b * 100, (actual - h, actual + h), (budget - hb, budget + hb))
    st.computed = _r2(exact)
    st.status = judge(stated, dp, exact, *(rng or (None, None)))
    st.correct_text = _pct_text(exact)
    st.note = f"{how}计算，应为{st.correct_text}。"
    return st


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


# --- tying a statement to the figures -----------------------------------------------------------
def _match(
    entries: list[_Entry], value: float, context: str | tuple[str, ...], need: str, year: int | None
) -> _Entry | None:
    """The figure a statement is about: same amount (±0.005), ``need`` known, its name in the context.

    ``context`` may be several texts, nearest first (the amount's own clause, then its sentence):
    a name in a nearer text wins; among those, the longest name. For a share or a completion the name
    must be there; for a change an amount that all candidates agree on is enough (874.05 is both
    收入总计 and 财政拨款收支总计, with one 上年数).
    """
    candidates = [e for e in entries if abs(e.value - value) <= 0.005 + 1e-9 and getattr(e, need) is not None]
    if year is not None and any(e.year == year for e in candidates):
        candidates = [e for e in candidates if e.year == year]
    if not candidates:
        return None
    for text in (context,) if isinstance(context, str) else context:
        squeezed = _squeeze(text)
        hits = [
            (max(len(lab) for lab in e.labels if _squeeze(lab) in squeezed), e)
            for e in candidates
            if any(_squeeze(lab) in squeezed for lab in e.labels)
        ]
        if hits:
            longest = max(h for h, _ in hits)
            return max((e for h, e in hits if h == longest), key=lambda e: e.year)
    if need in ("total", "budget") or _names_another(context, entries, candidates):
        return None
    values = {round(getattr(e, need), 4) for e in candidates}
    if len(values) == 1:
        return max(candidates, key=lambda e: e.year)
    return None


def _squeeze(s: str) -> str:
    return re.sub(r"[\s“”\"]", "", s).replace("(", "（").replace(")", "）")


def _entries(fa: FinalAccounts) -> list[_Entry]:
    out: list[_Entry] = []
    for y in fa.years:
        yf, p = fa.year(y), fa.previous_year(y)
        pf = fa.year(p) if p is not None else fa_mod.YearFigures()

        def add(
            labels: tuple[str, ...], value: float | None, previous: float | None = None, **kw: Any
        ) -> None:
            if value is not None:
                out.append(_Entry(labels, y, value, previous, **kw))  # noqa: B023 - y is read at once

        add(("收、支总计", "收支总计", "收入总计"), yf.income_total, pf.income_total)
        add(("支出总计",), yf.expenditure_total, pf.expenditure_total)
        fig2_total = fa_mod.structure_total(fa, fa_mod.FIG2, y)
        fig3_total = fa_mod.structure_total(fa, fa_mod.FIG3, y)
        add(("本年收入合计", "收入合计"), yf.income_current, pf.income_current)
        add(("本年支出合计", "支出合计"), yf.expenditure_current, pf.expenditure_current)
        for k, v in yf.income.items():
            add((k,), v, pf.income.get(k), total=fig2_total)
        for k, v in yf.expenditure.items():
            add((k,), v, pf.expenditure.get(k), total=fig3_total)
        add(
            ("财政拨款收、支总计", "财政拨款收支总计", "财政拨款收入支出总计"),
            yf.fiscal_total,
            pf.fiscal_total,
        )
        add(
            ("一般公共预算财政拨款支出", "一般公共预算支出", "一般公共预算"),
            yf.general_budget_expenditure,
            pf.general_budget_expenditure,
            total=fig3_total,
            budget=yf.general_budget_initial_budget,
        )
        fig6_total = fa_mod.structure_total(fa, fa_mod.FIG6, y)
        for k, v in yf.by_function.items():
            add((k,), v, pf.by_function.get(k), total=fig6_total)
        tp_total = fa_mod.three_public_total(fa, y)
        add(("三公经费",), tp_total, fa_mod.three_public_total(fa, p) if p is not None else None)
        for k, v in fa_mod.three_public_items(yf).items():
            add(_three_public_labels(k), v, pf.three_public.get(k), total=tp_total)
        car = fa_mod.car_combined(yf)
        if fa_mod.CAR_COMBINED not in fa_mod.three_public_items(yf):
            add(_three_public_labels(fa_mod.CAR_COMBINED), car, fa_mod.car_combined(pf), total=tp_total)
        add((fa_mod.PERSONNEL,), yf.personnel, pf.personnel)
        add((fa_mod.PUBLIC_USE,), yf.public_use, pf.public_use)
        add(("机关运行经费",), yf.admin_operating, pf.admin_operating)
    return out


def _three_public_labels(item: str) -> tuple[str, ...]:
    # Reports write 因公出国（境）经费 / 因公出国（境）支出 as often as 因公出国（境）费.
    if item == fa_mod.OVERSEAS:
        return (item, "因公出国（境）")
    if item == fa_mod.CAR_COMBINED:
        return (item, "公务用车购置及运行费")
    return (item,)
