"""Names that change between snapshots of one year: a unit renamed ("科协本级" → "市科协本级") and a
project renamed slightly ("唐山市科普专项经费" → "唐山市科普专项经费（省级）"). Matched by exact name
only, every project of a renamed unit and the renamed project became 年中新增 in the latest snapshot
and 已不在表中 in the earlier ones, and the unit's line broke in two. Each pairing is said in words.
"""

from __future__ import annotations

import re

import pandas as pd

from jixiao import model as m
from jixiao.history import normalize_name

_BRACKETS = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")


def _key(name: object) -> str:
    return normalize_name(_BRACKETS.sub("", str(name)))


def unit_renames(frames: list[pd.DataFrame]) -> tuple[list[pd.DataFrame], list[str]]:
    """The frames with each unit under its latest name, and what was renamed. A unit of one snapshot
    missing from the next is the same unit as a new one there when one name holds the other (after
    brackets) or at least half of its projects' names reappear under it, and no other unit fits."""
    said: list[str] = []
    alias: dict[str, str] = {}  # name in snapshot i+1 -> name in the latest
    out = [f.copy() for f in frames]
    for i in range(len(frames) - 2, -1, -1):
        a, b = frames[i], frames[i + 1]
        ua = {u for u in a[m.UNIT].dropna().astype(str)}
        ub = {u for u in b[m.UNIT].dropna().astype(str)}
        step = {u: alias.get(u, u) for u in ua & ub}
        gone, new = sorted(ua - ub), sorted(ub - ua)
        for old in gone:
            fits = [u for u in new if _same_unit(old, u, a, b)]
            if len(fits) == 1 and sum(_same_unit(o, fits[0], a, b) for o in gone) == 1:
                step[old] = alias.get(fits[0], fits[0])
                said.append(f"单位「{old}」在后一期表中名为「{fits[0]}」，按同一单位连续监控。")
        for u in ua:
            step.setdefault(u, u)
        out[i][m.UNIT] = out[i][m.UNIT].map(lambda x, s=step: s.get(str(x), x) if pd.notna(x) else x)
        alias = step
    return out, list(dict.fromkeys(reversed(said)))


def _same_unit(old: str, new: str, a: pd.DataFrame, b: pd.DataFrame) -> bool:
    ko, kn = _key(old), _key(new)
    if ko and kn and (ko in kn or kn in ko):
        return True
    pa = {_key(x) for x in a.loc[a[m.UNIT] == old, m.PROJECT]}
    pb = {_key(x) for x in b.loc[b[m.UNIT] == new, m.PROJECT]}
    return len(pa) >= 2 and len(pa & pb) * 2 >= len(pa)


def pair_renamed(known: pd.DataFrame, cur: pd.DataFrame, pids, pid_col: str) -> list[str]:
    """Give an unmatched project of ``cur`` the id of an unmatched earlier one of the same unit when
    their names are the same but for brackets, or one holds the other ("科普专项经费" in
    "唐山市科普专项经费"), and neither has another such partner. Sets ``pids`` in place."""
    taken = set(int(x) for x in pids if x >= 0)
    left = known[~known[pid_col].isin(taken)]
    said = []
    for i in [i for i in range(len(cur)) if pids[i] < 0]:
        name, unit = cur[m.PROJECT].iloc[i], cur[m.UNIT].iloc[i]
        same_unit = left[(left[m.UNIT] == unit) | (left[m.UNIT].isna() & pd.isna(unit))]
        fits = [j for j, old in zip(same_unit.index, same_unit[m.PROJECT]) if _near(old, name)]
        if len(fits) != 1:
            continue
        old = known.at[fits[0], m.PROJECT]
        if any(pids[k] < 0 and k != i and _near(old, cur[m.PROJECT].iloc[k]) for k in range(len(cur))):
            continue
        pids[i] = int(known.at[fits[0], pid_col])
        left = left.drop(index=fits[0])
        said.append(f"项目「{old}」在后一期表中名为「{name}」，按同一项目连续监控。")
    return said


def _near(a: object, b: object) -> bool:
    ka, kb = _key(a), _key(b)
    return bool(ka and kb) and (ka == kb or (min(len(ka), len(kb)) >= 4 and (ka in kb or kb in ka)))
