"""得分分析: both means and why they differ, the weight scheme and how many rows it reproduced, points
earned and lost per component, reported vs recomputed scores, and the grade distribution."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import charts, data, widgets
from components.links import through_app  # noqa: E402
from components.tables import show_table
from jixiao import model as m
from jixiao.fmt import num, pct, wan
from jixiao.summary.schemes import AUTO, PRESETS

through_app(__file__)  # a link opened on a just-started server goes through app.py

T = {
    "title": "得分分析",
    "no_scores": "此表没有自评得分，也无法按当前权重方案计算得分（缺少得分率列）。",
    "weighted": "金额加权平均分",
    "weighted_help": "Σ(得分 × 预算数) ÷ Σ预算数：预算大的项目分量大。",
    "simple": "简单平均分",
    "simple_help": "各项目得分的算术平均：每个项目分量相同。",
    "share90": "90 分及以上",
    "scored": "参与计算的项目",
    "why_higher": "金额加权平均分 {w} 按预算金额加权，简单平均分 {s} 是 {n} 个项目得分的算术平均；"
    "加权分高出 {d} 分，是因为低分项目预算较小（得分最低的「{low_name}」{low_score} 分，预算 {low_budget} 万元），"
    "在加权时分量轻。",
    "why_lower": "金额加权平均分 {w} 按预算金额加权，简单平均分 {s} 是 {n} 个项目得分的算术平均；"
    "加权分低 {d} 分，是因为预算大的项目得分偏低（预算最大的「{big_name}」{big_score} 分，预算 {big_budget} 万元）。",
    "why_same": "金额加权平均分与简单平均分都是 {w}：各项目得分与预算规模无明显关联。",
    "why_no_weight": "没有可用的预算数，无法按金额加权；简单平均分 {s} 是 {n} 个项目得分的算术平均。",
    "scheme": "得分按「{label}」计算：{weights}。",
    "reproduced": "在 {comp} 个有填报得分的项目中，按此方案重新计算与填报一致的有 {rep} 个。",
    "auto_pick": "（自动选择：{cands}）",
    "no_reported": "表中没有填报得分，以下得分均为按此方案计算的结果。",
    "none_recomputed": "表中的填报得分都无法按此方案重新计算（缺少执行率或得分率），以下使用填报得分。",
    "components": "得分构成与失分",
    "components_help": "每个项目一行：彩色为各指标得分，灰色为失分；悬停在灰色部分可看到失分来自哪些指标。",
    "top_note": "共 {n} 个项目，图中显示得分最低的 {k} 个。",
    "compare": "填报得分与重新计算得分",
    "diff_none": "{n} 个项目的填报得分与按「{label}」重新计算的得分一致（按填报的小数位比较，误差不超过 0.01 分）。",
    "diff_some": "{k} 个项目的填报得分与重新计算不一致：",
    "only_reported": "{k} 个项目只有填报得分，无法按当前方案重新计算（有得分率空缺）。",
    "grades": "评价等级",
    "grade_line": "优 {优} 个　良 {良} 个　中 {中} 个　差 {差} 个（优 ≥ 90 分，良 80–89.99，中 60–79.99，差 < 60）",
    "col_row": "行号",
    "col_project": "项目名称",
    "col_reported": "填报得分",
    "col_computed": "重新计算",
    "col_diff": "差额（填报−计算）",
    "points": "分",
    "unit_pieces": "个",
}
LARGE = 60
TOP = 30

st.title(data.heading(T["title"]))
a = widgets.analysis_or_stop("sample_scores")

p, sc, choice = a.projects, a.scores, a.choice
if sc is None:
    st.info(T["no_scores"])
    st.stop()

# --- the two means, named as what they are -------------------------------------------------------
k = widgets.kpi_row()
k.metric(
    T["weighted"],
    "—" if sc["mean_budget_weighted"] is None else f"{num(sc['mean_budget_weighted'])} {T['points']}",
    help=T["weighted_help"],
    border=True,
)
k.metric(T["simple"], f"{num(sc['mean_simple'])} {T['points']}", help=T["simple_help"], border=True)
k.metric(T["share90"], pct(sc["share_90_plus"]), border=True)
k.metric(T["scored"], f"{sc['scored_projects']} {T['unit_pieces']}", border=True)

w, smp = sc["mean_budget_weighted"], sc["mean_simple"]
scored = p[p[m.SCORE].notna()].copy()
scored["_budget"] = pd.to_numeric(scored[m.BUDGET], errors="coerce")
if w is None:
    why = T["why_no_weight"].format(s=num(smp), n=len(scored))
elif abs(w - smp) < 0.005:
    why = T["why_same"].format(w=num(smp))
elif w > smp:
    low = scored.sort_values(m.SCORE, kind="stable").iloc[0]
    why = T["why_higher"].format(
        w=num(w),
        s=num(smp),
        n=len(scored),
        d=num(w - smp),
        low_name=widgets.md_escape(low[m.PROJECT]),
        low_score=num(low[m.SCORE]),
        low_budget=wan(low["_budget"]),
    )
else:
    big = scored.sort_values("_budget", ascending=False, kind="stable").iloc[0]
    why = T["why_lower"].format(
        w=num(w),
        s=num(smp),
        n=len(scored),
        d=num(smp - w),
        big_name=widgets.md_escape(big[m.PROJECT]),
        big_score=num(big[m.SCORE]),
        big_budget=wan(big["_budget"]),
    )
st.markdown(why)

# --- the scheme -------------------------------------------------------------------------------------
# 自评表 carry their own weights per form: the scheme then has no weights to list, only its note
weights_text = choice.scheme.describe() or choice.scheme.note
scheme_line = T["scheme"].format(label=choice.scheme.label, weights=weights_text)
if choice.comparable:
    scheme_line += T["reproduced"].format(comp=choice.comparable, rep=choice.reproduced)
elif p[m.REPORTED_SCORE].notna().any():
    scheme_line += T["none_recomputed"]
else:
    scheme_line += T["no_reported"]
if choice.requested == AUTO and choice.candidates:
    cands = "、".join(f"{PRESETS[key].label} {n} 个" for key, n in choice.candidates.items())
    scheme_line += T["auto_pick"].format(cands=cands)
st.markdown(scheme_line)

# --- components ---------------------------------------------------------------------------------------
st.subheader(T["components"])
st.caption(T["components_help"])
shown = p
if len(p) > LARGE:
    shown = data.pick_projects(p, order="lowest_score", top_n=TOP)
    st.caption(T["top_note"].format(n=len(p), k=len(shown)))
if a.components is not None and not a.components.empty:
    widgets.show_chart(
        charts.score_components(shown, a.components.loc[shown.index], choice.scheme, title=""),
        key="scores_components",
    )

# --- reported vs recomputed, grades -------------------------------------------------------------------
left, right = st.columns(2, gap="large")
with left:
    st.subheader(T["compare"])
    widgets.show_chart(charts.reported_vs_computed(p, title=""), key="scores_compare")
    diffs = charts.score_differences(p)
    if diffs.empty and choice.comparable:
        st.success(T["diff_none"].format(n=choice.comparable, label=choice.scheme.label))
    elif not diffs.empty:
        st.warning(T["diff_some"].format(k=len(diffs)))
        show_table(
            pd.DataFrame(
                {
                    T["col_row"]: diffs[m.SHEET_ROW].astype(int),
                    T["col_project"]: diffs[m.PROJECT].astype(str),
                    T["col_reported"]: diffs[m.REPORTED_SCORE].round(2),
                    T["col_computed"]: diffs[m.COMPUTED_SCORE].round(2),
                    T["col_diff"]: diffs["difference"].round(2),
                }
            ),
            hide_index=True,
        )
    only_reported = int((p[m.REPORTED_SCORE].notna() & p[m.COMPUTED_SCORE].isna()).sum())
    if only_reported:
        st.caption(T["only_reported"].format(k=only_reported))
with right:
    st.subheader(T["grades"])
    counts = charts.grade_counts(p)
    st.markdown(T["grade_line"].format(**counts))
    widgets.show_chart(charts.grade_distribution(p, title=""), key="scores_grades")
