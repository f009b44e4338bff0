"""No page issues a query per row: every list and detail page sends as many SQL statements with
100 rows as with 10.

Each case makes a page's rows with a small builder (every row with related rows of its own:
its own organisation, author, staff member, feed ... so a lazy load per row cannot hide in
the session's identity map), counts the statements of one request with 10 rows, adds 90 more
and counts again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from crm.auth.models import User
from crm.contacts.models import (
    Contact,
    ContactBeat,
    ContactEmail,
    ContactPhone,
    MediaList,
    MediaListMember,
    Organisation,
    Tag,
)
from crm.extensions import db
from crm.interactions.models import FollowUp, Interaction, PressInquiry
from crm.monitoring.models import Article, ArticleSource, Feed, Mention, WatchTerm
from crm.releases.models import (
    Distribution,
    DistributionRecipient,
    Release,
    ReleaseQuote,
    ReleaseVersion,
)
from crm.text import sort_key
from crm.timeutil import utcnow


@dataclass
class Rows:
    """Builds rows numbered 1, 2, 3 ...; a larger number is a later time (newest first), all
    within the last minute. Its own session: the requests' session starts empty each time."""

    editor_id: int
    n: int = 0
    now: object = field(default_factory=utcnow)
    session: Session = field(default_factory=lambda: Session(db.engine))

    def number(self) -> int:
        self.n += 1
        return self.n

    def at(self, k: int):
        return self.now - timedelta(seconds=60) + timedelta(milliseconds=k)

    def add(self, obj):
        self.session.add(obj)
        return obj

    def organisation(self, kind: str = "outlet") -> Organisation:
        k = self.number()
        return self.add(Organisation(name=f"Org {k:04d}", sort_name=sort_key(f"Org {k:04d}"),
                                     kind=kind))

    def contact(self, kind: str = "journalist", organisation: Organisation | None = None):
        k = self.number()
        name = f"Person {k:04d}"
        return self.add(Contact(
            kind=kind, name=name, sort_name=sort_key(name),
            organisation=organisation or self.organisation(), title="Reporter",
            emails=[ContactEmail(email=f"p{k}@example.no", position=0)],
            phones=[ContactPhone(number=f"+479{k:07d}", position=0)],
            beats=[ContactBeat(name=f"beat {k}")], tags=[Tag(name=f"tag {k}")]))

    def staff(self) -> User:
        k = self.number()
        return self.add(User(email=f"staff{k}@example.no", name=f"Staff {k:04d}",
                             password_hash="-", role="editor", language="en"))

    def interaction(self, contact: Contact | None = None, *, inquiry: str = "",
                    assignee_id: int | None = None, due_in: timedelta = timedelta(days=1),
                    ) -> Interaction:
        k = self.number()
        staff = self.staff()
        item = self.add(Interaction(
            kind="inquiry" if inquiry else "phone", direction="inbound",
            occurred_at=self.at(k), staff=staff, subject=f"Subject {k:04d}",
            contacts=[contact or self.contact()]))
        item.follow_ups.append(FollowUp(assignee=self.staff() if assignee_id is None else None,
                                        assignee_id=assignee_id, due_at=self.now + due_in,
                                        note=f"Follow-up {k:04d}"))
        if inquiry:
            item.inquiry = PressInquiry(status=inquiry, deadline=self.now + due_in,
                                        assignee_id=assignee_id,
                                        answered_at=None if inquiry == "new" else self.at(k))
        return item

    def feed(self) -> Feed:
        k = self.number()
        return self.add(Feed(url=f"https://feed{k}.example.no/rss", name=f"Feed {k:04d}",
                             organisation=self.organisation(), last_success_at=self.now))

    def article(self, feed: Feed | None = None, author: Contact | None = None) -> Article:
        k = self.number()
        item = self.add(Article(title=f"Article {k:04d}", link=f"https://example.no/a/{k}",
                                summary="Text", author_contact=author or self.contact(),
                                sort_at=self.at(k), seen_at=self.at(k)))
        item.sources.append(ArticleSource(feed=feed or self.feed(), guid=f"g{k}",
                                          link=item.link, seen_at=self.at(k)))
        return item

    def term(self, group: str = "party", contact: Contact | None = None) -> WatchTerm:
        k = self.number()
        return self.add(WatchTerm(term=f"Term{k:04d}", group=group, contact=contact))

    def mention(self, article: Article | None = None, term: WatchTerm | None = None,
                group: str = "party") -> Mention:
        article = article or self.article()
        term = term or self.term(group)
        k = self.number()
        return self.add(Mention(article=article, term=term, place="title",
                                snippet=f"Snippet {k:04d} {term.term}", mark_start=0,
                                mark_end=7, sort_at=self.at(k), created_at=self.at(k)))

    def release(self) -> Release:
        k = self.number()
        return self.add(Release(title=f"Release {k:04d}", lead="Lead", body="Body",
                                created_by_id=self.editor_id, updated_by_id=self.editor_id,
                                created_at=self.at(k), updated_at=self.at(k)))


@dataclass
class Case:
    """A page: `setup` makes what the rows hang on, `add` one row (returning a text the page
    shows for it), `path` the page's address."""

    setup: object
    add: object
    path: object
    shows_newest: bool = True  # else the first row stays in view (alphabetical lists)
    shows_rows: bool = True  # False: the page shows counts and charts, not the rows' texts
    # 1: the total is counted only when the rows fill more than a page (10 rows fit on one,
    # whose length is the total: crm.view_helpers.paginate).
    counted_when_paged: int = 0


def _contacts(rows, _ctx):
    return rows.contact().name


def _journalist(rows, j):
    article = rows.article(author=j)
    rows.mention(article=article)
    rows.interaction(j)
    return article.title


def _politician_setup(rows):
    p = rows.contact("politician")
    return {"contact": p, "term": rows.term("politician", contact=p)}


def _politician(rows, ctx):
    mention = rows.mention(term=ctx["term"])
    rows.interaction(ctx["contact"])
    return mention.article.title


def _official(rows, o):
    return rows.interaction(o, inquiry="in_progress").subject


def _organisation(rows, org):
    return rows.contact(organisation=org).name


def _media_list_setup(rows):
    return rows.add(MediaList(name="The list"))


def _media_list(rows, ml):
    contact = rows.contact()
    ml.members.append(MediaListMember(contact=contact, position=rows.n))
    return contact.name


def _interactions(rows, _ctx):
    return rows.interaction(inquiry="answered" if rows.n % 2 else "").subject


def _inquiries(rows, editor_id):
    rows.interaction(inquiry="answered", assignee_id=editor_id)
    return rows.interaction(inquiry="new", assignee_id=editor_id).subject


def _my_day(rows, editor_id):
    rows.interaction(assignee_id=editor_id, due_in=-timedelta(days=2))
    rows.interaction(assignee_id=editor_id, due_in=timedelta(days=3))
    rows.interaction(inquiry="new", assignee_id=None, due_in=timedelta(hours=5))
    return rows.interaction(inquiry="new", assignee_id=editor_id,
                            due_in=timedelta(hours=2)).subject


def _releases(rows, _ctx):
    return rows.release().title


def _release_detail(rows, release):
    k = rows.number()
    author = rows.staff()
    release.versions.append(ReleaseVersion(number=k, author=author, note=f"Version {k:04d}",
                                           data={}))
    release.quotes.append(ReleaseQuote(position=k, contact=rows.contact("politician"),
                                       text=f"Quote {k:04d}"))
    contact = rows.contact()
    distribution = Distribution(scheduled_for=rows.at(k), status="done", created_by=author,
                                finished_at=rows.at(k))
    distribution.recipients.append(DistributionRecipient(
        contact=contact, name=contact.name, email=contact.primary_email or "x@example.no",
        status="sent", sent_at=rows.at(k)))
    release.distributions.append(distribution)
    return f"Quote {k:04d}"


def _feeds(rows, _ctx):
    return rows.feed().name


def _feed(rows, feed):
    article = rows.article(feed=feed)
    rows.mention(article=article)
    return article.title


def _article(rows, article):
    return rows.mention(article=article).term.term


def _mentions(rows, _ctx):
    return rows.mention().article.title


def _terms(rows, _ctx):
    term = rows.term("politician", contact=rows.contact("politician"))
    rows.mention(term=term)
    return term.term


def _digest(rows, editor_id):
    groups = ("party", "politician", "issue", "competitor")
    rows.interaction(assignee_id=editor_id, due_in=-timedelta(days=1))
    return rows.mention(group=groups[rows.n % 4]).article.title


CASES = {
    "contacts list": Case(lambda rows: None, _contacts, lambda _c: "/contacts",
                          shows_newest=False),
    "journalist": Case(lambda rows: rows.contact("journalist"), _journalist,
                       lambda j: f"/contacts/{j.id}"),
    "politician": Case(_politician_setup, _politician,
                       lambda ctx: f"/contacts/{ctx['contact'].id}"),
    "official": Case(lambda rows: rows.contact("official"), _official,
                     lambda o: f"/contacts/{o.id}"),
    "organisation": Case(lambda rows: rows.organisation(), _organisation,
                         lambda org: f"/organisations/{org.id}", shows_newest=False),
    "media list": Case(_media_list_setup, _media_list, lambda ml: f"/lists/{ml.id}"),
    "interactions": Case(lambda rows: None, _interactions, lambda _c: "/interactions"),
    "inquiries": Case(lambda rows: rows.editor_id, _inquiries, lambda _c: "/inquiries",
                      shows_newest=False),
    "my day": Case(lambda rows: rows.editor_id, _my_day, lambda _c: "/", shows_newest=False),
    "releases list": Case(lambda rows: None, _releases, lambda _c: "/releases/"),
    "release detail": Case(lambda rows: rows.release(), _release_detail,
                           lambda r: f"/releases/{r.id}"),
    "feeds list": Case(lambda rows: None, _feeds, lambda _c: "/monitoring/feeds",
                       shows_newest=False),
    "feed": Case(lambda rows: rows.feed(), _feed, lambda f: f"/monitoring/feeds/{f.id}"),
    "article": Case(lambda rows: rows.article(), _article,
                    lambda a: f"/monitoring/articles/{a.id}"),
    "mentions": Case(lambda rows: None, _mentions, lambda _c: "/monitoring/",
                     counted_when_paged=1),
    "watch terms": Case(lambda rows: None, _terms, lambda _c: "/monitoring/terms"),
    "coverage": Case(lambda rows: None, _mentions, lambda _c: "/monitoring/coverage",
                     shows_rows=False),
    "digest preview": Case(lambda rows: rows.editor_id, _digest, lambda _c: "/digest/preview"),
}


def _grow(rows, case, ctx, count: int, shown: list[str]) -> None:
    shown.extend(case.add(rows, ctx) for _ in range(count))
    rows.session.commit()


def _statements(client, count_queries, path: str) -> tuple[int, str]:
    # Requests share the test's app context and so its session: empty it before each, as a
    # request in production starts, so that no row comes from memory instead of a query.
    db.session.remove()
    client.get(path)  # warm-up (caches that fill once per process)
    db.session.remove()
    with count_queries() as counted:
        response = client.get(path)
    assert response.status_code == 200, path
    return counted.count, response.get_data(as_text=True)


@pytest.mark.parametrize("case", [pytest.param(c, id=name) if isinstance(c, Case) else
                                  pytest.param(*c.values, marks=c.marks, id=name)
                                  for name, c in CASES.items()])
def test_statements_do_not_grow_with_rows(case, as_editor, users, count_queries):
    rows = Rows(editor_id=users["editor"].id)
    ctx = case.setup(rows)
    shown: list[str] = []
    _grow(rows, case, ctx, 10, shown)
    path = case.path(ctx)
    try:
        with_10, page = _statements(as_editor, count_queries, path)
        if case.shows_rows:
            assert (shown[-1] if case.shows_newest else shown[0]) in page
        _grow(rows, case, ctx, 90, shown)
        with_100, page = _statements(as_editor, count_queries, path)
        if case.shows_rows:
            assert (shown[-1] if case.shows_newest else shown[0]) in page
    finally:
        rows.session.close()
    assert with_100 == with_10 + case.counted_when_paged, \
        f"{path}: {with_10} statements with 10 rows, {with_100} with 100"
