"""The vocabulary of the statement checker: what a statement is, the patterns that find amounts,
changes, shares and completions in a report's text, reading .txt/.docx text, and the verdicts."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from jixiao.final_accounts import figures as fa_mod
from jixiao.final_accounts.figures import dec
from jixiao.model import IngestError

KIND_CHANGE = "change"
KIND_SHARE = "share"
KIND_COMPLETION = "completion"
KIND_POINTS = "points"  # a change of a percentage in 个百分点
KIND_LABELS = {
    KIND_CHANGE: "增减变动",
    KIND_SHARE: "占比",
    KIND_COMPLETION: "完成预算",
    KIND_POINTS: "百分点变动",
}

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
# "增长0.27倍" is a rate too: X倍 is X × 100% (of last year), read by ``stated_rate``
_RATE_TAIL = (
    rf"(?P<d2>{_D2})(?:了|幅度|比例|率)?\s*(?:为|达到|达|约)?\s*(?:(?P<pct>{NUM})\s*%|(?P<times>{NUM})\s*倍)"
)

AMOUNT_RE = re.compile(rf"(?<![\d.,])(?P<num>{NUM})\s*(?P<unit>{UNIT})")
CHANGE_RE = re.compile(
    rf"(?:(?P<d1>{_D1})了?\s*)?(?<![\d.,])(?P<num>{NUM})\s*(?P<unit>{UNIT})\s*[)）]?\s*[，,、]?\s*(?:同比)?\s*{_RATE_TAIL}"
)
RATE_RE = re.compile(_RATE_TAIL)
# "比上年下降0.39%，减少3.42万元": the rate first, the change after it
REVERSED_CHANGE_RE = re.compile(
    rf"{_RATE_TAIL}\s*[，,、]\s*(?P<d1>{_D1})了?\s*(?<![\d.,])(?P<num>{NUM})\s*(?P<unit>{UNIT})"
)
FLAT_RE = re.compile(
    r"(?:(?:与|较|比|和|同)(?:上年度?|去年|上一年度?|(?:19|20)\d{2}年度?)(?:同期)?(?:相比|比较)?"
    r"[^。；%\d]{0,20}?|同比)(?:基本)?持平"
)
SHARE_RE = re.compile(
    rf"(?<![\d.,])(?P<num>{NUM})\s*(?P<unit>{UNIT})\s*[，,、（(]?\s*占(?P<of>[^。；，,%\d]{{0,20}}?)"
    rf"(?:的)?(?:比重|比例)?(?:为|达|约)?\s*(?P<pct>{NUM})\s*%"
)
# "完成年初预算的142.24%" or, with the budget in it, "完成年初预算614.51万元的142.24%"
COMPLETION_RE = re.compile(
    rf"完成(?P<which>年初|全年|调整后?)?预算(?:数)?\s*(?:(?P<bnum>{NUM})\s*(?P<bunit>{UNIT}))?\s*(?:的)?\s*(?P<pct>{NUM})\s*%"
)
# "科学技术支出占比80.22%": a share with no amount of its own, named by the words before it
NAMED_SHARE_RE = re.compile(rf"占比(?:为|达|约)?\s*(?P<pct>{NUM})\s*%")
# "较上年提高2.1个百分点": a change of a percentage, in points
POINTS_RE = re.compile(rf"(?P<d2>{_D2})(?:了)?\s*(?P<num>{NUM})\s*个百分点")
PCT_RE = re.compile(rf"(?<![\d.,])(?P<pct>{NUM})\s*%")
# The clause before an amount or percent that makes it last year's: "上年21.94万元", "比上年的21.94万元",
# "上年为96.8%", "去年同期".
# "比2022年度877.47万元": an amount after 比/较/与 and a year is that year's, the one compared with.
LAST_YEAR_RE = re.compile(
    r"(?:(?:上年|去年|上一年|上年度|上年同期)(?:同期)?|(?:比|较|与|同|和)\s*(?:19|20)\d{2}\s*年度?(?:同期)?)"
    r"(?:的|为|是|决算数?|支出|数)*\s*$"
)
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
    earlier: list[_Amount] = field(default_factory=list)  # every earlier paragraph's, for named totals


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
    from jixiao.ingest.workbook import decode_text, read_docx_text

    if not data:
        raise IngestError("文件是空的（0 字节）。")
    name = filename.lower()
    if data.startswith(b"PK\x03\x04"):
        return read_docx_text(data)
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


def _amount_at(text: str, m: re.Match[str]) -> tuple[float, float]:
    raw = m.group("num").replace(",", "")
    decimals = len(raw.split(".")[1]) if "." in raw else 0
    factor = _UNIT_IN_WAN[m.group("unit")] if m.groupdict().get("unit") else 1.0
    # Reports drop trailing zeros ("7.6万元" is 7.60), so a printed amount is good to at least the cent.
    half = 0.5 * 10 ** -max(decimals, 2) * factor
    return float(Decimal(raw) * dec(factor)), half


# Items a sentence names that the 公开表 do not carry: "机关运行经费51.17万元" is not 公用经费 51.17万元
_UNCARRIED = ("机关运行经费", "人员经费", "公用经费")


def _names_another(context: str | tuple[str, ...], entries: list[_Entry], candidates: list[_Entry]) -> bool:
    """The amount's own clause names an item none of the figures of that amount is: an amount that
    happens to equal another item's is no tie to that item's last year."""

    def squeeze(x: str) -> str:
        return re.sub(r"[\s“”\"]", "", x)

    text = squeeze(context if isinstance(context, str) else context[0])
    mine = {squeeze(label) for e in candidates for label in e.labels}
    others = {squeeze(label) for e in entries for label in e.labels if len(label) >= 4} | set(_UNCARRIED)
    return any(o in text and not any(o in m or m in o for m in mine) for o in others - mine)


def _decimals(raw: str) -> int:
    return len(raw.split(".")[1]) if "." in raw else 0


def stated_rate(m: re.Match[str]) -> tuple[str, str]:
    """(the percent as printed, the words as printed) of a change's rate: ("0.39", "0.39%") from
    "下降0.39%"; ("27", "0.27倍") from "增长0.27倍", X倍 being X × 100% with two decimals fewer."""
    if m.group("pct") is not None:
        return m.group("pct"), m.group("pct") + "%"
    times = m.group("times")
    percent = Decimal(times.replace(",", "")) * 100
    return f"{percent:.{max(_decimals(times) - 2, 0)}f}", times + "倍"


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


def _sentence_year(text: str, pos: int) -> int | None:
    """The year a sentence is about: its first 'YYYY年' not in 比/较/与 YYYY年 (that is the other year)."""
    start = _sentence_start(text, pos)
    for y in re.finditer(r"((?:19|20)\d{2})年", text[start:pos]):
        before = text[max(0, start + y.start() - 1) : start + y.start()]
        if before not in ("比", "较", "与"):
            return int(y.group(1))
    return None
