"""Dates and times in templates, in the reader's language and the configured zone (Babel)."""

from datetime import UTC, date, datetime

import pytest

from crm import create_app
from crm.templating import localdate, localtime
from tests.support import BASE_TEST_CONFIG

WINTER = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # 07:00 in Oslo
SUMMER = datetime(2026, 7, 1, 7, 5, tzinfo=UTC)  # 09:05 in Oslo


@pytest.fixture(scope="module")
def app():
    return create_app({**BASE_TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def shown(app, language, function, *args):
    with app.test_request_context(headers={"Accept-Language": language}):
        return function(*args)


def test_norwegian_dates_and_times(app):
    assert shown(app, "nb", localtime, WINTER) == "23.11.2026 07:00"
    assert shown(app, "nb", localtime, SUMMER) == "01.07.2026 09:05"
    assert shown(app, "nb", localtime, WINTER, "date") == "23.11.2026"
    assert shown(app, "nb", localtime, WINTER, "time") == "07:00"
    assert shown(app, "nb", localdate, date(2026, 12, 1)) == "01.12.2026"


def test_english_dates_and_times(app):
    # Not American: day before month, the 24-hour clock (a Norwegian office reading English).
    assert shown(app, "en", localtime, WINTER) == "23 Nov 2026, 07:00"
    assert shown(app, "en", localtime, WINTER, "date") == "23 Nov 2026"
    assert shown(app, "en", localtime, SUMMER, "time") == "09:05"
    assert shown(app, "en", localdate, date(2026, 12, 1)) == "1 Dec 2026"


def test_nothing_shows_as_empty(app):
    assert shown(app, "nb", localtime, None) == "" and shown(app, "en", localdate, None) == ""
