"""What a real browser shows each role, and that hostile text stays text.

A viewer reads the register but gets no button, link or form that would change it (the editor
sees them on the same pages, so the check is not vacuous). Names, notes and websites full of
HTML and script are shown literally: no dialog opens and no injected script runs.
"""

from __future__ import annotations

import pytest

from crm.contacts.lists import add_members, save_media_list
from crm.contacts.services import ContactData, create_contact, save_organisation
from crm.interactions.services import FollowUpData, InteractionData, log_interaction
from crm.timeutil import utcnow
from tests.browser.support import playwright_expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]
expect = playwright_expect()

SCRIPT_NAME = '<script>alert("navn")</script><img src=x onerror="window.__pwned=1;alert(1)">'
ORG_NAME = '<b onmouseover=alert(2)>Ondsinnet & Sønn</b>'
NOTES = '<iframe src="javascript:alert(3)"></iframe>\n"; DROP TABLE contact; --'
LIST_NAME = '<svg onload=alert(4)>Helse</svg>'
EVIL_WEBSITE = "javascript:alert(5)"
SUBJECT = '<a href="javascript:alert(6)">Ring meg</a>'
FOLLOW_UP_NOTE = "<script>alert(7)</script> følg opp"


def seed_hostile_register(follow_up_for: int) -> dict:
    """Hostile records everywhere, and a follow-up due now for the user `follow_up_for`."""
    org = save_organisation(None, name=ORG_NAME, kind="outlet", website=EVIL_WEBSITE,
                            notes=NOTES)
    contact = create_contact(ContactData(
        kind="journalist", name=SCRIPT_NAME, organisation_id=org.id, title="<i>Reporter</i>",
        beats="<u>helse</u>", tags="<marquee>", notes=NOTES,
        emails="x@example.no"))
    media_list = save_media_list(None, name=LIST_NAME, description=NOTES)
    add_members(media_list, [contact.id])
    interaction = log_interaction(InteractionData(
        kind="phone", occurred_at=utcnow(), contact_ids=[contact.id], subject=SUBJECT,
        notes=NOTES, outcome=NOTES,
        follow_up=FollowUpData(due_at=utcnow(), assignee_id=follow_up_for,
                               note=FOLLOW_UP_NOTE)))
    return {"contact": contact.id, "organisation": org.id, "list": media_list.id,
            "interaction": interaction.id}


def watch_dialogs(page) -> list[str]:
    """Record (and dismiss) every alert/confirm/prompt the page opens."""
    dialogs: list[str] = []

    def on_dialog(dialog):
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return dialogs


def pages_showing_the_hostile_records(ids: dict) -> dict:
    """{label: path} of every register page that shows the seeded records."""
    return {
        "contact list": "/contacts",
        "search results": "/contacts?q=navn",
        "contact page": f"/contacts/{ids['contact']}",
        "organisations": "/organisations",
        "organisation page": f"/organisations/{ids['organisation']}",
        "media lists": "/lists",
        "media list page": f"/lists/{ids['list']}",
        "my day": "/",
        "interactions": "/interactions",
        "interaction page": f"/interactions/{ids['interaction']}",
    }


def test_hostile_html_in_names_and_notes_is_shown_as_text(page, live_server, log_in):
    ids = live_server.call(seed_hostile_register, live_server.users["viewer"]["id"])
    dialogs = watch_dialogs(page)
    log_in("viewer")

    page.goto(f"/contacts/{ids['contact']}")
    expect(page.get_by_role("heading", level=1)).to_have_text(SCRIPT_NAME)
    expect(page).to_have_title(f"{SCRIPT_NAME} · Pressdesk")
    expect(page.get_by_role("link", name=ORG_NAME)).to_be_visible()
    expect(page.get_by_text("DROP TABLE contact", exact=False).first).to_be_visible()
    expect(page.get_by_role("link", name=SUBJECT)).to_be_visible()
    expect(page.get_by_text(FOLLOW_UP_NOTE)).to_be_visible()
    expect(page.locator("main script, main iframe, main img, main svg, main marquee")) \
        .to_have_count(0)

    page.goto("/")  # the follow-up is the viewer's: "My day" shows it, as text
    expect(page.get_by_text(FOLLOW_UP_NOTE)).to_be_visible()
    expect(page.get_by_role("link", name=SUBJECT)).to_be_visible()
    expect(page.get_by_role("link", name=SCRIPT_NAME)).to_be_visible()

    page.goto(f"/organisations/{ids['organisation']}")
    expect(page.get_by_role("heading", level=1)).to_have_text(ORG_NAME)
    expect(page.get_by_text(EVIL_WEBSITE, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=EVIL_WEBSITE)).to_have_count(0)

    # Typing the markup into the search box finds the contact and echoes the query as text.
    search = page.get_by_role("search").get_by_role("searchbox", name="Search contacts")
    search.fill('<script>alert("navn")')
    search.press("Enter")
    expect(page.get_by_role("table").get_by_role("link", name=SCRIPT_NAME)).to_be_visible()
    expect(page.get_by_role("searchbox", name="Search contacts")) \
        .to_have_value('<script>alert("navn")')

    for label, path in pages_showing_the_hostile_records(ids).items():
        response = page.goto(path)
        assert response.status == 200, label
        assert page.evaluate("window.__pwned") is None, f"injected script ran on the {label}"
    assert dialogs == []


# (accessible name, role, page) of the controls an editor gets and a viewer must not
WRITE_CONTROLS = [
    ("New contact", "link", "/contacts"),
    ("Edit", "link", "/contacts/{contact}"),
    ("Delete", "button", "/contacts/{contact}"),
    ("New organisation", "link", "/organisations"),
    ("Edit", "link", "/organisations/{organisation}"),
    ("Delete", "button", "/organisations/{organisation}"),
    ("New media list", "link", "/lists"),
    ("Edit", "link", "/lists/{list}"),
    ("Remove", "button", "/lists/{list}"),
    ("Log interaction", "link", "/contacts/{contact}"),
    ("Log interaction", "link", "/"),
    ("Mark done", "button", "/"),  # on the user's own follow-up
    ("Mark done", "button", "/contacts/{contact}"),
]


def test_viewer_sees_no_write_controls_anywhere_in_the_register(page, live_server, log_in):
    ids = live_server.call(seed_hostile_register, live_server.users["viewer"]["id"])
    dialogs = watch_dialogs(page)
    log_in("viewer")
    for name, role, path in WRITE_CONTROLS:
        page.goto(path.format(**ids))
        expect(page.get_by_role(role, name=name, exact=True)).to_have_count(0)
        # Whatever other domains add to these pages: no form in the page body posts anything
        # (but saving one's own filter of the list, which changes nothing in the register).
        expect(page.locator("main form[method=post]:not([data-personal])")).to_have_count(0)
    response = page.goto("/contacts/new")
    assert response.status == 403
    assert dialogs == []


def test_editor_sees_the_write_controls_the_viewer_does_not(page, live_server, log_in):
    ids = live_server.call(seed_hostile_register, live_server.users["editor"]["id"])
    log_in("editor")
    for name, role, path in WRITE_CONTROLS:
        page.goto(path.format(**ids))
        # Secondary actions sit in "More" menus: open them as the editor would.
        page.evaluate("document.querySelectorAll('details.more').forEach(d => d.open = true)")
        expect(page.get_by_role(role, name=name, exact=True)).to_be_visible()


def test_a_post_without_the_csrf_token_is_refused_and_stores_nothing(page, live_server,
                                                                      log_in):
    log_in("editor")
    response = page.request.post("/organisations/new",
                                 form={"name": "Forfalsket", "kind": "outlet"})
    assert response.status == 400
    page.goto("/organisations")
    expect(page.get_by_text("Forfalsket")).to_have_count(0)
