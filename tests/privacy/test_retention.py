"""The retention report: contacts with no activity for N months, and erasing them."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select

from crm.contacts.models import Contact
from crm.extensions import db
from crm.privacy.retention import RetentionError, months_before, parse_months, retention_report
from crm.privacy.services import erase_contact
from crm.registry import PRIVACY_PARTS
from crm.timeutil import utcnow
from tests.factories import NOW, backdate, journalist, log

SECOND = timedelta(seconds=1)
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


def person(name: str, created=LONG_AGO, updated=None) -> Contact:
    contact = journalist(name=name)
    backdate(contact, created, updated)
    return contact


@pytest.mark.parametrize("moment,months,expected", [
    # Oslo wall-clock time kept: 13:00 CET in March is 12:00 UTC.
    (datetime(2026, 3, 15, 12, 0, tzinfo=UTC), 24, datetime(2024, 3, 15, 12, 0, tzinfo=UTC)),
    (datetime(2025, 12, 31, 10, 0, tzinfo=UTC), 10, datetime(2025, 2, 28, 10, 0, tzinfo=UTC)),
    (datetime(2024, 2, 29, 10, 0, tzinfo=UTC), 12, datetime(2023, 2, 28, 10, 0, tzinfo=UTC)),
    # 14:00 summer time (12:00 UTC) three months back is 14:00 winter time (13:00 UTC).
    (datetime(2026, 5, 15, 12, 0, tzinfo=UTC), 3, datetime(2026, 2, 15, 13, 0, tzinfo=UTC)),
    (datetime(2026, 1, 10, 12, 0, tzinfo=UTC), 13, datetime(2024, 12, 10, 12, 0, tzinfo=UTC)),
])
def test_months_are_calendar_months_in_local_time(app, moment, months, expected):
    assert months_before(moment, months) == expected


@pytest.mark.parametrize("value", ["", "abc", "0", "-3", "601", "1.5", None, "9" * 50])
def test_unusable_periods_are_refused_with_a_reason(value):
    with pytest.raises(RetentionError):
        parse_months(value)


def test_report_boundaries(app, users):
    cutoff = months_before(NOW, 24)
    quiet = person("Quiet since just before", created=cutoff - SECOND)
    just_at = person("Created at the cutoff", created=cutoff)
    called_before = person("Called just before")
    log([called_before], when=cutoff - SECOND)
    called_at = person("Called at the cutoff")
    log([called_at], when=cutoff)
    changed = person("Changed recently", updated=NOW - timedelta(days=3))
    planned = person("Meeting planned")
    log([planned], kind="meeting", when=NOW + timedelta(days=10))
    old_calls = person("Two old calls")
    log([old_calls], when=LONG_AGO + timedelta(days=5))
    log([old_calls], when=LONG_AGO + timedelta(days=9))
    erased = person("Erased long ago")
    erase_contact(erased)
    backdate(erased, LONG_AGO)

    report = retention_report(24, now=NOW)

    assert report.cutoff == cutoff
    assert report.rows == [
        (old_calls.id, LONG_AGO + timedelta(days=9)),
        (quiet.id, cutoff - SECOND),  # ties in order of id
        (called_before.id, cutoff - SECOND),
    ]
    listed = set(report.ids)
    for kept in (just_at, called_at, changed, planned, erased):
        assert kept.id not in listed


def test_a_longer_period_lists_fewer_contacts(app):
    old = person("Old")
    middle = person("Middle", created=NOW - timedelta(days=400))
    assert set(retention_report(12, now=NOW).ids) == {old.id, middle.id}
    assert retention_report(24, now=NOW).ids == [old.id]


def test_other_domains_report_activity_through_the_registry(app, monkeypatch):
    active = person("Got a press release last week")
    quiet = person("Quiet")
    monkeypatch.setitem(PRIVACY_PARTS, "releases", replace(
        PRIVACY_PARTS["releases"], activity=lambda ids: {active.id: NOW - timedelta(days=7)}))
    assert retention_report(24, now=NOW).ids == [quiet.id]


def count_statements(func) -> int:
    statements = []

    def listener(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        func()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)


def test_the_report_takes_the_same_number_of_queries_for_3_or_60_contacts(app):
    def build(n):
        for i in range(n):
            contact = person(f"Person {i}")
            log([contact], when=LONG_AGO + timedelta(days=i))
    build(3)
    small = count_statements(lambda: retention_report(24, now=NOW))
    build(57)
    large = count_statements(lambda: retention_report(24, now=NOW))
    assert retention_report(24, now=NOW).total == 60
    assert small == large


# The page --------------------------------------------------------------------------------

@pytest.fixture
def quiet_people():
    ola = person("Ola Nordmann")
    log([ola], when=utcnow() - timedelta(days=1000))
    kari = person("Kari Ødegård")
    fresh = journalist(name="Fersk Kontakt")
    return ola, kari, fresh


def test_editors_see_the_report_without_erase_buttons(as_editor, quiet_people):
    ola, kari, fresh = quiet_people
    html = as_editor.get("/privacy/retention?months=24").get_data(as_text=True)
    assert "Ola Nordmann" in html and "Kari Ødegård" in html and "Fersk" not in html
    assert 'name="contact_id"' not in html and "Erase all" not in html
    assert html.index("Kari Ødegård") < html.index("Ola Nordmann")  # oldest activity first


def test_admins_get_per_row_and_bulk_erase(as_admin, quiet_people):
    ola, kari, _fresh = quiet_people
    html = as_admin.get("/privacy/retention").get_data(as_text=True)
    assert f'value="{ola.id}"' in html and "Erase all 2 listed" in html
    assert f"/privacy/contacts/{ola.id}/erase?back=retention" in html


def test_viewers_cannot_see_the_report(as_viewer):
    assert as_viewer.get("/privacy/retention").status_code == 403


@pytest.mark.parametrize("months", ["abc", "0", "-1", "99999", "1e3", "<script>"])
def test_bad_periods_give_a_message_not_an_error(as_editor, months):
    response = as_editor.get("/privacy/retention", query_string={"months": months})
    assert response.status_code == 200
    assert "whole number of months" in response.get_data(as_text=True)


def test_bulk_erase_of_selected_contacts_asks_first(as_admin, quiet_people):
    ola, kari, fresh = quiet_people
    form = {"months": 24, "scope": "selected", "contact_id": [ola.id, "junk", 98765]}
    page = as_admin.post("/privacy/retention/erase", data=form)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Ola Nordmann" in html and "Kari" not in html
    assert "Erase 1 contact<" in html
    db.session.expire_all()
    assert db.session.get(Contact, ola.id).erased_at is None
    done = as_admin.post("/privacy/retention/erase", data={**form, "confirm": "yes"},
                         follow_redirects=True)
    assert "Erased the personal data of 1 contact." in done.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Contact, ola.id).erased_at is not None
    assert db.session.get(Contact, kari.id).erased_at is None


def test_bulk_erase_of_everything_listed(as_admin, quiet_people):
    ola, kari, fresh = quiet_people
    page = as_admin.post("/privacy/retention/erase", data={"months": 24, "scope": "all"})
    assert "Erase 2 contacts" in page.get_data(as_text=True)
    as_admin.post("/privacy/retention/erase", data={"months": 24, "scope": "all",
                                                    "confirm": "yes"})
    db.session.expire_all()
    erased = {c.id for c in db.session.scalars(select(Contact).where(
        Contact.erased_at.is_not(None)))}
    assert erased == {ola.id, kari.id}


def test_bulk_erase_with_nothing_selected_says_so(as_admin, quiet_people):
    response = as_admin.post("/privacy/retention/erase", data={"months": 24},
                             follow_redirects=True)
    assert "Select at least one contact" in response.get_data(as_text=True)


def test_erasing_one_row_returns_to_the_report(as_admin, quiet_people):
    ola, _kari, _fresh = quiet_people
    response = as_admin.post(f"/privacy/contacts/{ola.id}/erase", data={
        "confirm": "yes", "back": "retention", "months": "24"})
    assert response.headers["Location"].endswith("/privacy/retention?months=24")


# The command -----------------------------------------------------------------------------

def test_command_prints_counts_and_rows(runner, quiet_people):
    ola, kari, _fresh = quiet_people
    result = runner.invoke(args=["retention-report", "--months", "24"])
    assert result.exit_code == 0, result.output
    assert "2 contacts" in result.output
    assert f"{ola.id}\t" in result.output and "Kari Ødegård" in result.output
    assert "\t1\tOla Nordmann" in result.output  # one interaction
    quiet = runner.invoke(args=["retention-report", "--quiet"])
    assert "2 contacts" in quiet.output and "Ola" not in quiet.output


def test_command_asks_before_erasing(runner, quiet_people):
    ola, _kari, _fresh = quiet_people
    result = runner.invoke(args=["retention-report", "--months", "24", "--erase"], input="n\n")
    assert result.exit_code != 0 and "Aborted" in result.output
    db.session.expire_all()
    assert db.session.get(Contact, ola.id).erased_at is None


def test_command_erases_with_yes(runner, quiet_people):
    ola, kari, fresh = quiet_people
    result = runner.invoke(args=["retention-report", "--months", "24", "--erase", "--yes"])
    assert result.exit_code == 0, result.output
    assert "Erased 2 of 2" in result.output and "Erased 2 contacts" in result.output
    db.session.expire_all()
    assert db.session.get(Contact, ola.id).name == f"Slettet kontakt {ola.id}"
    assert db.session.get(Contact, fresh.id).erased_at is None
    again = runner.invoke(args=["retention-report", "--months", "24", "--erase", "--yes"])
    assert "0 contacts" in again.output


@pytest.mark.parametrize("months", ["0", "abc", "601"])
def test_command_refuses_bad_periods(runner, months):
    result = runner.invoke(args=["retention-report", "--months", months])
    assert result.exit_code == 2
