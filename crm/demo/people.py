"""Invents the demo register's people as plain dicts (no database): the same seed gives the
same people, so the generator can insert them in bulk and tests can check them."""

from __future__ import annotations

import random
import unicodedata
from datetime import datetime, timedelta
from itertools import accumulate

from crm.demo import data

JOURNALIST_SHARE, POLITICIAN_SHARE = 0.55, 0.28  # officials: the rest

_EMAIL_MAP = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ß": "ss", " ": "."})
_MOBILE_PREFIXES = ("40", "41", "45", "46", "47", "48", "90", "91", "92", "93", "94", "95",
                    "97", "98", "99")


def plan_roles(total: int, rng: random.Random) -> list[str]:
    """The role of every demo contact, shuffled: ministers, MPs and mayors are capped at the
    real number of posts; a large register gets more journalists, local politicians, officials."""
    journalists = round(total * JOURNALIST_SHARE)
    politicians = round(total * POLITICIAN_SHARE)
    officials = total - journalists - politicians
    ministers = min(len(data.MINISTRIES), politicians // 6)
    secretaries = min(40, politicians // 8)
    mps = min(169, politicians * 2 // 5)
    mayors = min(len(data.MUNICIPALITIES), politicians // 8)
    local = politicians - ministers - secretaries - mps - mayors
    roles = (["journalist"] * journalists + ["official"] * officials
             + ["mp"] * mps + ["mayor"] * mayors + ["local"] * local
             + ["secretary"] * secretaries)
    rng.shuffle(roles)
    # Ministers first so the first contacts of even a tiny register include the government.
    return ["minister"] * ministers + roles


def email_local(name: str) -> str:
    """"Kjærsti Ødegård-Løvås" -> "kjaersti.odegard-lovas" (the usual Norwegian spelling)."""
    text = unicodedata.normalize("NFKD", name.casefold().translate(_EMAIL_MAP))
    text = "".join(ch for ch in text if ch.isascii() and (ch.isalnum() or ch in ".-"))
    return text.strip(".-")


class People:
    """Makes one contact dict per role; keeps e-mail addresses and phone numbers unique."""

    def __init__(self, rng: random.Random, now: datetime):
        self.rng = rng
        self.now = now
        self.emails: set[str] = set()
        self.phones: set[str] = set()
        self.names: set[str] = set()
        self._ministers = iter(data.MINISTRIES)
        municipalities = list(data.MUNICIPALITIES)
        rng.shuffle(municipalities)
        self._mayor_seats = iter(municipalities)
        self._outlet_weights = list(accumulate(o[3] for o in data.OUTLETS))
        self._seat_weights = list(accumulate(c[1] for c in data.CONSTITUENCIES))
        self._party_weights = list(accumulate(data.PARTY_WEIGHTS))

    # Small helpers ------------------------------------------------------------------------

    def pick(self, options, cum_weights=None):
        if cum_weights is None:
            return self.rng.choice(options)
        return self.rng.choices(options, cum_weights=cum_weights)[0]

    def weighted(self, pairs):
        return self.rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]

    def name(self) -> str:
        """A full name, unique where a few tries allow (two ministers called Jon Olsen would
        look like a bug)."""
        for _try in range(6):
            name = self._any_name()
            if name not in self.names:
                break
        self.names.add(name)
        return name

    def _any_name(self) -> str:
        rng = self.rng
        female = rng.random() < 0.5
        parts = [self.pick(data.FIRST_NAMES_FEMALE if female else data.FIRST_NAMES_MALE)]
        if rng.random() < 0.22:
            parts.append(self.pick(
                data.MIDDLE_SURNAMES if rng.random() < 0.5
                else data.MIDDLE_NAMES_FEMALE if female else data.MIDDLE_NAMES_MALE))
        surname = self.pick(data.SURNAMES)
        if rng.random() < 0.04:
            surname = f"{surname}-{self.pick(data.SURNAMES)}"
        parts.append(surname)
        return " ".join(dict.fromkeys(parts))

    def email(self, name: str, domain: str) -> str:
        local = email_local(name)
        address, n = f"{local}@{domain}", 1
        while address in self.emails:
            n += 1
            address = f"{local}{n}@{domain}"
        self.emails.add(address)
        return address

    def phone(self, prefix: str | None = None) -> str:
        while True:
            if prefix:
                number = "+47" + prefix + "".join(self.pick("0123456789")
                                                  for _ in range(8 - len(prefix)))
            else:
                number = "+47" + self.pick(_MOBILE_PREFIXES) + f"{self.rng.randrange(10**6):06d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def social(self, name: str) -> str:
        handle = email_local(name).replace(".", "")
        return self.pick((f"https://x.com/{handle}", f"@{handle}.bsky.social",
                          f"https://www.linkedin.com/in/{handle.replace('-', '')}",
                          f"https://www.instagram.com/{handle}"))

    def beats(self, first: str | None = None, count: int | None = None) -> list[str]:
        count = count or self.pick((1, 1, 2, 2, 2, 3))
        beats = [first] if first else []
        while len(beats) < count:
            beat = self.rng.choices(data.BEATS, weights=data.BEAT_WEIGHTS)[0]
            if beat not in beats:
                beats.append(beat)
        return beats

    def party(self) -> tuple:
        return self.pick(data.PARTIES, self._party_weights)

    # One contact --------------------------------------------------------------------------

    def make(self, role: str) -> dict:
        person = getattr(self, f"_{role}")(self.name())
        self._common(person)
        return person

    def _common(self, person: dict) -> None:
        rng = self.rng
        person.setdefault("phones", [self.phone()] if rng.random() < 0.93 else [])
        tags = set(person.pop("extra_tags", ()))
        if rng.random() < 0.3:
            tags.update(rng.sample(data.TAGS, self.pick((1, 1, 2))))
        if person.get("preferred_language") == "nn":
            tags.add("nynorsk")
        person["tags"] = sorted(tags)
        person.setdefault("preferred_language", "nb")
        person["notes"] = self.pick(data.NOTES) if rng.random() < 0.18 else ""
        if rng.random() < 0.4 and "social" not in person:
            person["social"] = self.social(person["name"])
        basis = rng.random()
        person["consent_date"] = None
        person["opted_out"] = rng.random() < 0.02
        if basis < 0.92:
            person["lawful_basis"] = "legitimate_interest"
        elif basis < 0.99:
            person["lawful_basis"] = "consent"
            person["consent_date"] = (self.now - timedelta(days=rng.randrange(30, 1100))).date()
            person["data_source"] = "Samtykke gitt per e-post"
        else:
            person["lawful_basis"] = "none"
            person["opted_out"] = True
            person["data_source"] = "Reservert mot henvendelser; grunnlag ikke registrert"
        created = self.now - timedelta(days=rng.uniform(1, 900))
        person["created_at"] = created
        person["updated_at"] = created + (self.now - created) * rng.random()

    def _journalist(self, name: str) -> dict:
        rng = self.rng
        outlet, domain, region, _w, nn_share, _national, address = self.pick(
            data.OUTLETS, self._outlet_weights)
        if outlet in data.OUTLETS_WITH_DISTRICT_OFFICES and rng.random() < 0.5:
            region = self.pick(data.REGIONS)
        title = self.weighted(data.JOURNALIST_TITLES)
        first_beat = {"Dagens Næringsliv": "økonomi", "E24": "økonomi",
                      "Finansavisen": "økonomi", "Dagens Medisin": "helse",
                      "Nationen": "distrikt", "Kommunal Rapport": "kommune"}.get(outlet)
        if title in data.COMMENTATOR_TITLES or title in ("Stortingskorrespondent",
                                                         "Politisk journalist"):
            first_beat = "politikk"
        person = {
            "kind": "journalist", "name": name, "organisation": outlet, "title": title,
            "region": region, "emails": [self.email(name, domain)],
            "beats": self.beats(first_beat),
            "data_source": self.pick(data.JOURNALIST_SOURCES).format(domain=domain),
        }
        if rng.random() < nn_share:
            person["preferred_language"] = "nn"
        elif rng.random() < 0.005:
            person["preferred_language"] = "en"
        if rng.random() < 0.3:
            person["address"] = address
        return person

    def _minister(self, name: str) -> dict:
        ministry, domain, title = next(self._ministers)
        constituency = self.pick(data.CONSTITUENCIES, self._seat_weights)
        return {
            "kind": "politician", "name": name, "organisation": data.GOVERNMENT_PARTY,
            "office": "Statsminister" if title == "Statsminister" else "Statsråd",
            "title": title, "region": constituency[2], "constituency": constituency[0],
            "emails": [self.email(name, domain)], "data_source": "regjeringen.no",
            "address": f"{ministry}, Postboks 8000 Dep, 0030 Oslo",
            "phones": [self.phone()], "extra_tags": ["viktig"],
        }

    def _secretary(self, name: str) -> dict:
        ministry, domain, _title = self.pick(data.MINISTRIES[1:])
        return {
            "kind": "politician", "name": name, "organisation": data.GOVERNMENT_PARTY,
            "office": "Statssekretær", "title": f"Statssekretær i {ministry}",
            "region": "Oslo", "emails": [self.email(name, domain)],
            "data_source": "regjeringen.no",
        }

    def _mp(self, name: str) -> dict:
        party_name, _nn, _abbr, party_domain = self.party()
        constituency, _seats, county = self.pick(data.CONSTITUENCIES, self._seat_weights)
        emails = [self.email(name, data.STORTINGET_DOMAIN)]
        if self.rng.random() < 0.3:
            emails.append(self.email(name, party_domain))
        phones = [self.phone()]
        if self.rng.random() < 0.3:
            phones.append(self.phone("2331"))
        person = {
            "kind": "politician", "name": name, "organisation": party_name,
            "office": "Stortingsrepresentant", "title": "", "region": county,
            "constituency": constituency, "committee": self.pick(data.COMMITTEES),
            "emails": emails, "phones": phones, "data_source": "stortinget.no",
            "extra_tags": ["stortinget"] if self.rng.random() < 0.5 else [],
        }
        if self.rng.random() < 0.4:
            person["address"] = data.STORTINGET_ADDRESS
        if county in ("Vestland", "Møre og Romsdal") and self.rng.random() < 0.4:
            person["preferred_language"] = "nn"
        return person

    def _mayor(self, name: str) -> dict:
        municipality, county, domain = next(self._mayor_seats)
        party_name = self.party()[0]
        return {
            "kind": "politician", "name": name, "organisation": party_name,
            "office": "Ordfører", "title": f"Ordfører i {municipality}", "region": county,
            "emails": [self.email(name, domain)], "data_source": "Kommunens nettsider",
        }

    def _local(self, name: str) -> dict:
        party_name, _nn, _abbr, party_domain = self.party()
        municipality, county, _domain = self.pick(data.MUNICIPALITIES)
        office = self.weighted(data.LOCAL_OFFICES)
        where = county if office.startswith(("Fylke", "Vararepresentant")) else municipality
        person = {
            "kind": "politician", "name": name, "organisation": party_name, "office": office,
            "title": f"{office}, {where}", "region": county,
            "emails": [self.email(name, party_domain)],
            "data_source": self.pick(data.POLITICIAN_SOURCES[2:]),
        }
        if office == "Vararepresentant til Stortinget":
            person["constituency"] = self.pick(
                [c[0] for c in data.CONSTITUENCIES if c[2] == county])
        return person

    def _official(self, name: str) -> dict:
        rng = self.rng
        if rng.random() < 0.6:
            organisation, domain, _minister = self.pick(data.MINISTRIES)
            landline, region = "2224", "Oslo"
        else:
            organisation, domain = self.pick(data.AGENCIES)
            landline = None
            region = "Vestland" if "Vestland" in organisation else (
                "Oslo" if rng.random() < 0.8 else self.pick(data.REGIONS))
        title = self.weighted(data.OFFICIAL_TITLES)
        phones = [self.phone()] if rng.random() < 0.75 else []
        if landline and rng.random() < 0.4:
            phones.append(self.phone(landline))
        return {
            "kind": "official", "name": name, "organisation": organisation, "title": title,
            "region": region, "emails": [self.email(name, domain)], "phones": phones,
            "data_source": self.pick(data.OFFICIAL_SOURCES).format(domain=domain),
            "extra_tags": ["pressevakt"] if title == "Pressevakt" else [],
        }

