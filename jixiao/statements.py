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

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from jixiao import final_accounts as fa_mod
from jixiao.final_accounts import FinalAccounts, dec
from jixiao.model import IngestError

KIND_CHANGE = "change"
KIND_SHARE = "share"
KIND_COMPLETION = "completion"
KIND_LABELS = {KIND_CHANGE: "增减变动", KIND_SHARE: "占比", KIND_COMPLETION: "完成预算"}

CONSISTENT = "一致"
ROUNDING = "舍入差异"
INCONSISTENT = "不一致"
UNCHECKED = "无法核对"

BASIS_FIGURES = "决算数据"
BASIS_TEXT = "本段数字"

PCT_TOLERANCE = 0.01  # percentage points, after rounding to 2 decimals (DOMAIN.md)
AMOUNT_TOLERANCE = 0.01  # 万元

# --- patterns ----------------------------------------------------------------------------------
NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
UNIT = r"万元|亿元|元"
_UNIT_IN_WAN = {"万元": 1.0, "元": 1e-4, "亿元": 1e4}
_UP_AMOUNT = ("增加", "增长", "上升", "提高", "多", "增")
_DOWN_AMOUNT = ("减少", "下降", "降低", "少", "减")
_UP_RATE = ("增长", "上升", "提高", "增幅", "涨幅", "增加")
_DOWN_RATE = ("下降", "降低", "减少", "降幅", "减幅", "下滑", "回落")
_PLACEHOLDER_AMOUNT = "增加/减少"
_PLACEHOLDER_RATE = "增长/下降"


def _alt(words: tuple[str, ...]) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


_D1 = _alt((_PLACEHOLDER_AMOUNT, "减少/增加", *_UP_AMOUNT, *_DOWN_AMOUNT))
_D2 = _alt((_PLACEHOLDER_RATE, "下降/增长", *_UP_RATE, *_DOWN_RATE))
_RATE_TAIL = rf"(?P<d2>{_D2})(?:了|幅度|比例|率)?\s*(?:为|达到|达|约)?\s*(?P<pct>{NUM})\s*%"

AMOUNT_RE = re.compile(rf"(?<![\d.,])(?P<num>{NUM})\s*(?P<unit>{UNIT})")
CHANGE_RE = re.compile(
    rf"(?:(?P<d1>{_D1})了?\s*)?(?<![\d.,])(?P<num>{NUM})\s*(?P<unit>{UNIT})\s*[，,、]?\s*(?:同比)?\s*{_RATE_TAIL}"
)
RATE_RE = re.compile(_RATE_TAIL)
FLAT_RE = re.compile(
    r"(?:(?:与|较|比|和|同)(?:上年度?|去年|上一年度?|(?:19|20)\d{2}年度?)(?:同期)?(?:相比|比较)?"
    r"[^。；%\d]{0,20}?|同比)(?:基本)?持平"
)
SHARE_RE = re.compile(
    rf"(?<![\d.,])(?P<num>{NUM})\s*(?P<unit>{UNIT})\s*[，,、]?\s*占(?P<of>[^。；，,%\d]{{0,20}}?)"
    rf"(?:的)?(?:比重|比例)?(?:为|达|约)?\s*(?P<pct>{NUM})\s*%"
)
COMPLETION_RE = re.compile(rf"完成(?P<which>年初|全年|调整后?)?预算(?:数)?(?:的)?\s*(?P<pct>{NUM})\s*%")
BUDGET_RE = re.compile(
    rf"(?:年初预算|调整后预算|调整预算|预算)(?:数)?(?:为|是)?\s*(?P<num>{NUM})\s*(?P<unit>{UNIT})"
)
BARE_NUMBER_RE = re.compile(rf"(?<![\d.,])(?P<num>{NUM})(?![\d.,%年月日号人个次项类款])")
# Words that make "X万元，下降Y%" (without 增加/减少 before the amount) a comparison with last year.
_COMPARISON = re.compile(r"比|较|相比|同比|上年|去年|上一年")
_CHANGE_WORD_BEFORE = re.compile(rf"(?:{_D1})了?\s*$")
_SENTENCE_END = "。！？!?\n"
_LINE_ENDS = ("。", "！", "？", "!", "?", "）", ")")
_CLAUSE_END = "，。；：,;:！？!?\n"
_FULLWIDTH = str.maketrans("０１２３４５６７８９．％", "0123456789.%")
_BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")


# --- results -----------------------------------------------------------------------------------
@dataclass
class Statement:
    text: str  # the statement with the words that say what it is about
    kind: str  # change / share / completion
    stated: float | None  # the percent as printed, signed for changes (下降4% -> -4.0)
    stated_text: str  # '下降4%'
    computed: float | None  # the correct percent, 2 decimals, signed for changes
    status: str  # 一致 / 舍入差异 / 不一致 / 无法核对
    correct_text: str = ""  # '下降0.39%'
    note: str = ""  # how it was recomputed, in Chinese
    basis: str = ""  # 决算数据 / 本段数字 / ''
    start: int = 0  # offsets in the normalised text
    end: int = 0

    @property
    def ok(self) -> bool | None:
        if self.status == UNCHECKED:
            return None
        return self.status != INCONSISTENT

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "kind": self.kind,
            "stated": self.stated,
            "computed": self.computed,
            "ok": self.ok,
            "status": self.status,
            "stated_text": self.stated_text,
            "correct_text": self.correct_text,
            "note": self.note,
            "basis": self.basis,
        }


@dataclass
class _Amount:
    start: int
    end: int
    value: float  # 万元
    half: float  # half a unit of the printed precision, 万元
    label: str  # the clause before it: '2023年度收、支总计均为'
    role: str = ""  # 'share' or 'change' when it is a statement's own amount
    year: int | None = None  # the year its sentence is about


@dataclass
class _Entry:
    """One figure a statement can be tied to."""

    labels: tuple[str, ...]
    year: int
    value: float
    previous: float | None = None
    total: float | None = None
    budget: float | None = None


@dataclass
class _Paragraph:
    text: str
    offset: int
    amounts: list[_Amount] = field(default_factory=list)
    before: list[_Amount] = field(default_factory=list)  # the previous paragraph's amounts


# --- text in -----------------------------------------------------------------------------------
def normalize_text(text: str) -> str:
    """Full-width digits and % to ASCII, Word bookmarks out, line ends unified, wrapped lines joined."""
    text = _BOOKMARK.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _unwrap(text.translate(_FULLWIDTH))


def _unwrap(text: str) -> str:
    """Text copied from a PDF breaks lines mid-sentence ("减少3.42万\n元"). When most lines have the
    same length (the page width), a full-width line that does not end a sentence runs on into the next
    one. Ordinary paragraphs, headings and empty lines are left alone."""
    lines = text.split("\n")
    lengths = Counter(len(x.strip()) for x in lines if len(x.strip()) >= 10)
    if not lengths:
        return text
    width = lengths.most_common(1)[0][0]
    near = sum(n for length, n in lengths.items() if width - 3 <= length <= width)
    if near < max(3, 0.3 * sum(lengths.values())):
        return text
    out: list[str] = []
    for line in lines:
        prev = out[-1].strip() if out else ""
        if prev and line.strip() and len(prev) >= width - 3 and not prev.endswith(_LINE_ENDS):
            out[-1] = prev + line.strip()
        else:
            out.append(line)
    return "\n".join(out)


def read_text(data: bytes, filename: str) -> str:
    """.txt (UTF-8 or GBK) or .docx bytes -> plain text, paragraphs and table cells one per line."""
    from jixiao.ingest.workbook import decode_text

    if not data:
        raise IngestError("文件是空的（0 字节）。")
    name = filename.lower()
    if data.startswith(b"PK\x03\x04"):
        return _docx_text(data)
    if name.endswith(".doc") or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise IngestError("不支持旧版 .doc 文件。请在 Word/WPS 中另存为 .docx 或 .txt 后再上传。")
    if name.endswith(".pdf") or data.startswith(b"%PDF"):
        raise IngestError("不支持 PDF 文件。请复制报告文字粘贴到文本框，或上传 .docx/.txt 文件。")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError("文件不是文本文件。请上传 .txt 或 .docx 文件。")
    try:
        return decode_text(data)
    except IngestError:
        raise IngestError("文本文件的编码无法识别（不是 UTF-8 或 GBK）。请另存为 UTF-8 后再上传。") from None


def _docx_text(data: bytes) -> str:
    from docx import Document

    try:
        doc = Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several unrelated types for a bad package
        raise IngestError("Word 文件已损坏或不是 .docx 格式，无法读取。") from exc
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)


# --- the checker -------------------------------------------------------------------------------
def check_text(text: str, figures: FinalAccounts | None = None) -> list[Statement]:
    """Every change, share and completion statement in ``text``, in order, each with its verdict."""
    text = normalize_text(text)
    entries = _entries(figures) if figures is not None else []
    out: list[Statement] = []
    offset = 0
    before: list[_Amount] = []
    for line in text.split("\n"):
        # A change sentence sometimes starts a new paragraph (Word users press Enter after the total).
        para = _Paragraph(line, offset, before=before)
        out += _check_paragraph(para, entries)
        offset += len(line) + 1
        if line.strip():
            before = [a for a in para.amounts if a.role != "change"]
    return out


def check_bytes(data: bytes, filename: str, figures: FinalAccounts | None = None) -> list[Statement]:
    return check_text(read_text(data, filename), figures)


def _amount_at(text: str, m: re.Match[str]) -> tuple[float, float]:
    raw = m.group("num").replace(",", "")
    decimals = len(raw.split(".")[1]) if "." in raw else 0
    factor = _UNIT_IN_WAN[m.group("unit")] if m.groupdict().get("unit") else 1.0
    # Reports drop trailing zeros ("7.6万元" is 7.60), so a printed amount is good to at least the cent.
    half = 0.5 * 10 ** -max(decimals, 2) * factor
    return float(Decimal(raw) * dec(factor)), half


def _decimals(raw: str) -> int:
    return len(raw.split(".")[1]) if "." in raw else 0


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
    for m in CHANGE_RE.finditer(text):
        if _is_change(text, m):
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
    found.sort(key=lambda pair: pair[0])
    statements = [s for _, s in found]
    for s in statements:
        s.text = _context(text, s.start, s.end)
        s.start += para.offset
        s.end += para.offset
    return statements


def _is_change(text: str, m: re.Match[str]) -> bool:
    # Without 增加/减少 before the amount, "X万元，下降Y%" is a change only in a comparison sentence.
    return bool(m.group("d1")) or bool(_COMPARISON.search(_sentence_before(text, m.start())))


def _inside(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(a <= span[0] < b or a < span[1] <= b for a, b in taken)


def _amount_for(para: _Paragraph, start: int) -> _Amount:
    found = next((a for a in para.amounts if a.start == start), None)
    if found is None:  # a statement's number AMOUNT_RE did not see on its own; read it where it is
        m = AMOUNT_RE.match(para.text, start)
        value, half = _amount_at(para.text, m) if m else (0.0, 0.005)
        found = _Amount(
            start,
            m.end() if m else start,
            value,
            half,
            _clause_before(para.text, start),
            year=_sentence_year(para.text, start),
        )
        para.amounts.append(found)
        para.amounts.sort(key=lambda a: a.start)
    return found


def _sentence_start(text: str, pos: int) -> int:
    return max(text.rfind(ch, 0, pos) for ch in _SENTENCE_END) + 1


def _sentence_end(text: str, pos: int) -> int:
    ends = [i for ch in _SENTENCE_END if (i := text.find(ch, pos)) >= 0]
    return min(ends) if ends else len(text)


def _window_start(text: str, pos: int) -> int:
    """Start of the sentence before the one at ``pos``: how far back a share looks for its 合计."""
    start = _sentence_start(text, pos)
    return _sentence_start(text, start - 1) if start > 0 else 0


def _sentence_before(text: str, pos: int) -> str:
    return text[_sentence_start(text, pos) : pos]


def _clause_before(text: str, pos: int) -> str:
    start = max(text.rfind(ch, 0, pos) for ch in _CLAUSE_END) + 1
    return text[start:pos]


def _context(text: str, start: int, end: int) -> str:
    """The statement from the start of its sentence (or of its item in a list joined by ；)."""
    left = max(_sentence_start(text, start), max(text.rfind("；", 0, start), text.rfind(";", 0, start)) + 1)
    return text[left:end].strip(" \t，,；;：:、").strip()


# --- judging -----------------------------------------------------------------------------------
def _q(x: Decimal, digits: int, rounding: str = ROUND_HALF_UP) -> Decimal:
    return x.quantize(Decimal(1).scaleb(-digits), rounding=rounding)


def judge(
    stated: float,
    printed_decimals: int,
    exact: float | Decimal,
    low: float | None = None,
    high: float | None = None,
) -> str:
    """一致 / 舍入差异 / 不一致 for a printed percent against the exact value (and the range the
    printed amounts' rounding allows, when given)."""
    x, said = dec(exact), dec(stated)
    if _q(x, printed_decimals) == said:
        return CONSISTENT
    if abs(_q(x, 2) - said) <= dec(PCT_TOLERANCE):
        return ROUNDING
    if _q(x, printed_decimals, ROUND_DOWN) == said:  # truncated instead of rounded
        return ROUNDING
    if low is not None and high is not None:
        half = 0.5 * 10**-printed_decimals
        if low - 1e-9 <= stated + half and high + 1e-9 >= stated - half:
            return ROUNDING
    return INCONSISTENT


def _exact_pct(part: float, whole: float) -> Decimal:
    return dec(part) / dec(whole) * 100


def _r2(x: Decimal) -> float:
    return float(_q(x, 2))


def _range(f: Any, *bounds: tuple[float, float]) -> tuple[float, float] | None:
    """min/max of f over the corners of the boxes; f is monotonic in each argument where defined."""
    values = []
    corners: list[list[float]] = [[]]
    for lo, hi in bounds:
        corners = [c + [v] for c in corners for v in (lo, hi)]
    for c in corners:
        try:
            values.append(f(*c))
        except ZeroDivisionError:
            return None
    return min(values), max(values)


def _pct_text(x: float | Decimal | None, *, signed_words: bool = False) -> str:
    if x is None:
        return ""
    r = _q(dec(x), 2)
    if not signed_words:
        return f"{r:.2f}%"
    if r == 0:
        return "持平（0.00%）"
    return ("增长" if r > 0 else "下降") + f"{abs(r):.2f}%"


def _wan(x: float) -> str:
    return f"{fa_mod.round2(x):.2f}万元"


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
    if entry is None and entries and _named_total(m.group("of")):
        total = _named_total_value(entries, m.group("of"), _sentence_year(text, m.start()))
        if total is not None:
            entry = _Entry((), 0, amount.value, total=total)
    if entry is not None:
        total, half_total, basis = entry.total, 0.005, BASIS_FIGURES
        note = f"按决算数据，合计{_wan(total)}"
    else:
        found = _paragraph_total(para, m)
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
    named = _core(m.group("of"))
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
    candidates = [a for a in para.amounts if a.end <= start and a.role != "change"]
    same = [a for a in candidates if a.start >= clause]
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
    pct_raw = m.group("pct")
    s1 = _direction(d1, _UP_AMOUNT, _DOWN_AMOUNT)
    s2 = _direction(d2, _UP_RATE, _DOWN_RATE)
    stated_sign = s2 or s1
    stated = stated_sign * float(pct_raw.replace(",", "")) if stated_sign else float(pct_raw.replace(",", ""))
    stated_text = f"{d2}{pct_raw}%"
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
    delta = sign * delta_amount.value
    subject = _subject(para, m.start())
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
    d2, pct_raw = m.group("d2"), m.group("pct")
    sign = _direction(d2, _UP_RATE, _DOWN_RATE)
    stated = (sign or 1) * float(pct_raw.replace(",", ""))
    st = Statement("", KIND_CHANGE, stated, f"{d2}{pct_raw}%", None, UNCHECKED, start=m.start(), end=m.end())
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
def _sentence_year(text: str, pos: int) -> int | None:
    """The year a sentence is about: its first 'YYYY年' not in 比/较/与 YYYY年 (that is the other year)."""
    start = _sentence_start(text, pos)
    for y in re.finditer(r"((?:19|20)\d{2})年", text[start:pos]):
        before = text[max(0, start + y.start() - 1) : start + y.start()]
        if before not in ("比", "较", "与"):
            return int(y.group(1))
    return None


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
    if need in ("total", "budget"):
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
