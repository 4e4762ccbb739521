"""The JSON document ``inspect`` prints, built from an Analysis (money 万元, percent, 2 decimals)."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from jixiao import model as m
from tests.oracle_engine.analysis import Analysis
from tests.oracle_engine.fmt import round_array, round_half_up


def _r(x: Any) -> float | None:
    if x is None:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else round_half_up(f, 2)


def _rounded_list(series) -> list[float | None]:
    values = round_array(pd.to_numeric(series, errors="coerce").to_numpy(dtype=float), 2)
    return [None if math.isnan(x) else x for x in values.tolist()]


def _s(x: Any) -> str | None:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return str(x)


def analysis_doc(a: Analysis) -> dict[str, Any]:
    src = a.table.source
    p = a.projects
    keys = (
        "budget",
        "executed",
        "execution_rate",
        "reported_execution_rate",
        "reported_score",
        "computed_score",
    )
    numbers = [_rounded_list(p[c]) for c in (m.BUDGET, m.EXECUTED, m.EXECUTION_RATE, m.REPORTED_RATE)]
    numbers += [_rounded_list(p[c]) for c in (m.REPORTED_SCORE, m.COMPUTED_SCORE)]
    texts = [[_s(x) for x in p[c].tolist()] for c in (m.SEQ, m.UNIT, m.CODE)]
    self_flags = [None if x is None or x != x else bool(x) for x in p[m.SELF_FLAG].tolist()]
    flag_dicts = [[{"code": f.code, "reason": f.reason} for f in fl] for fl in p[m.FLAGS].tolist()]
    rows = []
    columns = zip(
        p[m.SHEET_ROW].tolist(),
        *texts,
        [_s(x) for x in p[m.PROJECT].tolist()],  # mirrors main: a missing name or grade is null, never NaN
        *numbers,
        [_s(x) for x in p[m.GRADE].tolist()],
        self_flags,
        flag_dicts,
    )
    for sheet_row, seq, unit, code, project, *rest in columns:
        row = {"sheet_row": int(sheet_row), "seq": seq, "unit": unit, "code": code, "project": project}
        row.update(zip(keys, rest[:6]))
        row["grade"], row["self_flag"], row["flags"] = rest[6], rest[7], rest[8]
        rows.append(row)
    units = [
        {
            "unit": u["unit"],
            "projects": int(u["projects"]),
            "budget": _r(u["budget"]),
            "executed": _r(u["executed"]),
            "execution_rate": _r(u["execution_rate"]),
            "mean_simple": _r(u["mean_simple"]),
            "mean_budget_weighted": _r(u["mean_budget_weighted"]),
        }
        for u in m.records(a.units)
    ]
    scores = None
    if a.scores:
        scores = {k: _r(a.scores[k]) for k in ("mean_simple", "mean_budget_weighted", "share_90_plus")}
    reported_totals = [
        {
            "sheet_row": int(t[m.SHEET_ROW]),
            "kind": t[m.TOTAL_KIND],
            "label": t[m.TOTAL_LABEL],
            "unit": _s(t[m.UNIT]),
            "budget": _r(t[m.BUDGET]),
            "executed": _r(t[m.EXECUTED]),
            "reported_score": _r(t[m.REPORTED_SCORE]),
        }
        for t in m.records(a.table.totals)
    ]
    return {
        "kind": a.table.kind,
        "source": {
            "file": src.file,
            "sheet": src.sheet,
            "header_rows": list(src.header_rows),
            "amount_unit": src.amount_unit,
            "columns": {f: src.mapping.get(f) for f in src.columns},
        },
        "scheme": {
            "name": a.choice.scheme.key,
            "label": a.choice.scheme.label,
            "requested": a.choice.requested,
            "weights": {k: v for k, v in a.choice.scheme.weights.items()},
            "reproduced_rows": a.choice.reproduced,
            "comparable_rows": a.choice.comparable,
            "candidates": a.choice.candidates,
        },
        "projects": len(a.projects),
        "totals": {k: _r(v) for k, v in a.totals.items()},
        "scores": scores,
        "units": units,
        "reported_totals": reported_totals,
        "rows": rows,
        "findings": [f.to_dict() for f in a.findings],
    }
