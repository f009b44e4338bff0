"""Finding a campaign's key messages in an article: explicit, partial or absent, and where.

Plain data in, plain data out (no database): `Detector(messages).detect(texts)`.

- explicit: the message's canonical wording or one of its accepted variants occurs in the
  text, or every one of its key phrases does. Wording, variants and key phrases are matched
  the way watch terms are (crm/monitoring/matching.py: Matcher, TermSpec): soft hyphens and
  zero-width characters ignored, case as the watch terms' "automatic" rule (short forms such
  as "Ap" exactly, longer words in any case, ALL-CAPS headlines too), bokmål and nynorsk
  endings on lower-case words ("eiendomsskatten", "skattekutta"), one-word key phrases of
  five letters or more also inside compounds ("formuesskatt" finds "formuesskatteøkning").
- partial: more than half of its key phrases occur (but not all), or a sentence of the
  article is a close paraphrase of the wording or a variant, by rapidfuzz: the sentence and
  the wording (lower case, punctuation dropped) have a token_set_ratio of at least
  PARAPHRASE_MIN (word order and extra words ignored), and at least CONTENT_COVERAGE of the
  wording's content words (four letters or more) have a counterpart in the sentence with a
  ratio of at least WORD_MIN ("lærere"/"lærerne", "skolen"/"skolene"). Both together keep
  "flere lærere til barnehagen" from passing for "flere lærere til skolen".
- absent: neither (no `Found` is returned for it).
- where: "title" when the words that show the message are in the title, else "summary"
  (the article's summary or content, as the feed gave it).
- spokesperson: for a message found, the first of its spokespeople named in the article
  (their name in the register, or a form of a watch term linked to them: "Støre",
  "Støres"), and whether they are quoted (the sentence naming them has quotation marks or a
  verb of saying: sier, sa, seier, mener, meiner, uttaler, skriver).

Each (title, summary) pair of an article (the article and every source's own copy) is
examined; per message the best finding wins (explicit over partial, title over summary).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from crm.monitoring.matching import Matcher, TermSpec, make_snippet, strip_invisible
from crm.text import normalise_space

PARAPHRASE_MIN = 60  # token_set_ratio of a sentence and the wording (a quick first sieve)
CONTENT_COVERAGE = 0.8  # share of the wording's content words the sentence must have
WORD_MIN = 75  # rapidfuzz ratio for two words to count as the same (inflection, spelling)
CONTENT_WORD = 4  # letters of a content word
MIN_SENTENCE_WORDS = 3  # shorter sentences ("Ja.") are never paraphrases
_EDGE_PUNCTUATION = " \t.,;:!?…«»\"'“”‘’()–—-"
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?…])\s+|\n+")
_QUOTE_MARKS = "«»\"“”"
_SAYING = re.compile(r"(?<!\w)(?:sier|sa|seier|mener|meiner|uttaler|uttalar|skriver|skriv|"
                     r"påpeker|understreker|forteller|fortel)(?!\w)", re.IGNORECASE)
_RANK = {"explicit": 2, "partial": 1}


@dataclass(frozen=True)
class PersonSpec:
    """A spokesperson: a contact id and the names to find them by."""

    id: int
    names: tuple[str, ...]


@dataclass(frozen=True)
class MessageSpec:
    """A key message as the detector needs it."""

    id: int
    wording: str
    variants: tuple[str, ...] = ()
    key_phrases: tuple[str, ...] = ()
    spokespeople: tuple[PersonSpec, ...] = ()


@dataclass
class Found:
    """A message found in an article."""

    message_id: int
    level: str  # "explicit" or "partial"
    place: str  # "title" or "summary"
    score: int  # 100 for phrases, else the paraphrase's similarity
    evidence: str  # the words around what showed it
    spokesperson_id: int | None = None
    quoted: bool = False

    def rank(self) -> tuple[int, int, int]:
        return _RANK[self.level], self.place == "title", self.score


def phrase_form(text: str) -> str:
    """A wording, variant or phrase as a matcher form: one line, no quotes or final stop;
    "" when nothing in it is a letter or digit."""
    form = normalise_space(text or "").strip(_EDGE_PUNCTUATION)
    return form if any(ch.isalnum() for ch in form) else ""


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_SPLIT.split(text or "") if s.strip()]


class Detector:
    """Built once from a campaign's messages; `detect` is then cheap per article."""

    def __init__(self, messages: Iterable[MessageSpec]):
        self.messages = list(messages)
        specs: list[TermSpec] = []
        # Matcher term id -> (message id, "variant" or "phrase", phrase index)
        self._meaning: dict[int, tuple[int, str, int]] = {}
        # (message id, processed wording, its content words)
        self._targets: list[tuple[int, str, list[str]]] = []
        people: dict[int, set[str]] = {}
        for message in self.messages:
            forms = [f for f in map(phrase_form, (message.wording, *message.variants)) if f]
            if forms:
                self._meaning[len(specs)] = (message.id, "variant", 0)
                specs.append(TermSpec(len(specs), tuple(forms), "auto", (), "issue"))
            for index, phrase in enumerate(dict.fromkeys(map(phrase_form, message.key_phrases))):
                if phrase:
                    self._meaning[len(specs)] = (message.id, "phrase", index)
                    specs.append(TermSpec(len(specs), (phrase,), "auto", (), "issue"))
            for form in forms:
                processed = default_process(form)
                words = processed.split()
                content = [w for w in words if len(w) >= CONTENT_WORD]
                if len(words) >= MIN_SENTENCE_WORDS and content:
                    self._targets.append((message.id, processed, content))
            for person in message.spokespeople:
                people.setdefault(person.id, set()).update(n for n in person.names if n)
        self._phrases = Matcher(specs)
        self._people = Matcher([TermSpec(pid, tuple(sorted(names)), "auto", (), "politician")
                                for pid, names in people.items()])
        self._phrase_counts = {m.id: len({phrase_form(p) for p in m.key_phrases} - {""})
                               for m in self.messages}

    def detect(self, texts: Iterable[tuple[str, str]]) -> dict[int, Found]:
        """{message id: Found} for the messages found in any of the (title, summary) pairs."""
        best: dict[int, Found] = {}
        for title, summary in dict.fromkeys(texts):
            clean = [("title", strip_invisible(title or "")[0]),
                     ("summary", strip_invisible(summary or "")[0])]
            for found in self._detect_one(clean):
                known = best.get(found.message_id)
                if known is None or found.rank() > known.rank():
                    best[found.message_id] = found
        return best

    def _detect_one(self, texts: list[tuple[str, str]]) -> list[Found]:
        variant: dict[int, Found] = {}
        phrases: dict[int, dict[int, tuple[str, str]]] = {}  # message -> index -> evidence
        for place, text in texts:
            for hit in self._phrases.find(text):
                message_id, kind, index = self._meaning[hit.term_id]
                evidence = make_snippet(text, hit.start, hit.end)[0]
                if kind == "variant":
                    variant.setdefault(message_id, Found(message_id, "explicit", place, 100,
                                                         evidence))
                else:
                    phrases.setdefault(message_id, {}).setdefault(index, (place, evidence))
        results: dict[int, Found] = dict(variant)
        for message_id, seen in phrases.items():
            if message_id in results:
                continue
            total = self._phrase_counts[message_id]
            if len(seen) == total or len(seen) * 2 > total:
                places = [p for p, _e in seen.values()]
                place = "title" if "title" in places else "summary"
                evidence = " … ".join(dict.fromkeys(e for _p, e in seen.values()))
                level = "explicit" if len(seen) == total else "partial"
                results[message_id] = Found(message_id, level, place,
                                            round(100 * len(seen) / total), evidence)
        if len(results) < len(self.messages) and self._targets:
            self._paraphrases(texts, results)
        if results:
            self._spokespeople(texts, results)
        return list(results.values())

    def _paraphrases(self, texts: list[tuple[str, str]], results: dict[int, Found]) -> None:
        candidates: list[tuple[str, str]] = []  # (place, sentence)
        for place, text in texts:
            candidates.extend((place, s) for s in sentences(text))
        processed = [default_process(s) for _p, s in candidates]
        choices = [p if len(p.split()) >= MIN_SENTENCE_WORDS else "" for p in processed]
        for message_id, target, content in self._targets:
            if message_id in results and results[message_id].level == "explicit":
                continue
            for _choice, _score, index in process.extract(
                    target, choices, scorer=fuzz.token_set_ratio, processor=None,
                    score_cutoff=PARAPHRASE_MIN, limit=3):
                coverage = _coverage(content, processed[index].split())
                if coverage < CONTENT_COVERAGE:
                    continue
                place, sentence = candidates[index]
                found = Found(message_id, "partial", place, round(100 * coverage),
                              sentence[:300])
                known = results.get(message_id)
                if known is None or found.rank() > known.rank():
                    results[message_id] = found

    def _spokespeople(self, texts: list[tuple[str, str]], results: dict[int, Found]) -> None:
        named: list[tuple[int, bool]] = []  # (contact id, quoted) in order of appearance
        for _place, text in texts:
            for hit in self._people.find(text):
                named.append((hit.term_id, _quoted(text, hit.start)))
        if not named:
            return
        for message in self.messages:
            found = results.get(message.id)
            if found is None or not message.spokespeople:
                continue
            theirs = {p.id for p in message.spokespeople}
            mine = [(pid, quoted) for pid, quoted in named if pid in theirs]
            if mine:
                found.spokesperson_id = mine[0][0]
                found.quoted = any(q for pid, q in mine if pid == mine[0][0])


def _coverage(content: list[str], words: list[str]) -> float:
    """The share of `content` words with a close counterpart among `words`."""
    if not words:
        return 0.0
    have = sum(process.extractOne(word, words, scorer=fuzz.ratio, score_cutoff=WORD_MIN)
               is not None for word in content)
    return have / len(content)


def _quoted(text: str, position: int) -> bool:
    """Is the sentence around `position` a quotation (quote marks or a verb of saying)?"""
    start = max(text.rfind(". ", 0, position), text.rfind("\n", 0, position)) + 1
    ends = [i for i in (text.find(". ", position), text.find("\n", position)) if i != -1]
    sentence = text[start:min(ends) + 1 if ends else len(text)]
    return any(mark in sentence for mark in _QUOTE_MARKS) or bool(_SAYING.search(sentence))
