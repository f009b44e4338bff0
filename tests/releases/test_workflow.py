"""Drafting and approving releases: versions, four eyes, statuses and bad input."""

from datetime import UTC, datetime

import pytest

from crm.errors import UserError
from crm.extensions import db
from crm.releases import services, snippets, workflow
from crm.releases.diff import diff_versions
from crm.releases.forms import local_to_utc
from crm.releases.models import Release, ReleaseVersion
from crm.releases.workflow import WorkflowError
from tests.factories import approved, draft


def data_of(release, **changes):
    values = services.data_from_version(release.versions[0]).__dict__ | changes
    return services.ReleaseData(**values)


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_every_save_keeps_a_version_and_a_save_without_change_keeps_none(users):
    editor = users["editor"]
    release = draft(editor, tags="Helse, økonomi")
    assert release.version == 1 and release.status == "draft"
    services.save_release(release, data_of(release), editor.id)
    assert release.version == 1
    services.save_release(release, data_of(release, title="Ny tittel"), editor.id)
    assert release.version == 2
    assert [v.number for v in release.versions] == [2, 1]
    assert release.versions[1].data["title"] == "Ap & Høyre er enige om æøå"
    assert release.versions[0].data["tags"] == ["helse", "økonomi"]


def test_four_eyes_the_last_editor_cannot_approve(users, second_editor):
    author = users["editor"]
    release = draft(author)
    workflow.transition(release, "submit", author.id)
    assert "approve" not in workflow.allowed_actions(release, author.id)
    with pytest.raises(WorkflowError, match="Four eyes"):
        workflow.transition(release, "approve", author.id)
    assert release.status == "in_review"
    # The colleague edits during review: now the colleague is the one who may not approve.
    services.save_release(release, data_of(release, lead="Bedre ingress."), second_editor.id)
    with pytest.raises(WorkflowError, match="Four eyes"):
        workflow.transition(release, "approve", second_editor.id)
    workflow.transition(release, "approve", author.id)
    assert release.status == "approved" and release.approved_by_id == author.id
    assert release.approved_at is not None


def test_editing_an_approved_release_sends_it_back_to_review(users, second_editor):
    release = approved(users["editor"], second_editor)
    services.save_release(release, data_of(release, body="Endret tekst."), second_editor.id)
    assert release.status == "in_review"
    assert release.approved_by_id is None and release.approved_at is None
    assert release.updated_by_id == second_editor.id


def test_statuses_follow_the_workflow(users, second_editor):
    editor = users["editor"]
    release = draft(editor)
    with pytest.raises(WorkflowError):
        workflow.transition(release, "approve", second_editor.id)  # a draft is not in review
    with pytest.raises(WorkflowError):
        workflow.transition(release, "publish", editor.id)
    with pytest.raises(WorkflowError, match="Unknown"):
        workflow.transition(release, "delete_everything", editor.id)
    workflow.transition(release, "submit", editor.id)
    workflow.transition(release, "send_back", second_editor.id)
    assert release.status == "draft"
    workflow.transition(release, "submit", editor.id)
    workflow.transition(release, "approve", second_editor.id)
    workflow.transition(release, "publish", editor.id)
    assert release.status == "published" and release.published_at is not None
    with pytest.raises(WorkflowError, match="cannot be changed"):
        services.save_release(release, data_of(release, title="Ettertanke"), editor.id)
    workflow.transition(release, "withdraw", editor.id)
    assert release.status == "withdrawn" and release.withdrawn_at is not None
    assert workflow.allowed_actions(release, editor.id) == []


def test_restoring_a_version_saves_it_as_the_newest(users, second_editor):
    editor = users["editor"]
    release = draft(editor, title="Første tittel")
    services.save_release(release, data_of(release, title="Andre tittel", body="Ny"),
                          editor.id)
    services.restore_version(release, services.get_version(release, 1), second_editor.id)
    assert release.version == 3 and release.title == "Første tittel"
    assert release.body.startswith("Første avsnitt")
    assert release.versions[0].note == "Restored version 1"
    assert release.updated_by_id == second_editor.id  # the restorer is the last editor


def test_the_diff_shows_what_changed_word_by_word(users, politician):
    editor = users["editor"]
    release = draft(editor, body="Linje en\nLinje to\nLinje tre")
    services.save_release(release, data_of(
        release, body="Linje en\nLinje 2\nLinje tre", quotes=[(politician.id, "Vi må handle.")],
        embargo_until=datetime(2026, 11, 23, 6, 0, tzinfo=UTC)), editor.id)
    diff = {d.field: d.segments for d in diff_versions(
        services.get_version(release, 1), services.get_version(release, 2))}
    assert set(diff) == {"body", "quotes", "embargo_until"}
    assert diff["body"] == [("equal", "Linje en\nLinje "), ("delete", "to"),
                            ("insert", "2"), ("equal", "\nLinje tre")]
    assert diff["quotes"] == [("insert", "Jonas Ødegård: Vi må handle.")]


@pytest.mark.parametrize("changes,field", [
    ({"title": ""}, "title"),
    ({"title": "   \u00a0 "}, "title"),
    ({"title": "x" * 301}, "title"),
    ({"body": "x" * 100_001}, "body"),
    ({"language": "de"}, "language"),
    ({"spokesperson_id": 999999}, "spokesperson_id"),
    ({"quotes": [(999999, "Sitat")]}, "quotes"),
    ({"snippet_ids": [999999]}, "snippet_ids"),
    ({"template_id": 999999}, "template_id"),
    ({"embargo_until": datetime(2026, 1, 1, 7, 0)}, "embargo_until"),
    ({"embargo_until": datetime(2026, 11, 23, 6, 0, tzinfo=UTC),  # open before the lift
      "release_at": datetime(2026, 11, 23, 5, 59, tzinfo=UTC)}, "release_at"),
])
def test_bad_input_is_refused_and_nothing_is_stored(users, changes, field):
    values = {"title": "Gyldig", **changes}
    with pytest.raises(UserError) as caught:
        services.save_release(None, services.ReleaseData(**values), users["editor"].id)
    assert caught.value.field == field
    db.session.rollback()
    assert count(Release) == 0 and count(ReleaseVersion) == 0


@pytest.mark.parametrize("hostile", [
    "<script>alert('x')</script>", "Robert'); DROP TABLE release;--", "😀 Ølstad & Åsane",
    "a\x00b\x07c\x0cd",
])
def test_hostile_text_is_stored_as_text(users, hostile):
    release = draft(users["editor"], title=hostile, body=hostile)
    db.session.expire_all()
    stored = db.session.get(Release, release.id)
    assert stored.title == hostile.replace("\x00", "").replace("\x07", "").replace("\x0c", "")


def test_embargo_typed_in_oslo_time_is_stored_in_utc():
    assert local_to_utc(datetime(2026, 11, 23, 7, 0), "e") == datetime(2026, 11, 23, 6, 0,
                                                                        tzinfo=UTC)
    assert local_to_utc(datetime(2026, 7, 1, 7, 0), "e") == datetime(2026, 7, 1, 5, 0,
                                                                     tzinfo=UTC)
    with pytest.raises(UserError, match="does not exist"):
        local_to_utc(datetime(2026, 3, 29, 2, 30), "e")  # clocks go from 02:00 to 03:00


def test_retired_snippets_cannot_be_added_but_stay_where_they_are(users):
    editor = users["editor"]
    about = snippets.save_snippet(None, name="Om partiet", language="nb", body="Partiet er ...")
    release = draft(editor, snippet_ids=[about.id])
    snippets.save_snippet(about, name="Om partiet", language="nb", body="Partiet er ...",
                          retired=True)
    services.save_release(release, data_of(release, title="Endret"), editor.id)
    assert [s.name for s in release.snippets] == ["Om partiet"]
    with pytest.raises(UserError):
        draft(editor, snippet_ids=[about.id])


def test_system_transitions_are_no_user_actions(users, second_editor):
    release = approved(users["editor"], second_editor)
    assert "reopen_review" not in workflow.allowed_actions(release, users["editor"].id)
    with pytest.raises(WorkflowError, match="Unknown"):
        workflow.transition(release, "reopen_review", users["editor"].id)
    assert release.status == "approved"
    workflow.reopen_review(release, users["editor"].id)  # what an edit does
    assert release.status == "in_review" and release.approved_by_id is None


def test_a_refused_transition_names_the_action_and_the_status(users):
    release = draft(users["editor"])
    with pytest.raises(WorkflowError) as caught:
        workflow.transition(release, "publish", users["editor"].id)
    assert str(caught.value) == "“Mark as published” is not possible for a release that is " \
                                "“Draft”."
