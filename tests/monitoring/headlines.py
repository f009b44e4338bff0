"""The headline sets for matching (tests/monitoring/data): loading them and scoring a matcher.

terms.tsv holds the watch terms a press office would type; headlines_dev.tsv the cases the
rules were tuned on; headlines.tsv the held-out set. Used by test_headlines.py and
scripts/eval_matching.py. A case is (text, expected term names); a pair (case, term) counts as
a true positive, a false positive (found, not expected) or a false negative (expected, missed).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from crm.monitoring.matching import Matcher, TermSpec

DATA = Path(__file__).resolve().parent / "data"
DEV, HELD_OUT = "headlines_dev.tsv", "headlines.tsv"
_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def _rows(name: str) -> list[list[str]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


def load_terms() -> tuple[list[TermSpec], dict[int, str]]:
    """The terms as TermSpecs and their names by id."""
    specs, names = [], {}
    for number, (term, group, variants, exclusions, case_mode) in enumerate(
            _rows("terms.tsv"), start=1):
        forms = (term, *[v for v in variants.split("|") if v])
        specs.append(TermSpec(number, forms, case_mode, tuple(e for e in exclusions.split("|")
                                                              if e), group))
        names[number] = term
    return specs, names


def load_cases(name: str) -> list[tuple[str, frozenset[str]]]:
    cases = []
    for row in _rows(name):
        text = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), row[0])
        expected = row[1] if len(row) > 1 else ""
        cases.append((text, frozenset(t for t in expected.split("|") if t)))
    return cases


@dataclass
class Score:
    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    errors: list[tuple[str, set[str], set[str]]] = field(default_factory=list)

    @staticmethod
    def _ratio(a: int, b: int) -> float:
        return a / b if b else 1.0

    def precision(self, term: str | None = None) -> float:
        tp = self.tp[term] if term else sum(self.tp.values())
        fp = self.fp[term] if term else sum(self.fp.values())
        return self._ratio(tp, tp + fp)

    def recall(self, term: str | None = None) -> float:
        tp = self.tp[term] if term else sum(self.tp.values())
        fn = self.fn[term] if term else sum(self.fn.values())
        return self._ratio(tp, tp + fn)


def score(matcher: Matcher, names: dict[int, str],
          cases: list[tuple[str, frozenset[str]]]) -> Score:
    result = Score()
    for text, expected in cases:
        found = {names[term_id] for term_id in matcher.match(text, "")}
        for term in found & expected:
            result.tp[term] += 1
        for term in found - expected:
            result.fp[term] += 1
        for term in expected - found:
            result.fn[term] += 1
        if found != expected:
            result.errors.append((text, found - expected, expected - found))
    return result
