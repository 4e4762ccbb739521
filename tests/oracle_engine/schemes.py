"""Weight schemes: 自评得分 = Σ 权重 × 得分率. Named presets, custom weights, and ``auto``.

Provinces weigh differently, so weights are a visible setting, never constants in the metrics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jixiao import model as m
from jixiao.settings import Settings


@dataclass(frozen=True)
class WeightScheme:
    key: str
    label: str
    weights: dict[str, float]  # component -> points out of 100
    note: str = ""

    @property
    def total(self) -> float:
        return sum(self.weights.values())

    def describe(self) -> str:
        parts = [f"{m.COMPONENT_LABELS[c]} {w:g}" for c, w in self.weights.items() if w]
        return "、".join(parts)


def _w(execution=0.0, funds=0.0, cost=0.0, output=0.0, benefit=0.0, satisfaction=0.0) -> dict[str, float]:
    return {
        "execution": execution,
        "funds": funds,
        "cost": cost,
        "output": output,
        "benefit": benefit,
        "satisfaction": satisfaction,
    }


PRESETS: dict[str, WeightScheme] = {
    "henan": WeightScheme(
        "henan",
        "河南汇总表口径",
        _w(execution=10, funds=20, output=40, benefit=20, satisfaction=10),
        "预算执行率10、资金管理20、产出40、效益20、满意度10，成本不适用（河南省项目单位自评汇总表）",
    ),
    "mof": WeightScheme(
        "mof",
        "财政部通用口径",
        _w(execution=10, output=50, benefit=30, satisfaction=10),
        "预算执行率10、产出50（成本并入产出）、效益30、满意度10（财政部项目支出绩效自评表通用口径）",
    ),
    "forms": WeightScheme(
        "forms",
        "自评表常见口径（含成本指标）",
        _w(execution=10, cost=20, output=40, benefit=20, satisfaction=10),
        "预算执行率10、产出40、成本20、效益20、满意度10（成本单列为一级指标的自评表）",
    ),
}
DEFAULT_PRESET = "mof"
AUTO = "auto"

_LABEL_TO_COMPONENT = {
    "执行率": "execution",
    "预算执行率": "execution",
    "execution": "execution",
    "资金管理": "funds",
    "funds": "funds",
    "成本": "cost",
    "cost": "cost",
    "产出": "output",
    "output": "output",
    "效益": "benefit",
    "benefit": "benefit",
    "满意度": "satisfaction",
    "satisfaction": "satisfaction",
}


class SchemeError(ValueError):
    """Custom weights that cannot be used; ``message`` is Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def custom_scheme(weights: dict[str, float]) -> WeightScheme:
    unknown = [k for k in weights if k not in m.COMPONENTS]
    if unknown:
        raise SchemeError(f"未知的指标：{'、'.join(unknown)}")
    if any(w < 0 for w in weights.values()):
        raise SchemeError("权重不能为负数。")
    full = _w(**{k: float(w) for k, w in weights.items()})
    total = sum(full.values())
    if abs(total - 100) > 1e-6:
        raise SchemeError(f"各项权重合计为 {total:g}，应为 100。")
    return WeightScheme(
        "custom",
        "自定义权重",
        full,
        "用户自定义：" + "、".join(f"{m.COMPONENT_LABELS[c]} {w:g}" for c, w in full.items() if w),
    )


def parse_scheme_arg(text: str) -> str | WeightScheme:
    """'auto', a preset key or label, or 'custom:执行率=10,产出=50,效益=30,满意度=10'."""
    t = text.strip()
    if t.lower() == AUTO or t == "自动":
        return AUTO
    for key, scheme in PRESETS.items():
        if t.lower() == key or t == scheme.label:
            return key
    if t.lower().startswith("custom:") or "=" in t:
        body = t.split(":", 1)[1] if ":" in t.split("=", 1)[0] else t
        weights: dict[str, float] = {}
        for part in re.split(r"[,，;；\s]+", body.strip()):
            if not part:
                continue
            if "=" not in part:
                raise SchemeError(f"无法理解“{part}”，应写成 指标=权重，例如 产出=50。")
            name, value = part.split("=", 1)
            comp = _LABEL_TO_COMPONENT.get(name.strip().removesuffix("指标"))
            if comp is None:
                raise SchemeError(f"未知的指标“{name}”。可用：执行率、资金管理、成本、产出、效益、满意度。")
            try:
                weights[comp] = float(value)
            except ValueError as exc:
                raise SchemeError(f"权重“{value}”不是数字。") from exc
        return custom_scheme(weights)
    raise SchemeError(f"未知的权重方案“{text}”。可用：auto、{'、'.join(PRESETS)}，或 custom:产出=50,…")


def requested_scheme(settings: Settings) -> str | WeightScheme:
    """The scheme the settings ask for: a preset key, AUTO, or the custom weights as a scheme."""
    if settings.scheme == "custom":
        return custom_scheme(settings.custom_weights)
    if settings.scheme == AUTO or settings.scheme in PRESETS:
        return settings.scheme
    return AUTO
