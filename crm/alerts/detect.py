"""Spike detection as pure functions over counts, so it can be tested on synthetic series.

The baseline is the median of the same window (the last `window_hours` hours) at the same
time of the week over the past `baseline_weeks` weeks, not an exponentially weighted mean
over the preceding hours. Press coverage has a strong weekly rhythm: the morning papers and
NRK's 07:00 bulletins, the lunch peak, the quiet night and weekend. An EWMA over hours lags
behind that rhythm and would call every weekday morning a spike after a quiet night (or, with a
span long enough to smooth the days, notice a real burst late). The same hour of the week
compares a Monday 08:00 with earlier Monday 08:00s. The median (not the mean) keeps one past
crisis week from hiding the next spike for a month.

Weeks before a term was watched tell nothing and are left out; with no past week at all the
baseline is 0 and only the minimum count decides (a new term that is mentioned a lot at once
does alert, once per cool-down).

An alert fires when the window's count reaches both `min_count` and `factor` x baseline (and
exceeds the baseline), and the rule has not fired within the last `cooldown_hours`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

HOURS_PER_WEEK = 24 * 7
MAX_WINDOW_HOURS = 24
MAX_BASELINE_WEEKS = 8
MAX_COOLDOWN_HOURS = 24 * 7


@dataclass(frozen=True)
class SpikeSettings:
    factor: float = 3.0
    min_count: int = 5
    window_hours: int = 1
    baseline_weeks: int = 4
    cooldown_hours: int = 6


def baseline(history: Sequence[int]) -> float:
    """What the window usually holds: the median of the past weeks' counts (0 without any)."""
    return float(median(history)) if history else 0.0


def threshold(history: Sequence[int], settings: SpikeSettings) -> float:
    return max(float(settings.min_count), settings.factor * baseline(history))


def is_spike(current: int, history: Sequence[int], settings: SpikeSettings) -> bool:
    """The window's count is a spike against the past weeks' same windows."""
    return current >= threshold(history, settings) and current > baseline(history)


def cooled_down(last_fired: datetime | None, now: datetime, cooldown_hours: float) -> bool:
    return last_fired is None or now - last_fired >= timedelta(hours=cooldown_hours)


def window_counts(series: Sequence[int], end: int, settings: SpikeSettings
                  ) -> tuple[int, list[int]]:
    """(count of the window ending with hour `end`, the same windows 1..baseline_weeks weeks
    earlier) from an hourly series (index = hour); weeks before the series starts are left
    out."""
    w = settings.window_hours
    current = sum(series[max(0, end - w + 1):end + 1])
    history = []
    for week in range(1, settings.baseline_weeks + 1):
        last = end - week * HOURS_PER_WEEK
        if last - w + 1 < 0:
            break
        history.append(sum(series[last - w + 1:last + 1]))
    return current, history


def scan(series: Sequence[int], settings: SpikeSettings, start: int = 0) -> list[int]:
    """The hours (indexes into `series`, from `start`) at which a rule checked after every
    hour would fire, cool-down applied: what the live check does, over a whole series."""
    fired: list[int] = []
    for end in range(start, len(series)):
        if fired and end - fired[-1] < settings.cooldown_hours:
            continue
        current, history = window_counts(series, end, settings)
        if is_spike(current, history, settings):
            fired.append(end)
    return fired
