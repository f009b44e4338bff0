"""The optional PDF beside the .docx: made by LibreOffice when it is installed (skipped with
the reason otherwise); without it the option is hidden and admins are told why."""

from __future__ import annotations

import shutil

import pytest

from crm.releases import distribution, pdf
from crm.releases.distribution import DistributionError
from tests import factories as make
from tests.factories import approved

HAS_LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")


def _send(release, attach_pdf: bool):
    media_list = make.media_list("Utvalgte", [make.journalist("Kari Nordmann",
                                                              email="kari@nrk.no")])
    created = distribution.create_distribution(release, list_ids=[media_list.id],
                                               contact_ids=[], send_at=None, user_id=None,
                                               attach_pdf=attach_pdf)
    return created, distribution.send_distribution(created)


@pytest.mark.slow
@pytest.mark.skipif(not HAS_LIBREOFFICE, reason="LibreOffice is not installed (no "
                    "`libreoffice` or `soffice` on PATH): no PDF can be made")
def test_a_pdf_made_by_libreoffice_goes_beside_the_docx(app, users, second_editor,
                                                        smtp_server):
    app.config["CRM_PDF_TIMEOUT"] = 180
    release = approved(users["editor"], second_editor)
    dist, report = _send(release, attach_pdf=True)
    assert report.sent == 1, report.errors
    attachments = list(smtp_server.messages[0].iter_attachments())
    names = [a.get_filename() for a in attachments]
    assert names[0].endswith(".docx") and names[1] == names[0][:-5] + ".pdf"
    assert attachments[1].get_content_type() == "application/pdf"
    assert attachments[1].get_content().startswith(b"%PDF")


def test_without_libreoffice_the_option_is_refused_and_admins_see_why(
        app, users, second_editor, media_list, monkeypatch, as_admin):
    monkeypatch.setenv("PATH", "/nonexistent")
    assert pdf.converter() is None
    release = approved(users["editor"], second_editor)
    with pytest.raises(DistributionError, match="LibreOffice is not installed"):
        distribution.create_distribution(release, list_ids=[media_list.id], contact_ids=[],
                                         send_at=None, user_id=None, attach_pdf=True)
    page = as_admin.get(f"/releases/{release.id}/distribute").get_data(as_text=True)
    assert "LibreOffice is not installed" in page and 'name="attach_pdf"' not in page


def test_editors_see_the_option_only_where_libreoffice_is_installed(
        app, users, second_editor, as_editor, monkeypatch):
    release = approved(users["editor"], second_editor)
    page = as_editor.get(f"/releases/{release.id}/distribute").get_data(as_text=True)
    assert ('name="attach_pdf"' in page) == bool(HAS_LIBREOFFICE)
    monkeypatch.setenv("PATH", "/nonexistent")
    page = as_editor.get(f"/releases/{release.id}/distribute").get_data(as_text=True)
    assert 'name="attach_pdf"' not in page and "LibreOffice" not in page  # admins only
