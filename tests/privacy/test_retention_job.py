"""The daily retention job and the retention count in admins' digests."""

from datetime import timedelta

from crm.digest import services as digest
from crm.jobs.services import run_job
from crm.timeutil import local_today, utcnow
from tests.factories import backdate, journalist


def test_the_daily_job_counts_contacts_past_retention(app):
    old = journalist("Gammel Kilde")
    backdate(old, utcnow() - timedelta(days=3 * 365))
    journalist("Ny Kilde")
    run = run_job("retention-report", "crm.privacy.retention:retention_check")
    assert run.ok and str(run.message).startswith("1 contact with no activity for 24 months")


def test_admins_digest_names_the_count_and_editors_does_not(app, users):
    old = journalist("Gammel Kilde")
    backdate(old, utcnow() - timedelta(days=3 * 365))
    _d, admin_mail = digest.compose(users["admin"], local_today())
    _d, editor_mail = digest.compose(users["editor"], local_today())
    assert "1 contact has had no activity for 24 months" in admin_mail.text
    assert "/privacy/retention?months=24" in admin_mail.html
    assert "no activity for 24 months" not in editor_mail.text
