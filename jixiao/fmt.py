"""Number formats the users expect: 万元 with two decimals, rates as 86.23%.

Rounding is half-up on the decimal value (Excel's and the reports' habit), not Python's
banker's rounding on the binary float.
"""

from __future__ import annotations

import math


def is_missing(x: object) -> bool:
    if x is None:
        return True
    try:
        return math.isnan(x)  # type: ignore[arg-type]
    except TypeError:
        return False


# x * 100 is off a tie by at most ~1.3 ulps; 4 leaves room and moves nothing else. Capped at a
# quarter: where ulps are that coarse every tie is exact and needs no nudge.
NUDGE_ULPS = 4


def to_float(x: object) -> float | None:
    """A number as float, or None for missing, NaN and anything that is not a number."""
    if x is None or isinstance(x, bool):
        return None
    try:
        v = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if v != v else v


def round_half_up(x: float | None, digits: int = 2) -> float | None:
    if x is None:
        return None
    x = float(x)
    if x != x or x in (math.inf, -math.inf):
        return None
    scale = _SCALES[digits] if 0 <= digits < len(_SCALES) else 10.0**digits
    scaled = x * scale if x >= 0 else -x * scale
    if scaled < 1e15:
        # The nudge (a few ulps) makes 2.675, stored as 2.67499999999999982, round
        # to 2.68 as a person expects, and never moves a value that is not a tie on paper.
        r = (
            math.floor(scaled + 0.5 + min(NUDGE_ULPS * math.ulp(scaled if scaled > 1.0 else 1.0), 0.25))
            / scale
        )
        return (r if x >= 0 else -r) if r else 0.0
    return x  # beyond 2**53 / 100 a double has no fractional digits left to round


_SCALES = (1.0, 10.0, 100.0, 1000.0, 10000.0)


def round_array(values, digits: int = 2):
    """Vectorised round_half_up for numpy arrays (NaN stays NaN)."""
    import numpy as np

    a = np.asarray(values, dtype=float)
    scale = 10.0**digits
    scaled = np.abs(a) * scale
    r = np.floor(scaled + 0.5 + np.minimum(NUDGE_ULPS * np.spacing(np.maximum(1.0, scaled)), 0.25)) / scale
    # as round_half_up: beyond 1e15 / 10**digits a double has no fractional digits left to round
    return np.where(scaled < 1e15, np.copysign(r, a), a)


def wan(x: float | None, digits: int = 2, unit: bool = False) -> str:
    """1234.5 -> '1,234.50' (or '1,234.50万元' with unit=True); missing -> '—'."""
    r = round_half_up(x, digits)
    if r is None:
        return "—"
    s = f"{r:,.{digits}f}"
    return s + "万元" if unit else s


def pct(x: float | None, digits: int = 2) -> str:
    """86.234 -> '86.23%' (the value is already in percent); missing -> '—'."""
    r = round_half_up(x, digits)
    if r is None:
        return "—"
    return f"{r:.{digits}f}%"


def num(x: float | None, digits: int = 2) -> str:
    r = round_half_up(x, digits)
    if r is None:
        return "—"
    return f"{r:.{digits}f}"


def signed_wan(x: float | None, digits: int = 2) -> str:
    r = round_half_up(x, digits)
    if r is None:
        return "—"
    return f"{r:+,.{digits}f}"


def signed_pct(x: float | None, digits: int = 2) -> str:
    r = round_half_up(x, digits)
    if r is None:
        return "—"
    return f"{r:+.{digits}f}%"


def _format_column(values, digits: int, pattern: str) -> list[str]:
    """Round a column once with numpy and format each distinct value once (a column of rates or
    得分率 repeats a few hundred values over tens of thousands of rows). Distinct by bit pattern, so
    -0.00 and 0.00 stay what they are."""
    import numpy as np

    rounded = round_array(values, digits)
    if rounded.size < 512:
        return ["—" if r != r else pattern.format(r) for r in rounded.tolist()]
    distinct, where = np.unique(rounded.view(np.int64), return_inverse=True)
    texts = ["—" if r != r else pattern.format(r) for r in distinct.view(np.float64).tolist()]
    return np.array(texts, dtype=object)[where.ravel()].tolist()


def wan_list(values, digits: int = 2) -> list[str]:
    """``wan`` over a whole column at once."""
    return _format_column(values, digits, f"{{:,.{digits}f}}")


def pct_list(values, digits: int = 2) -> list[str]:
    return _format_column(values, digits, f"{{:.{digits}f}}%")


def listed(items, most: int = 10, quoted: bool = False) -> str:
    """ "3、5、8" (or "「a」、「b」") — the first ``most`` items, then "等" when there are more."""
    items = list(items)
    shown = "、".join(f"「{x}」" if quoted else str(x) for x in items[:most])
    return shown + ("等" if len(items) > most else "")


QUOTE = 60  # characters of a cell quoted in a finding
NAME_QUOTE = 80  # of a project's name saying where a finding is


def clip(text: object, limit: int = 24) -> str:
    """Text quoted in a message: runs of whitespace as one space, cut at ``limit`` characters with "…"
    (a cell of 30,000 characters quoted in full made a finding nobody can read)."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit] + "…"


def col_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (as Excel names columns)."""
    s, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s
