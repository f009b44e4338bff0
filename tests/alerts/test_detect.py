"""Spike detection on synthetic hourly series (crm.alerts.detect): pure functions, no database."""

from __future__ import annotations

import random

from crm.alerts.detect import (
    HOURS_PER_WEEK,
    SpikeSettings,
    baseline,
    is_spike,
    scan,
    window_counts,
)

WEEKS = 5
DEFAULT = SpikeSettings()  # factor 3, at least 5, 1 h window, 4 weeks, 6 h cool-down


def weekly_rhythm(weeks: int = WEEKS, seed: int = 7) -> list[int]:
    """A press office's usual week: busy weekday mornings, quiet nights and weekends, with
    a little noise; every week alike."""
    rng = random.Random(seed)
    series = []
    for hour in range(weeks * HOURS_PER_WEEK):
        day, clock = divmod(hour % HOURS_PER_WEEK, 24)
        usual = 0 if clock < 6 else (6 if 7 <= clock <= 10 else 2)
        if day >= 5:
            usual //= 2
        series.append(max(0, usual + rng.choice((-1, 0, 0, 1))))
    return series


LAST_WEEK = (WEEKS - 1) * HOURS_PER_WEEK  # the checks run over the last week only


def test_a_quiet_baseline_with_its_daily_peaks_raises_no_alert():
    series = weekly_rhythm()
    # The busy mornings (6-7 an hour against 0-1 at night) are usual, not spikes.
    assert max(series[LAST_WEEK:]) >= 6
    assert scan(series, DEFAULT, start=LAST_WEEK) == []


def test_a_real_spike_fires_once_in_the_hour_it_happens():
    series = weekly_rhythm()
    tuesday_14 = LAST_WEEK + 24 + 14  # usually about 2 an hour
    series[tuesday_14] = 25
    assert scan(series, DEFAULT, start=LAST_WEEK) == [tuesday_14]
    current, history = window_counts(series, tuesday_14, DEFAULT)
    assert current == 25 and len(history) == 4 and baseline(history) <= 3


def test_a_slow_rise_over_weeks_is_no_spike():
    """A story that grows a little every week: each hour a bit above the same hour of the
    weeks before, never the factor above it."""
    series = [round((2 + hour / HOURS_PER_WEEK) * (1 + (hour % 24 >= 8)))
              for hour in range(WEEKS * HOURS_PER_WEEK)]
    assert series[-1] > 2 * series[20]  # it did rise
    assert scan(series, DEFAULT, start=LAST_WEEK) == []


def test_a_slow_rise_within_the_day_is_no_spike_either():
    # Every weekday climbs from 1 to 12 an hour and falls again: the usual shape.
    day = [1, 1, 1, 1, 1, 1, 2, 4, 6, 8, 10, 12, 12, 10, 8, 6, 4, 3, 2, 2, 1, 1, 1, 1]
    series = day * (WEEKS * 7)
    assert scan(series, DEFAULT, start=LAST_WEEK) == []


def test_a_second_spike_within_the_cool_down_is_silent_and_one_after_it_fires():
    series = weekly_rhythm()
    first = LAST_WEEK + 2 * 24 + 9
    series[first] = 40
    series[first + 3] = 40  # 3 h later: within the 6 h cool-down
    series[first + 8] = 40  # 8 h later: after it
    assert scan(series, DEFAULT, start=LAST_WEEK) == [first, first + 8]


def test_a_spike_lasting_hours_is_one_alert_per_cool_down():
    series = weekly_rhythm()
    start = LAST_WEEK + 3 * 24 + 11
    for hour in range(start, start + 10):
        series[hour] = 30
    assert scan(series, DEFAULT, start=LAST_WEEK) == [start, start + 6]


def test_the_minimum_count_keeps_a_quiet_term_quiet():
    # 0 every week at 03:00, now 4: four times nothing, but fewer than the minimum of 5.
    assert not is_spike(4, [0, 0, 0, 0], DEFAULT)
    assert is_spike(5, [0, 0, 0, 0], DEFAULT)


def test_the_factor_counts_against_the_median_so_one_past_crisis_hides_nothing():
    # Last week's crisis (40) would lift a mean to 11.5; the median stays at 2.
    assert baseline([40, 2, 2, 2]) == 2
    assert is_spike(12, [40, 2, 2, 2], DEFAULT)
    assert not is_spike(5, [2, 2, 2, 2], DEFAULT)  # 2.5 times usual, factor 3 not reached
    assert is_spike(6, [2, 2, 2, 2], DEFAULT)


def test_a_longer_window_adds_up_the_hours_and_compares_with_the_same_hours_before():
    settings = SpikeSettings(window_hours=3, min_count=10)
    series = weekly_rhythm()
    hour = LAST_WEEK + 4 * 24 + 15
    series[hour - 2:hour + 1] = [8, 8, 8]  # 24 in three hours, usually about 6
    current, history = window_counts(series, hour, settings)
    assert current == 24 and all(3 <= h <= 9 for h in history)
    assert is_spike(current, history, settings)
    assert not is_spike(current, history, SpikeSettings(window_hours=3, factor=5))


def test_without_past_weeks_only_the_minimum_count_decides():
    series = [0] * 30 + [6]
    current, history = window_counts(series, 30, DEFAULT)
    assert (current, history) == (6, [])
    assert scan(series, DEFAULT) == [30]
    assert scan([0] * 30 + [4], DEFAULT) == []
