"""Precision and recall of the matcher on the headline sets, and its speed.

    .venv/bin/python scripts/eval_matching.py [--errors] [--terms 300] [--rounds 200]

Scores tests/monitoring/data/headlines_dev.tsv (the cases the rules were tuned on) and
headlines.tsv (held out) with the terms in terms.tsv: precision and recall over (headline,
term) pairs, overall and per term. Then times `Matcher.match` on a ~7 KB Norwegian article
with TERMS watch terms (the set's terms plus generated names and issues), in ms per article.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crm.monitoring.matching import Matcher, TermSpec  # noqa: E402
from tests.monitoring.headlines import DEV, HELD_OUT, load_cases, load_terms, score  # noqa: E402

# Ordinary news prose, and the names and issues an article about politics carries.
PROSE = ("Kommunestyret behandlet saken i går kveld etter en lang debatt om budsjettet for neste "
         "år. Flere representanter mente at forslaget kom for sent, og at innbyggerne ikke hadde "
         "fått nok tid til å si sin mening. Rådmannen viste til at fristen var satt av "
         "fylkeskommunen, og at det ikke var mulig å utsette behandlingen. Ordføreren sa til "
         "avisa at hun forstår frustrasjonen, men at kommunen må forholde seg til reglene. Det "
         "blir nytt møte i februar, der også skolestrukturen og veiene i nord skal opp. "
         "Innbyggerne kan sende innspill fram til neste fredag.").split()
TERMS_IN_TEXT = ("Arbeiderpartiet", "Høyre", "Støre", "Solberg (H)", "sykehusplasser",
                 "straumprisane", "KrF-leder", "bompengene", "Venstre kjørefelt", "skatten")
DENSE = ("Arbeiderpartiet og Høyre strides om sykehusplasser mens Støre og Solberg møtes i "
         "Stortinget hvor straumprisane og eldreomsorgsreform skatten bompengene og KrF-leder "
         "ble diskutert før Venstre kjørefelt stengt etter Solberg (H) og H, FrP og KrF").split()


def report(title: str, name: str, show_errors: bool) -> None:
    specs, names = load_terms()
    cases = load_cases(name)
    result = score(Matcher(specs), names, cases)
    pairs = sum(result.tp.values()) + sum(result.fn.values())
    print(f"{title} ({name}): {len(cases)} headlines, {pairs} expected hits")
    print(f"  precision {result.precision():.3f}  recall {result.recall():.3f}  "
          f"(true {sum(result.tp.values())}, false {sum(result.fp.values())}, "
          f"missed {sum(result.fn.values())})")
    for term in sorted(set(result.tp) | set(result.fp) | set(result.fn)):
        print(f"    {term:28} precision {result.precision(term):.3f}  "
              f"recall {result.recall(term):.3f}  (true {result.tp[term]}, "
              f"false {result.fp[term]}, missed {result.fn[term]})")
    if show_errors:
        for text, fp, fn in result.errors:
            print(f"  ! {text!r}: false {sorted(fp)}, missed {sorted(fn)}")


def article(rng: random.Random, words: tuple[str, ...] | list[str], hits: int) -> str:
    """About 7 KB of `words` in random order with `hits` names and issues mixed in."""
    out: list[str] = []
    while len(" ".join(out)) < 7000:
        out.append(rng.choice(words))
    for _ in range(hits):
        out.insert(rng.randrange(len(out)), rng.choice(TERMS_IN_TEXT))
    return " ".join(out)[:7000]


def ms_per_article(matcher: Matcher, text: str, rounds: int) -> float:
    """CPU ms per call, the fastest of five batches of `rounds` calls (the machine is shared)."""
    matcher.match("Tittel", text)  # warm up
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        for _ in range(rounds):
            matcher.match("Ap og Høyre enige", text)
        best = min(best, (time.process_time() - start) * 1000 / rounds)
    return best


def timing(n_terms: int, rounds: int) -> None:
    rng = random.Random(9)
    specs, _ = load_terms()
    extra = []
    for i in range(max(0, n_terms - len(specs))):
        if i % 3 == 2:
            extra.append(TermSpec(1000 + i, (f"saksfelt{i}", f"saksfelt{i}*"), group="issue"))
        else:
            extra.append(TermSpec(1000 + i, (f"Fornavn{i} Etternavn{i}", f"Etternavn{i}"),
                                  group="politician"))
    matcher = Matcher(specs + extra)
    for label, text in (("typical article (10 names and issues)", article(rng, PROSE, 10)),
                        ("dense article (every other word a hit)", article(rng, DENSE, 0))):
        hits = len(matcher.find(text))
        print(f"Matching, {len(specs) + len(extra)} terms, {label}, {len(text)} characters, "
              f"{hits} hits: {ms_per_article(matcher, text, rounds):.2f} ms per article")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="List every wrong headline.")
    parser.add_argument("--terms", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    report("Development set", DEV, args.errors)
    report("Held-out set", HELD_OUT, args.errors)
    timing(args.terms, args.rounds)


if __name__ == "__main__":
    main()
