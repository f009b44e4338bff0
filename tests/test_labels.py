"""Each code set is one labelled enum: stored codes as before, one label table per set."""

import re
from pathlib import Path

import pytest

from crm import create_app
from crm.auth.models import ROLES, Role
from crm.contacts.models import CONTACT_KINDS, ContactKind, OrganisationKind
from crm.interactions.labels import LOGGABLE_KINDS, InteractionKind
from crm.labels import LabelledEnum
from crm.monitoring.models import FeedHealth, TermGroup
from crm.releases.models import STATUSES, ReleaseStatus
from crm.templating import code_label, code_sets
from tests.support import BASE_TEST_CONFIG

TEMPLATES = Path(__file__).parent.parent / "templates"


@pytest.fixture(scope="module")
def app():
    return create_app({**BASE_TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_members_are_the_stored_codes():
    assert CONTACT_KINDS == ("journalist", "politician", "official")
    assert ROLES == ("viewer", "editor", "admin")
    assert STATUSES == ("draft", "in_review", "approved", "published", "withdrawn")
    assert ContactKind.JOURNALIST == "journalist" and ContactKind("official") is ContactKind.OFFICIAL
    assert f"{ReleaseStatus.IN_REVIEW}" == "in_review" and Role.ADMIN in ("admin",)
    assert InteractionKind.RELEASE not in LOGGABLE_KINDS


@pytest.mark.parametrize("language,expected", [
    ("en", ["Journalist", "Media outlets", "In review", "Politicians", "failing"]),
    ("nb", ["Journalist", "Medier", "Til godkjenning", "Politikere", "feiler"]),
])
def test_labels_in_the_readers_language(app, language, expected):
    with app.test_request_context(headers={"Accept-Language": language}):
        shown = [code_label("journalist", "contact_kind"), str(OrganisationKind.OUTLET.plural),
                 code_label("in_review", "release_status"), str(TermGroup.POLITICIAN.plural),
                 str(FeedHealth.FAILING.label)]
    assert shown == expected


def test_unknown_codes_show_as_themselves(app):
    with app.test_request_context():
        assert code_label("klingon", "contact_kind") == "klingon"
        assert code_label(None, "role") == ""


def test_choices_in_declaration_order(app):
    with app.test_request_context():
        assert [(c, str(label)) for c, label in Role.choices()] == [
            ("viewer", "Viewer (read only)"), ("editor", "Editor"), ("admin", "Admin")]
        assert [c for c, _ in TermGroup.choices(plural=True)] == list(TermGroup.values())


def test_every_code_set_is_reachable_from_templates():
    sets = vars(code_sets())
    assert all(issubclass(enum, LabelledEnum) for enum in sets.values())
    assert {"contact_kind", "role", "release_status", "feed_health", "term_group"} <= set(sets)


def test_no_template_restates_a_code_to_label_table():
    codes = {member.value for enum in vars(code_sets()).values() for member in enum} - {
        "nb", "nn", "en", "ok", "new", "email", "other", "party", "event"}
    table = re.compile(r"['\"](\w+)['\"]\s*[:,]\s*_\(")
    for path in TEMPLATES.rglob("*.html"):
        restated = set(table.findall(path.read_text())) & codes
        assert not restated, f"{path.relative_to(TEMPLATES)} restates labels of {restated}"
