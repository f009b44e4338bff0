"""Demo press releases, written through the release services so they are what staff would make.

Every release is saved with `save_release` (versions, validation) on the built-in default
template of its language and moved through `workflow.transition`, so four eyes is enforced:
a demo staff member writes and submits, another approves. Published releases get a
distribution that is recorded as already sent, in one transaction with the publishing: no
distribution is ever left scheduled, so neither the scheduler nor anybody else sends a demo
email. (The distribution service records "release" interactions only when a message really
went through SMTP, so none are made here.) Afterwards the timestamps are moved back to the
story's days with Core UPDATEs, which the audit log does not see.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update

from crm.contacts.models import MediaList
from crm.demo.cast import Cast, Person
from crm.demo.release_texts import RELEASES, SNIPPETS
from crm.extensions import db
from crm.releases import workflow
from crm.releases.distribution import preview_recipients
from crm.releases.models import (
    Distribution,
    DistributionRecipient,
    Release,
    ReleaseVersion,
    TextSnippet,
)
from crm.releases.services import ReleaseData, save_release
from crm.releases.snippets import save_snippet
from crm.releases.templates_store import default_for

EMBARGO_HOURS = (10, 12, 14, 16, 18, 20, 22)


def role_person(cast: Cast, role: str) -> Person | None:
    """The demo politician who speaks for `role` (the closest match the register has)."""
    if role == "leader":
        return cast.anyone(cast.leader)
    if role == "finance":
        return cast.anyone(cast.minister("Finansminister"), cast.leader)
    if role == "energy":
        return cast.anyone(cast.minister("Energiminister"), cast.leader)
    if role == "health":
        return cast.anyone(cast.mp(committee="Helse- og omsorgskomiteen"),
                           cast.minister("Helse- og omsorgsminister"))
    if role == "transport":
        return cast.anyone(cast.mp(committee="Transport- og kommunikasjonskomiteen"),
                           cast.minister("Samferdselsminister"))
    if role == "vestland":
        return cast.anyone(cast.mp(region="Vestland"), *cast.mps[:1])
    if role == "local":
        return cast.anyone(cast.mp(committee="Kommunal- og forvaltningskomiteen"),
                           cast.minister("Kommunal- og distriktsminister"))
    return cast.anyone()


def embargo_later_today(now: datetime, zone: ZoneInfo) -> datetime:
    """A round hour later today (local time), at least 45 minutes ahead when one is left."""
    local = now.astimezone(zone)
    for hour in EMBARGO_HOURS:
        moment = datetime.combine(local.date(), time(hour), tzinfo=zone)
        if moment >= local + timedelta(minutes=45):
            return moment.astimezone(UTC)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=zone)
    later = local + (midnight - local) / 2
    return later.replace(second=0, microsecond=0).astimezone(UTC)


def ensure_snippets() -> dict[str, int]:
    """The "About the party" snippets (language -> id), created unless they exist."""
    existing = {s.name: s for s in db.session.scalars(db.select(TextSnippet))}
    ids = {}
    for name, language, body in SNIPPETS:
        snippet = existing.get(name) or save_snippet(None, name=name, language=language,
                                                     body=body)
        if not snippet.retired:
            ids[language] = snippet.id
    return ids


def _data(spec: dict, cast: Cast, template_id: int | None, snippet_id: int | None,
          embargo: datetime | None) -> ReleaseData:
    speaker = role_person(cast, spec["spokesperson"])
    quotes = []
    for role, text in spec["quotes"]:
        person = role_person(cast, role)
        quotes.append((person.id if person else None, text))
    return ReleaseData(
        title=spec["title"], lead=spec["lead"], body=spec["body"], language=spec["language"],
        tags=list(spec["tags"]), spokesperson_id=speaker.id if speaker else None,
        quotes=quotes, snippet_ids=[snippet_id] if snippet_id else [],
        release_at=embargo, embargo_until=embargo, template_id=template_id)


class ReleaseWriter:
    def __init__(self, rng: random.Random, now: datetime, zone: ZoneInfo, cast: Cast):
        self.rng, self.now, self.zone, self.cast = rng, now, zone, cast
        self.lists = dict(db.session.execute(db.select(MediaList.name, MediaList.id)).all())
        self.templates = {lang: default_for(lang) for lang in ("nb", "nn", "en")}
        self.snippets = ensure_snippets()
        self.distributions = self.recipients = 0

    def at(self, days_ago: int, hour: int, minute: int) -> datetime:
        day = self.now.astimezone(self.zone).date() - timedelta(days=days_ago)
        moment = datetime.combine(day, time(hour, minute), tzinfo=self.zone).astimezone(UTC)
        return min(moment, self.now - timedelta(minutes=5))

    def write(self, spec: dict) -> Release:
        author, approver = self.rng.sample([uid for uid, _name in self.cast.staff], 2)
        template = self.templates.get(spec["language"])
        embargo = embargo_later_today(self.now, self.zone) if spec.get("embargo") else None
        data = _data(spec, self.cast, template.id if template else None,
                     self.snippets.get(spec["language"]), embargo)
        release = None
        if "first" in spec:
            first = replace(data, **spec["first"])
            release = save_release(None, first, author, note="Første utkast")
        release = save_release(release, data, author)
        times = self.timeline(spec)
        status = spec["status"]
        if status in ("in_review", "approved", "published", "withdrawn"):
            workflow.transition(release, "submit", author)
        if status in ("approved", "published", "withdrawn"):
            workflow.transition(release, "approve", approver)  # four eyes: not the author
        if status == "published":
            self.record_sent(release, spec["lists"], author, times["published"])
            workflow.transition(release, "publish", author)
        if status == "withdrawn":
            workflow.transition(release, "withdraw", approver)
        self.backdate(release, times)
        return release

    def timeline(self, spec: dict) -> dict[str, datetime]:
        """When each step happened, all before now."""
        rng, now = self.rng, self.now
        status = spec["status"]
        if status in ("published", "withdrawn"):
            created = self.at(spec["days_ago"], rng.randint(7, 9), rng.randrange(60))
            approved = created + timedelta(minutes=rng.randint(70, 150))
            times = {"created": created, "edited": created + timedelta(minutes=35),
                     "approved": approved}
            if status == "published":
                times["published"] = approved + timedelta(minutes=rng.randint(20, 60))
            else:
                times["withdrawn"] = approved + timedelta(hours=rng.randint(18, 26))
        elif status == "approved":
            created = now - timedelta(hours=rng.randint(20, 28))
            times = {"created": created, "edited": created + timedelta(minutes=40),
                     "approved": now - timedelta(minutes=rng.randint(60, 180))}
        elif status == "in_review":
            created = now - timedelta(hours=rng.randint(20, 30))
            times = {"created": created, "edited": now - timedelta(minutes=rng.randint(90, 200))}
        elif spec.get("first"):
            created = now - timedelta(days=2, hours=rng.randint(0, 6))
            times = {"created": created, "edited": now - timedelta(hours=rng.randint(20, 30))}
        else:
            created = now - timedelta(minutes=rng.randint(25, 50))
            times = {"created": created, "edited": created}
        times = {key: min(value, now - timedelta(minutes=1)) for key, value in times.items()}
        times["updated"] = max(times.values())
        return times

    def record_sent(self, release: Release, list_names: list[str], author: int,
                    sent: datetime) -> None:
        """A distribution to the media lists, recorded as sent at `sent` (nothing is sent)."""
        list_ids = [self.lists[name] for name in list_names if name in self.lists]
        rows = preview_recipients(list_ids, [])  # who it would go to, skipped ones with why
        if not rows:
            return
        distribution = Distribution(
            release=release, status="done", created_by_id=author, scheduled_for=sent,
            created_at=sent - timedelta(minutes=3), claimed_at=sent,
            media_list_names=[name for name in list_names if name in self.lists])
        moment = sent
        for row in rows:
            if row["status"] == "pending":
                moment += timedelta(seconds=self.rng.uniform(0.4, 2.5))
                row.update(status="sent", sent_at=moment, attempts=1)
                self.recipients += 1
            distribution.recipients.append(DistributionRecipient(**row))
        distribution.finished_at = moment + timedelta(seconds=1)
        db.session.add(distribution)
        self.distributions += 1

    def backdate(self, release: Release, times: dict[str, datetime]) -> None:
        values = {"created_at": times["created"], "updated_at": times["updated"]}
        for name in ("approved", "published", "withdrawn"):
            if getattr(release, f"{name}_at") is not None and name in times:
                values[f"{name}_at"] = times[name]
        if "published" in times:
            values["release_at"] = times["published"]
        release_id = release.id
        db.session.execute(update(Release).where(Release.id == release_id).values(**values))
        for number in (1, 2):
            moment = times["created"] if number == 1 else times["edited"]
            db.session.execute(update(ReleaseVersion).where(
                ReleaseVersion.release_id == release_id, ReleaseVersion.number == number)
                .values(created_at=moment))
        db.session.commit()


def create_releases(rng: random.Random, now: datetime, zone: ZoneInfo, cast: Cast,
                    counts: dict, progress) -> None:
    """The demo's releases, unless the database has releases already."""
    counts.update({"press releases": 0, "release distributions": 0,
                   "release recipients sent": 0})
    if db.session.scalar(db.select(Release.id).limit(1)) is not None or len(cast.staff) < 2:
        return
    writer = ReleaseWriter(rng, now, zone, cast)
    for spec in RELEASES:
        writer.write(spec)
    progress("press releases", len(RELEASES), len(RELEASES))
    counts.update({"press releases": len(RELEASES),
                   "release distributions": writer.distributions,
                   "release recipients sent": writer.recipients})
