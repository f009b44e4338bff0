"""The subject-access export as a document to send the person, in their language."""

from __future__ import annotations

from html.parser import HTMLParser

from tests import factories as f


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.lang = ""

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            self.lang = dict(attrs).get("lang", "")

    def handle_data(self, data):
        if data.strip():
            self.parts.append(data.strip())


def document(client, contact) -> _Text:
    response = client.get(f"/privacy/contacts/{contact.id}/export.html")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert "attachment" in response.headers["Content-Disposition"]
    parsed = _Text()
    parsed.feed(response.get_data(as_text=True))
    return parsed


def test_a_norwegian_contact_gets_a_norwegian_document(as_editor):
    kari = f.journalist("Kari Vårli", org="NRK", email="kari@nrk.no", preferred_language="nn",
                        data_source="Byline i NRK", tags=["politikk"])
    f.log([kari], subject="Budsjettlekkasje <script>")
    text = " | ".join(document(as_editor, kari).parts)
    assert "Personopplysninger om Kari Vårli" in text
    assert "Datatilsynet" in text and "Byline i NRK" in text
    assert "E-postadresser" in text and "kari@nrk.no" in text
    assert "Journalist" in text and "Berettiget interesse" in text
    assert "Budsjettlekkasje <script>" in text  # as text, escaped in the HTML
    for english in ("Personal data", "Lawful basis", "Emails", "legitimate_interest"):
        assert english not in text


def test_an_english_contact_gets_an_english_document(as_editor):
    anna = f.journalist("Anna Smith", org="Reuters", preferred_language="en")
    parsed = document(as_editor, anna)
    text = " | ".join(parsed.parts)
    assert parsed.lang == "en"
    assert "Personal data about Anna Smith" in text and "Your rights" in text


def test_the_document_is_in_the_audit_log(as_editor):
    from crm.audit.models import AuditEntry
    from crm.extensions import db
    kari = f.journalist("Kari Vårli")
    document(as_editor, kari)
    assert db.session.scalar(db.select(AuditEntry).where(
        AuditEntry.action == "export", AuditEntry.entity_id == kari.id)) is not None
