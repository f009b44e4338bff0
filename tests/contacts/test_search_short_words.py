"""Search words of one or two letters match the start of a word, so the index can answer them."""

import pytest

from crm.contacts.services import ContactData, ContactFilter, create_contact, filtered_contacts
from crm.extensions import db


def journalist(name, **kw):
    return create_contact(ContactData(kind="journalist", name=name, **kw))


def find(q="", **kw) -> list[str]:
    return [c.name for c in db.session.scalars(filtered_contacts(ContactFilter(q=q, **kw)))]


@pytest.fixture
def people(app):
    journalist("Åse Lie")
    journalist("Per Ås", beats=["helse"])
    journalist("Thomas Berg", notes="Treffes på Stortinget")
    journalist("Kari Vik", emails=["kari@vg.no"])


@pytest.mark.parametrize("query,names", [
    ("ås", ["Per Ås", "Åse Lie"]),  # a word start, first in the text or after a space
    ("as", ["Per Ås", "Åse Lie"]),  # not "Thomas": two letters inside a word do not count
    ("ÅS", ["Per Ås", "Åse Lie"]),
    ("vg", ["Kari Vik"]),
    ("kari vg", ["Kari Vik"]),
    ("ås helse", ["Per Ås"]),
    ("v", ["Kari Vik"]),
    ("homas", ["Thomas Berg"]),  # three or more letters still match inside words
    ("zz", []),
])
def test_short_words_match_word_starts(people, query, names):
    assert find(query) == names


def test_short_words_combine_with_filters(people):
    assert find("ås", beat="helse") == ["Per Ås"]
    assert find("li", beat="helse") == []
