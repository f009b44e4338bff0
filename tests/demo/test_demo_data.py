"""`crm demo-data`: a realistic, seeded Norwegian register to try Pressdesk and to test scale."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime

import pytest

from crm.auth.models import User
from crm.contacts.models import (
    Contact,
    ContactBeat,
    ContactEmail,
    ContactPhone,
    MediaList,
    Organisation,
    Tag,
)
from crm.contacts.search import build_search_text
from crm.contacts.services import ContactData, ContactFilter, create_contact, filtered_contacts
from crm.demo import data
from crm.demo.activity import interaction_count
from crm.demo.people import People, email_local, plan_roles
from crm.extensions import db
from crm.interactions.models import (
    INTERACTION_KINDS,
    FollowUp,
    Interaction,
    PressInquiry,
    interaction_contact,
)
from crm.timeutil import local_day_bounds, local_today, utcnow

DOMAIN_OUTLETS = (
    "NRK", "TV 2", "VG", "Dagbladet", "Aftenposten", "Dagens Næringsliv", "E24", "Finansavisen",
    "Klassekampen", "Nationen", "Vårt Land", "Dagsavisen", "Morgenbladet", "NTB",
    "Bergens Tidende", "Adresseavisen", "Stavanger Aftenblad", "Fædrelandsvennen", "Nordlys",
    "iTromsø", "Sunnmørsposten", "Romerikes Blad", "Drammens Tidende", "Budstikka",
    "Avisa Nordland")
PARTIES = ("Arbeiderpartiet", "Høyre", "Fremskrittspartiet", "Senterpartiet",
           "Sosialistisk Venstreparti", "Rødt", "Venstre", "Kristelig Folkeparti",
           "Miljøpartiet De Grønne")
CONSTITUENCIES = {c[0] for c in data.CONSTITUENCIES}


def count(model_or_table, *where) -> int:
    query = db.select(db.func.count()).select_from(model_or_table)
    return db.session.scalar(query.where(*where) if where else query)


def load(runner, *args):
    result = runner.invoke(args=["demo-data", *args])
    assert result.exit_code == 0, result.output
    return result.output


# The shared, read-only demo of this module (see conftest.py): a register of 300 contacts.
DEMO = ["--contacts", "300", "--seed", "7"]


def test_the_register_has_outlets_parties_ministries_and_agencies(demo):
    kinds = dict(db.session.execute(db.select(Organisation.name, Organisation.kind)).all())
    for outlet in DOMAIN_OUTLETS:
        assert kinds[outlet] == "outlet", outlet
    assert all(kinds[party] == "party" for party in PARTIES)
    assert kinds["Helse- og omsorgsdepartementet"] == "ministry"
    assert kinds["Datatilsynet"] == kinds["Valgdirektoratet"] == "agency"


def test_it_has_journalists_politicians_and_officials_with_norwegian_details(demo):
    assert count(Contact) == 300
    by_kind = dict(db.session.execute(
        db.select(Contact.kind, db.func.count()).group_by(Contact.kind)).all())
    assert by_kind["journalist"] > by_kind["politician"] > by_kind["official"] > 0
    names = db.session.scalars(db.select(Contact.name)).all()
    for letter in "æøå":
        assert any(letter in name.lower() for name in names), letter
    assert len(set(names)) == len(names), "a small register has no two people of one name"
    titles = set(db.session.scalars(db.select(Contact.title).where(Contact.kind == "journalist")))
    assert {"Journalist", "Reporter"} <= titles
    assert titles & {"Kommentator", "Politisk kommentator", "Politisk redaktør"}
    assert set(db.session.scalars(db.select(ContactBeat.name))) <= set(data.BEATS)


def test_journalists_have_outlet_addresses_and_norwegian_mobiles(demo):
    nrk = db.session.scalars(db.select(ContactEmail.email).join(Contact).join(Organisation)
                             .where(Organisation.name == "NRK")).all()
    assert nrk and all(email.endswith("@nrk.no") for email in nrk)
    assert all(re.fullmatch(r"[a-z0-9.-]+@[a-z0-9.-]+\.[a-z]+", e)
               for e in db.session.scalars(db.select(ContactEmail.email)))
    numbers = db.session.scalars(db.select(ContactPhone.number)).all()
    assert len(numbers) == len(set(numbers))
    assert all(re.fullmatch(r"\+47[2-9]\d{7}", n) for n in numbers)
    assert sum(bool(re.fullmatch(r"\+47[49]\d{7}", n)) for n in numbers) > len(numbers) * 0.8


def test_politicians_hold_real_offices(demo):
    def politicians(office):
        return db.session.scalars(db.select(Contact).where(Contact.office == office)).all()

    mps = politicians("Stortingsrepresentant")
    assert mps and all(mp.constituency in CONSTITUENCIES and mp.committee for mp in mps)
    assert all(mp.organisation.kind == "party" for mp in mps)
    assert len(politicians("Statsminister")) == 1
    assert politicians("Statsråd") and politicians("Statssekretær") and politicians("Ordfører")
    ministers = {c.title for c in politicians("Statsråd")}
    assert "Finansminister" in ministers


def test_lawful_basis_is_recorded_with_its_source(demo):
    bases = dict(db.session.execute(
        db.select(Contact.lawful_basis, db.func.count()).group_by(Contact.lawful_basis)).all())
    assert bases["legitimate_interest"] > 0.8 * 300
    assert count(Contact, Contact.data_source == "") == 0
    assert count(Contact, Contact.lawful_basis == "consent", Contact.consent_date.is_(None)) == 0
    assert count(Tag) >= 5


def test_media_lists_hold_the_right_people(demo):
    lists = {ml.name: ml for ml in db.session.scalars(db.select(MediaList))}
    for name in ("Helsejournalister", "Oslo-pressen", "Politiske kommentatorer",
                 "Regionpressen Vestland"):
        assert lists[name].members, name
    health = [m.contact for m in lists["Helsejournalister"].members]
    assert all("helse" in [b.name for b in c.beats] for c in health)
    assert all(m.contact.region == "Oslo" for m in lists["Oslo-pressen"].members)
    positions = [m.position for m in lists["Oslo-pressen"].members]
    assert positions == list(range(len(positions)))


def test_interactions_of_every_kind_with_staff_follow_ups_and_inquiries(demo):
    assert count(Interaction) == interaction_count(300)
    kinds = set(db.session.scalars(db.select(Interaction.kind).distinct()))
    assert kinds == set(INTERACTION_KINDS)
    assert count(Interaction, Interaction.staff_id.is_(None)) == 0
    assert count(interaction_contact) >= count(Interaction)
    now = utcnow()
    start, end = local_day_bounds(local_today())
    open_ = FollowUp.done_at.is_(None)
    assert count(FollowUp, open_, FollowUp.due_at < start) >= 3, "overdue"
    assert count(FollowUp, open_, FollowUp.due_at >= start, FollowUp.due_at < end) >= 3, "today"
    assert count(FollowUp, FollowUp.done_at.is_not(None)) >= 3, "done"
    assert count(FollowUp, FollowUp.done_at > now) == 0
    assert count(PressInquiry, PressInquiry.status.in_(("new", "in_progress")),
                 PressInquiry.deadline >= start, PressInquiry.deadline < end) >= 3
    assert count(PressInquiry, PressInquiry.status == "answered",
                 PressInquiry.answer != "") > 0
    assert count(Interaction, Interaction.occurred_at > now) == 0


def test_staff_are_editors_whose_passwords_nobody_was_told(demo):
    staff = db.session.scalars(db.select(User).where(
        User.email.in_([email for _name, email in data.DEMO_STAFF]))).all()
    assert len(staff) == len(data.DEMO_STAFF)
    assert all(u.role == "editor" and u.password_hash for u in staff)
    assert "password" not in demo.lower()
    assert not staff[0].check_password("")


def test_bulk_search_text_is_what_the_forms_would_store(demo):
    for contact in db.session.scalars(db.select(Contact).order_by(Contact.id).limit(60)):
        assert contact.search_text == build_search_text(contact), contact.name


def test_the_command_prints_progress_and_counts(demo):
    assert "contacts 300/300" in demo
    assert f"interactions {interaction_count(300)}/{interaction_count(300)}" in demo
    assert "300 contacts" in demo and "media lists" in demo


@pytest.mark.slow
def test_if_empty_loads_an_empty_register(app, runner):
    load(runner, "--contacts", "20", "--if-empty")
    assert count(Contact) == 20


def test_if_empty_does_nothing_when_contacts_exist(app, runner):
    create_contact(ContactData(kind="journalist", name="Kari Nordmann"))
    output = load(runner, "--if-empty")
    assert "no demo data" in output.lower()
    assert count(Contact) == 1
    assert count(Organisation) == count(Interaction) == count(MediaList) == 0


@pytest.mark.slow
def test_a_second_run_reuses_organisations_lists_and_staff(app, runner):
    load(runner, "--contacts", "30")
    organisations, users = count(Organisation), count(User)
    load(runner, "--contacts", "30", "--seed", "8")
    assert count(Contact) == 60
    assert (count(Organisation), count(User)) == (organisations, users)
    assert count(MediaList) == len(data.MEDIA_LISTS)


@pytest.mark.parametrize("contacts", ["0", "-5", "many", "1000001"])
def test_bad_sizes_are_refused(app, runner, contacts):
    result = runner.invoke(args=["demo-data", "--contacts", contacts])
    assert result.exit_code == 2
    assert count(Contact) == 0


@pytest.mark.slow
@pytest.mark.parametrize("contacts", [1, 2, 7])
def test_tiny_registers_work(app, runner, contacts):
    load(runner, "--contacts", str(contacts))
    assert count(Contact) == contacts


@pytest.mark.slow
def test_two_thousand_contacts(app, runner):
    output = load(runner, "--contacts", "2000")
    assert "contacts 2000/2000" in output
    assert count(Contact) == 2000
    assert count(Interaction) == interaction_count(2000)
    assert count(Contact, Contact.kind == "politician", Contact.office == "Statsråd") > 0
    assert db.session.scalars(filtered_contacts(ContactFilter(q="nrk.no")).limit(1)).first()
    # Ids were given explicitly: the database must still number new contacts on its own.
    contact = create_contact(ContactData(kind="official", name="Ny Etter Demo"))
    assert contact.id > 2000


@pytest.mark.slow
def test_a_big_load_rebuilds_the_search_index(app, runner, monkeypatch):
    from crm.demo import generate
    monkeypatch.setattr(generate, "REBUILD_INDEX_FROM", 50)
    output = load(runner, "--contacts", "60")
    assert "search index" in output
    person = db.session.scalars(db.select(Contact).order_by(Contact.id.desc())).first()
    assert person.id in db.session.scalars(
        filtered_contacts(ContactFilter(q=person.name)).with_only_columns(Contact.id)).all()
    later = create_contact(ContactData(kind="journalist", name="Sølvi Etterpå"))
    assert db.session.scalars(filtered_contacts(ContactFilter(q="etterpa"))).all() == [later]


def test_the_same_seed_invents_the_same_people():
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)

    def invent(seed):
        rng = random.Random(seed)
        people = People(rng, now)
        return [people.make(role) for role in plan_roles(200, rng)]

    first = invent(1)
    assert first == invent(1)
    assert [p["name"] for p in first] != [p["name"] for p in invent(2)]


def test_email_addresses_use_the_norwegian_spelling():
    assert email_local("Kjærsti Ødegård-Løvås") == "kjaersti.odegard-lovas"
    assert email_local("René Müller") == "rene.muller"
    assert email_local("Sárá Hætta") == "sara.haetta"
