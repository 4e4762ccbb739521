"""Formulas a workbook stores without their result — a file written by a program that does not
calculate (openpyxl, some systems' exports) — worked out when they are plain arithmetic over cells of
the same sheet: ``C3*0.9``, ``SUM(C3:C17)``, ``D3/C3``, ``ROUND(C3+C4,2)``. Anything else (other
functions, other sheets, text) stays unknown, as before, and is said so by the readers.

Runs inside the guarded worker: no eval, a cap on a formula's length, on the cells a range may cover
and on the passes over formulas that wait for other formulas.
"""

from __future__ import annotations

import math
import re
from typing import Any

MAX_TEXT = 500  # characters of one formula
MAX_RANGE_CELLS = 200_000  # cells one SUM may cover
MAX_PASSES = 20  # formulas that depend on formulas: one chain link per pass
MAX_WORK = 5_000_000  # tokens looked at, all passes together (about two seconds)
MAX_FORMULAS = 200_000  # formulas tried at all: a 50,000-row table has a few per row

_TOKEN = re.compile(
    r"\s*(?:(?P<range>\$?[A-Z]{1,3}\$?\d+:\$?[A-Z]{1,3}\$?\d+)|(?P<ref>\$?[A-Z]{1,3}\$?\d+)"
    r"|(?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)|(?P<func>[A-Z]+)\s*\(|(?P<op>[-+*/(),%]))"
)
_REF = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")
FUNCTIONS = ("SUM", "ROUND")


class _Unknown(Exception):
    """The formula is not plain arithmetic, or a cell it needs has no number yet."""


def _cell(ref: str) -> tuple[int, int]:
    hit = _REF.fullmatch(ref)
    if hit is None:
        raise _Unknown
    col = 0
    for ch in hit.group(1):
        col = col * 26 + ord(ch) - 64
    return int(hit.group(2)) - 1, col - 1


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.strip().lstrip("=").upper()
    while pos < len(text):
        hit = _TOKEN.match(text, pos)
        if hit is None or hit.end() == pos:
            if text[pos:].strip() == "":
                break
            raise _Unknown  # a name, a string, another sheet, a comparison: not ours to work out
        kind = hit.lastgroup or ""
        out.append((kind, hit.group(kind)))
        pos = hit.end()
    return out


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], value):
        self.tokens, self.i, self.value = tokens, 0, value

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, op: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None or (op is not None and tok != ("op", op)):
            raise _Unknown
        self.i += 1
        return tok

    def expr(self) -> float:
        x = self.term()
        while self.peek() in (("op", "+"), ("op", "-")):
            x = x + self.term() if self.take()[1] == "+" else x - self.term()
        return x

    def term(self) -> float:
        x = self.unary()
        while self.peek() in (("op", "*"), ("op", "/")):
            if self.take()[1] == "*":
                x *= self.unary()
            else:
                d = self.unary()
                if d == 0:
                    raise _Unknown  # #DIV/0!
                x /= d
        return x

    def unary(self) -> float:
        if self.peek() in (("op", "-"), ("op", "+")):
            sign = -1.0 if self.take()[1] == "-" else 1.0
            return sign * self.unary()
        x = self.atom()
        while self.peek() == ("op", "%"):
            self.take()
            x /= 100
        return x

    def atom(self) -> float:
        kind, text = self.take()
        if kind == "num":
            return float(text)
        if kind == "ref":
            return self.value(*_cell(text), False)
        if kind == "op" and text == "(":
            x = self.expr()
            self.take(")")
            return x
        if kind == "func" and text in FUNCTIONS:
            args = self.arguments()
            if text == "SUM":
                return math.fsum(args)
            if len(args) != 2:
                raise _Unknown
            return _round_half_away(args[0], int(args[1]))
        raise _Unknown

    def arguments(self) -> list[float]:
        args: list[float] = []
        while True:
            tok = self.peek()
            if tok is not None and tok[0] == "range":
                self.take()
                args.extend(self.cells(tok[1]))
            else:
                args.append(self.expr())
            if self.peek() == ("op", ","):
                self.take()
                continue
            self.take(")")
            return args

    def cells(self, text: str) -> list[float]:
        first, last = text.split(":")
        (r0, c0), (r1, c1) = _cell(first), _cell(last)
        r0, r1, c0, c1 = min(r0, r1), max(r0, r1), min(c0, c1), max(c0, c1)
        if (r1 - r0 + 1) * (c1 - c0 + 1) > MAX_RANGE_CELLS:
            raise _Unknown
        return [self.value(r, c, True) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]


def _round_half_away(x: float, digits: int) -> float:
    """Excel's ROUND: half away from zero, on the decimal that is printed."""
    if not -10 <= digits <= 10:
        raise _Unknown
    scale = 10.0**digits
    return math.copysign(math.floor(abs(x) * scale + 0.5 + 1e-9), x) / scale


def evaluate(rows: list[list[Any]], formulas: dict[tuple[int, int], str]) -> dict[tuple[int, int], float]:
    """(row, column) -> value of each formula that is plain arithmetic over numbers of the sheet (or over
    other formulas worked out here). ``rows`` is not changed."""
    done: dict[tuple[int, int], float] = {}
    waiting: dict[tuple[int, int], list[tuple[str, str]]] = {}
    for key, text in list(formulas.items())[:MAX_FORMULAS]:
        if text and len(text) <= MAX_TEXT:
            try:
                waiting[key] = _tokens(text)
            except _Unknown:
                continue
    budget = MAX_WORK

    def value(r: int, c: int, in_range: bool) -> float:
        if (r, c) in done:
            return done[(r, c)]
        if (r, c) in formulas:
            raise _Unknown  # another formula, not worked out (yet, or at all)
        x = rows[r][c] if r < len(rows) and c < len(rows[r]) else ""
        if type(x) in (int, float):
            return float(x)
        if x == "" or x is None or in_range:
            return 0.0  # a blank cell counts 0; SUM passes over text
        raise _Unknown

    for _ in range(MAX_PASSES):
        progress = False
        for key, tokens in list(waiting.items()):
            budget -= len(tokens) + 1
            if budget < 0:
                return done  # a file built to make this slow: the rest stays unknown
            try:
                parser = _Parser(tokens, value)
                x = parser.expr()
                if parser.peek() is not None or not math.isfinite(x):
                    raise _Unknown
            except (_Unknown, ValueError, OverflowError, RecursionError):
                continue
            done[key] = x
            del waiting[key]
            progress = True
        if not progress:
            break
    return done
