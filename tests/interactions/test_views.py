"""The pages: log, edit, delete, list, inquiries, follow-ups and the contact timeline."""

import re
from datetime import UTC, datetime

import pytest

from crm.extensions import db
from crm.interactions.models import FollowUp, Interaction, PressInquiry
from crm.interactions.services import add_follow_up
from tests.factories import follow_up, inquiry, journalist, log, oslo
from tests.support import log_in_session


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def form(users, contacts=(), **extra) -> dict:
    data = {"kind": "phone", "direction": "outbound", "occurred_at": "2026-03-10T09:15",
            "staff_id": users["editor"].id, "subject": "Sykehusstrukturen",
            "notes": "", "outcome": "", "contact_ids": [c.id for c in contacts],
            "inquiry_assignee_id": 0, "status": "new",
            "follow_up_assignee_id": users["editor"].id}
    data.update(extra)
    return data


def text(response) -> str:
    return response.get_data(as_text=True)


# Logging ---------------------------------------------------------------------------------

def test_new_form_preselects_the_contact_and_defaults_to_me(as_editor, users, kari):
    page = text(as_editor.get(f"/interactions/new?contact={kari.id}"))
    assert f'name="contact_ids" value="{kari.id}" checked' in page
    assert "Kari Nordmann" in page
    assert f'<option selected value="{users["editor"].id}">' in page
    assert 'data-date-input="datetime"' in page and 'placeholder="31 Dec 2026, 14:30"' in page


def test_log_a_call_with_a_follow_up_through_the_form(as_editor, users, kari):
    response = as_editor.post("/interactions/new", data=form(
        users, [kari], notes="Ønsker tall for Ålesund.", follow_up_due="2026-03-29T00:30",
        follow_up_note="Send tallene"))
    assert response.status_code == 302
    interaction = db.session.scalar(db.select(Interaction))
    assert response.headers["Location"].endswith(f"/interactions/{interaction.id}")
    assert interaction.occurred_at == datetime(2026, 3, 10, 8, 15, tzinfo=UTC)  # CET
    assert interaction.staff_id == users["editor"].id
    [fu] = interaction.follow_ups
    assert fu.due_at == datetime(2026, 3, 28, 23, 30, tzinfo=UTC)
    assert fu.note == "Send tallene" and fu.assignee_id == users["editor"].id
    page = text(as_editor.get(f"/interactions/{interaction.id}"))
    assert "Ønsker tall for Ålesund." in page and "Send tallene" in page


def test_summer_time_is_stored_as_utc(as_editor, users, kari):
    as_editor.post("/interactions/new", data=form(users, [kari], occurred_at="2026-07-01T09:00"))
    assert db.session.scalar(db.select(Interaction)).occurred_at == \
        datetime(2026, 7, 1, 7, 0, tzinfo=UTC)


def test_contacts_typed_by_name_are_resolved(as_editor, users, kari, ola):
    response = as_editor.post("/interactions/new", data=form(
        users, [], contact_names="kari nordmann\nOla Odegard"))
    assert response.status_code == 302
    interaction = db.session.scalar(db.select(Interaction))
    assert {c.id for c in interaction.contacts} == {kari.id, ola.id}


def test_ambiguous_name_is_an_error_and_ticking_the_candidate_saves(as_editor, users):
    nrk = journalist("Kari Hansen", org="NRK")
    journalist("Kari Hansen", org="VG")
    data = form(users, [], contact_names="Kari Hansen", subject="Valgkamp")
    page = text(as_editor.post("/interactions/new", data=data))
    assert "matches 2 contacts" in page and "tick the right one" in page
    assert f'name="contact_ids" value="{nrk.id}">' in page  # offered unticked
    assert "Valgkamp" in page  # what was typed is kept
    assert count(Interaction) == 0
    data["contact_ids"] = [nrk.id]
    response = as_editor.post("/interactions/new", data=data)
    assert response.status_code == 302
    assert [c.id for c in db.session.scalar(db.select(Interaction)).contacts] == [nrk.id]


def test_unknown_name_is_offered_as_a_new_contact_and_known_ones_move_to_ticks(
        as_editor, users, kari):
    page = text(as_editor.post("/interactions/new", data=form(
        users, [], contact_names="Kari Nordmann\nUkjent Journalist\nAnnen Ukjent")))
    assert "No contact matches “Ukjent Journalist”" in page
    assert f'name="contact_ids" value="{kari.id}" checked' in page
    # The first unknown name goes to the "new contact" fields, the others stay in the box.
    assert 'name="new_name" type="text" value="Ukjent Journalist"' in page
    assert "\nAnnen Ukjent</textarea>" in page and "Ukjent Journalist\n" not in page
    assert "<details class=\"new-contact\" id=\"new-contact\" open>" in page
    assert count(Interaction) == 0


def test_search_and_tick_does_not_save(as_editor, users, kari, ola):
    page = text(as_editor.post("/interactions/new", data=form(
        users, [kari], contact_q="vg", find="Search")))
    assert f'name="contact_ids" value="{ola.id}">' in page
    assert f'name="contact_ids" value="{kari.id}" checked' in page
    assert count(Interaction) == 0


def test_a_search_left_in_the_box_searches_instead_of_saving(as_editor, users, kari, ola):
    page = text(as_editor.post("/interactions/new", data=form(users, [kari], contact_q="Ødegård")))
    assert "Contacts matching “Ødegård”" in page
    assert f'name="contact_ids" value="{ola.id}">' in page
    assert count(Interaction) == 0
    [box] = re.findall(r'<input[^>]*name="contact_q"[^>]*>', page)
    assert 'value=""' in box  # used up: the next Enter saves
    page = text(as_editor.post("/interactions/new", data=form(users, [kari], contact_q="zzzz")))
    assert "No other contacts match “zzzz”" in page


@pytest.mark.parametrize("change,message", [
    ({"contact_ids": []}, "Choose at least one contact"),
    ({"contact_ids": ["987654"]}, "Unknown contact: 987654"),
    ({"contact_ids": ["abc"]}, "Unknown contact: abc"),
    ({"contact_ids": ["9" * 40]}, "Unknown contact: 9999"),
    ({"contact_ids": ["4294967296"]}, "Unknown contact: 4294967296"),
    ({"occurred_at": "i morgen"}, "Not a valid date and time"),
    ({"occurred_at": ""}, "This field is required"),
    ({"occurred_at": "0001-01-01T00:00"}, "Give a date between 1900 and 2100"),
    ({"occurred_at": "2026-02-30T10:00"}, "Not a valid date and time"),
    ({"kind": "inquiry", "deadline": "before lunch"}, "Not a valid date and time"),
    ({"follow_up_due": "next week"}, "Not a valid date and time"),
    ({"follow_up_note": "Ring", "follow_up_due": ""}, "Give a date and time for the follow-up"),
    ({"notes": "x" * 20001}, "20000"),
    ({"subject": "x" * 301}, "300"),
    ({"kind": "telepathy"}, "Not a valid choice"),
    ({"staff_id": "987654"}, "Not a valid choice"),
    ({"staff_id": "x"}, "Invalid Choice"),
    ({"follow_up_due": "2026-03-11T10:00", "follow_up_assignee_id": "987654"},
     "Not a valid choice"),
    ({"contact_names": "x\n" * 3000}, "5000"),
])
def test_bad_input_gives_a_message_and_stores_nothing(as_editor, users, kari, change, message):
    data = form(users, [kari])
    data.update(change)
    response = as_editor.post("/interactions/new", data=data)
    assert response.status_code == 200
    assert message in text(response)
    assert count(Interaction) == 0 and count(FollowUp) == 0


@pytest.mark.parametrize("query", ["kind=%3Cscript%3E", "contact=abc", "contact=999999",
                                   "contact=-1", "kind=release", "contact=" + "9" * 40])
def test_new_form_survives_odd_links(as_editor, kari, query):
    response = as_editor.get("/interactions/new?" + query)
    assert response.status_code == 200 and "<script>" not in text(response)


def test_a_deadline_is_ignored_when_the_type_is_not_an_inquiry(as_editor, users, kari):
    response = as_editor.post("/interactions/new", data=form(users, [kari], deadline="nonsense"))
    assert response.status_code == 302


@pytest.mark.parametrize("hostile", [
    "<script>alert('x')</script>", "Robert'); DROP TABLE interaction;--", "😀 Ærlig talt",
    "Blåbærsyltetøy på Ørlandet", "\u202eRTL override", "nul\x00byte",
])
def test_hostile_text_is_stored_and_shown_escaped(as_editor, users, kari, hostile):
    response = as_editor.post("/interactions/new", data=form(
        users, [kari], subject=hostile, notes=hostile, outcome=hostile,
        follow_up_due="2026-03-11T10:00", follow_up_note=hostile))
    if "\x00" in hostile:  # refused as a whole, with a message (crm/security.py)
        assert response.status_code == 400 and "NUL character" in text(response)
        assert db.session.scalar(db.select(Interaction)) is None
        return
    assert response.status_code == 302
    interaction = db.session.scalar(db.select(Interaction))
    assert interaction.notes == hostile.replace("\x00", "")
    assert interaction.follow_ups[0].note == hostile.replace("\x00", "")
    for url in (f"/interactions/{interaction.id}", "/interactions", f"/contacts/{kari.id}", "/"):
        page = text(as_editor.get(url))
        assert "<script>alert" not in page
    if "<script>" in hostile:
        assert "&lt;script&gt;" in text(as_editor.get(f"/interactions/{interaction.id}"))


def test_log_a_press_inquiry(as_editor, users, kari):
    page = text(as_editor.get(f"/interactions/new?contact={kari.id}&kind=inquiry"))
    assert '<option selected value="inquiry">' in page
    response = as_editor.post("/interactions/new", data=form(
        users, [kari], kind="inquiry", subject="Sitatsjekk", deadline="2026-03-10T15:00",
        inquiry_assignee_id=users["admin"].id, status="in_progress"))
    assert response.status_code == 302
    q = db.session.scalar(db.select(PressInquiry))
    assert q.status == "in_progress" and q.assignee_id == users["admin"].id
    assert q.deadline == datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
    assert q.interaction.direction == "inbound"


# Editing and deleting --------------------------------------------------------------------

def test_edit_shows_local_time_and_saves_changes(as_editor, users, kari, ola):
    interaction = log(kari, staff=users["editor"], when=oslo(2026, 7, 1, 9, 5))
    page = text(as_editor.get(f"/interactions/{interaction.id}/edit"))
    assert 'value="1 Jul 2026, 09:05"' in page
    assert f'name="contact_ids" value="{kari.id}" checked' in page
    response = as_editor.post(f"/interactions/{interaction.id}/edit", data=form(
        users, [ola], kind="meeting", occurred_at="2026-07-02T10:00", subject="Nytt"))
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Interaction, interaction.id)
    assert stored.kind == "meeting" and stored.subject == "Nytt"
    assert [c.id for c in stored.contacts] == [ola.id]


def test_failed_edit_keeps_what_was_stored(as_editor, users, kari):
    interaction = log(kari, subject="Før")
    response = as_editor.post(f"/interactions/{interaction.id}/edit",
                              data=form(users, [], subject="Etter"))
    assert "Choose at least one contact" in text(response)
    db.session.expire_all()
    assert db.session.get(Interaction, interaction.id).subject == "Før"


def test_delete_interaction(as_editor, users, kari):
    interaction = log(kari, follow_up=follow_up(oslo(2026, 3, 11, 9, 0), users["editor"]))
    response = as_editor.post(f"/interactions/{interaction.id}/delete",
                              data={"next": f"/contacts/{kari.id}"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/contacts/{kari.id}")
    assert count(Interaction) == 0 and count(FollowUp) == 0


def test_delete_does_not_redirect_off_site(as_editor, users, kari):
    interaction = log(kari)
    response = as_editor.post(f"/interactions/{interaction.id}/delete",
                              data={"next": "//evil.example/"})
    assert "evil" not in response.headers["Location"]


@pytest.mark.parametrize("method,url", [
    ("get", "/interactions/999999"), ("get", "/interactions/999999/edit"),
    ("post", "/interactions/999999/edit"), ("post", "/interactions/999999/delete"),
    ("post", "/interactions/999999/follow-ups"), ("get", "/follow-ups/999999/edit"),
    ("post", "/follow-ups/999999/done"), ("post", "/follow-ups/999999/reopen"),
    ("post", "/follow-ups/999999/delete"), ("post", "/inquiries/999999"),
    ("get", "/interactions/" + "9" * 40), ("post", "/follow-ups/" + "9" * 40 + "/done"),
    ("get", "/interactions/0"),
])
def test_unknown_ids_are_404(as_editor, method, url):
    assert getattr(as_editor, method)(url).status_code == 404


def test_inquiry_form_on_a_non_inquiry_is_404(as_editor, kari):
    interaction = log(kari)
    assert as_editor.post(f"/inquiries/{interaction.id}",
                          data={"status": "answered"}).status_code == 404


# Viewers ---------------------------------------------------------------------------------

def test_viewer_gets_403_on_every_write(as_viewer, users, kari):
    interaction = log(kari, kind="inquiry", inquiry=inquiry())
    fu = add_follow_up(interaction, follow_up(oslo(2026, 3, 11, 9, 0), users["editor"]))
    for url in ("/interactions/new", f"/interactions/new?contact={kari.id}",
                f"/interactions/{interaction.id}/edit", f"/follow-ups/{fu.id}/edit"):
        assert as_viewer.get(url).status_code == 403, url
    for url in ("/interactions/new", f"/interactions/{interaction.id}/edit",
                f"/interactions/{interaction.id}/delete",
                f"/interactions/{interaction.id}/follow-ups", f"/follow-ups/{fu.id}/edit",
                f"/follow-ups/{fu.id}/done", f"/follow-ups/{fu.id}/reopen",
                f"/follow-ups/{fu.id}/delete", f"/inquiries/{interaction.id}"):
        assert as_viewer.post(url, data=form(users, [kari])).status_code == 403, url
    assert count(Interaction) == 1 and count(FollowUp) == 1
    assert db.session.get(PressInquiry, interaction.id).status == "new"


def test_viewer_reads_everything_without_write_buttons(as_viewer, users, kari):
    interaction = log(kari, kind="inquiry", inquiry=inquiry(), subject="Sitatsjekk")
    add_follow_up(interaction, follow_up(oslo(2026, 3, 11, 9, 0), users["editor"]))
    for url in (f"/interactions/{interaction.id}", "/interactions", "/inquiries",
                f"/contacts/{kari.id}"):
        page = text(as_viewer.get(url))
        assert "Sitatsjekk" in page, url
        assert "Mark done" not in page and "Log interaction" not in page, url
        assert "/edit" not in page.replace(f"/contacts/{kari.id}/edit", ""), url


# Follow-ups and inquiries ----------------------------------------------------------------

def test_follow_up_add_done_reopen_edit_delete(as_editor, users, kari):
    interaction = log(kari)
    response = as_editor.post(f"/interactions/{interaction.id}/follow-ups", data={
        "due_at": "2026-03-11T09:00", "assignee_id": users["admin"].id, "note": "Sjekk NTB"})
    assert response.status_code == 302
    fu = db.session.scalar(db.select(FollowUp))
    assert fu.assignee_id == users["admin"].id
    as_editor.post(f"/follow-ups/{fu.id}/done")
    db.session.expire_all()
    assert db.session.get(FollowUp, fu.id).done_at is not None
    page = text(as_editor.get(f"/interactions/{interaction.id}"))
    assert "Reopen" in page and "done" in page
    as_editor.post(f"/follow-ups/{fu.id}/reopen")
    db.session.expire_all()
    assert db.session.get(FollowUp, fu.id).done_at is None
    assert 'value="11 Mar 2026, 09:00"' in text(as_editor.get(f"/follow-ups/{fu.id}/edit"))
    response = as_editor.post(f"/follow-ups/{fu.id}/edit", data={
        "due_at": "2026-03-12T10:00", "assignee_id": users["editor"].id, "note": "Ny"})
    assert response.status_code == 302
    db.session.expire_all()
    fu = db.session.get(FollowUp, fu.id)
    assert fu.due_at == datetime(2026, 3, 12, 9, 0, tzinfo=UTC) and fu.note == "Ny"
    as_editor.post(f"/follow-ups/{fu.id}/delete")
    assert count(FollowUp) == 0 and count(Interaction) == 1


@pytest.mark.parametrize("data,message", [
    ({"due_at": "tomorrow", "assignee_id": 1}, "Not a valid date and time"),
    ({"due_at": "", "note": "x"}, "This field is required"),
    ({"due_at": "2026-03-11T09:00", "note": "x" * 501}, "500"),
    ({"due_at": "2026-03-11T09:00", "assignee_id": "999999"}, "Not a valid choice"),
])
def test_bad_follow_up_gives_a_message(as_editor, users, kari, data, message):
    interaction = log(kari)
    data = {"assignee_id": users["editor"].id, **data}
    response = as_editor.post(f"/interactions/{interaction.id}/follow-ups", data=data)
    assert response.status_code == 200 and message in text(response)
    assert count(FollowUp) == 0


def test_inquiry_status_and_answer(as_editor, users, kari):
    interaction = log(kari, kind="inquiry", inquiry=inquiry(oslo(2026, 3, 10, 15, 0)))
    response = as_editor.post(f"/inquiries/{interaction.id}", data={
        "status": "answered", "assignee_id": users["editor"].id,
        "answer": "Vi svarer skriftlig: «Nei»; takk, æøå 😀"})
    assert response.status_code == 302
    db.session.expire_all()
    q = db.session.get(PressInquiry, interaction.id)
    assert q.status == "answered" and q.answered_at is not None
    assert q.answer == "Vi svarer skriftlig: «Nei»; takk, æøå 😀"
    # the quick form on the inquiries page sends only the status: answer and assignee stay
    as_editor.post(f"/inquiries/{interaction.id}", data={"status": "in_progress"})
    db.session.expire_all()
    q = db.session.get(PressInquiry, interaction.id)
    assert q.status == "in_progress" and q.answered_at is None
    assert q.answer.startswith("Vi svarer") and q.assignee_id == users["editor"].id


def test_bad_inquiry_status_is_a_message(as_editor, kari):
    interaction = log(kari, kind="inquiry", inquiry=inquiry())
    response = as_editor.post(f"/inquiries/{interaction.id}", data={"status": "lost"})
    assert response.status_code == 200 and "Not a valid choice" in text(response)
    response = as_editor.post(f"/inquiries/{interaction.id}",
                              data={"status": "answered", "answer": "x" * 20001})
    assert response.status_code == 200 and "20000" in text(response)
    db.session.expire_all()
    assert db.session.get(PressInquiry, interaction.id).status == "new"


def test_inquiries_page_open_by_deadline_overdue_highlighted_and_closed(as_editor, users, kari):
    log(kari, kind="inquiry", subject="Later", inquiry=inquiry(oslo(2099, 1, 2, 9, 0)))
    log(kari, kind="inquiry", subject="Overdue one", inquiry=inquiry(oslo(2020, 1, 1, 9, 0)))
    log(kari, kind="inquiry", subject="No deadline", inquiry=inquiry())
    log(kari, kind="inquiry", subject="Answered one",
        inquiry=inquiry(oslo(2020, 1, 1, 9, 0), status="answered", answer="Svar gitt"))
    page = text(as_editor.get("/inquiries"))
    open_part = page[page.index('id="open"'):page.index('id="closed"')]
    closed_part = page[page.index('id="closed"'):]
    assert open_part.index("Overdue one") < open_part.index("Later") < \
        open_part.index("No deadline")
    assert 'class="overdue"' in open_part and "deadline passed" in open_part
    assert "Answered one" in closed_part and "Answered one" not in open_part
    assert "Svar gitt" in closed_part


def test_inquiries_page_survives_odd_pages(as_editor):
    for query in ("page=-3", "page=abc", "page=" + "9" * 40, "mine=<b>"):
        assert as_editor.get("/inquiries?" + query).status_code == 200


def test_only_mine_filter(as_editor, users, kari):
    log(kari, kind="inquiry", subject="For me", inquiry=inquiry(assignee=users["editor"]))
    log(kari, kind="inquiry", subject="For admin", inquiry=inquiry(assignee=users["admin"]))
    page = text(as_editor.get("/inquiries?mine=1"))
    assert "For me" in page and "For admin" not in page


# The list --------------------------------------------------------------------------------

def test_list_filters_and_pages(as_editor, users, kari, ola):
    for day in range(1, 28):
        log(kari, when=oslo(2026, 2, day, 10, 0), subject=f"Kari {day:02d}")
    for day in range(1, 28):
        log(ola, kind="email", staff=users["admin"], when=oslo(2026, 3, day, 10, 0),
            subject=f"Ola {day:02d}")
    first = text(as_editor.get("/interactions"))
    assert "Ola 27" in first and "Kari 01" not in first and "Page 1 of 2" in first
    assert "Kari 01" in text(as_editor.get("/interactions?page=2"))
    assert "Kari" not in text(as_editor.get("/interactions?kind=email")).split("<tbody>")[1]
    only_admin = text(as_editor.get(f"/interactions?staff={users['admin'].id}"))
    assert "Kari 0" not in only_admin and "Ola 01" in only_admin
    by_contact = text(as_editor.get(f"/interactions?contact={kari.id}"))
    assert "Ola 0" not in by_contact.split("<tbody>")[1] and "Kari 27" in by_contact
    assert "Ola 0" not in text(as_editor.get("/interactions?who=nrk")).split("<tbody>")[1]
    dated = text(as_editor.get("/interactions?from=2026-03-05&to=2026-03-06"))
    assert "Ola 05" in dated and "Ola 06" in dated and "Ola 07" not in dated
    assert "Ola 04" not in dated


@pytest.mark.parametrize("query", [
    "from=yesterday", "to=2026-13-45", "staff=x", "contact=abc", "page=-1", "page=99999",
    "kind=<script>", "who=%27%3B+DROP+TABLE+contact%3B--", "from=0001-01-01", "to=9999-12-31",
    "who=%00", "from=%00", "staff=" + "9" * 40, "contact=" + "9" * 40, "page=" + "9" * 40,
    "who=%F0%9F%98%80", "who=" + "x" * 500,
])
def test_list_survives_bad_filters(as_editor, kari, query):
    log(kari)
    response = as_editor.get("/interactions?" + query)
    assert response.status_code == (400 if "%00" in query else 200)
    assert "<script>" not in text(response)


def test_bad_date_filter_is_explained(as_editor):
    assert "is not a date" in text(as_editor.get("/interactions?from=yesterday"))


# Contact page and menu -------------------------------------------------------------------

def test_contact_page_timeline_newest_first_with_follow_ups_and_inquiry(as_editor, users,
                                                                        kari, ola):
    old = log(kari, when=oslo(2026, 1, 5, 9, 0), subject="Eldste samtale")
    add_follow_up(old, follow_up(oslo(2026, 1, 6, 9, 0), users["editor"], "Send rapporten"))
    log([kari, ola], kind="meeting", when=oslo(2026, 2, 5, 9, 0), subject="Møte med begge")
    log(kari, kind="inquiry", when=oslo(2026, 3, 5, 9, 0), subject="Nyeste henvendelse",
        inquiry=inquiry(oslo(2026, 3, 5, 15, 0), status="in_progress"))
    log(ola, subject="Bare Ola")
    page = text(as_editor.get(f"/contacts/{kari.id}"))
    timeline = page[page.index('id="timeline"'):]
    assert timeline.index("Nyeste henvendelse") < timeline.index("Møte med begge") < \
        timeline.index("Eldste samtale")
    assert "Bare Ola" not in timeline
    assert "In progress" in timeline and "Send rapporten" in timeline
    assert "Ola Ødegård" in timeline  # the other person at the meeting
    assert f"/interactions/new?contact={kari.id}" in page  # the Log interaction button
    assert "Log interaction" in page


def test_erased_contact_has_no_log_button(as_editor, kari):
    kari.erased_at = datetime.now(UTC)
    db.session.commit()
    assert "Log interaction" not in text(as_editor.get(f"/contacts/{kari.id}"))


def test_main_menu_has_interactions_and_inquiries(as_viewer):
    page = text(as_viewer.get("/"))
    assert 'href="/interactions"' in page and 'href="/inquiries"' in page


def test_forms_carry_the_csrf_token_and_posts_without_it_are_refused(make_app, users, kari):
    strict = make_app(WTF_CSRF_ENABLED=True)
    client = strict.test_client()
    log_in_session(client, users["editor"])
    page = text(client.get(f"/interactions/new?contact={kari.id}"))
    [token] = re.findall(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    data = form(users, [kari])
    assert client.post("/interactions/new", data=data).status_code == 400
    assert count(Interaction) == 0
    response = client.post("/interactions/new", data={**data, "csrf_token": token})
    assert response.status_code == 302
    interaction = db.session.scalar(db.select(Interaction))
    add_follow_up(interaction, follow_up(oslo(2020, 1, 1, 9, 0), users["editor"]))
    log(kari, kind="inquiry", inquiry=inquiry())
    for url in ("/", f"/interactions/{interaction.id}", "/inquiries", f"/contacts/{kari.id}"):
        html = text(client.get(url))
        forms = html.count("<form method=\"post\"")
        assert forms and html.count('name="csrf_token"') >= forms, url
