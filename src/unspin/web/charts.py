"""Monthly charts as inline SVG geometry: bars for a count, a line for technique density.

Computed here as numbers; the template draws them (and escapes every label).
No script, no external asset: the chart is part of the page. Months without
data between the first and the last are drawn as empty, so the time axis is
honest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from unspin.summary import TECHNIQUE_FLOOR

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 56, 16, 44
MAX_BAR = 64


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    month: str
    value: float
    density: float | None


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    bars: list[Bar]
    lines: list[str]
    dots: list[tuple[float, float, str, float]]
    months: list[Tick]
    counts: list[Tick]
    densities: list[Tick]
    count_label: str
    density_label: str

    @property
    def baseline(self) -> int:
        return self.height - self.bottom


def _months(first: str, last: str) -> list[str]:
    y, m = map(int, first.split("-"))
    y1, m1 = map(int, last.split("-"))
    out = []
    while (y, m) <= (y1, m1) and len(out) < 600:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _nice(top: float) -> float:
    """A round axis maximum at or above ``top``."""
    if top <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(top))
    for step in (1, 2, 2.5, 5, 10):
        if top <= step * power:
            return step * power
    return 10 * power


def _fmt(value: float) -> str:
    return f"{value:g}" if value < 10 else f"{value:,.0f}"


def monthly(series: list[dict], count_key: str, count_label: str) -> Chart | None:
    """A chart of ``series`` (dicts of ``month``, ``count_key``, ``technique_density``); None if empty."""
    rows = {r["month"]: r for r in series if r.get("month")}
    if not rows:
        return None
    months = _months(min(rows), max(rows))
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = inner_w / len(months)
    top_count = _nice(max(float(rows[m][count_key]) for m in rows))
    densities = [
        rows[m].get("technique_density") for m in rows if rows[m].get("technique_density") is not None
    ]
    top_density = _nice(max(densities) if densities else 0.0)
    bars, dots = [], []
    lines: list[list[str]] = [[]]
    for i, month in enumerate(months):
        row = rows.get(month, {})
        value = float(row.get(count_key) or 0)
        density = row.get("technique_density")
        h = inner_h * value / top_count
        x = LEFT + i * slot
        width = min(slot * 0.7, MAX_BAR)
        bars.append(
            Bar(
                round(x + (slot - width) / 2, 1),
                round(TOP + inner_h - h, 1),
                round(width, 1),
                round(h, 1),
                month,
                value,
                density,
            )
        )
        if density is not None:
            cx, cy = round(x + slot / 2, 1), round(TOP + inner_h - inner_h * density / top_density, 1)
            lines[-1].append(f"{cx},{cy}")
            dots.append((cx, cy, month, density))
        elif lines[-1]:  # a month without articles breaks the line rather than bridging it
            lines.append([])
    every = max(1, math.ceil(len(months) / 12))
    month_ticks = [
        Tick(round(LEFT + i * slot + slot / 2, 1), m) for i, m in enumerate(months) if i % every == 0
    ]
    count_ticks = [Tick(round(TOP + inner_h - inner_h * f, 1), _fmt(top_count * f)) for f in (0, 0.5, 1)]
    density_ticks = [Tick(round(TOP + inner_h - inner_h * f, 1), _fmt(top_density * f)) for f in (0, 0.5, 1)]
    return Chart(
        WIDTH,
        HEIGHT,
        LEFT,
        RIGHT,
        TOP,
        BOTTOM,
        bars,
        [" ".join(p) for p in lines if len(p) > 1],
        dots,
        month_ticks,
        count_ticks,
        density_ticks,
        count_label,
        f"technique spans per 1,000 words (own voice, confidence {TECHNIQUE_FLOOR:g} or more)",
    )
