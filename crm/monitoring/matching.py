"""Finding watch terms in article text: Norwegian as journalists write it, one pass over the text.

All forms of all terms are built into ONE trie-shaped regular expression, matched
case-insensitively at every word start (a zero-width lookahead, so overlapping names such as
"Jonas Gahr Støre" and "Støre" are both found); issue words are also looked for inside words
(the second half of a compound). Each candidate is then checked in Python:
- invisible characters: soft hyphens (U+00AD) and zero-width characters (U+200B..U+200D,
  U+2060, U+FEFF) are ignored ("Arbeider\\u00adpartiet" is "Arbeiderpartiet"); hits are
  reported at their place in the text as given.
- whole words: nothing word-like before it; what follows up to the next non-letter must be an
  allowed ending. Python's `\\w` counts æ, ø, å (and é, ü) as letters.
- endings: names take the genitive ("Arbeiderpartiets", "Støres", "Jonas'", "Ap's");
  lower-case words also take bokmål and nynorsk noun endings ("bompengene", "skatten",
  "straumprisar", "straumprisane"); a form ending in `*` takes any ending ("bompeng*").
  Hyphenated compounds ("Ap-leder", "Høyre-politiker") match because a hyphen ends the word.
- compounds: a lower-case ISSUE word of at least COMPOUND_MIN letters also matches at the start
  ("sykehusplasser", "eldreomsorgsreform"), at the end ("lokalsykehus", "lokalsjukehusa") and
  in the middle of a longer word, the rest being an ending or at least COMPOUND_REST letters.
  Words on COMPOUND_STOP ("skattkammer", "politikk", "klimaks") are no hits. Names of people
  and parties never match inside a word ("Støretangen", "Apotek").
- case: short forms with a capital letter (Ap, Sp, SV, KrF, MDG), the party names that are
  everyday words (Høyre, Venstre, Rødt and their nynorsk forms) and terms set to
  case-sensitive must match exactly ("Ap", never the agency "AP"; "Høyre", never "til
  høyre") -- except inside an ALL-CAPS run ("AP OG HØYRE ENIGE", "FRP-LEDER REFSER"), where
  case says nothing and they match in any case. An all-caps run is a stretch of words without
  a lower-case letter holding at least three words, or two words of which one has four or
  more letters, not counting agency and photo credits (AP, NTB, REUTERS, FOTO: "NTB/AP" and
  "AP PHOTO" are no runs). Other forms ignore case.
- everyday words: "Høyre", "Venstre", "Rødt" (and "Høgre", "Raudt") at the start of a sentence
  or in an all-caps run, followed by a body part, a road or direction word ("Høyre hånd
  brukket", "Venstre kjørefelt stengt", "Høyre side av E6") or a red thing ("Rødt lys",
  "Rødt farevarsel"), are the ordinary word: an excluded hit, with that reason.
- single letters: a form of one capital letter (H, V, R) is a party abbreviation only in
  brackets ("Solberg (H)", "(V)") or in a list of party abbreviations ("H og Ap",
  "H, FrP og KrF", "Ap/H"); "Vitamin H", "H-blokka", "E6 H" are excluded hits.
- exclusions: a hit inside one of the term's exclusion phrases ("AP-foto") does not count.
`find_all` reports the excluded hits too, each with its reason (see `reason_message`), so the
user can see why a hit did not count.
Texts are expected in NFC with whitespace folded (sanitize.html_to_text does that); forms are
normalised the same way here, so decomposed "ø" and no-break spaces cannot cause a miss.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from crm.messages import Message, msg
from crm.text import normalise_space

NAME_ENDINGS = frozenset({"", "s", "'", "’", "'s", "’s"})
NOUN_ENDINGS = NAME_ENDINGS | {
    # bokmål
    "e", "en", "et", "a", "er", "ene", "ens", "ets", "as", "ers", "enes", "es", "ne", "nes",
    # nynorsk
    "ar", "ane", "ars", "anes",
}
# Words ending in -e: "fastlegen", "barnehager"; in nynorsk the -e goes: "fastleg|ane",
# "barnehag|ar", "straumstøtt|a" (E_STEM_ENDINGS after the form without its -e).
E_ENDINGS = NOUN_ENDINGS | {"n", "r", "ns", "rs", "t", "ts"}
E_STEM_ENDINGS = frozenset({"a", "ar", "ane", "as", "ars", "anes", "ene", "er", "en", "et"})
AUTO_CASE_MAX_LEN = 4
# Party names that are also everyday words (right, left, red): exact case unless told otherwise.
EVERYDAY_WORDS = frozenset({"Høyre", "Høgre", "Venstre", "Rødt", "Raudt"})
FORM_MAX = 100
SNIPPET_BEFORE = 90
SNIPPET_AFTER = 120

INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_INVISIBLE = re.compile(f"[{INVISIBLE}]")
_TAIL = re.compile(r"['’]?\w*")
_WORD = re.compile(r"[^\W\d_]+")
_TWO_CAPS = re.compile(r"[^\W\d_a-zß-ÿ]{2}")  # two letters in a row that are not lower case

# Compounds of issue words ---------------------------------------------------------------------
COMPOUND_MIN = 5  # "skatt", "klima", "skole" compound; "rus", "lege", "pris" do not
COMPOUND_REST = 3  # letters after the issue word that make a compound ("sykehus|kø")
# Words that contain an issue word but are not about the issue (lower case, any ending).
COMPOUND_STOP = frozenset({
    "skattkammer", "skattkiste", "skattekiste", "skattejakt", "skattejeger", "skattekart",
    "kunstskatt", "kulturskatt", "gullskatt", "sølvskatt", "skattum",
    "politikk", "politiker", "politisk", "politikar",
    "klimaks", "klimaanlegg",
    "arbeiderparti", "arbeidarparti",
    "helsetrøye", "fastlegeme",
})

# All-caps runs --------------------------------------------------------------------------------
CREDIT_WORDS = frozenset({"AP", "NTB", "ANB", "AFP", "EPA", "REUTERS", "SCANPIX", "FOTO",
                          "PHOTO", "GETTY", "IMAGES", "BILDE", "TT", "DPA", "NRK", "VG"})

# Everyday use of the party names that are ordinary words ------------------------------------
_SIDE_WORDS = (
    # body parts
    "hånd", "hand", "arm", "albue", "fot", "bein", "ben", "kne", "skulder", "hofte", "ankel",
    "øye", "auge", "øre", "lunge", "nyre", "hjernehalvdel", "håndledd", "lår", "legg",
    "finger", "tommel", "hæl", "rygg", "bryst",
    # sides, roads, directions, vehicles, sports
    "side", "sida", "kjørefelt", "felt", "fil", "løp", "kant", "vegkant", "veikant",
    "svingen", "sving", "retning", "hjørne", "halvdel", "del", "bredd", "breidd", "bakdør",
    "fordør", "forhjul", "bakhjul", "hjul", "dekk", "vinge", "motor", "back", "ving", "kolonne",
    "spalte", "knapp", "museknapp", "pil", "sving", "avkjøring", "avkøyring", "rundkjøring",
    "fortau", "sidespeil", "speil",
)
_RED_WORDS = ("lys", "kort", "flagg", "kjøtt", "farevarsel", "varsel", "nivå", "signal",
              "trafikklys", "løper", "stoff", "merke", "alarm", "blod")
ORDINARY_NEXT = {"Høyre": _SIDE_WORDS, "Høgre": _SIDE_WORDS, "Venstre": _SIDE_WORDS,
                 "Rødt": _RED_WORDS, "Raudt": _RED_WORDS}
_SENTENCE_END = ".!?:;"
_OPENERS = " \t«»\"'“”‘’(–—-"

# Single-letter party abbreviations ------------------------------------------------------------
PARTY_ABBREVIATIONS = ("Ap", "A", "H", "FrP", "Frp", "Sp", "SV", "R", "V", "KrF", "MDG", "PF",
                       "INP", "Pp", "Krf")
_ABBR = "|".join(sorted({re.escape(a) for a in PARTY_ABBREVIATIONS}, key=len, reverse=True))
_LIST_SEP = r"(?:\s*[,/+&]\s*|\s+(?:og|and|eller|og/eller)\s+)"
_ABBR_BEFORE = re.compile(r"(?<!\w)(?:" + _ABBR + r")" + _LIST_SEP + r"$")
_ABBR_AFTER = re.compile(_LIST_SEP + r"(?:" + _ABBR + r")(?!\w)")


@dataclass(frozen=True)
class TermSpec:
    id: int
    forms: tuple[str, ...]
    case_mode: str = "auto"  # auto, sensitive, insensitive
    exclusions: tuple[str, ...] = ()
    group: str = ""  # the WatchTerm group: only "issue" words match inside compounds


@dataclass(frozen=True)
class _Form:
    term_id: int
    text: str  # as written (NFC), without a trailing *
    case_sensitive: bool
    endings: frozenset[str] | None  # None: any ending (truncation)
    compound: bool = False  # an issue word: also inside compounds
    stops: tuple[str, ...] = ()  # COMPOUND_STOP words that contain this form


@dataclass
class Hit:
    term_id: int
    start: int
    end: int  # end of the whole word, ending included
    excluded: str = ""  # "", or why it does not count: exclusion, ordinary, letter, compound
    detail: str = ""  # the words that made it so ("AP-foto", "Høyre hånd", "skattkammer")


@dataclass
class TermMatch:
    term_id: int
    place: str  # "title" or "summary"
    snippet: str
    mark_start: int
    mark_end: int
    hits: int = 1


def reason_message(hit: Hit) -> Message | None:
    """Why an excluded hit does not count, for the user; None for a hit that counts."""
    if hit.excluded == "exclusion":
        return msg("Inside the exclusion “%(phrase)s”.", phrase=hit.detail)
    if hit.excluded == "ordinary":
        return msg("“%(words)s” is the everyday word (right, left, red), not the party.",
                   words=hit.detail)
    if hit.excluded == "letter":
        return msg("A single letter counts as a party only in brackets, as in “Solberg (H)”, or "
                   "in a list of parties, as in “H, FrP og KrF”.")
    if hit.excluded == "compound":
        return msg("“%(word)s” is a different word that only contains the issue.",
                   word=hit.detail)
    return None


def clean_form(form: str) -> str:
    return normalise_space(_INVISIBLE.sub("", form or "")).strip()[:FORM_MAX]


def strip_invisible(text: str) -> tuple[str, list[int] | None]:
    """`text` without soft hyphens and zero-width characters, and for each remaining
    character its index in `text` (None when there was nothing to remove)."""
    if not _INVISIBLE.search(text):
        return text, None
    keep = [i for i, ch in enumerate(text) if ch not in INVISIBLE]
    return "".join(text[i] for i in keep), keep


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
    if not last_word[:1].islower():
        return NAME_ENDINGS
    return E_ENDINGS if last_word.endswith("e") else NOUN_ENDINGS


def _is_compound_word(form: str, group: str) -> bool:
    return (group == "issue" and form == form.lower() and len(form) >= COMPOUND_MIN
            and _WORD.fullmatch(form) is not None)


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


CAPS_WINDOW = 200  # how far around a hit an all-caps run is looked for


def _caps_count(words: Iterable[str]) -> tuple[int, int]:
    """How many words of an all-caps stretch count (not credits), and the longest's length."""
    counted = [w for w in words if w not in CREDIT_WORDS]
    return len(counted), max(map(len, counted), default=0)


class _Text:
    """A text being matched, with what the rules need to know about it."""

    __slots__ = ("text", "_caps")

    def __init__(self, text: str):
        self.text = text
        self._caps: bool | None = None  # None: not known yet whether it has any caps run

    def in_caps(self, start: int, end: int) -> bool:
        """Is text[start:end] inside an all-caps run (see the module docstring)?"""
        text = self.text
        if self._caps is None:
            self._caps = _TWO_CAPS.search(text) is not None
        if not self._caps:
            return False
        start, stop = _word_start(text, start), _TAIL.match(text, end).end()
        if not text[start:stop].replace("'", "").replace("’", "").isupper():
            return False
        before = [w.group() for w in _WORD.finditer(text, max(0, start - CAPS_WINDOW), start)]
        words = [text[start:stop]]
        for word in reversed(before):
            if not word.isupper():
                break
            words.append(word)
        for match in _WORD.finditer(text, stop, stop + CAPS_WINDOW):
            if not match.group().isupper():
                break
            words.append(match.group())
        count, longest = _caps_count(_WORD.findall(" ".join(words)))
        return count >= 3 or (count == 2 and longest >= 4)

    def sentence_start(self, start: int) -> bool:
        before = self.text[:start].rstrip(_OPENERS)
        return not before or before[-1] in _SENTENCE_END


def _word_start(text: str, pos: int) -> int:
    while pos > 0 and text[pos - 1].isalnum():
        pos -= 1
    return pos


_NEXT_WORD = re.compile(r"[ \t]+([^\W\d_]+)")


def _next_word(text: str, end: int) -> re.Match | None:
    return _NEXT_WORD.match(text, end)


def _ordinary_use(ctx: _Text, form: _Form, start: int, end: int) -> str:
    """The everyday phrase ("Høyre hånd") if an everyday-word party name is used as one."""
    stems = ORDINARY_NEXT.get(form.text)
    nxt = _next_word(ctx.text, end) if stems else None
    if nxt is None:
        return ""
    word = nxt.group(1).lower()
    if not any(word.startswith(stem) and word[len(stem):] in NOUN_ENDINGS for stem in stems):
        return ""
    if not (ctx.sentence_start(start) or ctx.in_caps(start, end)):
        return ""
    return ctx.text[start:nxt.end()]


def _party_letter(text: str, start: int, end: int) -> bool:
    """A single letter used as a party abbreviation: "(H)", "H og Ap", "H, FrP og KrF"."""
    if _ABBR_AFTER.match(text, end):
        return True  # "H og Ap", "H/FrP-byrådet"
    if _ABBR_BEFORE.search(text, max(0, start - 12), start) is not None:
        return True  # "Ap og H", "Ap/H-flertallet"
    if end < len(text) and text[end] == "-":
        return False  # "H-blokka"
    if start > 0 and text[start - 1] == "(" and text[end:end + 1] in (")", ",", "/"):
        return start == 1 or not text[start - 2].isalnum()  # "(H)", not "Windows(R)"
    return False


@dataclass
class Matcher:
    """Built once from the active terms; `find` and `match` are then safe to call often."""

    terms: Iterable[TermSpec]
    _forms: dict[str, list[_Form]] = field(default_factory=dict, init=False)
    _shorter: dict[str, list[str]] = field(default_factory=dict, init=False)
    _inner_shorter: dict[str, list[str]] = field(default_factory=dict, init=False)
    _exclusions: dict[int, tuple[re.Pattern, int]] = field(default_factory=dict, init=False)
    _regex: re.Pattern | None = field(default=None, init=False)
    _inner: re.Pattern | None = field(default=None, init=False)
    _any_case_regexes: tuple | None = field(default=None, init=False)
    _letters: dict[str, list[int]] = field(default_factory=dict, init=False)  # H: term ids
    _letter_regex: re.Pattern | None = field(default=None, init=False)

    def __post_init__(self):
        for term in self.terms:
            for raw in term.forms:
                form = clean_form(raw)
                endings = _endings(form)
                form = form.rstrip("*").rstrip()
                if not form or not re.search(r"\w", form):
                    continue
                compound = _is_compound_word(form, term.group)
                key = form.lower()
                case_sensitive = is_case_sensitive(form, term.case_mode)
                if len(form) == 1 and form.isupper():  # H, V, R: matched on their own
                    self._letters.setdefault(form, []).append(term.id)
                    continue
                self._forms.setdefault(key, []).append(_Form(
                    term.id, form, case_sensitive, endings, compound=compound,
                    stops=tuple(s for s in COMPOUND_STOP if key in s) if compound else ()))
                if endings is E_ENDINGS and len(form) >= 4:
                    self._forms.setdefault(key[:-1], []).append(_Form(
                        term.id, form[:-1], case_sensitive, E_STEM_ENDINGS))
            regex = _exclusion_regex(term.exclusions)
            if regex is not None:
                longest = max(len(clean_form(p)) for p in term.exclusions)
                self._exclusions[term.id] = (regex, longest)
        keys = sorted(self._forms)
        inner = [k for k in keys if any(f.compound for f in self._forms[k])]
        # For each form, the shorter forms it starts with ("jonas" in "jonas gahr støre"):
        # the regex reports the longest form at a position, these are checked as well.
        for key in keys:
            self._shorter[key] = [key[:n] for n in range(len(key) - 1, 0, -1)
                                  if key[:n] in self._forms]
        inner_set = set(inner)
        for key in inner:
            self._inner_shorter[key] = [key[:n] for n in range(len(key) - 1, 0, -1)
                                        if key[:n] in inner_set]
        if keys:
            # Matched against the lower-cased text (much faster than IGNORECASE), or with
            # IGNORECASE where lower-casing changes a text's length (rare letters such as İ).
            # Word starts: a zero-width lookahead, so overlapping forms are all seen. Inside
            # words: a plain pattern (the engine then skips ahead by first letter), checked
            # for a letter before it.
            pattern = r"(?<!\w)(?=(" + _trie_regex(keys) + "))"
            self._regex = re.compile(pattern)
        if inner:
            pattern = "(" + _trie_regex(inner) + ")"
            self._inner = re.compile(pattern)
        if self._letters:
            letters = "".join(re.escape(ch) for ch in sorted(self._letters))
            self._letter_regex = re.compile(f"[{letters}]" + r"(?<!\w.)(?!\w)")

    @property
    def empty(self) -> bool:
        return self._regex is None and self._letter_regex is None

    def _accept(self, form: _Form, ctx: _Text, start: int, end: int,
                inner: bool) -> tuple[int, str, str] | None:
        """(end of the hit, ending included; why it is excluded or ""; detail) if `form`
        occurs at text[start:end]; None if it does not."""
        text = ctx.text
        if inner and not form.compound:
            return None
        tail = _TAIL.match(text, end).group()  # the rest of the word, if any
        word_end = end + len(tail)
        if form.compound:
            if (form.endings is not None and tail.lower() not in form.endings
                    and len(tail) < COMPOUND_REST):
                return None
            if inner and not text[start - 1].isalpha():
                return None  # "E6skatt", "2skatt": no compound
        elif form.endings is not None and tail.lower() not in form.endings:
            return None
        if form.case_sensitive and text[start:end] != form.text:
            if text[start:end].upper() != form.text.upper() or not ctx.in_caps(start, end):
                return None
        if form.case_sensitive and tail != tail.lower() and not ctx.in_caps(start, end):
            return None
        if form.stops:
            word_start = _word_start(text, start)
            word = text[word_start:word_end].lower()
            stop = next((s for s in form.stops if s in word), None)
            if stop is not None:
                return word_end, "compound", text[word_start:word_end]
        if form.text in ORDINARY_NEXT:
            phrase = _ordinary_use(ctx, form, start, word_end)
            if phrase:
                return word_end, "ordinary", phrase
        return word_end, "", ""

    def _exclusion(self, term_id: int, text: str, start: int, end: int) -> str:
        entry = self._exclusions.get(term_id)
        if entry is None:
            return ""
        regex, longest = entry
        lo = max(0, start - longest)
        for match in regex.finditer(text, lo, min(len(text), end + longest)):
            if match.start() <= start and match.end() >= end:
                return match.group()
        return ""

    def _find(self, text: str) -> list[Hit]:
        """Every hit, the excluded ones too, in `text` without invisible characters."""
        if self.empty or not text:
            return []
        ctx = _Text(text)
        hits: list[Hit] = []
        for start, core, inner in self._candidates(text):
            shorter = self._inner_shorter if inner else self._shorter
            done: set[int] = set()
            excluded: dict[int, Hit] = {}
            for key in [core, *shorter.get(core, [])]:
                end = start + len(key)
                if text[start:end].lower() != key:
                    continue
                for form in self._forms.get(key, ()):
                    if form.term_id in done:
                        continue
                    found = self._accept(form, ctx, start, end, inner)
                    if found is None:
                        continue
                    hit_end, why, detail = found
                    hit_start = _word_start(text, start) if inner else start
                    if not why:
                        detail = self._exclusion(form.term_id, text, start, hit_end)
                        why = "exclusion" if detail else ""
                    if why:
                        excluded.setdefault(form.term_id, Hit(form.term_id, hit_start,
                                                              hit_end, why, detail))
                        continue
                    done.add(form.term_id)
                    excluded.pop(form.term_id, None)
                    hits.append(Hit(form.term_id, hit_start, hit_end))
            hits.extend(excluded.values())
        if self._letter_regex is not None:
            hits.extend(self._letter_hits(ctx))
        hits.sort(key=lambda hit: hit.start)
        return hits

    def _any_case(self) -> tuple[re.Pattern | None, re.Pattern | None]:
        """The patterns with IGNORECASE, compiled when first needed (rarely)."""
        if self._any_case_regexes is None:
            self._any_case_regexes = tuple(
                None if r is None else re.compile(r.pattern, re.IGNORECASE)
                for r in (self._regex, self._inner))
        return self._any_case_regexes

    def _candidates(self, text: str) -> Iterable[tuple[int, str, bool]]:
        """(position, the longest form found there in lower case, inside a word?)."""
        lower = text.lower()
        if len(lower) == len(text):
            subject, regex, inner = lower, self._regex, self._inner
        else:  # lower-casing moved the offsets (İ): match the text as it is, any case
            subject, regex, inner = text, *self._any_case()
        if regex is not None:
            for match in regex.finditer(subject):
                yield match.start(), match.group(1).lower(), False
        if inner is not None:
            for match in inner.finditer(subject):
                start = match.start()
                if start > 0 and subject[start - 1].isalpha():
                    yield start, match.group(1).lower(), True

    def _letter_hits(self, ctx: _Text) -> Iterable[Hit]:
        text = ctx.text
        for match in self._letter_regex.finditer(text):
            start, end = match.span()
            party = _party_letter(text, start, end)
            for term_id in dict.fromkeys(self._letters[match.group()]):
                if party:
                    detail = self._exclusion(term_id, text, start, end)
                    yield Hit(term_id, start, end, "exclusion" if detail else "", detail)
                else:
                    yield Hit(term_id, start, end, "letter")

    def find_all(self, text: str) -> list[Hit]:
        """Every hit of every term in `text`, in order of position, with the excluded ones
        (`Hit.excluded` says why). Positions are in `text` as given."""
        clean, keep = strip_invisible(text or "")
        hits = self._find(clean)
        if keep is not None:
            for hit in hits:
                hit.start, hit.end = keep[hit.start], keep[hit.end - 1] + 1
        return hits

    def find(self, text: str) -> list[Hit]:
        """Every hit of every term in `text` that counts, in order of position."""
        return [hit for hit in self.find_all(text) if not hit.excluded]

    def match(self, title: str, summary: str) -> dict[int, TermMatch]:
        """Per term: where it was first found (title before summary), a snippet, hit count.

        Snippets are taken from the text without invisible characters."""
        found: dict[int, TermMatch] = {}
        for place, text in (("title", title), ("summary", summary)):
            text, _ = strip_invisible(text or "")
            for hit in self._find(text):
                if hit.excluded:
                    continue
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
