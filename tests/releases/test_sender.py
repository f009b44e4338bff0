"""Who a release email comes from and whom replies reach, the recipient's way out
(List-Unsubscribe, RFC 8058 one-click, the opt-out line) and addresses beyond ASCII, each
against a real SMTP server on loopback (aiosmtpd with and without SMTPUTF8)."""

from __future__ import annotations

from email.utils import parseaddr

import pytest

from crm.extensions import db
from crm.releases import distribution
from tests import factories as make
from tests.factories import approved
from tests.smtp import SmtpServer

OFFICE = "Partiets pressekontor <presse@partiet.no>"
OFFICE_EN = "The Party's press office <press@partiet.no>"


@pytest.fixture
def office(app):
    app.config.update(CRM_RELEASE_FROM=OFFICE, CRM_RELEASE_FROM_EN=OFFICE_EN,
                      CRM_UNSUBSCRIBE_MAILTO="avmelding@partiet.no",
                      CRM_BASE_URL="https://pressdesk.partiet.no")


def send(release, contacts, user_id=None):
    media_list = make.media_list("Utvalgte", contacts)
    created = distribution.create_distribution(release, list_ids=[media_list.id],
                                               contact_ids=[], send_at=None, user_id=user_id)
    return created, distribution.send_distribution(created)


def to(server, email):
    return next(m for m in server.messages if m["X-Envelope-To"] == email)


def test_from_the_press_office_reply_to_the_sender_message_id_on_the_office_domain(
        office, users, second_editor, smtp_server):
    release = approved(users["editor"], second_editor)
    _dist, report = send(release, [make.journalist("Kari Nordmann", email="kari@nrk.no")],
                         user_id=users["editor"].id)
    assert report.sent == 1
    message = to(smtp_server, "kari@nrk.no")
    assert message["From"] == OFFICE
    assert parseaddr(message["Reply-To"])[1] == "editor@example.no"  # who sent it
    assert message["Message-ID"].endswith("@partiet.no>")
    assert message["Message-ID"] == release.distributions[0].recipients[0].message_id


def test_english_releases_come_from_the_english_sender_and_the_contact_person_answers(
        office, users, second_editor, smtp_server, politician):
    release = approved(users["editor"], second_editor, language="en",
                       spokesperson_id=politician.id)
    send(release, [make.journalist("Jane Reporter", email="jane@bbc.co.uk",
                                   preferred_language="en")], user_id=users["editor"].id)
    message = to(smtp_server, "jane@bbc.co.uk")
    assert message["From"] == OFFICE_EN
    assert message["Reply-To"] == "Jonas Ødegård <jonas@partiet.no>"


def test_a_staff_member_as_contact_person_gets_the_replies_and_is_named(
        office, users, second_editor, smtp_server, politician):
    press_officer = make.make_user("pressesjef@partiet.no", "editor", name="Åse Pressesjef")
    release = approved(users["editor"], second_editor, spokesperson_id=politician.id,
                       contact_user_id=press_officer.id)
    send(release, [make.journalist("Kari Nordmann", email="kari@nrk.no")],
         user_id=users["editor"].id)
    message = to(smtp_server, "kari@nrk.no")
    assert message["Reply-To"] == "Åse Pressesjef <pressesjef@partiet.no>"
    text = message.get_body(("plain",)).get_content()
    assert "Kontaktperson: Åse Pressesjef" in text and "pressesjef@partiet.no" in text


def test_every_email_carries_list_unsubscribe_one_click_and_a_line_in_its_language(
        office, users, second_editor, smtp_server):
    release = approved(users["editor"], second_editor)
    kari = make.journalist("Kari Nordmann", email="kari@nrk.no")
    jane = make.journalist("Jane Reporter", email="jane@bbc.co.uk", preferred_language="en")
    send(release, [kari, jane])
    links = {}
    for email in ("kari@nrk.no", "jane@bbc.co.uk"):
        message = to(smtp_server, email)
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        https, mailto = [part.strip().strip("<>") for part in
                         message["List-Unsubscribe"].split(",")]
        assert https.startswith("https://pressdesk.partiet.no/releases/unsubscribe/")
        assert mailto == "mailto:avmelding@partiet.no?subject=unsubscribe"
        links[email] = https
        assert https in message.get_body(("plain",)).get_content()
        assert f'href="{https}"' in message.get_body(("html",)).get_content()
    assert links["kari@nrk.no"] != links["jane@bbc.co.uk"]  # one token per recipient
    assert "melde deg av her" in to(smtp_server, "kari@nrk.no").get_body(("plain",)).get_content()
    assert "unsubscribe here" in to(smtp_server, "jane@bbc.co.uk").get_body(
        ("plain",)).get_content()


def test_without_an_opt_out_mailbox_list_unsubscribe_has_only_the_link(
        app, users, second_editor, smtp_server):
    release = approved(users["editor"], second_editor)
    send(release, [make.journalist("Kari Nordmann", email="kari@nrk.no")])
    value = to(smtp_server, "kari@nrk.no")["List-Unsubscribe"]
    assert value.startswith("<http") and "mailto:" not in value and "," not in value


RECIPIENTS = [("Åse Ødegård", "åse@aftenposten.no"), ("Ole Bø", "ole@bø.no"),
              ("Kari Nordmann", "kari@nrk.no")]


def send_through(app, users, second_editor, *, smtputf8: bool):
    """The release to RECIPIENTS through a server with or without SMTPUTF8."""
    with SmtpServer(smtputf8=smtputf8) as server:
        app.config["CRM_SMTP_URL"] = server.url
        release = approved(users["editor"], second_editor)
        dist, report = send(release, [make.journalist(n, email=e) for n, e in RECIPIENTS])
    return server, release, dist, report


def test_with_smtputf8_every_address_goes_out_and_domains_in_idna(
        app, users, second_editor):
    server, _release, _dist, report = send_through(app, users, second_editor, smtputf8=True)
    assert (report.sent, report.failed) == (3, 0)
    assert sorted(m["X-Envelope-To"] for m in server.messages) == [
        "kari@nrk.no", "ole@xn--b-5ga.no", "åse@aftenposten.no"]
    assert to(server, "åse@aftenposten.no")["To"] == "Åse Ødegård <åse@aftenposten.no>"
    assert to(server, "ole@xn--b-5ga.no")["To"] == "Ole Bø <ole@xn--b-5ga.no>"


def test_without_smtputf8_only_the_non_ascii_local_part_fails_with_the_reason(
        app, users, second_editor):
    server, release, dist, report = send_through(app, users, second_editor, smtputf8=False)
    assert (report.sent, report.failed) == (2, 1)
    assert sorted(m["X-Envelope-To"] for m in server.messages) == [
        "kari@nrk.no", "ole@xn--b-5ga.no"]
    failed = next(r for r in dist.recipients if r.status == "failed")
    assert failed.email == "åse@aftenposten.no" and "SMTPUTF8" in str(failed.reason)
    assert dist.status == "done" and release.status == "published"


def test_an_address_that_cannot_be_written_fails_alone(app, users, second_editor,
                                                       smtp_server):
    release = approved(users["editor"], second_editor)
    media_list = make.media_list("Utvalgte", [make.journalist(n, email=e)
                                              for n, e in RECIPIENTS[2:]] +
                                 [make.journalist("Bad Domain", email="bad@example.no")])
    dist = distribution.create_distribution(release, list_ids=[media_list.id],
                                            contact_ids=[], send_at=None, user_id=None)
    bad = next(r for r in dist.recipients if r.email == "bad@example.no")
    bad.email = "bad@" + "ø" * 70 + ".no"  # a label IDNA refuses (over 63 characters)
    db.session.commit()
    report = distribution.send_distribution(dist)
    assert (report.sent, report.failed) == (1, 1)
    assert "not a valid domain" in str(bad.reason)
    assert [m["X-Envelope-To"] for m in smtp_server.messages] == ["kari@nrk.no"]


def test_the_preview_shows_who_it_comes_from_and_who_gets_the_replies(
        app, users, second_editor, media_list, as_admin):
    release = approved(users["editor"], second_editor)
    form = {"list_ids": [media_list.id]}
    page = as_admin.post(f"/releases/{release.id}/distribute", data=form).get_data(
        as_text=True)
    assert "From: Pressdesk &lt;pressdesk@localhost&gt;." in page
    assert "Replies go to admin &lt;admin@example.no&gt;." in page  # the sender: no contact
    assert "Set CRM_RELEASE_FROM" in page  # admins are told the office is not set
    app.config["CRM_RELEASE_FROM"] = OFFICE
    page = as_admin.post(f"/releases/{release.id}/distribute", data=form).get_data(
        as_text=True)
    assert "From: Partiets pressekontor &lt;presse@partiet.no&gt;." in page
    assert "Set CRM_RELEASE_FROM" not in page


def test_choosing_a_staff_contact_person_is_a_change_four_eyes_see(
        users, second_editor, politician):
    from crm.releases import diff, services
    press_officer = make.make_user("pressesjef@partiet.no", "editor", name="Åse Pressesjef")
    release = approved(users["editor"], second_editor, spokesperson_id=politician.id)
    values = services.data_from_version(release.versions[0]).__dict__
    services.save_release(release, services.ReleaseData(
        **(values | {"contact_user_id": press_officer.id})), users["editor"].id)
    assert release.status == "in_review" and release.contact_user == press_officer
    diffs = diff.diff_versions(release.versions[1], release.versions[0])
    assert [d.field for d in diffs] == ["contact_user"]
    assert "".join(diffs[0].inserted) == "Åse Pressesjef"
    assert str(diffs[0].label) == "Contact person on the staff"
    with pytest.raises(services.UserError, match="That user does not exist"):
        services.save_release(release, services.ReleaseData(
            **(values | {"contact_user_id": 10**6})), users["editor"].id)


@pytest.mark.parametrize("setting", ["pressekontoret", "Presse <presse@>", "<>"])
def test_a_sender_setting_that_is_no_address_fails_the_send_once_with_the_reason(
        app, users, second_editor, smtp_server, setting):
    app.config["CRM_RELEASE_FROM"] = setting
    release = approved(users["editor"], second_editor)
    dist, report = send(release, [make.journalist("Kari Nordmann", email="kari@nrk.no")])
    assert report.failed == 1 and smtp_server.messages == []
    assert "CRM_RELEASE_FROM" in str(dist.last_error)
