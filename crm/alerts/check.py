"""The alert check after each poll: count, compare, claim, record (crm.alerts.detect decides).

One aggregate query counts every term's mentions in the hour buckets the rules need (the last
hours and the same hours of past weeks), from the index ix_mention_sort_term_status. Mentions
are counted by `sort_at` (the publication time where plausible, else when first seen), not by
`created_at`: a new feed's back catalogue, a rematch after a term changed or a poller that was
down for an hour would otherwise pile old articles into the last hour and look like a spike.

Firing is claimed in the database: a process may fire a rule only by moving the rule's
`last_fired_at` forward with a conditional UPDATE ("... WHERE last_fired_at IS NULL OR
last_fired_at <= now - cool-down"), in the same transaction that stores the alert and its
receipts. Two schedulers (or a scheduler and `crm check-alerts`) that see the same spike race
on that one row: PostgreSQL re-checks the condition after the first commits, SQLite lets one
writer in at a time, so exactly one UPDATE matches and the other finds nothing to do.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import and_, case, func, or_, update

from crm.alerts.detect import (
    HOURS_PER_WEEK,
    SpikeSettings,
    baseline,
    cooled_down,
    is_spike,
)
from crm.alerts.models import BANNER_HOURS, Alert, AlertReceipt, AlertRule, AlertSubscription
from crm.auth.models import User
from crm.extensions import db
from crm.monitoring.models import TERM_GROUPS, Mention, WatchTerm
from crm.timeutil import utcnow

ARTICLES_PER_ALERT = 10
# A first-mention rule counts articles published from an hour before it was armed: a story
# out minutes before the editor set the rule, but polled after, is still news.
FIRST_MENTION_GRACE = timedelta(hours=1)


@dataclass
class CheckResult:
    rules: int = 0
    fired: list[int] = field(default_factory=list)  # alert ids
    taken: int = 0  # crossed here, but another process had just fired the rule
    seconds: float = 0.0

    def __str__(self) -> str:
        text = f"{self.rules} rules checked, {len(self.fired)} alerts fired"
        return text + (f", {self.taken} fired by another process" if self.taken else "")


class RuleState(NamedTuple):
    """A rule as read at the start of a check: plain values, so the commits of firing one rule
    do not make the ORM reload the others one by one."""
    id: int
    kind: str
    term_id: int | None
    group: str | None
    settings: SpikeSettings
    armed_at: datetime
    last_fired_at: datetime | None


RULE_COLUMNS = (AlertRule.id, AlertRule.kind, AlertRule.term_id, AlertRule.group,
                AlertRule.armed_at, AlertRule.last_fired_at, AlertRule.factor,
                AlertRule.min_count, AlertRule.window_hours, AlertRule.baseline_weeks,
                AlertRule.cooldown_hours)


def active_rules() -> list[RuleState]:
    rows = db.session.execute(db.select(*RULE_COLUMNS).where(AlertRule.active))
    settings: dict[tuple, SpikeSettings] = {}  # most rules share the defaults: one object
    rules = []
    for rule_id, kind, term_id, group, armed_at, last_fired_at, *values in rows:
        key = tuple(values)
        if key not in settings:
            settings[key] = SpikeSettings(*key)
        rules.append(RuleState(rule_id, kind, term_id, group, settings[key], armed_at,
                               last_fired_at))
    return rules


def ensure_rules(now: datetime | None = None) -> int:
    """Give every active watch term and every group a spike rule with the default settings
    (editors change or switch them off); returns how many were added."""
    existing = set(db.session.scalars(
        db.select(AlertRule.target).where(AlertRule.kind == "spike")))
    term_ids = db.session.scalars(db.select(WatchTerm.id).where(WatchTerm.active)).all()
    wanted = [(f"term:{t}", t, None) for t in term_ids] + \
             [(f"group:{g}", None, g) for g in TERM_GROUPS]
    added = 0
    for target, term_id, group in wanted:
        if target not in existing:
            db.session.add(AlertRule(kind="spike", target=target, term_id=term_id, group=group,
                                     armed_at=now or utcnow()))
            added += 1
    if added:
        db.session.commit()
    return added


def bucket_counts(now: datetime, hours: int, weeks: int) -> dict[tuple[int, int, int], int]:
    """{(term_id, week, hour): mentions} for the hour buckets ending `week` weeks and `hour`
    hours before now (week 0 hour 0 = the last 60 minutes). One query; noise never counts."""
    whens, spans = [], []
    for week in range(weeks + 1):
        end = now - timedelta(hours=week * HOURS_PER_WEEK)
        spans.append(and_(Mention.sort_at >= end - timedelta(hours=hours),
                          Mention.sort_at < end))
        for hour in range(hours):
            top = end - timedelta(hours=hour)
            whens.append((Mention.sort_at >= top - timedelta(hours=1), week * hours + hour))
    # Buckets are tested newest first within each week, so `>= start` alone places a row.
    inner = (db.select(Mention.term_id.label("term_id"),
                       case(*whens, else_=-1).label("bucket"))
             .where(or_(*spans), Mention.status != "noise").subquery())
    rows = db.session.execute(
        db.select(inner.c.term_id, inner.c.bucket, func.count())
        .group_by(inner.c.term_id, inner.c.bucket))
    return {(term_id, bucket // hours, bucket % hours): n
            for term_id, bucket, n in rows if bucket >= 0}


def _spike_rules_state(rules: list[RuleState], now: datetime):
    """The active terms by group, when each term and group began to be watched, and the
    bucket counts the rules need."""
    terms = db.session.execute(
        db.select(WatchTerm.id, WatchTerm.group, WatchTerm.created_at)
        .where(WatchTerm.active)).all()
    by_group: dict[str, list[int]] = defaultdict(list)
    started: dict[str, datetime] = {}
    created = {}
    for term_id, group, created_at in terms:
        by_group[group].append(term_id)
        created[term_id] = created_at
        started[group] = min(started.get(group, created_at), created_at)
    hours = max(r.settings.window_hours for r in rules)
    weeks = max(r.settings.baseline_weeks for r in rules)
    counts = bucket_counts(now, hours, weeks)
    return by_group, started, created, counts


def check(now: datetime | None = None, rules: list[RuleState] | None = None) -> CheckResult:
    """Check every active rule (or `rules`, as read earlier by `active_rules`) and fire those
    whose threshold is crossed (cool-down kept); stores each alert with a receipt per
    subscriber. The caller sends the emails."""
    began = time.monotonic()
    now = now or utcnow()
    result = CheckResult()
    rules = active_rules() if rules is None else rules
    result.rules = len(rules)
    spikes = [r for r in rules if r.kind == "spike"]
    if spikes:
        by_group, started, created, counts = _spike_rules_state(spikes, now)
        for rule in spikes:
            if rule.term_id is not None:
                if rule.term_id not in created:
                    continue  # the term is switched off
                term_ids, since = [rule.term_id], created[rule.term_id]
            else:
                term_ids, since = by_group.get(rule.group or "", []), started.get(rule.group or "")
                if not term_ids:
                    continue
            settings = rule.settings
            w = settings.window_hours

            def total(week: int, term_ids=term_ids, w=w) -> int:
                return sum(counts.get((t, week, h), 0) for t in term_ids for h in range(w))

            current = total(0)
            if current < settings.min_count or not cooled_down(
                    rule.last_fired_at, now, settings.cooldown_hours):
                continue  # never a spike: the past weeks need not be added up
            history = [total(week) for week in range(1, settings.baseline_weeks + 1)
                       if now - timedelta(hours=week * HOURS_PER_WEEK + w) >= since]
            if is_spike(current, history, settings):
                alert = _fire(rule, now, now - timedelta(hours=w), term_ids, current,
                              baseline(history))
                _count(result, alert)
    firsts = [r for r in rules if r.kind == "first" and r.term_id is not None
              and (r.last_fired_at is None or r.last_fired_at < r.armed_at)]
    if firsts:
        earliest = min(r.armed_at for r in firsts) - FIRST_MENTION_GRACE
        found = dict(db.session.execute(
            db.select(Mention.term_id, func.count())
            .where(Mention.term_id.in_([r.term_id for r in firsts]),
                   Mention.sort_at >= earliest, Mention.status != "noise")
            .group_by(Mention.term_id)).all())
        for rule in firsts:
            if not found.get(rule.term_id):
                continue
            start = rule.armed_at - FIRST_MENTION_GRACE
            n = db.session.scalar(db.select(func.count()).where(
                Mention.term_id == rule.term_id, Mention.sort_at >= start,
                Mention.status != "noise"))
            if n:
                _count(result, _fire(rule, now, start, [rule.term_id], n, 0.0))
    db.session.commit()
    result.seconds = time.monotonic() - began
    return result


def _count(result: CheckResult, alert_id: int | None) -> None:
    if alert_id is None:
        result.taken += 1
    else:
        result.fired.append(alert_id)


def _claim(rule: RuleState, now: datetime) -> bool:
    """Move the rule's last_fired_at to now, if its cool-down allows: True for the one
    process whose UPDATE matched."""
    if rule.kind == "first":
        free = or_(AlertRule.last_fired_at.is_(None), AlertRule.last_fired_at < AlertRule.armed_at)
    else:
        free = or_(AlertRule.last_fired_at.is_(None),
                   AlertRule.last_fired_at
                   <= now - timedelta(hours=rule.settings.cooldown_hours))
    outcome = db.session.execute(
        update(AlertRule).where(AlertRule.id == rule.id, AlertRule.active, free)
        .values(last_fired_at=now).execution_options(synchronize_session=False))
    return outcome.rowcount == 1


def _fire(rule: RuleState, now: datetime, start: datetime, term_ids: list[int], count: int,
          base: float) -> int | None:
    """Claim, then store the alert, its articles and a receipt per subscriber, in one
    transaction. None if another process fired it first."""
    db.session.commit()  # end the reading transaction: the claim starts a writing one
    if not _claim(rule, now):
        db.session.rollback()
        return None
    article_ids = list(db.session.scalars(
        db.select(Mention.article_id)
        .where(Mention.term_id.in_(term_ids), Mention.sort_at >= start,
               Mention.sort_at <= now, Mention.status != "noise")
        .group_by(Mention.article_id)
        .order_by(func.max(Mention.sort_at).desc()).limit(ARTICLES_PER_ALERT)))
    alert = Alert(rule_id=rule.id, fired_at=now, window_start=start, count=count,
                  baseline=base, article_ids=article_ids)
    db.session.add(alert)
    db.session.flush()
    subscribers = db.session.execute(
        db.select(AlertSubscription.user_id, AlertSubscription.email)
        .join(User, User.id == AlertSubscription.user_id)
        .where(AlertSubscription.rule_id == rule.id, User.active)).all()
    alert_id = alert.id
    for user_id, by_email in subscribers:
        db.session.add(AlertReceipt(alert_id=alert_id, user_id=user_id,
                                    status="pending" if by_email else "off"))
    if subscribers:
        until = now + timedelta(hours=BANNER_HOURS)
        db.session.execute(
            update(User).where(User.id.in_([user_id for user_id, _ in subscribers]),
                               or_(User.banner_until.is_(None), User.banner_until < until))
            .values(banner_until=until).execution_options(synchronize_session=False))
    db.session.commit()
    return alert_id
