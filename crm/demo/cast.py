"""Who plays which part in the demo's releases and news: our politicians, rivals, journalists.

Read from the register the generator has just written (a few small queries, whatever its
size), so releases quote real demo contacts and bylines name real demo journalists.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crm.auth.models import User
from crm.contacts.models import Contact, Organisation
from crm.demo import data
from crm.extensions import db

MINISTER_OFFICES = ("Statsminister", "Statsråd")
MP_OFFICE = "Stortingsrepresentant"
JOURNALISTS_PER_OUTLET = 8
RIVALS = 40


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    office: str = ""
    title: str = ""
    region: str = ""
    committee: str = ""
    party: str = ""

    @property
    def last(self) -> str:
        return self.name.split()[-1]


@dataclass
class Cast:
    leader: Person | None = None  # the party leader (the demo's prime minister)
    ministers: list[Person] = field(default_factory=list)
    mps: list[Person] = field(default_factory=list)  # our members of parliament
    others: list[Person] = field(default_factory=list)  # mayors, local politicians
    rivals: list[Person] = field(default_factory=list)  # other parties' MPs
    journalists: dict[str, list[Person]] = field(default_factory=dict)  # by outlet name
    staff: list[tuple[int, str]] = field(default_factory=list)  # demo editors (id, name)

    def minister(self, title: str) -> Person | None:
        return next((m for m in self.ministers if m.title == title), None)

    def mp(self, committee: str = "", region: str = "") -> Person | None:
        for person in self.mps:
            if (not committee or person.committee == committee) and \
                    (not region or person.region == region):
                return person
        return None

    @property
    def politicians(self) -> list[Person]:
        """Ours, the most senior first."""
        return [p for p in [self.leader] if p] + self.ministers + self.mps + self.others

    def anyone(self, *preferred: Person | None) -> Person | None:
        """The first of `preferred` that exists, else our most senior politician."""
        for person in preferred:
            if person is not None:
                return person
        return self.politicians[0] if self.politicians else None


def _people(query) -> list[Person]:
    return [Person(*row) for row in db.session.execute(query)]


def load_cast() -> Cast:
    columns = (Contact.id, Contact.name, Contact.office, Contact.title, Contact.region,
               Contact.committee, Organisation.name)
    people = db.select(*columns).join(Organisation, Organisation.id == Contact.organisation_id) \
        .where(Contact.erased_at.is_(None)).order_by(Contact.id)
    ours = people.where(Organisation.name == data.GOVERNMENT_PARTY, Contact.kind == "politician")
    cast = Cast()
    senior = _people(ours.where(Contact.office.in_((*MINISTER_OFFICES, MP_OFFICE))).limit(300))
    cast.leader = next((p for p in senior if p.office == "Statsminister"), None)
    cast.ministers = [p for p in senior if p.office == "Statsråd"]
    cast.mps = [p for p in senior if p.office == MP_OFFICE]
    cast.others = _people(ours.where(Contact.office.not_in((*MINISTER_OFFICES, MP_OFFICE)))
                          .limit(20))
    cast.rivals = _people(people.where(
        Organisation.name != data.GOVERNMENT_PARTY, Organisation.kind == "party",
        Contact.office == MP_OFFICE).limit(RIVALS))
    outlets = db.session.execute(db.select(Organisation.name, Organisation.id).where(
        Organisation.kind == "outlet")).all()
    for name, org_id in outlets:
        found = _people(people.where(Contact.organisation_id == org_id,
                                     Contact.kind == "journalist").limit(JOURNALISTS_PER_OUTLET))
        if found:
            cast.journalists[name] = found
    emails = [email for _name, email in data.DEMO_STAFF]
    cast.staff = [(uid, name) for uid, name in db.session.execute(
        db.select(User.id, User.name).where(User.email.in_(emails)).order_by(User.id))]
    return cast
