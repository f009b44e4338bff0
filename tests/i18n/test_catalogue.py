"""Every user-facing string has a Norwegian translation, and the UI speaks it."""

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "crm/translations/nb/LC_MESSAGES/messages.po"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "msg": None, "nmsg": (1, 2)}  # crm.messages
METHODS = [("crm/**.py", "python"), ("templates/**.html", "jinja2"),
           ("templates/**.txt", "jinja2")]


def source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
            str(ROOT), METHODS, keywords=KEYWORDS,
            options_map={"templates/**.html": {}, "templates/**.txt": {}}):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_string_is_translated_to_norwegian():
    with CATALOGUE.open("rb") as fh:
        catalogue = read_po(fh)
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue
                  if m.id and m.string and not m.fuzzy
                  and (m.string if isinstance(m.string, str) else all(m.string))}
    missing = sorted(source_messages() - translated)
    assert not missing, (f"{len(missing)} strings lack a Norwegian translation; run "
                         f"./scripts/translations and translate them: {missing[:20]}")


@pytest.mark.parametrize("language,expected", [("nb", "Kontakter"), ("en", "Contacts")])
def test_the_ui_follows_the_users_language(client, users, language, expected):
    from crm.extensions import db
    from tests.support import login
    users["editor"].language = language
    db.session.commit()
    login(client, users["editor"].email)
    assert expected in client.get("/contacts").get_data(as_text=True)


def test_login_page_follows_the_browser(client):
    page = client.get("/login", headers={"Accept-Language": "nb-NO,nb;q=0.9"})
    assert "Logg inn" in page.get_data(as_text=True)
    page = client.get("/login", headers={"Accept-Language": "en-GB"})
    assert "Log in" in page.get_data(as_text=True)
