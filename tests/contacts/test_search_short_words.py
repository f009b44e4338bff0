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


def test_a_large_search_is_counted_up_to_its_cap_and_says_over(as_editor, users, monkeypatch):
    """A search counts no further than SEARCH_COUNT_CAP (at least the next ten pages): the
    page says "over N", the pager "of over N" and the bulk action no number; the rows are the
    same, and a smaller result is counted exactly."""
    import crm.contacts.views as views

    for i in range(30):
        journalist(f"Kari Hansen {i:02d}")
    journalist("Åse Ødegård")
    db.session.commit()
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    monkeypatch.setattr(views, "SEARCH_COUNT_CAP", 5)  # raised to (page + 10) x 2 = 22
    page = as_editor.get("/contacts?q=hansen").get_data(as_text=True)
    assert '<small class="muted">over 22</small>' in page
    assert "Page 1 of over 11" in page
    assert "All contacts matching this filter (over 22)" in page
    assert page.count('name="id" value=') == 2
    page = as_editor.get("/contacts?q=hansen&page=14").get_data(as_text=True)
    assert "Kari Hansen 26" in page and "Kari Hansen 27" in page  # 26 and 27 sort 27th, 28th
    assert '<small class="muted">30</small>' in page and "Page 14 of 15" in page
    assert '<small class="muted">1</small>' in as_editor.get("/contacts?q=ødegård").get_data(
        as_text=True)
    users["editor"].language = "nb"
    db.session.commit()
    page = as_editor.get("/contacts?q=hansen").get_data(as_text=True)
    assert "Side 1 av over 11" in page and "Alle kontakter som passer til filteret (over 22)" \
        in page
