"""What services refuse or store is read in the reader's language, whoever caused it."""

from __future__ import annotations

import pytest

from crm.extensions import db
from crm.jobs.models import JobRun
from crm.messages import Message, StoredMessage, literal, msg, nmsg
from crm.monitoring.models import Feed
from crm.timeutil import utcnow


def speak(users, role: str, language: str) -> None:
    from flask import g
    users[role].language = language
    db.session.commit()
    g.pop("_flask_babel", None)  # tests share one app context; a real request has its own


def page(client, url: str, **kwargs) -> str:
    response = client.post(url, **kwargs) if "data" in kwargs else client.get(url)
    assert response.status_code < 500
    return response.get_data(as_text=True)


@pytest.mark.parametrize("language,expected", [
    ("nb", "Bare nyhetsstrømmer over http og https kan hentes, ikke «ftp»."),
    ("en", "Only http and https feeds can be fetched, not “ftp”."),
])
def test_an_ftp_feed_is_refused_in_the_readers_language(as_editor, users, language, expected):
    speak(users, "editor", language)
    html = page(as_editor, "/monitoring/feeds/new",
                data={"url": "ftp://nrk.no/toppsaker.rss", "interval_minutes": "15"})
    assert expected in html
    assert not db.session.scalars(db.select(Feed)).all()


@pytest.mark.parametrize("language,expected", [
    ("nb", "Det finnes allerede en medieliste som heter «Ærlige journalister»."),
    ("en", "A media list called “Ærlige journalister” already exists."),
])
def test_a_duplicate_media_list_is_refused_in_the_readers_language(as_editor, users, language,
                                                                    expected):
    speak(users, "editor", language)
    assert as_editor.post("/lists/new", data={"name": "Ærlige journalister"}).status_code == 302
    html = page(as_editor, "/lists/new", data={"name": "Ærlige journalister"})
    assert expected in html


def _failing_feed() -> Feed:
    # Stored once (by the poller, in no one's language) and read by both.
    feed = Feed(url="https://example.no/rss", name="Eksempelavisa", active=True,
                consecutive_failures=2, last_error_at=utcnow(),
                last_error=msg("HTTP %(status)d%(reason)s (no feed at that address).",
                               status=404, reason=" Not Found"))
    db.session.add(feed)
    db.session.commit()
    return feed


@pytest.mark.parametrize("language,expected,absent", [
    ("nb", "HTTP 404 Not Found (ingen nyhetsstrøm på den adressen).", "no feed at that address"),
    ("en", "HTTP 404 Not Found (no feed at that address).", "ingen nyhetsstrøm"),
])
def test_a_failing_feeds_health_reads_in_the_readers_language(as_editor, users, language,
                                                              expected, absent):
    feed = _failing_feed()
    speak(users, "editor", language)
    for url in (f"/monitoring/feeds/{feed.id}", "/monitoring/feeds"):
        html = page(as_editor, url)
        assert expected in html and absent not in html, url


def test_a_job_result_reads_in_the_readers_language(as_admin, users):
    db.session.add(JobRun(job_id="retention-report", started_at=utcnow(),
                          finished_at=utcnow(), ok=True,
                          message=nmsg("%(num)d contact with no activity for %(months)d months "
                                       "(since %(since)s); see the retention report",
                                       "%(num)d contacts with no activity for %(months)d "
                                       "months (since %(since)s); see the retention report",
                                       3, months=24, since=utcnow().date())))
    db.session.commit()
    speak(users, "admin", "nb")
    html = page(as_admin, "/admin/jobs/")
    assert "3 kontakter uten aktivitet på 24 måneder" in html
    assert "Tell kontakter som er over lagringstiden" in html  # the job's description
    speak(users, "admin", "en")
    html = page(as_admin, "/admin/jobs/")
    assert "3 contacts with no activity for 24 months" in html


def test_stored_messages_keep_id_parameters_and_nesting(app):
    column = StoredMessage()
    inner = msg("HTTP error: %(reason)s.", reason="<b>bad</b> & ugly")
    outer = Message("%(items)s", {"items": [inner, msg("Invalid UTF-8 bytes were replaced.")]})
    stored = column.process_bind_param(outer, None)
    assert column.process_result_value(stored, None) == outer
    assert str(outer) == "HTTP error: <b>bad</b> & ugly.; Invalid UTF-8 bytes were replaced."
    # Jinja escapes a Message like any text.
    assert "&lt;b&gt;" in outer.__html__()
    # Text stored before messages existed reads as it was, not translated or %-formatted.
    assert str(column.process_result_value("100% sikkert: %(x)s", None)) == \
        "100% sikkert: %(x)s"
    assert not column.process_result_value("", None)
    assert str(literal("Støre")) == "Støre"


def test_no_user_error_in_crm_is_an_untranslated_sentence():
    """Every UserError (and subclass) raised in crm/ gets a Message, not a bare string."""
    import ast
    import pathlib

    from crm import errors

    names = {"UserError"}
    root = pathlib.Path(errors.__file__).parent
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in root.rglob("*.py")}
    for tree in trees.values():  # subclasses, wherever they are declared
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and any(
                    isinstance(b, ast.Name) and b.id in names for b in node.bases):
                names.add(node.name)
    offenders = []
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and \
                    isinstance(node.exc.func, ast.Name | ast.Attribute):
                func = node.exc.func
                name = func.id if isinstance(func, ast.Name) else func.attr
                args = node.exc.args
                if name in names and args and isinstance(
                        args[0], ast.Constant | ast.JoinedStr):
                    offenders.append(f"{path.relative_to(root)}:{node.lineno}")
    assert not offenders, offenders
