"""Four eyes on all that is sent: the approval covers the text, the snippets' text and the
template; changing a snippet or the template a release renders with sends it back to review
(said on the snippet's and template's pages and on the release), and its scheduled
distribution waits for the new approval. A send that finds the content changed by any other
path does the same instead of sending."""

from __future__ import annotations

import io
from datetime import timedelta

from markupsafe import escape

from crm.extensions import db
from crm.releases import distribution, snippets, templates_store, workflow
from crm.releases.models import ReleaseTemplate
from crm.timeutil import utcnow
from tests.factories import approved
from tests.releases.docxfiles import make_template
from tests.support import login


def IN_TWO_HOURS():  # noqa: N802 (reads as the moment it is)
    return utcnow() + timedelta(hours=2)


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_editing_a_snippet_sends_the_approved_releases_using_it_back_to_review(
        client, users, second_editor, media_list, smtp_server):
    about = snippets.save_snippet(None, name="Om partiet", language="nb",
                                  body="Partiet er en folkebevegelse.")
    other = snippets.save_snippet(None, name="Kontakt", language="nb", body="Ring oss.")
    release = approved(users["editor"], second_editor, snippet_ids=[about.id])
    untouched = approved(users["editor"], second_editor, title="Uten snutten",
                         snippet_ids=[other.id])
    scheduled = distribution.create_distribution(
        release, list_ids=[media_list.id], contact_ids=[], user_id=users["editor"].id,
        send_at=IN_TWO_HOURS())
    login(client, second_editor.email)  # the approver changes the snippet afterwards
    form = page(client.get(f"/releases/snippets/{about.id}/edit"))
    assert "1 approved release uses this snippet" in form and str(escape(release.title)) in form
    saved = page(client.post(f"/releases/snippets/{about.id}/edit", data={
        "name": "Om partiet", "language": "nb", "body": "Partiet er en folkebevegelse 😀."},
        follow_redirects=True))
    assert "1 approved release goes back to review." in saved
    assert release.status == "in_review" and untouched.status == "approved"
    assert release.updated_by_id == second_editor.id  # so the changer cannot approve alone
    assert not workflow.may_approve(release, second_editor.id)
    assert scheduled.is_held
    shown = page(client.get(f"/releases/{release.id}"))
    assert "Back to review:" in shown and "The snippet “Om partiet” was changed" in shown
    assert "1 scheduled distribution is held" in shown

    workflow.transition(release, "approve", users["editor"].id)  # another pair of eyes
    assert str(distribution.send_due_distributions(IN_TWO_HOURS())) \
        .startswith("1 distribution: 3 sent")
    assert "folkebevegelse 😀." in smtp_server.messages[0].get_body(("plain",)).get_content()


def test_an_unchanged_snippet_save_leaves_the_approval_alone(users, second_editor):
    about = snippets.save_snippet(None, name="Om partiet", language="nb", body="Tekst.")
    release = approved(users["editor"], second_editor, snippet_ids=[about.id])
    snippets.save_snippet(about, name="Om partiet (ny tittel)", language="nb", body="Tekst.",
                          user_id=second_editor.id)
    assert release.status == "approved"


def test_a_new_default_template_sends_the_releases_that_used_the_old_one_back_to_review(
        client, users, second_editor):
    templates_store.install_defaults()
    release = approved(users["editor"], second_editor)  # renders with the default
    chosen = templates_store.default_for("nb")
    own = approved(users["editor"], second_editor, title="Med egen mal",
                   template_id=chosen.id)  # chose the built-in one itself: unaffected
    login(client, second_editor.email)
    page(client.post("/releases/templates", data={
        "name": "Ny profil", "language": "nb",
        "file": (io.BytesIO(make_template(body=["{{ title }}", "{{p body }}"])), "ny.docx")},
        content_type="multipart/form-data", follow_redirects=True))  # not the first: no default
    new = db.session.scalar(db.select(ReleaseTemplate).where(ReleaseTemplate.name == "Ny profil"))
    assert release.status == own.status == "approved"  # uploading alone changes nothing
    old_page = page(client.get(f"/releases/templates/{chosen.id}"))
    assert "2 approved releases use this template" in old_page
    done = page(client.post(f"/releases/templates/{new.id}/default", follow_redirects=True))
    assert "1 approved release goes back to review." in done
    assert release.status == "in_review" and own.status == "approved"
    assert release.updated_by_id == second_editor.id
    assert "The template changed after the approval (now “Ny profil”)." in page(
        client.get(f"/releases/{release.id}"))


def test_a_template_changed_behind_the_approval_is_not_sent(users, second_editor, media_list,
                                                            smtp_server):
    template, _unknown = templates_store.upload_template(
        name="Vår mal", language="nb", filename="mal.docx",
        data=make_template(body=["{{ title }}", "{{p body }}"]))
    release = approved(users["editor"], second_editor, template_id=template.id)
    # A change by no service (an admin's SQL, a future feature) still cannot slip through.
    template.content = make_template(body=["{{ title }}", "Noe annet", "{{p body }}"])
    template.sha256 = "0" * 64
    db.session.commit()
    created = distribution.create_distribution(release, list_ids=[media_list.id],
                                               contact_ids=[], send_at=None, user_id=None)
    assert distribution.send_distribution(created) is None and smtp_server.messages == []
    assert release.status == "in_review" and created.is_held
    assert "differs from what was approved" in str(release.review_note)


def test_a_release_approved_before_digests_were_kept_still_goes_back_on_a_snippet_edit(
        users, second_editor):
    about = snippets.save_snippet(None, name="Om partiet", language="nb", body="Tekst.")
    release = approved(users["editor"], second_editor, snippet_ids=[about.id])
    release.approved_digest = ""  # as approved before the embargo1 migration
    db.session.commit()
    snippets.save_snippet(about, name="Om partiet", language="nb", body="Ny tekst.",
                          user_id=second_editor.id)
    assert release.status == "in_review"


def test_a_new_or_removed_letterhead_logo_sends_releases_showing_it_back_to_review(
        client, users, second_editor):
    """The logo is part of what goes out where the template shows it (the built-in ones do):
    changing it after approval is a change the approval did not cover."""
    from crm.releases.logo import solid_png
    from tests.factories import make_user

    templates_store.install_defaults()
    release = approved(users["editor"], second_editor)
    assert workflow.is_as_approved(release)
    admin = make_user("logo.admin@example.no", "admin", name="Åse Logo")
    login(client, admin.email)
    saved = page(client.post("/releases/logo", data={
        "file": (io.BytesIO(solid_png(40, 20)), "partilogo 🌹.png")},
        content_type="multipart/form-data", follow_redirects=True))
    assert "1 approved release goes back to review." in saved
    assert release.status == "in_review" and release.updated_by_id == admin.id
    assert "The letterhead logo was changed" in page(client.get(f"/releases/{release.id}"))

    workflow.transition(release, "approve", users["editor"].id)
    assert workflow.is_as_approved(release)
    removed = page(client.post("/releases/logo/remove", follow_redirects=True))
    assert "1 approved release goes back to review." in removed
    assert release.status == "in_review"
