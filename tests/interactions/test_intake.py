"""Issue 11, intake: a new contact made inline (with the check for existing ones), "I'll take
it", the inquiry list's outlet and countdown, My day by deadline, pitch coordination."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crm.audit.models import AuditEntry
from crm.contacts.models import Contact, Organisation
from crm.extensions import db
from crm.interactions.deadlines import deadline_state, time_left
from crm.interactions.intake import NewContact, clean, likely_existing
from crm.interactions.models import Interaction, PressInquiry
from crm.interactions.queries import my_day, recent_pitches
from crm.interactions.services import claim_inquiry, set_inquiry_status
from crm.timeutil import utcnow
from tests.factories import follow_up, inquiry, log, oslo, press_inquiry
from tests.support import login

HOSTILE = ["", " ", "x" * 5000, "<script>alert(1)</script>", "Kari\x00Vårli", "Kåre 😀 Ærlig",
           "\ufeff\u202eæøå", "Ã¦Ã¸Ã¥", "'; DROP TABLE contact; --"]


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def text(response) -> str:
    return response.get_data(as_text=True)


def inquiry_form(users, **extra) -> dict:
    data = {"kind": "inquiry", "direction": "inbound", "occurred_at": "2026-03-10T09:15",
            "staff_id": users["editor"].id, "subject": "Sitatsjekk om sykehus",
            "notes": "", "outcome": "", "inquiry_assignee_id": 0, "status": "new",
            "deadline": "2026-03-10T15:00", "follow_up_assignee_id": users["editor"].id}
    data.update(extra)
    return data


# Inline contact creation -----------------------------------------------------------------

def test_unknown_caller_is_created_inline_and_the_inquiry_logged(as_editor, users):
    # The name typed in the picker is not in the register: it goes to the new-contact fields.
    page = text(as_editor.post("/interactions/new", data=inquiry_form(
        users, contact_names="Kari Vårli")))
    assert "No contact matches “Kari Vårli”" in page
    assert 'value="Kari Vårli"' in page and count(Interaction) == 0
    # Filled in and saved: the contact (with a new outlet) and the inquiry in one go.
    response = as_editor.post("/interactions/new", data=inquiry_form(
        users, new_name="Kari Vårli", new_organisation="Vårt Land", new_reach="912 34 567",
        new_kind="journalist"))
    assert response.status_code == 302, text(response)
    kari = db.session.scalar(db.select(Contact).where(Contact.name == "Kari Vårli"))
    assert kari.kind == "journalist" and kari.organisation.name == "Vårt Land"
    assert kari.organisation.kind == "outlet" and kari.primary_phone == "+4791234567"
    interaction = db.session.scalar(db.select(Interaction))
    assert interaction.contacts == [kari] and interaction.inquiry is not None


def test_add_new_contact_button_ticks_the_new_contact_without_saving(as_editor, users):
    page = text(as_editor.post("/interactions/new", data=inquiry_form(
        users, new_name="Per Ås", new_reach="per@nrk.no", create_contact="1")))
    per = db.session.scalar(db.select(Contact).where(Contact.name == "Per Ås"))
    assert per.primary_email == "per@nrk.no"
    assert f'name="contact_ids" value="{per.id}" checked' in page
    assert count(Interaction) == 0 and "Per Ås added to the register." in page


@pytest.mark.parametrize("fields,reason", [
    ({"new_name": "Kari Nordmann-Hansen", "new_reach": "kari@nrk.no"}, "same email"),
    ({"new_name": "K. Nordmann", "new_reach": "+47 912 34 567"}, "same phone"),
    ({"new_name": "Kari  NORDMANN", "new_organisation": "nrk"}, "same name and organisation"),
    ({"new_name": "Kari S. Nordmann", "new_organisation": "NRK"}, "similar name"),
])
def test_likely_existing_contact_is_suggested_before_saving(as_editor, users, kari, fields,
                                                            reason):
    page = text(as_editor.post("/interactions/new", data=inquiry_form(users, **fields)))
    assert 'id="likely-existing"' in page and reason in page
    assert f'name="contact_ids" value="{kari.id}">' in page  # offered, not ticked
    assert count(Contact) == 1 and count(Interaction) == 0
    # Picking the existing one instead: no new contact, the inquiry is hers.
    response = as_editor.post("/interactions/new", data=inquiry_form(
        users, contact_ids=[kari.id], **fields))
    assert response.status_code == 302
    assert count(Contact) == 1
    assert db.session.scalar(db.select(Interaction)).contacts == [kari]


def test_create_anyway_makes_the_second_contact(as_editor, users, kari):
    response = as_editor.post("/interactions/new", data=inquiry_form(
        users, new_name="Kari Nordmann", new_organisation="NRK", new_anyway="y"))
    assert response.status_code == 302
    assert count(Contact) == 2


def test_a_different_name_at_the_same_outlet_is_not_a_duplicate(app, kari, ola):
    assert likely_existing(clean(NewContact(name="Ola Nordmann", organisation="NRK"))) == []
    assert likely_existing(clean(NewContact(name="Kari Nordmann", organisation="VG"))) == []
    [hint] = likely_existing(clean(NewContact(name="Kari Nordmann")))
    assert hint.contact == kari


def test_bad_phone_or_email_is_shown_on_its_field(as_editor, users):
    page = text(as_editor.post("/interactions/new", data=inquiry_form(
        users, new_name="Per Ås", new_reach="not a phone")))
    assert "is not a phone number" in page or "is not a valid phone number" in page
    page = text(as_editor.post("/interactions/new", data=inquiry_form(
        users, new_name="Per Ås", new_reach="per@")))
    assert "is not a valid email address" in page
    assert count(Contact) == 0 and count(Interaction) == 0


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_input_in_the_new_contact_fields_never_gives_a_500(as_editor, users, value):
    for name in ("new_name", "new_organisation", "new_reach", "new_kind"):
        fields = {"new_name": "Per Ås", name: value}
        for button in ({}, {"create_contact": "1"}, {"new_anyway": value}):
            response = as_editor.post("/interactions/new",
                                      data=inquiry_form(users, **fields, **button))
            assert response.status_code in ((400,) if "\x00" in value else (200, 302)), \
                (name, value, button)
            assert "<script>alert(1)</script>" not in text(response)
    for contact in db.session.scalars(db.select(Contact)):
        assert "\x00" not in contact.name


# Claiming --------------------------------------------------------------------------------

def test_ill_take_it_assigns_me_sets_in_progress_and_is_audited(as_editor, users, kari):
    interaction = press_inquiry(kari, deadline=oslo(2026, 3, 10, 15, 0))
    response = as_editor.post(f"/inquiries/{interaction.id}/claim",
                              data={"next": "/inquiries"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/inquiries")
    q = db.session.get(PressInquiry, interaction.id)
    assert q.assignee_id == users["editor"].id and q.status == "in_progress"
    entry = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.entity_type == "press_inquiry").order_by(AuditEntry.id.desc())).first()
    assert entry.action == "update" and entry.user_id == users["editor"].id
    assert "assignee_id" in entry.changes and "status" in entry.changes


def test_claiming_a_closed_inquiry_is_refused(app, users, kari):
    interaction = press_inquiry(kari, status="answered")
    from crm.errors import UserError
    with pytest.raises(UserError):
        claim_inquiry(interaction.inquiry, users["editor"])


def test_viewer_cannot_claim(as_viewer, users, kari):
    interaction = press_inquiry(kari)
    assert as_viewer.post(f"/inquiries/{interaction.id}/claim").status_code == 403
    assert db.session.get(PressInquiry, interaction.id).assignee_id is None


def test_in_progress_without_assignee_assigns_who_set_it(as_editor, users, kari):
    interaction = press_inquiry(kari)
    as_editor.post(f"/inquiries/{interaction.id}", data={"status": "in_progress"})
    assert db.session.get(PressInquiry, interaction.id).assignee_id == users["editor"].id
    # The service the same way; an explicit assignee wins.
    other = press_inquiry(kari)
    set_inquiry_status(other.inquiry, "in_progress", assignee_id=users["admin"].id,
                       by=users["editor"])
    assert other.inquiry.assignee_id == users["admin"].id


def test_logging_an_inquiry_in_progress_with_nobody_assigns_me(as_editor, users, kari):
    as_editor.post("/interactions/new", data=inquiry_form(
        users, contact_ids=[kari.id], status="in_progress"))
    assert db.session.scalar(db.select(PressInquiry)).assignee_id == users["editor"].id


# The list, the countdown, My day ---------------------------------------------------------

def test_deadline_states_and_time_left(app):
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    with app.test_request_context():
        assert deadline_state(None, now) == "" and time_left(None, now) == ""
        assert deadline_state(now + timedelta(minutes=45), now) == "soon"
        assert time_left(now + timedelta(minutes=45), now) == "45 min left"
        assert time_left(now + timedelta(hours=3, minutes=5), now) == "3 h 05 min left"
        assert deadline_state(now + timedelta(hours=2), now) == "open"
        assert deadline_state(now - timedelta(minutes=1), now) == "overdue"
        assert time_left(now - timedelta(minutes=20), now) == "overdue by 20 min"
        assert "day" in time_left(now + timedelta(days=2, hours=1), now)


def test_inquiry_list_shows_outlet_assignee_countdown_and_claim(as_editor, users, kari):
    soon = press_inquiry(kari, deadline=utcnow() + timedelta(minutes=30), subject="Snart")
    late = press_inquiry(kari, deadline=utcnow() - timedelta(hours=2), subject="For sent",
                         assignee=users["admin"])
    page = text(as_editor.get("/inquiries"))
    assert "NRK" in page and "admin" in page
    assert "min left" in page and "overdue by 2 h" in page
    assert f'/inquiries/{soon.id}/claim' in page
    assert page.index("For sent") < page.index("Snart")  # by deadline, soonest first
    reverse = text(as_editor.get("/inquiries?sort=-deadline"))
    assert reverse.index("Snart") < reverse.index("For sent")
    assert 'class="overdue"' in page and late.id


def test_my_day_lists_follow_ups_and_my_inquiries_by_deadline(app, users, kari):
    me = users["editor"]
    now = oslo(2026, 6, 10, 12, 0)
    call = log(kari, staff=me, subject="Budsjett",
               follow_up=follow_up(oslo(2026, 6, 10, 16, 0), me, "Ring Kari"))
    log(kari, kind="inquiry", subject="Svar innen 14",
        inquiry=inquiry(oslo(2026, 6, 10, 14, 0), me))
    log(kari, kind="inquiry", subject="Svar innen 18",
        inquiry=inquiry(oslo(2026, 6, 10, 18, 0), me))
    log(kari, kind="inquiry", subject="I går", inquiry=inquiry(oslo(2026, 6, 9, 9, 0), me))
    day = my_day(me, now)
    today = day.agenda("today")
    assert [i.inquiry.interaction.subject if i.inquiry else i.follow_up.note for i in today] \
        == ["Svar innen 14", "Ring Kari", "Svar innen 18"]
    assert [i.inquiry.interaction.subject for i in day.agenda("overdue")] == ["I går"]
    assert call.follow_ups


def test_claim_from_my_day_moves_the_inquiry_to_mine(as_editor, users, kari):
    interaction = press_inquiry(kari, deadline=utcnow() + timedelta(hours=3),
                                subject="Kommentar om budsjett")
    page = text(as_editor.get("/"))
    unassigned = page[page.index('id="unassigned-inquiries"'):page.index('id="upcoming"')]
    assert "Kommentar om budsjett" in unassigned and "I’ll take it" in unassigned
    as_editor.post(f"/inquiries/{interaction.id}/claim", data={"next": "/"})
    page = text(as_editor.get("/"))
    today_or_later = page[page.index('id="today"'):page.index('id="unassigned-inquiries"')] \
        + page[page.index('id="upcoming"'):]
    assert "Kommentar om budsjett" in today_or_later


# Pitch coordination ----------------------------------------------------------------------

def test_recent_pitches_by_colleagues_on_the_form_and_the_contact_page(as_editor, users, kari,
                                                                      ola):
    admin = users["admin"]
    log(kari, kind="pitch", staff=admin, subject="Sak om <b>eldreomsorg</b>",
        when=utcnow() - timedelta(days=2))
    log(kari, kind="pitch", staff=admin, subject="Gammel sak", when=utcnow() - timedelta(days=9))
    log(ola, kind="pitch", staff=admin, subject="Sak til Ola", when=utcnow() - timedelta(days=1))
    log(kari, kind="phone", staff=admin, subject="Bare en prat", when=utcnow())
    page = text(as_editor.get(f"/interactions/new?kind=pitch&contact={kari.id}"))
    box = page[page.index('id="recent-pitches"'):]
    assert "Sak om &lt;b&gt;eldreomsorg&lt;/b&gt;" in box and "admin" in box
    assert "Gammel sak" not in page and "Sak til Ola" not in page and "Bare en prat" not in box
    contact_page = text(as_editor.get(f"/contacts/{kari.id}"))
    assert 'id="recent-pitches"' in contact_page and "eldreomsorg" in contact_page
    assert f"/interactions/new?contact={kari.id}&amp;kind=pitch" in contact_page
    # My own pitches are not "someone else's" on the form.
    mine = recent_pitches([kari.id], exclude_staff_id=admin.id)
    assert mine == []


def test_pitch_window_is_configurable(app, users, kari):
    log(kari, kind="pitch", staff=users["admin"], subject="Fem dager siden",
        when=utcnow() - timedelta(days=5))
    assert len(recent_pitches([kari.id])) == 1
    app.config["CRM_PITCH_WINDOW_DAYS"] = 3
    try:
        assert recent_pitches([kari.id]) == []
    finally:
        app.config.pop("CRM_PITCH_WINDOW_DAYS")


def test_pitch_is_a_loggable_kind(as_editor, users, kari):
    data = inquiry_form(users, kind="pitch", direction="outbound", contact_ids=[kari.id],
                        subject="Tilbud om intervju")
    assert as_editor.post("/interactions/new", data=data).status_code == 302
    assert db.session.scalar(db.select(Interaction)).kind == "pitch"


def test_no_organisation_is_made_for_an_empty_outlet(as_editor, users):
    as_editor.post("/interactions/new", data=inquiry_form(users, new_name="Uten Redaksjon"))
    assert count(Organisation) == 0
    assert db.session.scalar(db.select(Contact)).organisation is None


def test_login_is_required_to_log(client, users):
    assert client.get("/interactions/new").status_code == 302
    login(client, users["viewer"].email)
    assert client.post("/interactions/new", data={"new_name": "X"}).status_code == 403


def test_add_new_contact_without_a_name_says_so(as_editor, users):
    page = text(as_editor.post("/interactions/new", data=inquiry_form(
        users, new_organisation="NRK", create_contact="1")))
    assert "A name is required." in page and count(Contact) == 0
