"""Snapshots of one unit's year → what 绩效运行监控 shows.

A snapshot is the project table at one 截至日期. Projects are followed from snapshot to snapshot with
the matching 历年对比 uses (jixiao.history.match_projects: 项目编码, else the normalized name within
its unit), so a project renamed "2023年…" → "…" or appearing in July keeps one line.

Per snapshot: 执行率 = Σ执行 ÷ Σ预算 (recomputed), 序时进度 (jixiao.metrics.time_progress) and the gap
in 个百分点. At the latest snapshot each project and unit gets a band from the gap (edges are
settings) and a 结余 tier from the money left (edges are settings). Bands are decided on the gap as
printed (two decimals), so a project shown at −10.00 is never coloured as if it were −10.004.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import pandas as pd

from jixiao import model as m
from jixiao.fmt import is_missing, num, round_half_up, to_float, wan
from jixiao.history import NO_UNIT, match_projects, normalize_name
from jixiao.monitor import follow
from jixiao.settings import Settings
from jixiao.summary.compute import time_progress

RED, YELLOW, GREEN = "red", "yellow", "green"
BANDS = (RED, YELLOW, GREEN)
BAND_LABELS = {RED: "红灯", YELLOW: "黄灯", GREEN: "绿灯"}

# columns of the frames below
AS_OF = "as_of"
TIME_PROGRESS = "time_progress"
RATE = m.EXECUTION_RATE
GAP = "gap_points"
UNSPENT = "unspent"
BAND = "band"
TIER = "tier"  # 0 = below the first edge … len(edges) = at or above the last
TIER_LABEL = "tier_label"
PID = "pid"  # one project across snapshots
INNER = "inner_unit"  # the table's own 单位 (None when it has no 单位 column): what reasons are keyed on
STATUS = "status"
REASON = "reason"
REASON_AUTHOR = "reason_author"
REASON_AT = "reason_at"
NEEDS_REASON = "needs_reason"
RANK = "rank"
RED_PROJECTS = "red_projects"
MISSING_REASONS = "missing_reasons"
STATUS_NEW = "年中新增"  # first seen after the first snapshot
STATUS_GONE = "已不在表中"  # in an earlier snapshot, not in the latest
SNAPSHOT_COLUMNS = [AS_OF, TIME_PROGRESS, m.BUDGET, m.EXECUTED, RATE, GAP, "projects"]


@dataclass
class Snapshot:
    as_of: date
    projects: pd.DataFrame  # UNIT, CODE, PROJECT, BUDGET, EXECUTED (万元)
    source: str = ""  # file name, or "月度执行表 3月"


@dataclass
class ReasonNote:
    """A 偏差原因 as the store gives it (jixiao.store.Reason has the same fields)."""

    code_key: str
    name_key: str
    text: str
    author: str
    written_at: datetime
    project: str = ""


@dataclass
class Monitor:
    unit: str
    year: int
    settings: Settings
    snapshots: pd.DataFrame  # SNAPSHOT_COLUMNS, oldest first: the whole unit
    unit_lines: pd.DataFrame  # AS_OF, UNIT, BUDGET, EXECUTED, RATE, TIME_PROGRESS, GAP
    project_lines: pd.DataFrame  # AS_OF, PID, UNIT, PROJECT, BUDGET, EXECUTED, RATE, GAP
    projects: pd.DataFrame  # latest snapshot: PID, UNIT, CODE, PROJECT, BUDGET, EXECUTED, RATE, GAP, …
    units: pd.DataFrame  # latest snapshot per unit, ranked by gap (1 = furthest ahead)
    gone: pd.DataFrame  # projects of earlier snapshots missing from the latest
    sources: list[str] = field(default_factory=list)
    said: list[str] = field(default_factory=list)  # units and projects followed across a rename

    @property
    def latest(self) -> pd.Series | None:
        return self.snapshots.iloc[-1] if len(self.snapshots) else None

    @property
    def as_of(self) -> date | None:
        return self.snapshots[AS_OF].iloc[-1] if len(self.snapshots) else None

    @property
    def has_inner_units(self) -> bool:
        return len(self.units) >= 2

    def waiting(self) -> pd.DataFrame:
        """待说明: projects a rule marks (red band) without a reason yet, per unit."""
        p = self.projects
        return p[p[NEEDS_REASON] & p[REASON].isna()].sort_values([m.UNIT, GAP], kind="stable")


# --- keys and bands ------------------------------------------------------------------------------
def _code(x: object) -> str:
    if is_missing(x):
        return ""
    return "".join(unicodedata.normalize("NFKC", str(x)).split()).upper()


def reason_keys(unit: object, code: object, project: object) -> tuple[str, str]:
    """(code_key, name_key) a reason is stored under: the code when the table has one, and the
    normalized name within its unit, the two ways match_projects recognises a project."""
    u = "" if is_missing(unit) else normalize_name(unit)
    return _code(code), f"{u}|{normalize_name(project)}"


def gap_of(rate: float | None, tp: float | None) -> float | None:
    """执行率 − 序时进度 in 个百分点, taken between the two figures as printed (two decimals), so the
    gap a table, the headline and the JSON show is always the difference of the numbers beside it."""
    r, t = round_half_up(to_float(rate), 2), round_half_up(to_float(tp), 2)
    if r is None or t is None:
        return None
    return round_half_up(r - t, 2)


def band_rules(s: Settings) -> str:
    """The three bands in words, as ``band_of_gap`` draws them: "绿灯：不低于序时进度；黄灯：低于序时进度不超过
    10.00个百分点；红灯：低于序时进度超过10.00个百分点" (with a green margin: "低于序时进度不超过2.00个百分点")."""
    g, r = num(s.monitor_green_below), num(s.monitor_red_below)
    green = "不低于序时进度" if s.monitor_green_below <= 0 else f"不低于序时进度或低于不超过{g}个百分点"
    yellow = (
        f"低于序时进度不超过{r}个百分点"
        if s.monitor_green_below <= 0
        else f"低于序时进度超过{g}、不超过{r}个百分点"
    )
    return f"绿灯：{green}；黄灯：{yellow}；红灯：低于序时进度超过{r}个百分点"


def band_of_gap(gap: float | None, s: Settings) -> str | None:
    g = round_half_up(to_float(gap), 2)
    if g is None:
        return None
    if g >= -s.monitor_green_below:
        return GREEN
    if g >= -s.monitor_red_below:
        return YELLOW
    return RED


def tier_of(unspent: float | None, edges: Sequence[float]) -> int | None:
    u = round_half_up(to_float(unspent), 2)
    if u is None:
        return None
    return sum(1 for e in edges if u >= e)


def tier_labels(edges: Sequence[float]) -> list[str]:
    """ "200万元以下", "200–500万元", …, "1,000万元及以上"."""
    e = [wan(x, 0) for x in edges]
    if not e:
        return ["—"]
    return [f"{e[0]}万元以下", *[f"{a}–{b}万元" for a, b in zip(e, e[1:])], f"{e[-1]}万元及以上"]


def check_settings(s: Settings) -> str | None:
    """Why these monitoring settings cannot be used (Chinese), or None."""
    if s.monitor_green_below < 0 or s.monitor_red_below < s.monitor_green_below:
        return "黄灯下限（低于序时进度的个百分点）不能小于绿灯下限，且都不能为负数。"
    edges = list(s.unspent_tiers)
    if any(x < 0 for x in edges) or edges != sorted(edges) or len(set(edges)) != len(edges):
        return "结余档次的金额须为非负数，并从小到大排列、互不相同。"
    return None


# --- snapshots → lines ---------------------------------------------------------------------------
def _clean(p: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            m.UNIT: p.get(m.UNIT),
            m.CODE: p.get(m.CODE),
            m.PROJECT: p[m.PROJECT].astype(str),
            m.BUDGET: pd.to_numeric(p[m.BUDGET], errors="coerce").astype(float),
            m.EXECUTED: pd.to_numeric(p[m.EXECUTED], errors="coerce").astype(float),
        }
    ).reset_index(drop=True)
    out[m.UNIT] = out[m.UNIT].astype(object).where(out[m.UNIT].notna(), None)
    out[m.CODE] = out[m.CODE].astype(object).where(out[m.CODE].notna(), None)
    return out


def _rate(budget: float, executed: float) -> float | None:
    if budget is None or budget != budget or budget <= 0 or executed is None or executed != executed:
        return None
    return executed / budget * 100.0


def _follow(snapshots: list[Snapshot], said: list[str]) -> list[pd.DataFrame]:
    """Each snapshot's projects with a PID that names the same project in every snapshot (units and
    projects renamed between snapshots followed through, and said)."""
    known = pd.DataFrame(columns=[m.UNIT, m.CODE, m.PROJECT, PID])
    out = []
    next_id = 0
    cleaned, renamed = follow.unit_renames([_clean(snap.projects) for snap in snapshots])
    said.extend(renamed)
    for cur in cleaned:
        pids = np.full(len(cur), -1, dtype=int)
        if len(known):
            known = known.reset_index(drop=True)
            pairs = match_projects(known, cur)
            both = pairs.dropna(subset=["prev_index", "cur_index"])
            for ip, ic in zip(both["prev_index"], both["cur_index"]):
                pids[int(ic)] = int(known[PID].iloc[int(ip)])
            said.extend(follow.pair_renamed(known, cur, pids, PID))
        for i in np.nonzero(pids < 0)[0]:
            pids[i] = next_id
            next_id += 1
        cur[PID] = pids
        # the latest spelling of each project is what the next snapshot is matched against
        known = pd.concat(
            [known[~known[PID].isin(pids)], cur[[m.UNIT, m.CODE, m.PROJECT, PID]]], ignore_index=True
        )
        out.append(cur)
    return out


def build(
    unit: str,
    year: int,
    snapshots: Sequence[Snapshot],
    settings: Settings | None = None,
    reasons: Sequence[ReasonNote] = (),
) -> Monitor:
    """The monitoring view of one unit's year. Snapshots on the same date: the later one in the list
    wins (a re-upload replaces)."""
    s = settings or Settings()
    by_date: dict[date, Snapshot] = {}
    for snap in snapshots:
        by_date[snap.as_of] = snap
    ordered = [by_date[d] for d in sorted(by_date)]
    said: list[str] = []
    frames = _follow(ordered, said)

    snap_rows, unit_rows, line_frames = [], [], []
    for snap, p in zip(ordered, frames):
        tp = time_progress(snap.as_of)
        b, e = p[m.BUDGET].sum(min_count=1), p[m.EXECUTED].sum(min_count=1)
        r = _rate(b, e)
        snap_rows.append(
            {
                AS_OF: snap.as_of,
                TIME_PROGRESS: tp,
                m.BUDGET: b,
                m.EXECUTED: e,
                RATE: r,
                GAP: gap_of(r, tp),
                "projects": len(p),
            }
        )
        keys = p[m.UNIT].fillna(unit if not p[m.UNIT].notna().any() else NO_UNIT).astype(str)
        for name, g in p.groupby(keys, sort=False):
            ub, ue = g[m.BUDGET].sum(min_count=1), g[m.EXECUTED].sum(min_count=1)
            ur = _rate(ub, ue)
            unit_rows.append(
                {
                    AS_OF: snap.as_of,
                    m.UNIT: name,
                    m.BUDGET: ub,
                    m.EXECUTED: ue,
                    RATE: ur,
                    TIME_PROGRESS: tp,
                    GAP: gap_of(ur, tp),
                }
            )
        lines = p.assign(**{AS_OF: snap.as_of, INNER: p[m.UNIT], m.UNIT: keys})
        rates = [_rate(x, y) for x, y in zip(lines[m.BUDGET], lines[m.EXECUTED])]
        lines[RATE] = pd.Series(rates, index=lines.index, dtype=float)
        lines[GAP] = pd.Series([gap_of(x, tp) for x in rates], index=lines.index, dtype=float)
        line_frames.append(lines)

    snaps = pd.DataFrame(snap_rows, columns=SNAPSHOT_COLUMNS)
    unit_lines = pd.DataFrame(
        unit_rows, columns=[AS_OF, m.UNIT, m.BUDGET, m.EXECUTED, RATE, TIME_PROGRESS, GAP]
    )
    project_lines = (
        pd.concat(line_frames, ignore_index=True)
        if line_frames
        else pd.DataFrame(
            columns=[m.UNIT, m.CODE, m.PROJECT, m.BUDGET, m.EXECUTED, PID, AS_OF, INNER, RATE, GAP]
        )
    )
    for col in (m.BUDGET, m.EXECUTED, RATE, GAP, TIME_PROGRESS):
        for f in (snaps, unit_lines, project_lines):
            if col in f:
                f[col] = pd.to_numeric(f[col], errors="coerce").astype(float)

    latest = line_frames[-1].copy() if line_frames else project_lines.iloc[0:0].copy()
    first_pids = set(frames[0][PID]) if frames else set()
    latest[STATUS] = ["" if pid in first_pids else STATUS_NEW for pid in latest[PID]]
    projects = _judge(latest, s, reasons)
    units = _rank_units(unit_lines, projects, ordered[-1].as_of if ordered else None, s)
    gone = pd.DataFrame(columns=[PID, m.UNIT, m.PROJECT, AS_OF])
    if len(frames) >= 2:
        last_ids = set(latest[PID])
        seen = project_lines[~project_lines[PID].isin(last_ids)]
        gone = seen.sort_values(AS_OF).groupby(PID, sort=False).tail(1)[[PID, m.UNIT, m.PROJECT, AS_OF]]
        gone = gone.reset_index(drop=True)
    return Monitor(
        unit=unit,
        year=int(year),
        settings=s,
        snapshots=snaps,
        unit_lines=unit_lines,
        project_lines=project_lines,
        projects=projects,
        units=units,
        gone=gone,
        sources=[snap.source for snap in ordered],
        said=said,
    )


def _judge(latest: pd.DataFrame, s: Settings, reasons: Sequence[ReasonNote]) -> pd.DataFrame:
    p = latest.copy()
    unspent = (p[m.BUDGET] - p[m.EXECUTED].fillna(0.0)).clip(lower=0.0)
    p[UNSPENT] = unspent.where(p[m.BUDGET].notna())
    p[BAND] = pd.Series([band_of_gap(g, s) for g in p[GAP]], index=p.index, dtype=object)
    p[TIER] = pd.array([tier_of(u, s.unspent_tiers) for u in p[UNSPENT]], dtype="Int64")
    labels = tier_labels(s.unspent_tiers)
    p[TIER_LABEL] = [labels[t] if not pd.isna(t) else "—" for t in p[TIER]]
    p[NEEDS_REASON] = p[BAND] == RED
    by_code = {r.code_key: r for r in reasons if r.code_key}
    by_name = {r.name_key: r for r in reasons}
    found = []
    for unit, code, name in zip(p[INNER], p[m.CODE], p[m.PROJECT]):
        ck, nk = reason_keys(unit, code, name)
        found.append((by_code.get(ck) if ck else None) or by_name.get(nk))
    # object columns: pandas would infer a string dtype and turn None into NaN, which is truthy
    p[REASON] = pd.Series([r.text if r else None for r in found], index=p.index, dtype=object)
    p[REASON_AUTHOR] = pd.Series([r.author if r else None for r in found], index=p.index, dtype=object)
    p[REASON_AT] = pd.Series([r.written_at if r else None for r in found], index=p.index, dtype=object)
    order = {RED: 0, YELLOW: 1, GREEN: 2, None: 3}
    p["_o"] = p[BAND].map(order)
    p = p.sort_values(["_o", GAP, UNSPENT], ascending=[True, True, False], na_position="last", kind="stable")
    return p.drop(columns="_o").reset_index(drop=True)


def _rank_units(
    unit_lines: pd.DataFrame, projects: pd.DataFrame, as_of: date | None, s: Settings
) -> pd.DataFrame:
    cols = [
        RANK,
        m.UNIT,
        m.BUDGET,
        m.EXECUTED,
        RATE,
        GAP,
        UNSPENT,
        BAND,
        TIER_LABEL,
        RED_PROJECTS,
        MISSING_REASONS,
    ]
    if as_of is None:
        return pd.DataFrame(columns=cols)
    u = unit_lines[unit_lines[AS_OF] == as_of].copy()
    u[UNSPENT] = (u[m.BUDGET] - u[m.EXECUTED].fillna(0.0)).clip(lower=0.0)
    u[BAND] = pd.Series([band_of_gap(g, s) for g in u[GAP]], index=u.index, dtype=object)
    labels = tier_labels(s.unspent_tiers)
    u[TIER_LABEL] = [
        labels[t] if t is not None else "—" for t in (tier_of(x, s.unspent_tiers) for x in u[UNSPENT])
    ]
    red = projects[projects[BAND] == RED]
    u[RED_PROJECTS] = [int((red[m.UNIT] == name).sum()) for name in u[m.UNIT]]
    waiting = red[red[REASON].isna()]
    u[MISSING_REASONS] = [int((waiting[m.UNIT] == name).sum()) for name in u[m.UNIT]]
    # ranked on the gap as printed, so two units shown with the same gap share a rank
    shown = pd.Series([round_half_up(g, 2) for g in u[GAP]], index=u.index, dtype=float)
    u[RANK] = shown.rank(ascending=False, method="min").astype("Int64")
    u = u.assign(_g=shown).sort_values(
        ["_g", m.UNIT], ascending=[False, True], na_position="last", kind="stable"
    )
    return u[cols].reset_index(drop=True)


# --- in words ------------------------------------------------------------------------------------
def period_label(as_of: date) -> str:
    """ "1–9月" at a month's end, else "截至9月15日"."""
    nxt = as_of.toordinal() + 1
    if date.fromordinal(nxt).month != as_of.month:
        return "1月" if as_of.month == 1 else f"1–{as_of.month}月"
    return f"截至{as_of.month}月{as_of.day}日"


def headline(mon: Monitor, whole: str = "全系统") -> str | None:
    """ "1–7月全系统支出进度55.00%，低于序时进度3.33个百分点。" from the printed figures."""
    row = mon.latest
    if row is None or to_float(row[RATE]) is None:
        return None
    rate, tp = round_half_up(row[RATE], 2), round_half_up(row[TIME_PROGRESS], 2)
    gap = round_half_up(rate - tp, 2)
    if gap > 0:
        rel = f"高于序时进度{num(gap)}个百分点"
    elif gap < 0:
        rel = f"低于序时进度{num(-gap)}个百分点"
    else:
        rel = "与序时进度持平"
    return f"{period_label(mon.as_of)}{whole}支出进度{num(rate)}%，{rel}（序时进度{num(tp)}%）。"


def band_counts(p: pd.DataFrame) -> dict[str, int]:
    return {b: int((p[BAND] == b).sum()) for b in BANDS}


def to_doc(mon: Monitor) -> dict:
    """The CLI's JSON: rates and gaps in percent, money in 万元, two decimals."""
    r2 = lambda x: round_half_up(to_float(x), 2)  # noqa: E731
    snapshots = [
        {
            "as_of": row[AS_OF].isoformat(),
            "time_progress": r2(row[TIME_PROGRESS]),
            "budget": r2(row[m.BUDGET]),
            "executed": r2(row[m.EXECUTED]),
            "execution_rate": r2(row[RATE]),
            "gap_points": r2(row[GAP]),
        }
        for row in m.records(mon.snapshots)
    ]
    projects = [
        {
            "project": row[m.PROJECT],
            "unit": None if is_missing(row[m.UNIT]) else str(row[m.UNIT]),
            "execution_rate": r2(row[RATE]),
            "gap_points": r2(row[GAP]),
            "unspent": r2(row[UNSPENT]),
            "band": None if is_missing(row[BAND]) else row[BAND],
            "reason": None if is_missing(row[REASON]) else row[REASON],
        }
        for row in m.records(mon.projects)
    ]
    doc = {"unit": mon.unit, "year": mon.year, "snapshots": snapshots, "projects": projects}
    return {**doc, "renamed": mon.said} if mon.said else doc


# --- indicators (双监控: the targets as well as the money) -----------------------------------------
INDICATOR_COLUMNS = [
    "unit",
    "project",
    "indicator",
    "nature",
    "target",
    "actual",
    "measure",
    "progress",
    "gap_points",
    "band",
]


def indicator_progress(forms, as_of: date, s: Settings | None = None) -> pd.DataFrame:
    """完成值 so far against 指标值, from 自评表 filled in mid-year (a FormsDataset). A 正向 indicator's
    progress (完成值 ÷ 指标值) is compared with 序时进度 like money; 反向 and 等于 indicators are shown
    with their values but not banded (being under a ceiling early in the year says nothing)."""
    from jixiao.forms.compute import NATURE_GE, NATURE_LABELS

    s = s or Settings()
    tp = time_progress(as_of)
    rows = []
    for f in forms.forms:
        for ind in f.indicators:
            if ind.target is None and ind.actual is None:
                continue
            progress = gap = band = None
            if ind.nature == NATURE_GE and ind.target and ind.target > 0 and ind.actual is not None:
                progress = ind.actual / ind.target * 100.0
                gap = gap_of(progress, tp)
                band = band_of_gap(gap, s)
            rows.append(
                {
                    "unit": f.unit or None,
                    "project": f.project,
                    "indicator": ind.label,
                    "nature": NATURE_LABELS.get(ind.nature, ind.nature_raw or "—"),
                    "target": ind.target,
                    "actual": ind.actual,
                    "measure": ind.unit,
                    "progress": progress,
                    "gap_points": gap,
                    "band": band,
                }
            )
    out = pd.DataFrame(rows, columns=INDICATOR_COLUMNS)
    out["band"] = out["band"].astype(object)
    return out
