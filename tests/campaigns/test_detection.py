"""Finding key messages in articles: explicit, partial, absent; where; who carried it.

Plain data in, plain data out (crm/campaigns/detection.py): no database needed.
"""

from __future__ import annotations

import pytest

from crm.campaigns.detection import Detector, MessageSpec, PersonSpec

STORE = PersonSpec(7, ("Jonas Gahr Støre", "Støre"))
TEACHERS = MessageSpec(1, "Vi gir skolen flere lærere.",
                       variants=("Flere lærere i skolen", "Fleire lærarar i skulen"),
                       key_phrases=("lærertetthet", "tidlig innsats", "skolebudsjett"))
TAX = MessageSpec(2, "Skattekutt for vanlige folk", key_phrases=("skattekutt", "vanlige folk"),
                  spokespeople=(STORE,))
DETECTOR = Detector([TEACHERS, TAX])


def found(title: str, summary: str = ""):
    return DETECTOR.detect([(title, summary)])


@pytest.mark.parametrize(("title", "summary", "place"), [
    ("Ap: Flere lærere i skolen", "", "title"),
    ("FLERE LÆRERE I SKOLEN, LOVER AP", "", "title"),  # an all-caps headline
    ("Budsjettet", "Partiet lover flere lærere i skolen fra høsten.", "summary"),
    ("Fle\u00adre lærere i skolen", "", "title"),  # a soft hyphen
    # nynorsk: the accepted variant, as NRK writes it
    ("Regjeringa lovar fleire lærarar i skulen", "", "title"),
    # every key phrase, inflected (bokmål and nynorsk endings, compounds)
    ("Skolebudsjettet økes", "Lærertettheten skal opp, og tidlig innsats prioriteres.",
     "title"),
])
def test_wording_variant_or_all_key_phrases_is_explicit(title, summary, place):
    result = found(title, summary)
    assert set(result) == {1}
    assert result[1].level == "explicit"
    assert result[1].place == place
    assert result[1].score == 100


def test_most_key_phrases_is_partial_and_says_which_words_showed_it():
    result = found("Ny skolereform", "Lærertettheten skal opp med tidlig innsats.")
    assert result[1].level == "partial"
    assert result[1].place == "summary"
    assert result[1].score == 67  # two of three key phrases
    assert "Lærertettheten" in result[1].evidence and "tidlig innsats" in result[1].evidence


def test_nynorsk_key_phrases_with_nynorsk_endings_count():
    result = found("Skattekutta kjem", "Regjeringa gir skattekutta til vanlige folk i år.")
    assert result[2].level == "explicit"
    assert result[2].place == "title"


def test_one_key_phrase_of_three_is_absent():
    assert found("Lærertettheten er lav i Finnmark") == {}


@pytest.mark.parametrize("sentence", [
    "Regjeringen vil gi skolen flere lærere.",
    "Flere lærere skal inn i skolen, lover partiet.",
    "Ap vil gi skolene flere lærere",
])
def test_a_close_paraphrase_of_the_wording_is_partial(sentence):
    result = found("Budsjettforhandlinger", f"Det ble enighet i natt. {sentence} Mer kommer.")
    assert result[1].level == "partial"
    assert result[1].evidence.startswith(sentence.split()[0])
    assert result[1].score >= 80


@pytest.mark.parametrize("sentence", [
    "Vi gir barnehagen flere ansatte.",  # the same shape, another message
    "Det blir færre lærere i skolen.",
    "Skolen får ny rektor i høst.",
    "Flere leger til sykehusene.",
    "Ja.",
])
def test_what_is_no_paraphrase_is_absent(sentence):
    assert found("Nyheter", sentence) == {}


def test_an_unrelated_article_carries_nothing():
    assert found("Været i Bergen", "Det regner, og det blir mer regn i morgen.") == {}


def test_words_inside_other_words_and_bare_case_are_no_hits():
    # "folk" alone, "skatt" alone: not the phrases; "vanlige folk" only once
    assert found("Folkehelse", "Skatten på vanlige folk øker ikke.") == {}


def test_a_named_spokesperson_is_recorded_and_a_quote_is_told_apart():
    quoted = found("Skattekutt for vanlige folk", "«Dette er et løft», sier Jonas Gahr Støre.")
    assert quoted[2].spokesperson_id == 7 and quoted[2].quoted is True
    named = found("Skattekutt for vanlige folk", "Støres regjering la fram budsjettet.")
    assert named[2].spokesperson_id == 7 and named[2].quoted is False
    nobody = found("Skattekutt for vanlige folk", "Finansministeren la fram budsjettet.")
    assert nobody[2].spokesperson_id is None


def test_a_spokesperson_named_without_the_message_is_not_counted():
    assert found("Støre på besøk i Tromsø") == {}


def test_the_best_copy_of_a_syndicated_article_wins():
    result = DETECTOR.detect([("Budsjett", "Lærertettheten skal opp med tidlig innsats."),
                              ("Flere lærere i skolen", "")])
    assert result[1].level == "explicit" and result[1].place == "title"


def test_hostile_texts_and_messages_do_not_break_detection():
    detector = Detector([MessageSpec(1, "<script>alert(1)</script> 🎉 æøå", ("",),
                                     ("(", "*", "ÆØÅ-løftet"))])
    assert detector.detect([("", ""), ("\x00" * 10, "x" * 100_000)]) == {}
    hits = detector.detect([("ÆØÅ-løftet 🎉", "")])
    assert hits[1].level == "explicit"
