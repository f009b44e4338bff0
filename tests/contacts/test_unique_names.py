"""Names that must be unique (issue 12, Bad input): organisations, media lists and tags are one
name whatever their case or accents, through a stored key (crm.text.name_key) with a unique
index, on SQLite and PostgreSQL alike; æ, ø and å stay letters of their own; a clash is a form
error, and so is a clash that only the database sees (a race)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from crm import create_app
from crm.contacts.lists import save_media_list
from crm.contacts.models import MediaList, Organisation, Tag
from crm.contacts.services import get_or_create_tags, save_organisation
from crm.errors import UserError
from crm.extensions import db
from crm.text import name_key
from tests.factories import journalist
from tests.support import BASE_TEST_CONFIG


@pytest.mark.parametrize("a,b", [
    ("Ærlige journalister", "ærlige  JOURNALISTER"), ("Østlandets Blad", "østlandets blad"),
    ("Café Politikk", "Cafe politikk"), ("Straße", "STRASSE"), ("Å", "å"),
    ("e\u0301n", "én"),  # decomposed and composed é
])
def test_one_name(a, b):
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize("a,b", [("Å", "A"), ("Ørsta", "Orsta"), ("Ærlig", "Aerlig"),
                                 ("Bø", "Bo"), ("Ålesund", "Aalesund")])
def test_norwegian_letters_are_letters_of_their_own(a, b):
    assert name_key(a) != name_key(b)


def test_a_clash_in_any_case_or_accent_is_a_user_error(app):
    save_organisation(None, name="Østlandets Blad", kind="outlet")
    save_media_list(None, name="Ærlige journalister")
    with pytest.raises(UserError) as org:
        save_organisation(None, name="ØSTLANDETS  blad", kind="outlet")
    assert org.value.field == "name"
    with pytest.raises(UserError):
        save_media_list(None, name="ærlige journalistér")
    save_organisation(None, name="Ostlandets Blad", kind="outlet")  # Ø is not O
    save_media_list(None, name="Aerlige journalister")
    assert db.session.scalar(db.select(db.func.count()).select_from(Organisation)) == 2
    assert db.session.scalar(db.select(db.func.count()).select_from(MediaList)) == 2


def test_renaming_to_its_own_name_in_another_case_is_allowed(app):
    ml = save_media_list(None, name="ærlige journalister")
    assert save_media_list(ml, name="Ærlige journalister").name == "Ærlige journalister"


def test_a_race_the_database_sees_is_a_user_error_not_a_500(app, monkeypatch):
    """Two requests check at once, both see no clash: the unique index refuses the second."""
    save_organisation(None, name="Østlandets Blad", kind="outlet")
    save_media_list(None, name="Ærlige journalister")
    real_scalar = db.session.scalar

    def no_clash_seen(statement, *args, **kwargs):
        text_of = str(statement)
        if "name_key" in text_of and ("organisation" in text_of or "media_list" in text_of):
            return None
        return real_scalar(statement, *args, **kwargs)

    monkeypatch.setattr(db.session, "scalar", no_clash_seen)
    with pytest.raises(UserError, match="already exists"):
        save_organisation(None, name="østlandets blad", kind="outlet")
    with pytest.raises(UserError, match="already exists"):
        save_media_list(None, name="ærlige JOURNALISTER")


def test_tags_in_another_case_are_the_same_tag(app):
    first = get_or_create_tags(["Viktig"])
    db.session.commit()
    assert get_or_create_tags(["viktig", "VIKTIG"]) == first
    kari = journalist("Kari Ærlig", tags=["Østfold", "østfold"])
    assert len(kari.tags) == 1 and name_key(kari.tags[0].name) == "østfold"
    assert db.session.scalar(db.select(db.func.count()).select_from(Tag)) == 2


def test_the_forms_show_a_clash_as_an_error(as_editor):
    assert as_editor.post("/organisations/new", data={"name": "Østlandets Blad",
                                                      "kind": "outlet"}).status_code == 302
    response = as_editor.post("/organisations/new", data={"name": "ØSTLANDETS BLAD",
                                                          "kind": "outlet"})
    assert response.status_code == 200 and b"already exists" in response.data
    assert as_editor.post("/lists/new", data={"name": "Ærlige journalister"}).status_code == 302
    response = as_editor.post("/lists/new", data={"name": "ærlige journalistér"})
    assert response.status_code == 200 and b"already exists" in response.data
    response = as_editor.post("/organisations/new", data={"name": "østlandets blad",
                                                          "kind": "outlet"})
    assert response.status_code == 200 and b"already exists" in response.data
    assert len(db.session.scalars(db.select(Organisation)).all()) == 1
    assert len(db.session.scalars(db.select(MediaList)).all()) == 1


def test_the_migration_fills_keys_and_survives_names_that_already_clash(tmp_path):
    """Before the keys, SQLite let "Østlandets Blad" and "østlandets blad" both in."""
    from flask_migrate import upgrade
    url = "sqlite:///" + str(tmp_path / "old.sqlite3")
    app = create_app({**BASE_TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(revision="0002")
        with db.engine.begin() as conn:
            for i, name in enumerate(["Østlandets Blad", "østlandets blad", "Ostlandets Blad"]):
                conn.execute(text("INSERT INTO organisation (id, name, sort_name, kind, website,"
                                  " notes, created_at, updated_at) VALUES (:id, :name, :name,"
                                  " 'outlet', '', '', '2026-01-01', '2026-01-01')"),
                             {"id": i + 1, "name": name})
        upgrade()
        db.engine.dispose()
    engine = create_engine(url)
    with engine.connect() as conn:
        keys = conn.execute(text("SELECT id, name_key FROM organisation ORDER BY id")).all()
    engine.dispose()
    assert keys == [(1, "østlandets blad"), (2, "østlandets blad #2"), (3, "ostlandets blad")]


def test_users_emails_are_one_address_whatever_their_case(app):
    """Users' emails are stored normalised (email_validator, lower case): the column is the key."""
    from crm.auth.services import create_user
    from tests.support import PASSWORD
    create_user("Åse.Ødegård@Example.no", PASSWORD, role="editor")
    with pytest.raises(UserError) as clash:
        create_user("åse.ødegård@EXAMPLE.NO", PASSWORD, role="editor")
    assert clash.value.field == "email"
