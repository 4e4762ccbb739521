"""The settings every page and the CLI obey: weight scheme, thresholds, bands, 截至日期."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date


@dataclass(frozen=True)
class Settings:
    scheme: str = "auto"  # "auto", a preset key, or "custom" (jixiao.summary.schemes.requested_scheme)
    custom_weights: dict[str, float] = field(default_factory=dict)
    low_threshold: float = 90.0  # 执行率 below this is LOW_EXECUTION (the forms say 90%)
    amber_floor: float = 60.0  # traffic light: >= low_threshold green, >= amber_floor amber, else red
    target_deviation: float = 20.0  # 完成值 further than this many percent from 指标值 is a deviation
    as_of: date | None = None  # 截至日期 for 序时进度; None = year-end data
    # 绩效运行监控: the gap (执行率 − 序时进度, percentage points) decides the band. Green at or above
    # -monitor_green_below, yellow down to -monitor_red_below, red beyond.
    monitor_green_below: float = 0.0
    monitor_red_below: float = 10.0
    # 结余 (budget not yet spent) tier edges in 万元, ascending: bureaus ask the slow units with the
    # most money left first.
    unspent_tiers: tuple[float, ...] = (200.0, 500.0, 1000.0)

    def with_(self, **changes) -> Settings:
        return replace(self, **changes)
