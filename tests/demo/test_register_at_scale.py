"""The register on demo data: search finds demo people, and the contact list does a fixed
number of SQL statements however many rows a page shows (no query per row)."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from crm.contacts import views as contact_views
from crm.contacts.models import Contact, ContactPhone
from crm.contacts.services import ContactFilter, filtered_contacts
from crm.extensions import db

# The shared, read-only demo of this module (see conftest.py).
DEMO = ["--contacts", "150", "--seed", "11"]


def found(q: str, **kw) -> list[int]:
    return list(db.session.scalars(
        filtered_contacts(ContactFilter(q=q, **kw)).with_only_columns(Contact.id)))


def someone_with(letter: str) -> Contact:
    return db.session.scalars(db.select(Contact).where(Contact.name.contains(letter))
                              .order_by(Contact.id)).first()


def test_search_finds_a_demo_contact_by_a_name_with_ø(demo, demo_viewer):
    person = someone_with("ø")
    assert person is not None
    for query in (person.name, person.name.upper(), person.name.replace("ø", "o"),
                  person.name.split()[-1]):
        assert person.id in found(query), query
    page = demo_viewer.get("/contacts", query_string={"q": person.name})
    assert page.status_code == 200
    assert person.name in page.get_data(as_text=True)


def test_search_finds_demo_contacts_by_email_fragment_and_phone(demo):
    person = db.session.scalars(db.select(Contact).join(ContactPhone)
                                .order_by(Contact.id)).first()
    local = person.primary_phone.removeprefix("+47")
    assert person.id in found(f"{local[:3]} {local[3:5]} {local[5:]}")
    domain_part = person.primary_email.split("@")[0][-6:]
    assert person.id in found(domain_part)


@contextmanager
def counting_statements():
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


@pytest.mark.parametrize("path", ["/contacts", "/contacts?kind=journalist&beat=politikk",
                                  "/contacts?q=no", "/contacts?q=oslo&page=2"])
def test_the_contact_list_does_a_fixed_number_of_queries(demo, demo_viewer, monkeypatch,
                                                         path):
    counts = {}
    for page_size in (5, 50):
        monkeypatch.setattr(contact_views, "PAGE_SIZE", page_size)
        demo_viewer.get(path)  # warm caches (user, babel) alike for both sizes
        with counting_statements() as statements:
            response = demo_viewer.get(path)
        assert response.status_code == 200
        counts[page_size] = len(statements)
    # No statement per row; a page that is not full holds the last matches, so the smaller
    # page size may need the one count the larger one does without.
    assert counts[50] <= counts[5] <= counts[50] + 1, counts
    assert counts[50] <= 12, counts


def test_a_full_page_really_shows_fifty_rows(demo, demo_viewer):
    page = demo_viewer.get("/contacts").get_data(as_text=True)
    assert page.count('href="/contacts/') >= contact_views.PAGE_SIZE
