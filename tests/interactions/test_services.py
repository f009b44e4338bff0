"""Logging, changing and deleting interactions, follow-ups and press inquiries (services)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from crm.audit.models import AuditEntry
from crm.auth.services import update_user
from crm.contacts.models import Contact
from crm.errors import UserError
from crm.extensions import db
from crm.interactions.models import FollowUp, Interaction, PressInquiry
from crm.interactions.queries import InteractionFilter, contact_timeline, filtered_interactions
from crm.interactions.services import (
    InquiryData,
    InteractionData,
    add_follow_up,
    complete_follow_up,
    delete_interaction,
    follow_up_state,
    reopen_follow_up,
    set_inquiry_status,
    update_interaction,
)
from tests.factories import follow_up, inquiry, journalist, log, oslo


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_log_a_phone_call_with_two_contacts_and_a_follow_up(users, kari, ola):
    editor = users["editor"]
    interaction = log([kari, ola], staff=editor, subject="  Statsbudsjettet   2027 ",
                      notes="Hun vil ha kommentar fra\nfinanspolitisk talsperson.",
                      outcome="Lovet svar før 15.",
                      follow_up=follow_up(oslo(2026, 3, 11, 14, 0), editor))
    db.session.expire_all()
    stored = db.session.get(Interaction, interaction.id)
    assert stored.kind == "phone" and stored.direction == "outbound"
    assert stored.subject == "Statsbudsjettet 2027"
    assert stored.notes.splitlines() == ["Hun vil ha kommentar fra", "finanspolitisk talsperson."]
    assert [c.name for c in stored.contacts] == ["Kari Nordmann", "Ola Ødegård"]
    assert stored.staff == editor
    assert stored.occurred_at == datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
    [fu] = stored.follow_ups
    assert fu.due_at == datetime(2026, 3, 11, 13, 0, tzinfo=UTC)
    assert fu.assignee == editor and fu.note == "Ring tilbake" and fu.done_at is None
    assert stored.inquiry is None


def test_logging_is_audited(users, kari):
    log(kari, staff=users["editor"])
    types = {e.entity_type for e in db.session.scalars(db.select(AuditEntry))}
    assert "interaction" in types


@pytest.mark.parametrize("change,field", [
    ({"contact_ids": []}, "contact_ids"),
    ({"contact_ids": [987654]}, "contact_ids"),
    ({"kind": "telepathy"}, "kind"),
    ({"direction": "sideways"}, "direction"),
    ({"subject": "x" * 301}, "subject"),
    ({"notes": "x" * 20001}, "notes"),
    ({"staff_id": 987654}, "staff_id"),
    ({"occurred_at": datetime(1066, 10, 14, tzinfo=UTC)}, "occurred_at"),
])
def test_bad_data_stores_nothing(users, kari, change, field):
    data = InteractionData(kind="phone", occurred_at=oslo(2026, 3, 10, 9, 0),
                           contact_ids=[kari.id], staff_id=users["editor"].id,
                           follow_up=follow_up(oslo(2026, 3, 11, 9, 0), users["editor"]))
    for key, value in change.items():
        setattr(data, key, value)
    from crm.interactions.services import log_interaction
    with pytest.raises(UserError) as info:
        log_interaction(data)
    assert info.value.field == field
    assert count(Interaction) == 0 and count(FollowUp) == 0


def test_follow_up_needs_an_active_assignee(users, kari):
    viewer = users["viewer"]
    update_user(viewer, role="viewer", name="Vera", language="en", active=False)
    with pytest.raises(UserError) as info:
        log(kari, follow_up=follow_up(oslo(2026, 3, 11, 9, 0), viewer))
    assert info.value.field == "follow_up_assignee_id"
    assert count(Interaction) == 0


def test_erased_contacts_cannot_be_added_but_may_stay(users, kari, ola):
    interaction = log(kari)
    kari.erased_at = datetime.now(UTC)
    db.session.commit()
    data = InteractionData(kind="email", occurred_at=oslo(2026, 3, 12, 10, 0),
                           contact_ids=[kari.id, ola.id])
    update_interaction(interaction, data)  # Kari was already on it: stays
    assert {c.id for c in interaction.contacts} == {kari.id, ola.id}
    with pytest.raises(UserError):
        log(kari)


def test_hostile_text_is_stored_as_typed(users, kari):
    hostile = "<script>alert('x')</script> Robert'); DROP TABLE interaction;-- 😀 æøå ÆØÅ"
    interaction = log(kari, subject=hostile, notes=hostile, outcome=hostile)
    db.session.expire_all()
    stored = db.session.get(Interaction, interaction.id)
    assert stored.subject == hostile and stored.notes == hostile and stored.outcome == hostile


def test_a_press_inquiry_is_inbound_and_has_its_inquiry(users, kari):
    spokes = users["editor"]
    interaction = log(kari, kind="inquiry", direction="outbound", subject="Sitatsjekk",
                      inquiry=inquiry(deadline=oslo(2026, 3, 10, 15, 0), assignee=spokes))
    q = interaction.inquiry
    assert interaction.direction == "inbound"
    assert q.status == "new" and q.assignee == spokes and q.answered_at is None
    assert q.deadline == datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
    assert q.is_open


def test_inquiry_status_answered_sets_answered_at_and_reopening_clears_it(users, kari):
    q = log(kari, kind="inquiry", inquiry=inquiry()).inquiry
    when = datetime(2026, 3, 10, 13, 5, tzinfo=UTC)
    set_inquiry_status(q, "in_progress", assignee_id=users["editor"].id)
    assert q.status == "in_progress" and q.answered_at is None and q.assignee == users["editor"]
    set_inquiry_status(q, "answered", answer="Vi kommenterer ikke; se pressemeldingen.", now=when)
    db.session.expire_all()
    q = db.session.get(PressInquiry, q.interaction_id)
    assert q.status == "answered" and q.answered_at == when and not q.is_open
    assert q.answer == "Vi kommenterer ikke; se pressemeldingen."
    set_inquiry_status(q, "answered", now=when + timedelta(hours=1))
    assert q.answered_at == when  # answering again keeps the first time
    set_inquiry_status(q, "in_progress")
    assert q.answered_at is None and q.answer  # the answer text stays unless changed


def test_inquiry_bad_status_or_answer_changes_nothing(users, kari):
    q = log(kari, kind="inquiry", inquiry=inquiry()).inquiry
    with pytest.raises(UserError):
        set_inquiry_status(q, "lost")
    with pytest.raises(UserError):
        set_inquiry_status(q, "answered", answer="x" * 20001)
    db.session.expire_all()
    assert db.session.get(PressInquiry, q.interaction_id).status == "new"


def test_changing_kind_adds_or_removes_the_inquiry(users, kari):
    interaction = log(kari)
    data = InteractionData(kind="inquiry", occurred_at=interaction.occurred_at,
                           contact_ids=[kari.id],
                           inquiry=InquiryData(status="answered", answer="Ja."))
    update_interaction(interaction, data)
    assert interaction.inquiry.status == "answered" and interaction.inquiry.answered_at
    data.kind = "meeting"
    update_interaction(interaction, data)
    assert interaction.inquiry is None and count(PressInquiry) == 0


def test_failed_update_keeps_what_was_stored(users, kari):
    interaction = log(kari, subject="Før")
    data = InteractionData(kind="phone", occurred_at=interaction.occurred_at,
                           contact_ids=[], subject="Etter")
    with pytest.raises(UserError):
        update_interaction(interaction, data)
    db.session.expire_all()
    stored = db.session.get(Interaction, interaction.id)
    assert stored.subject == "Før" and [c.id for c in stored.contacts] == [kari.id]


def test_delete_removes_follow_ups_and_inquiry_but_not_contacts(users, kari):
    interaction = log(kari, kind="inquiry", inquiry=inquiry(),
                      follow_up=follow_up(oslo(2026, 3, 11, 9, 0), users["editor"]))
    delete_interaction(interaction)
    assert count(Interaction) == count(FollowUp) == count(PressInquiry) == 0
    assert count(Contact) == 1


def test_deleting_a_contact_keeps_the_interaction(users, kari, ola):
    interaction = log([kari, ola])
    db.session.delete(kari)
    db.session.commit()
    db.session.expire_all()
    assert [c.name for c in db.session.get(Interaction, interaction.id).contacts] == ["Ola Ødegård"]


def test_follow_up_done_and_reopen(users, kari):
    interaction = log(kari)
    fu = add_follow_up(interaction, follow_up(oslo(2026, 3, 11, 9, 0), users["editor"]))
    first = datetime(2026, 3, 11, 8, 30, tzinfo=UTC)
    complete_follow_up(fu, now=first)
    complete_follow_up(fu, now=first + timedelta(hours=2))
    assert fu.done_at == first
    assert follow_up_state(fu) == "done"
    reopen_follow_up(fu)
    db.session.expire_all()
    assert db.session.get(FollowUp, fu.id).done_at is None


def test_follow_up_state_uses_the_local_day(users, kari):
    fu = add_follow_up(log(kari), follow_up(oslo(2026, 3, 11, 23, 30), users["editor"]))
    assert follow_up_state(fu, now=oslo(2026, 3, 11, 8, 0)) == "today"
    assert follow_up_state(fu, now=oslo(2026, 3, 10, 23, 59)) == "open"
    assert follow_up_state(fu, now=oslo(2026, 3, 11, 23, 31)) == "overdue"


def test_filters_by_kind_staff_contact_name_and_local_dates(users, kari, ola):
    editor, admin = users["editor"], users["admin"]
    a = log(kari, kind="phone", staff=editor, when=oslo(2026, 3, 1, 0, 15))  # 28 Feb in UTC
    b = log(ola, kind="email", staff=admin, when=oslo(2026, 3, 2, 12, 0))
    c = log([kari, ola], kind="meeting", staff=editor, when=oslo(2026, 3, 31, 23, 45))

    def ids(**kw):
        return [i.id for i in db.session.scalars(filtered_interactions(InteractionFilter(**kw)))]

    assert ids() == [c.id, b.id, a.id]
    assert ids(kind="email") == [b.id]
    assert ids(staff_id=editor.id) == [c.id, a.id]
    assert ids(contact_id=kari.id) == [c.id, a.id]
    assert ids(who="ødegård") == [c.id, b.id]
    assert ids(who="odegard") == [c.id, b.id]
    assert ids(who="nrk") == [c.id, a.id]
    assert ids(date_from=date(2026, 3, 1), date_to=date(2026, 3, 1)) == [a.id]
    assert ids(date_from=date(2026, 3, 31)) == [c.id]
    assert ids(date_to=date(2026, 2, 28)) == []
    assert ids(kind="nonsense") == [c.id, b.id, a.id]


def test_timeline_is_newest_first_with_a_total(users, kari):
    for day in range(1, 6):
        log(kari, when=oslo(2026, 3, day, 10, 0), subject=f"Samtale {day}")
    items, total = contact_timeline(kari, limit=3)
    assert total == 5
    assert [i.subject for i in items] == ["Samtale 5", "Samtale 4", "Samtale 3"]


def test_other_contacts_have_their_own_timeline(users, kari, ola):
    log(kari)
    assert contact_timeline(ola) == ([], 0)
    assert contact_timeline(journalist("Per Ås"))[1] == 0
