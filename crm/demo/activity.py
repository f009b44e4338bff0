"""Plans the demo's interactions, follow-ups and press inquiries as plain dicts (no database).

Everything is relative to `now`: interactions over the last six months, denser lately;
some inquiries arrived today with a deadline today; follow-ups are done, overdue, due today or
coming. The first few of each of those cases are forced, so even a small register shows them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from crm.demo import data

HISTORY_DAYS = 180
FORCED = 3  # at least this many open inquiries today, overdue, due-today and done follow-ups


@dataclass
class Planned:
    row: dict  # Interaction columns
    contact_ids: list[int]
    follow_ups: list[dict] = field(default_factory=list)  # FollowUp columns but interaction_id
    inquiry: dict | None = None  # PressInquiry columns but interaction_id


def interaction_count(contacts: int) -> int:
    """About 1.5 per contact in a small register; a large one is not logged more per day."""
    if contacts <= 1000:
        return max(12, round(contacts * 1.5))
    return 1500 + (contacts - 1000) // 5


class Activity:
    def __init__(self, rng: random.Random, now: datetime, zone: ZoneInfo,
                 contacts_by_kind: dict[str, list[int]], staff_ids: list[int]):
        self.rng, self.now, self.zone = rng, now, zone
        self.pools = {k: v for k, v in contacts_by_kind.items() if v}
        self.staff_ids = staff_ids
        self.today = now.astimezone(zone).date()
        self.today_start = self.local(self.today, time.min)
        self.today_end = self.local(self.today + timedelta(days=1), time.min)

    def local(self, day: date, at: time) -> datetime:
        return datetime.combine(day, at, tzinfo=self.zone).astimezone(UTC)

    # Whom and when -----------------------------------------------------------------------

    def contact(self, kinds: tuple[str, ...], weights: tuple[int, ...]) -> int:
        available = [(k, w) for k, w in zip(kinds, weights, strict=True) if k in self.pools]
        if not available:
            available = [(k, 1) for k in self.pools]
        kind = self.rng.choices([k for k, _ in available], [w for _, w in available])[0]
        pool = self.pools[kind]
        # Some people are called far more often than others.
        return pool[int(len(pool) * self.rng.random() ** 1.6)]

    def contacts_for(self, kind: str) -> list[int]:
        rng = self.rng
        if kind in ("inquiry", "interview", "statement", "pitch"):
            who = (("journalist",), (1,))
        elif kind == "meeting":
            who = (("journalist", "politician", "official"), (4, 4, 2))
        elif kind == "event":
            who = (("journalist", "politician", "official"), (5, 3, 2))
        elif kind == "release":
            who = (("journalist",), (1,))
        else:
            who = (("journalist", "politician", "official"), (7, 2, 1))
        if kind == "release":
            count = rng.randint(3, 8)
        elif kind in ("inquiry", "interview", "pitch"):
            count = 1
        else:
            count = rng.choices((1, 2, 3), (78, 17, 5))[0]
        return list(dict.fromkeys(self.contact(*who) for _ in range(count)))

    def past_moment(self) -> datetime:
        """A working-hours moment in the last HISTORY_DAYS days, before today."""
        rng = self.rng
        days_ago = min(HISTORY_DAYS, 1 + int(rng.expovariate(1 / 40)))
        day = self.today - timedelta(days=days_ago)
        if day.weekday() >= 5 and rng.random() < 0.8:
            day -= timedelta(days=day.weekday() - 4)
        return self.local(day, time(rng.randint(7, 17), rng.randrange(60)))

    def moment_today(self) -> datetime:
        start = max(self.today_start, self.local(self.today, time(7, 30)))
        if start >= self.now:
            start = self.today_start
        return start + (self.now - start) * self.rng.random()

    # One interaction ---------------------------------------------------------------------

    def plan(self, count: int) -> list[Planned]:
        if not self.pools or not self.staff_ids:
            return []
        rng = self.rng
        kinds = [k for k, _ in data.KIND_WEIGHTS]
        weights = [w for _, w in data.KIND_WEIGHTS]
        todays_inquiries = min(count, max(FORCED, count // 60))
        planned = []
        for i in range(count):
            if i < todays_inquiries:
                kind, occurred = "inquiry", self.moment_today()
            else:
                kind = rng.choices(kinds, weights)[0]
                occurred = self.moment_today() if rng.random() < 0.02 else self.past_moment()
            item = self.interaction(kind, occurred)
            if kind == "inquiry":
                item.inquiry = self.inquiry(occurred, force_open=i < FORCED)
            planned.append(item)
        self.add_follow_ups(planned)
        planned.sort(key=lambda p: p.row["occurred_at"])
        return planned

    def interaction(self, kind: str, occurred: datetime) -> Planned:
        rng = self.rng
        if kind in ("inquiry",):
            direction = "inbound"
        elif kind in ("release", "statement"):
            direction = "outbound"
        else:
            direction = "inbound" if rng.random() < (0.5 if kind in ("phone", "email") else 0.2) \
                else "outbound"
        subject = rng.choice(data.SUBJECTS[kind]).format(topic=rng.choice(data.TOPICS))
        old = occurred < self.today_start - timedelta(days=1)
        created = min(self.now, occurred + timedelta(minutes=rng.randint(1, 90)))
        row = {
            "kind": kind, "direction": direction, "occurred_at": occurred,
            "staff_id": rng.choice(self.staff_ids), "subject": subject[:300],
            "notes": rng.choice(data.INTERACTION_NOTES),
            "outcome": rng.choice(data.OUTCOMES) if old else "",
            "created_at": created, "updated_at": created,
        }
        return Planned(row=row, contact_ids=self.contacts_for(kind))

    def inquiry(self, occurred: datetime, force_open: bool) -> dict:
        rng = self.rng
        assignee = rng.choice(self.staff_ids)
        if occurred >= self.today_start:
            hours = rng.choice((1, 2, 3, 4, 6))
            deadline = min(occurred + timedelta(hours=hours), self.today_end - timedelta(minutes=1))
            if force_open or rng.random() < 0.7:
                status = "new" if rng.random() < 0.5 else "in_progress"
                if status == "new" and rng.random() < 0.6:
                    assignee = None  # waiting for whoever has press duty to take it
                return {"deadline": deadline, "assignee_id": assignee, "status": status,
                        "answer": "", "answered_at": None}
        else:
            deadline = occurred + timedelta(hours=rng.choice((2, 3, 4, 6, 24)))
        answered_at = min(self.now, occurred + (deadline - occurred) * rng.uniform(0.2, 1.1))
        if rng.random() < 0.12:
            return {"deadline": deadline, "assignee_id": assignee, "status": "declined",
                    "answer": "Ønsker ikke å kommentere saken.", "answered_at": answered_at}
        return {"deadline": deadline, "assignee_id": assignee, "status": "answered",
                "answer": rng.choice(data.ANSWERS), "answered_at": answered_at}

    # Follow-ups --------------------------------------------------------------------------

    def add_follow_ups(self, planned: list[Planned]) -> None:
        rng = self.rng
        # Only interactions from before yesterday may carry an overdue or done follow-up.
        older = [p for p in planned if p.row["occurred_at"] < self.today_start - timedelta(days=1)]
        forced = ["overdue"] * FORCED + ["today"] * FORCED + ["done"] * FORCED
        for case, item in zip(forced, rng.sample(older, min(len(older), len(forced))),
                              strict=False):
            item.follow_ups.append(self.follow_up(item.row["occurred_at"], case))
        for item in planned:
            if not item.follow_ups and rng.random() < 0.3:
                item.follow_ups.append(self.follow_up(item.row["occurred_at"], None))

    def follow_up(self, occurred: datetime, case: str | None) -> dict:
        rng = self.rng
        if case is None:
            due = occurred + timedelta(days=rng.choice((1, 1, 2, 3, 5, 7, 14)))
            due_day = due.astimezone(self.zone).date()
            due = self.local(due_day, time(rng.randint(9, 16)))
            if due < self.today_start:
                case = "done" if rng.random() < 0.85 else "overdue"
            elif due < self.today_end:
                case = "today"
            else:
                case = "coming"
        if case == "overdue":
            latest = self.today_start - timedelta(hours=1)
            due = occurred + (latest - occurred) * rng.uniform(0.05, 0.6)
            done_at = None
        elif case == "today":
            due = min(self.now + timedelta(hours=rng.uniform(1, 6)),
                      self.today_end - timedelta(minutes=1))
            done_at = None
        elif case == "done":
            latest = min(self.now, occurred + timedelta(days=14))
            due = occurred + (latest - occurred) * rng.uniform(0.1, 0.9)
            done_at = occurred + (due - occurred) * rng.uniform(0.3, 1.0)
        else:  # coming
            due = max(due, self.today_end + timedelta(hours=9))
            done_at = None
        return {"assignee_id": rng.choice(self.staff_ids), "due_at": due,
                "note": rng.choice(data.FOLLOW_UP_NOTES), "done_at": done_at,
                "created_at": min(self.now, occurred + timedelta(minutes=5))}
