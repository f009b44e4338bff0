"""The held-out headline set and the development set (tests/monitoring/data) against the
matcher, with the watch terms a user would type; goal precision >= 0.98, recall >= 0.97."""

from __future__ import annotations

import pytest

from crm.monitoring.matching import Matcher
from tests.monitoring.headlines import DEV, HELD_OUT, load_cases, load_terms, score


@pytest.mark.parametrize("name", [DEV, HELD_OUT])
def test_headline_set_precision_and_recall(name):
    specs, names = load_terms()
    cases = load_cases(name)
    if name == HELD_OUT:
        assert len(cases) >= 150
    result = score(Matcher(specs), names, cases)
    report = "\n".join(f"{text!r}: false {sorted(fp)}, missed {sorted(fn)}"
                       for text, fp, fn in result.errors)
    assert result.precision() >= 0.98, report
    assert result.recall() >= 0.97, report


def test_every_term_of_the_sets_is_known():
    _, names = load_terms()
    known = set(names.values())
    for name in (DEV, HELD_OUT):
        for text, expected in load_cases(name):
            assert expected <= known, text
