"""One call from a ProjectTable and Settings to everything the pages, CLI and exports show."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jixiao import model as m
from jixiao.settings import Settings
from tests.oracle_engine.audit import audit
from tests.oracle_engine.compute import (
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
from tests.oracle_engine.flags import DEVIATION_CODES, flag_projects
from tests.oracle_engine.schemes import WeightScheme, requested_scheme

OWN_WEIGHTS = WeightScheme(
    "own", "各自评表自身权重", {}, "每张自评表按其自身的指标权重计分（预算执行得分 + 各指标得分）"
)

BAND = "band"
DEVIATES = "deviates"  # any deviation flag by the rules (LOW_EXECUTION / INDICATOR_SHORTFALL)


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
        return self.projects[self.projects[m.FLAGS].map(bool)]

    def findings_by_severity(self) -> dict[str, list[m.Finding]]:
        out: dict[str, list[m.Finding]] = {s: [] for s in m.SEVERITIES}
        for f in self.findings:
            out.setdefault(f.severity, []).append(f)
        return out


def analyze(table: m.ProjectTable, settings: Settings | None = None) -> Analysis:
    settings = settings or Settings()
    projects = table.projects.copy()
    rates = execution_rates(projects)
    if m.OWN_RATE in projects:
        # mirrors main: a 自评表 whose money is counted on another form keeps its own 执行率
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
        computed = computed_scores(projects, rates, choice.scheme)
        parts = component_scores(projects, rates, choice.scheme)
    projects[m.EXECUTION_RATE] = rates.astype(float)
    projects[m.COMPUTED_SCORE] = computed.astype(float)
    reported = pd.to_numeric(projects[m.REPORTED_SCORE], errors="coerce").astype(float)
    projects[m.SCORE] = reported.where(reported.notna(), projects[m.COMPUTED_SCORE])
    projects[m.GRADE] = grades(projects[m.SCORE].to_numpy(dtype=float))
    flags = flag_projects(projects, rates, settings)
    projects[m.FLAGS] = pd.Series(flags, index=projects.index, dtype=object)
    projects[DEVIATES] = [any(f.code in DEVIATION_CODES for f in fl) for fl in flags]
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
