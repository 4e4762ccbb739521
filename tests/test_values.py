from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jixiao.fmt import pct, round_array, round_half_up, wan
from jixiao.ingest import values as v


def test_amounts_as_typed():
    assert v.parse_number("1,234.50") == (1234.5, v.OK)
    assert v.parse_number("１２３．４") == (123.4, v.OK)
    assert v.parse_number(" 12万元 ") == (12.0, v.OK)
    assert v.parse_number("(3.5)") == (-3.5, v.OK)
    assert v.parse_number("/") == (None, v.NA)
    assert v.parse_number("") == (None, v.BLANK)
    assert v.parse_number("待定") == (None, v.BAD)
    assert v.parse_number(True) == (None, v.BAD)


def test_rate_shapes():
    assert v.parse_rate("86.23%") == (86.23, v.OK, True, 2)
    assert v.parse_rate(0.8623)[0] == 0.8623
    assert v.parse_rate("80.34") == (80.34, v.OK, False, 2)
    assert v.parse_rate("／")[1] == v.NA


def test_column_style_decides_bare_numbers():
    assert v.rate_style([1, 0.9875, 0.7699, 80.34, 0.1422], signed=0) == "fraction"
    assert v.to_percent(v.parse_rate(0.9875), "fraction") == (98.75, False)
    assert v.to_percent(v.parse_rate(80.34), "fraction") == (80.34, True)  # the forgotten % sign
    assert v.rate_style([100, 98.75, 76.99, 0.5], signed=0) == "percent"
    assert v.rate_style([100, 98.75], signed=5) == "fraction"  # most cells carry the sign
    assert v.to_percent(v.parse_rate(0.5), "percent") == (0.5, False)


def test_yes_no():
    assert v.parse_yes_no("是") == (True, v.OK)
    assert v.parse_yes_no("否") == (False, v.OK)
    assert v.parse_yes_no("") == (None, v.BLANK)
    assert v.parse_yes_no("也许")[1] == v.BAD


def test_formats_round_half_up():
    assert round_half_up(2.675, 2) == 2.68  # binary float says 2.67499…; people say 2.68
    assert wan(1234.5) == "1,234.50"
    assert pct(86.225) == "86.23%"
    assert wan(None) == "—"


cells = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
    st.text(alphabet="0123456789.,%-+()（）／/万元 ").map(str),
)


@given(cells)
def test_value_parsers_never_raise(cell):
    x, status = v.parse_number(cell)
    assert status in (v.OK, v.BLANK, v.NA, v.BAD)
    assert (x is None) == (status != v.OK) or isinstance(x, float)
    r = v.parse_rate(cell)
    assert r[1] in (v.OK, v.BLANK, v.NA, v.BAD)
    for style in ("fraction", "percent"):
        pct_value, _ = v.to_percent(r, style)
        assert pct_value is None or isinstance(pct_value, float)
    assert v.parse_yes_no(cell)[1] in (v.OK, v.BLANK, v.BAD)


@given(st.integers(min_value=-(10**13), max_value=10**13), st.integers(min_value=0, max_value=4))
def test_round_half_up_matches_decimal_rounding(units, decimals):
    """Half-up on the decimal value a person reads, at any magnitude a budget has (2.675 -> 2.68,
    5,000,000.00 stays 5,000,000.00)."""
    from decimal import ROUND_HALF_UP, Decimal

    x = units / 10**decimals
    expected = float(Decimal(repr(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    assert round_half_up(x, 2) == expected
    assert float(round_array([x], 2)[0]) == expected


@given(
    st.lists(
        st.floats(min_value=-1e16, max_value=1e16, allow_nan=False, allow_infinity=False),
        min_size=1,
        max_size=50,
    ),
    st.integers(min_value=0, max_value=4),
)
def test_round_array_is_round_half_up_for_a_whole_column(xs, digits):
    """The vectorised rounding every column goes through gives, value for value, what the
    decimal-exact scalar gives (a zero may keep its sign)."""
    got = round_array(xs, digits).tolist()
    assert got == [round_half_up(x, digits) for x in xs]
