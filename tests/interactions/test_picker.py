"""Choosing contacts by ticking, by typed names (resolved on the server) and by searching."""

from datetime import UTC, datetime

from crm.extensions import db
from crm.interactions.picker import pick_contacts, resolve_name, split_names
from tests.factories import journalist


def names(contacts) -> list[str]:
    return [c.name for c in contacts]


def test_split_names_one_per_line_or_semicolon_without_repeats():
    assert split_names(" Kari  Nordmann \n\nola ødegård; Ola Ødegård\r\nPer") == \
        ["Kari Nordmann", "ola ødegård", "Per"]
    assert split_names(None) == [] and split_names("  \n ; ") == []


def test_exact_name_wins_over_longer_names(app):
    kari = journalist("Kari Nordmann")
    journalist("Kari Nordmann-Berg")
    journalist("Karianne Nordmann")
    assert resolve_name("kari nordmann", set()) == (kari, None)


def test_name_is_found_without_accents_and_with_aa(app):
    aase = journalist("Åse Ødegård")
    assert resolve_name("Ase Odegard", set())[0] == aase
    assert resolve_name("Aase Ødegaard", set())[0] == aase
    assert resolve_name("ÅSE ØDEGÅRD", set())[0] == aase


def test_unique_part_of_a_name_email_or_phone_resolves(app):
    kari = journalist("Kari Nordmann", emails=["kari@nrk.no"], phones=["912 34 567"])
    journalist("Ola Hansen")
    assert resolve_name("Nordmann", set())[0] == kari
    assert resolve_name("kari@nrk.no", set())[0] == kari
    assert resolve_name("912 34 567", set())[0] == kari


def test_unknown_and_ambiguous_names_are_problems_with_candidates(app):
    a = journalist("Kari Hansen", org="NRK")
    b = journalist("Kari Hansen", org="VG")
    contact, problem = resolve_name("Kari Hansen", set())
    assert contact is None and "matches 2 contacts" in problem.message
    assert {c.id for c in problem.candidates} == {a.id, b.id}
    contact, problem = resolve_name("Nobody Atall", set())
    assert contact is None and "No contact matches" in problem.message
    assert problem.candidates == []
    assert resolve_name("😀", set())[1].message.endswith("is not a name.")


def test_ticking_a_candidate_settles_an_ambiguous_name(app):
    a = journalist("Kari Hansen", org="NRK")
    journalist("Kari Hansen", org="VG")
    selection = pick_contacts([a.id], "Kari Hansen")
    assert selection.problems == [] and selection.ids == [a.id]


def test_many_matches_ask_for_more_of_the_name(app):
    for i in range(55):
        journalist(f"Hansen {i:02d}")
    contact, problem = resolve_name("Hansen", set())
    assert contact is None and "more than 50" in problem.message
    assert len(problem.candidates) == 10


def test_pick_combines_ticks_names_and_search_and_keeps_problem_lines(app):
    kari = journalist("Kari Nordmann")
    journalist("Ola Ødegård", org="VG")
    per = journalist("Per Ås", org="VG")
    selection = pick_contacts([kari.id, 999999, kari.id], "Ola Ødegård\nUkjent Person", "vg")
    assert names(selection.chosen) == ["Kari Nordmann", "Ola Ødegård"]
    assert selection.unknown_ids == [999999]
    assert selection.unresolved_text == "Ukjent Person"
    assert names(selection.hits) == ["Per Ås"]  # Ola is already chosen
    assert names(selection.offered) == ["Per Ås"]
    assert per.id not in selection.ids


def test_erased_contacts_are_not_offered_or_chosen_unless_kept(app):
    kari = journalist("Kari Nordmann")
    kari.erased_at = datetime.now(UTC)
    db.session.commit()
    assert pick_contacts([kari.id]).unknown_ids == [kari.id]
    assert pick_contacts([kari.id], keep_ids={kari.id}).ids == [kari.id]
    assert pick_contacts([], "Kari Nordmann").problems


def test_hostile_names_are_just_unknown(app):
    journalist("Kari Nordmann")
    for text in ["'; DROP TABLE contact;--", "<script>alert(1)</script>", "%", "_", "x" * 5000,
                 '"kari" OR 1=1', "NEAR(kari nordmann)"]:
        selection = pick_contacts([], text, text)
        assert selection.ids == [] or names(selection.chosen) == ["Kari Nordmann"]
