"""Finding watch terms in article text: Norwegian-aware, one pass over the text.

All forms of all terms are built into ONE trie-shaped regular expression, matched
case-insensitively at every word start (a zero-width lookahead, so overlapping names such as
"Jonas Gahr Støre" and "Støre" are both found). Each candidate is then checked in Python:
- whole words: nothing word-like before it; what follows up to the next non-letter must be an
  allowed ending. Python's `\\w` counts æ, ø, å (and é, ü) as letters.
- endings: names take the genitive ("Arbeiderpartiets", "Støres", "Jonas'", "Ap's");
  lower-case issue words also take noun endings ("bompengene", "skatten"); a form ending in
  `*` takes any ending ("bompeng*"). Hyphenated compounds ("Ap-leder", "Høyre-politiker")
  match because a hyphen ends the word.
- case: short forms with a capital letter (Ap, Sp, SV, KrF, MDG), the party names that are
  everyday words (Høyre, Venstre, Rødt and their nynorsk forms) and terms set to
  case-sensitive must match exactly ("Ap", never the agency "AP"; "Høyre", never "til
  høyre"); other forms ignore case. Sentence starts ("Rødt lys") still need exclusions.
- exclusions: a hit inside one of the term's exclusion phrases ("AP-foto") does not count.
Texts are expected in NFC with whitespace folded (sanitize.html_to_text does that); forms are
normalised the same way here, so decomposed "ø" and no-break spaces cannot cause a miss.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from crm.text import normalise_space

NAME_ENDINGS = frozenset({"", "s", "'", "’", "'s", "’s"})
NOUN_ENDINGS = NAME_ENDINGS | {"e", "en", "et", "a", "er", "ene", "ens", "ets", "as", "ers",
                               "enes", "es", "ne", "nes"}
AUTO_CASE_MAX_LEN = 4
# Party names that are also everyday words (right, left, red): exact case unless told otherwise.
EVERYDAY_WORDS = frozenset({"Høyre", "Høgre", "Venstre", "Rødt", "Raudt"})
FORM_MAX = 100
_TAIL = re.compile(r"['’]?\w*")
SNIPPET_BEFORE = 90
SNIPPET_AFTER = 120


@dataclass(frozen=True)
class TermSpec:
    id: int
    forms: tuple[str, ...]
    case_mode: str = "auto"  # auto, sensitive, insensitive
    exclusions: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Form:
    term_id: int
    text: str  # as written (NFC), without a trailing *
    case_sensitive: bool
    endings: frozenset[str] | None  # None: any ending (truncation)


@dataclass
class Hit:
    term_id: int
    start: int
    end: int  # end of the whole word, ending included


@dataclass
class TermMatch:
    term_id: int
    place: str  # "title" or "summary"
    snippet: str
    mark_start: int
    mark_end: int
    hits: int = 1


def clean_form(form: str) -> str:
    return normalise_space(form).strip()[:FORM_MAX]


def is_case_sensitive(form: str, case_mode: str) -> bool:
    if case_mode == "sensitive":
        return True
    if case_mode == "insensitive":
        return False
    if form in EVERYDAY_WORDS:
        return True
    letters = [ch for ch in form if ch.isalpha()]
    return len(form) <= AUTO_CASE_MAX_LEN and any(ch.isupper() for ch in letters)


def _endings(form: str) -> frozenset[str] | None:
    if form.endswith("*"):
        return None
    last_word = re.split(r"[\s-]+", form)[-1]
    return NOUN_ENDINGS if last_word[:1].islower() else NAME_ENDINGS


def _trie_regex(words: Iterable[str]) -> str:
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True
    return _node_regex(trie)


def _node_regex(node: dict) -> str:
    terminal = "" in node
    branches = []
    for ch in sorted(k for k in node if k):
        child, chain = node[ch], [ch]
        # Collapse chains of single children into a literal run.
        while len(child) == 1 and "" not in child:
            (nxt, child), = child.items()
            chain.append(nxt)
        branches.append(re.escape("".join(chain)) + _node_regex(child))
    if not branches:
        return ""
    if len(branches) == 1:
        body = branches[0]
        return f"(?:{body})?" if terminal else body
    body = "(?:" + "|".join(branches) + ")"
    return body + "?" if terminal else body


def _exclusion_regex(phrases: Iterable[str]) -> re.Pattern | None:
    parts = [r"\s+".join(re.escape(w) for w in clean_form(p).split()) for p in phrases]
    parts = [p for p in parts if p]
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


@dataclass
class Matcher:
    """Built once from the active terms; `find` and `match` are then safe to call often."""

    terms: Iterable[TermSpec]
    _forms: dict[str, list[_Form]] = field(default_factory=dict, init=False)
    _shorter: dict[str, list[str]] = field(default_factory=dict, init=False)
    _exclusions: dict[int, tuple[re.Pattern, int]] = field(default_factory=dict, init=False)
    _regex: re.Pattern | None = field(default=None, init=False)

    def __post_init__(self):
        for term in self.terms:
            for raw in term.forms:
                form = clean_form(raw)
                endings = _endings(form)
                form = form.rstrip("*").rstrip()
                if not form or not re.search(r"\w", form):
                    continue
                self._forms.setdefault(form.lower(), []).append(_Form(
                    term.id, form, is_case_sensitive(form, term.case_mode), endings))
            regex = _exclusion_regex(term.exclusions)
            if regex is not None:
                longest = max(len(clean_form(p)) for p in term.exclusions)
                self._exclusions[term.id] = (regex, longest)
        keys = sorted(self._forms)
        # For each form, the shorter forms it starts with ("jonas" in "jonas gahr støre"):
        # the regex reports the longest form at a position, these are checked as well.
        for key in keys:
            self._shorter[key] = [key[:n] for n in range(len(key) - 1, 0, -1)
                                  if key[:n] in self._forms]
        if keys:
            self._regex = re.compile(r"(?<!\w)(?=(" + _trie_regex(keys) + "))", re.IGNORECASE)

    @property
    def empty(self) -> bool:
        return self._regex is None

    def _accept(self, form: _Form, text: str, start: int, end: int) -> int | None:
        """End of the hit (ending included) if `form` really occurs at text[start:end]."""
        if form.case_sensitive and text[start:end] != form.text:
            return None
        tail = _TAIL.match(text, end).group()  # the rest of the word, if any
        if form.endings is not None:
            if tail.lower() not in form.endings:
                return None
            if form.case_sensitive and tail != tail.lower():
                return None
        return end + len(tail)

    def _excluded(self, term_id: int, text: str, start: int, end: int) -> bool:
        entry = self._exclusions.get(term_id)
        if entry is None:
            return False
        regex, longest = entry
        lo = max(0, start - longest)
        for match in regex.finditer(text, lo, min(len(text), end + longest)):
            if match.start() <= start and match.end() >= end:
                return True
        return False

    def find(self, text: str) -> list[Hit]:
        """Every hit of every term in `text`, in order of position."""
        if self._regex is None or not text:
            return []
        hits: list[Hit] = []
        for match in self._regex.finditer(text):
            start = match.start()
            core = match.group(1).lower()
            seen_terms: set[int] = set()
            for key in [core, *self._shorter.get(core, [])]:
                end = start + len(key)
                for form in self._forms.get(key, ()):
                    if form.term_id in seen_terms:
                        continue
                    if text[start:end].lower() != key:
                        continue
                    hit_end = self._accept(form, text, start, end)
                    if hit_end is None or self._excluded(form.term_id, text, start, hit_end):
                        continue
                    seen_terms.add(form.term_id)
                    hits.append(Hit(form.term_id, start, hit_end))
        return hits

    def match(self, title: str, summary: str) -> dict[int, TermMatch]:
        """Per term: where it was first found (title before summary), a snippet, hit count."""
        found: dict[int, TermMatch] = {}
        for place, text in (("title", title), ("summary", summary)):
            for hit in self.find(text):
                if hit.term_id in found:
                    found[hit.term_id].hits += 1
                    continue
                snippet, mark_start, mark_end = make_snippet(text, hit.start, hit.end)
                found[hit.term_id] = TermMatch(hit.term_id, place, snippet, mark_start, mark_end)
        return found


def make_snippet(text: str, start: int, end: int) -> tuple[str, int, int]:
    """The words around text[start:end] and the hit's offsets within them."""
    lo = max(0, start - SNIPPET_BEFORE)
    hi = min(len(text), end + SNIPPET_AFTER)
    if lo > 0:
        space = text.find(" ", lo, start)
        lo = space + 1 if space != -1 else lo
    if hi < len(text):
        space = text.rfind(" ", end, hi)
        hi = space if space != -1 else hi
    prefix = "…" if lo > 0 else ""
    suffix = "…" if hi < len(text) else ""
    snippet = prefix + text[lo:hi] + suffix
    offset = len(prefix) - lo
    return snippet, start + offset, end + offset
