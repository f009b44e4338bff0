"""The embargo as journalists use it, through the pages and a real poll: two waves chosen in
the send form, the register of releases under embargo, breach watch telling the owner, and
distributions held while a release is not approved."""

from __future__ import annotations

import re
from datetime import timedelta

from crm.extensions import db
from crm.monitoring import services as monitoring
from crm.releases import breach, distribution, services
from crm.releases.models import Distribution, EmbargoBreach
from crm.timeutil import to_local, utcnow
from tests import factories as make
from tests.factories import approved
from tests.monitoring.feedserver import rss

RELEASE_TEXT = {
    "title": "Partiet vil gi gratis skolemat til alle elever i grunnskolen",
    "lead": "Partiet foreslår at alle elever i grunnskolen får et gratis måltid hver "
            "skoledag fra høsten, finansiert gjennom statsbudsjettet for neste år.",
    "body": "Forslaget koster om lag tre milliarder kroner i året og legges fram for "
            "Stortinget i neste uke.",
}


def local_input(moment) -> str:
    return to_local(moment).strftime("%Y-%m-%dT%H:%M")


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def trusted_and_everyone():
    nrk = make.outlet("NRK")
    vg = make.outlet("VG")
    kari = make.journalist("Kari Nordmann", email="kari@nrk.no", org=nrk)
    trusted = make.media_list("Betrodde", [kari, make.journalist("Per Hansen", email="per@vg.no",
                                                                 org=vg)])
    everyone = make.media_list("Alle redaksjoner", [
        kari, make.journalist("Ola Lokal", email="ola@ba.no"),
        make.journalist("Siri Sør", email="siri@fvn.no")])
    return nrk, trusted, everyone


def test_the_send_form_sends_trusted_journalists_now_and_everyone_else_at_the_lift(
        as_editor, users, second_editor, smtp_server):
    lift = utcnow() + timedelta(hours=3)
    release = approved(users["editor"], second_editor, embargo_until=lift, **RELEASE_TEXT)
    _nrk, trusted, everyone = trusted_and_everyone()
    form = {"list_ids": trusted.id, "later": "y", "later_list_ids": everyone.id}
    preview = page(as_editor.post(f"/releases/{release.id}/distribute", data=form))
    assert "under embargo: the embargo is stated" in preview
    assert "after the lift: no embargo stated" in preview
    assert "Gets it in the first wave." in preview and smtp_server.messages == []
    done = page(as_editor.post(f"/releases/{release.id}/distribute",
                               data={**form, "confirm": "1"}, follow_redirects=True))
    assert "2 sent, 0 failed" in done and "Wave 1 of 2" in done
    assert sorted(m["X-Envelope-To"] for m in smtp_server.messages) == ["kari@nrk.no",
                                                                        "per@vg.no"]
    assert all(m["Subject"].startswith("SPERREFRIST ") for m in smtp_server.messages)
    second = db.session.scalar(db.select(Distribution).where(Distribution.wave == 2))
    assert second.scheduled_for == lift and second.status == "scheduled"
    assert "This wave goes out after the lift" in page(
        as_editor.get(f"/releases/distributions/{second.id}"))

    register = page(as_editor.get("/releases/embargo"))
    assert release.title in register and "Received by 2" in register
    assert "Kari Nordmann" in register and "Ola Lokal" not in register
    assert "Alle redaksjoner" in register  # still to go, at the lift

    assert str(distribution.send_due_distributions(lift)).startswith("1 distribution: 2 sent")
    later = [m for m in smtp_server.messages if m["X-Envelope-To"] in ("ola@ba.no",
                                                                       "siri@fvn.no")]
    assert [m["Subject"] for m in later] == [RELEASE_TEXT["title"]] * 2


def test_a_second_wave_without_a_time_or_list_is_explained_on_the_form(as_editor, users,
                                                                        second_editor):
    release = approved(users["editor"], second_editor)  # no embargo
    _nrk, trusted, everyone = trusted_and_everyone()
    text = page(as_editor.post(f"/releases/{release.id}/distribute", data={
        "list_ids": trusted.id, "later": "y", "later_list_ids": everyone.id}))
    assert "without an embargo there is no lift" in text
    assert db.session.scalar(db.select(db.func.count(Distribution.id))) == 0


def test_an_article_like_the_release_before_the_lift_is_a_breach_and_the_owner_is_told(
        as_editor, users, second_editor, smtp_server, feed_server):
    lift = utcnow() + timedelta(hours=6)
    release = approved(users["editor"], second_editor, embargo_until=lift, **RELEASE_TEXT)
    nrk, trusted, _everyone = trusted_and_everyone()
    distribution.distribute(release, list_ids=[trusted.id], contact_ids=[], send_at=None,
                            user_id=users["editor"].id)
    smtp_server.messages.clear()
    leak = {"title": "Partiet vil gi gratis skolemat til alle elever",
            "guid": "https://www.nrk.no/skolemat-1", "link": "https://www.nrk.no/skolemat-1",
            "description": "Partiet foreslår at alle elever i grunnskolen får et gratis måltid "
                           "hver skoledag fra høsten, ifølge NRKs kilder.",
            "pubDate": to_local(utcnow()).strftime("%a, %d %b %Y %H:%M:%S %z")}
    other = {"title": "Ny vei over fjellet åpner i dag", "guid": "https://www.nrk.no/vei-2",
             "link": "https://www.nrk.no/vei-2",
             "description": "Statens vegvesen åpner den nye veien over fjellet i dag etter "
                            "fire års arbeid med tunneler og bruer."}
    feed = make.feed(feed_server.add("/nrk.xml", rss([leak, other], title="NRK")),
                     organisation=nrk)
    monitoring.poll_feeds([feed])  # the AFTER_POLL hook runs the breach watch

    found = db.session.scalars(db.select(EmbargoBreach)).all()
    assert [(b.release_id, b.article.title, b.outlet_id) for b in found] == [
        (release.id, leak["title"], nrk.id)]
    assert [r.name for r in breach.recipients_at(found[0])] == ["Kari Nordmann"]
    assert found[0].notified_at is not None
    [mail] = smtp_server.messages
    assert mail["X-Envelope-To"] == users["editor"].email
    assert mail["Subject"] == f"Possible embargo breach: {RELEASE_TEXT['title']}"
    text = mail.get_body(("plain",)).get_content()
    assert "NRK" in text and "Kari Nordmann <kari@nrk.no>" in text
    assert f"/releases/{release.id}" in text

    for url in (f"/releases/{release.id}", "/releases/embargo"):
        shown = page(as_editor.get(url))
        assert re.search("possible (embargo )?breach", shown, re.I) and leak["title"] in shown
        assert re.search(r"Received it from us at this outlet:\s*Kari Nordmann", shown)

    monitoring.poll_feeds([feed])  # the same article again: no second breach, no second mail
    assert db.session.scalar(db.select(db.func.count(EmbargoBreach.id))) == 1
    assert len(smtp_server.messages) == 1


def test_without_a_release_under_embargo_the_watch_finds_nothing(app, users, second_editor,
                                                                 smtp_server):
    past = utcnow() - timedelta(hours=1)
    approved(users["editor"], second_editor, embargo_until=past, **RELEASE_TEXT)
    feed = make.feed("https://www.nrk.no/toppsaker.rss")
    make.articles(feed, make.entry(RELEASE_TEXT["title"], guid="urn:a",
                                   summary=RELEASE_TEXT["lead"]))
    assert breach.find_breaches(past, utcnow()) == []
    assert breach.notify_owners(utcnow()) == 0 and smtp_server.messages == []


def test_editing_an_approved_release_shows_its_held_distribution(as_editor, users,
                                                                  second_editor, smtp_server):
    lift = utcnow() + timedelta(hours=3)
    release = approved(users["editor"], second_editor, embargo_until=lift, **RELEASE_TEXT)
    _nrk, trusted, _everyone = trusted_and_everyone()
    created = distribution.create_distribution(release, list_ids=[trusted.id], contact_ids=[],
                                               send_at=lift, user_id=users["editor"].id)
    values = services.data_from_version(release.versions[0]).__dict__ | {"body": "Ny tekst."}
    form = {"title": values["title"], "lead": values["lead"], "body": "Ny tekst.",
            "language": "nb", "embargo_until": local_input(lift), "spokesperson_id": 0,
            "template_id": 0, "quotes-0-contact_id": 0, "quotes-0-text": "",
            "quotes-1-contact_id": 0, "quotes-1-text": ""}
    saved = page(as_editor.post(f"/releases/{release.id}/edit", data=form,
                                follow_redirects=True))
    assert "1 scheduled distribution is held until the release is approved again." in saved
    shown = page(as_editor.get(f"/releases/distributions/{created.id}"))
    assert "Held: the release is no longer approved" in shown
    assert str(distribution.send_due_distributions(lift)).startswith("0")
    assert smtp_server.messages == []


def test_a_long_subject_under_embargo_keeps_its_spaces(app, users, second_editor, media_list,
                                                       smtp_server):
    title = "Partiet vil gi gratis skolemat – også på Værøy og Røst, sier Åse Ødegård"
    release = approved(users["editor"], second_editor, title=title,
                       embargo_until=utcnow() + timedelta(hours=1))
    distribution.distribute(release, list_ids=[media_list.id], contact_ids=[], send_at=None,
                            user_id=None)
    subject = smtp_server.messages[0]["Subject"]
    assert subject.startswith("SPERREFRIST ") and subject.endswith(": " + title)


def test_bad_input_for_a_second_wave_is_explained_and_stores_nothing(as_editor, users,
                                                                     second_editor):
    release = approved(users["editor"], second_editor,
                       embargo_until=utcnow() + timedelta(hours=2))
    _nrk, trusted, everyone = trusted_and_everyone()
    for later, expected in (
            ({"later_send_at": "not a date", "later_list_ids": everyone.id},
             "Not a valid date and time: write it like 31 Dec 2026, 14:30."),
            ({"later_send_at": "2027-03-28T02:30", "later_list_ids": everyone.id},
             "does not exist"),
            ({"later_list_ids": "99999"}, "is not a valid choice"),
            ({"later_list_ids": "<script>alert(1)</script>" + "ø" * 5000},
             "could not be coerced"),
            ({"later_send_at": "😀"},
             "Not a valid date and time: write it like 31 Dec 2026, 14:30.")):
        text = page(as_editor.post(f"/releases/{release.id}/distribute", data={
            "list_ids": trusted.id, "later": "y", "confirm": "1", **later}))
        assert expected in text and "<script>alert(1)" not in text
    assert db.session.scalar(db.select(db.func.count(Distribution.id))) == 0
