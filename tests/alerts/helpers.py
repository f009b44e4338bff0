"""Data builders for the alert tests: watch terms with a past, and mentions at given times."""

from __future__ import annotations

from datetime import datetime, timedelta

from crm.alerts.models import AlertRule
from crm.extensions import db
from crm.monitoring.models import Article, Mention, WatchTerm
from tests.factories import watch_term

WEEK = timedelta(days=7)


def watched_since(term: str, since: datetime, group: str = "politician") -> WatchTerm:
    """A watch term that has been watched since `since` (so past weeks count)."""
    made = watch_term(term, group)
    made.created_at = since
    db.session.commit()
    return made


def mentions_at(term: WatchTerm, *times: datetime, status: str = "unset") -> list[Article]:
    """One article per time, each mentioning `term`, published (sort_at) then."""
    made = []
    for at in times:
        article = Article(title=f"{term.term} i nyhetene {at.isoformat()}", sort_at=at,
                          seen_at=at, published_at=at, link="https://www.nrk.no/sak")
        article.mentions.append(Mention(term_id=term.id, sort_at=at, created_at=at,
                                        status=status, snippet=term.term, mark_end=len(term.term)))
        db.session.add(article)
        made.append(article)
    db.session.commit()
    return made


def usual_weeks(term: WatchTerm, now: datetime, per_hour: int = 1, weeks: int = 4) -> None:
    """`per_hour` mentions in the hour before now, in each of the past `weeks` weeks."""
    for week in range(1, weeks + 1):
        top = now - week * WEEK
        mentions_at(term, *[top - timedelta(minutes=10 + 5 * i) for i in range(per_hour)])


def burst(term: WatchTerm, now: datetime, count: int, minutes: int = 50) -> list[Article]:
    """`count` mentions spread over the last `minutes` minutes."""
    return mentions_at(term, *[now - timedelta(minutes=1 + i * minutes / count)
                               for i in range(count)])


def spike_rule(term: WatchTerm) -> AlertRule:
    return db.session.scalar(db.select(AlertRule).where(AlertRule.target == f"term:{term.id}",
                                                        AlertRule.kind == "spike"))
