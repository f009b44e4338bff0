"""Dates inside a release speak the release's language, whoever reads them (Babel)."""

from datetime import UTC, datetime

import pytest

from crm import create_app
from crm.releases.wording import embargo_short, embargo_statement, format_date, format_moment
from tests.support import BASE_TEST_CONFIG

WINTER = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # 07:00 CET in Oslo
SUMMER = datetime(2026, 7, 1, 7, 5, tzinfo=UTC)  # 09:05 CEST


@pytest.fixture(autouse=True, scope="module")
def _context():
    """The release's language decides, not the configured UI language (English in tests)."""
    with create_app({**BASE_TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://"}).app_context():
        yield


@pytest.mark.parametrize("language,expected", [
    ("nb", "23.11.2026"), ("nn", "23.11.2026"), ("en", "23 November 2026"),
])
def test_release_dates(language, expected):
    assert format_date(WINTER, language) == expected


def test_moments_with_the_zone_for_english_readers():
    assert format_moment(WINTER, "nb") == "23.11.2026 kl. 07:00"
    assert format_moment(SUMMER, "nn") == "01.07.2026 kl. 09:05"
    assert format_moment(WINTER, "en") == "07:00 CET, 23 November 2026"
    assert format_moment(SUMMER, "en") == "09:05 CEST, 1 July 2026"


def test_embargo_lines():
    assert embargo_statement(WINTER, "nb") == \
        "SPERREFRIST: 23.11.2026 kl. 07:00. Ikke for publisering før dette tidspunktet."
    assert embargo_short(SUMMER, "en") == "EMBARGOED UNTIL 09:05 CEST, 1 July 2026"
    assert format_date(None, "nb") == "" and format_moment(None, "en") == ""
