"""One call from a ProjectTable and Settings to everything the pages, CLI and exports show."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jixiao import model as m
from jixiao.settings import Settings
from jixiao.summary.audit import audit
from jixiao.summary.columns import IMPLAUSIBLE
from jixiao.summary.compute import (
    SchemeChoice,
    bands,
    choose_scheme,
    component_scores,
    computed_scores,
    count_reproduced,
    execution_rates,
    grades,
    score_means,
    time_progress,
    totals,
    unit_rollup,
)
from jixiao.summary.flags import flag_table
from jixiao.summary.schemes import AUTO, WeightScheme, requested_scheme

OWN_WEIGHTS = WeightScheme(
    "own", "各自评表自身权重", {}, "每张自评表按其自身的指标权重计分（预算执行得分 + 各指标得分）"
)

BAND = "band"
DEVIATES = "deviates"  # 有较大偏差 by the rules: jixiao.summary.flags.is_deviation


@dataclass
class Analysis:
    table: m.ProjectTable
    settings: Settings
    projects: pd.DataFrame  # PROJECT_COLUMNS + EXECUTION_RATE, COMPUTED_SCORE, SCORE, GRADE, FLAGS, BAND
    choice: SchemeChoice
    totals: dict
    scores: dict | None
    units: pd.DataFrame
    findings: list[m.Finding] = field(default_factory=list)
    components: pd.DataFrame | None = None  # points per component under the scheme

    @property
    def time_progress(self) -> float | None:
        return time_progress(self.settings.as_of)

    @property
    def flagged(self) -> pd.DataFrame:
        """Every project with a flag: the deviating ones and those whose own answer disagrees."""
        return self.projects[self.projects[m.FLAGS].map(bool)]

    @property
    def excluded_values(self) -> int:
        """Cells left out of every total and mean because they cannot be real (1e308, a score of
        1000, a 得分率 of 130%): the pages say so beside the figures."""
        return sum(1 for f in self.findings if f.code == IMPLAUSIBLE)

    @property
    def deviating(self) -> pd.DataFrame:
        """Projects 有较大偏差 by the rules (jixiao.summary.flags.is_deviation)."""
        return self.projects[self.projects[DEVIATES].astype(bool)]

    def findings_by_severity(self) -> dict[str, list[m.Finding]]:
        out: dict[str, list[m.Finding]] = {s: [] for s in m.SEVERITIES}
        for f in self.findings:
            out.setdefault(f.severity, []).append(f)
        return out


def _header_weights_if_better(table, projects, rates, settings, choice: SchemeChoice) -> SchemeChoice:
    """A table of points whose headers name every weight ("产出指标得分（40分）") carries its own
    scheme: under 自动 it is used when it reproduces more reported scores than the best preset."""
    weights = getattr(table.source, "header_weights", None)
    if not weights or requested_scheme(settings) != AUTO:
        return choice
    scheme = WeightScheme("header", "表头注明的分值", dict(weights), "各列表头注明的满分")
    mine = choose_scheme(projects, rates, scheme)
    return mine if mine.reproduced > choice.reproduced else choice


def analyze(table: m.ProjectTable, settings: Settings | None = None) -> Analysis:
    settings = settings or Settings()
    projects = table.projects.copy()
    rates = execution_rates(projects)
    if m.OWN_RATE in projects:
        # a 自评表 whose money is counted on another form keeps its own 执行率 (not "无法计算")
        own_rate = pd.to_numeric(projects[m.OWN_RATE], errors="coerce").astype(float)
        rates = rates.where(rates.notna(), own_rate)
    own = m.OWN_SCORE in projects and projects[m.OWN_SCORE].notna().any()
    if own:
        # Forms carry their own weights: their formula total is the recomputed score.
        computed = pd.to_numeric(projects[m.OWN_SCORE], errors="coerce").astype(float)
        reproduced, comparable = count_reproduced(projects, computed)
        choice = SchemeChoice(OWN_WEIGHTS, "own", reproduced, comparable, {})
        parts = pd.DataFrame([p or {} for p in projects[m.OWN_POINTS]], index=projects.index).fillna(0.0)
    else:
        choice = choose_scheme(projects, rates, requested_scheme(settings))
        choice = _header_weights_if_better(table, projects, rates, settings, choice)
        computed = computed_scores(projects, rates, choice.scheme)
        parts = component_scores(projects, rates, choice.scheme)
    projects[m.EXECUTION_RATE] = rates.astype(float)
    projects[m.COMPUTED_SCORE] = computed.astype(float)
    reported = pd.to_numeric(projects[m.REPORTED_SCORE], errors="coerce").astype(float)
    projects[m.SCORE] = reported.where(reported.notna(), projects[m.COMPUTED_SCORE])
    projects[m.GRADE] = grades(projects[m.SCORE].to_numpy(dtype=float))
    flags, deviates = flag_table(projects, rates, settings)
    projects[m.FLAGS] = pd.Series(flags, index=projects.index, dtype=object)
    projects[DEVIATES] = deviates
    projects[BAND] = bands(np.asarray(rates, dtype=float), settings.low_threshold, settings.amber_floor)
    findings = list(table.findings) + audit(table, projects, choice)
    order = {s: i for i, s in enumerate(m.SEVERITIES)}
    findings.sort(key=lambda f: (order.get(f.severity, 9), f.sheet_row or 0))
    return Analysis(
        table=table,
        settings=settings,
        projects=projects,
        choice=choice,
        totals=totals(projects),
        scores=score_means(projects),
        units=unit_rollup(projects),
        findings=findings,
        components=parts,
    )
