"""Plans the demo's synthetic news as plain data (no database): stories over the last 14 days,
each carried by one feed or, for NTB copy, by several regional feeds under the same title
and NTB's publication time (which the real dedupe folds into one article with several
sources).

Everything is relative to `now` and drawn from the seeded `rng`. A few stories always fall in
the last hours, so the morning digest has something new to show.
"""

from __future__ import annotations

import html
import random
import re
import string
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from crm.demo import data, news_texts
from crm.demo.cast import Cast, Person
from crm.demo.people import email_local
from crm.monitoring.parse import ParsedEntry
from crm.monitoring.sanitize import html_to_text


class FeedSpec(NamedTuple):
    key: str
    outlet: str  # organisation name
    name: str
    url: str  # the outlet's real public feed
    county: str  # regional papers write about places there ("" = anywhere)
    weight: int  # share of the stories it carries itself


# Real public RSS addresses of the outlets (as of writing); the demo stores them INACTIVE.
FEEDS = (
    FeedSpec("nrk", "NRK", "NRK – toppsaker", "https://www.nrk.no/toppsaker.rss", "", 18),
    FeedSpec("nrk_vestland", "NRK", "NRK Vestland – toppsaker",
             "https://www.nrk.no/vestland/toppsaker.rss", "Vestland", 0),
    FeedSpec("vg", "VG", "VG – forsiden", "https://www.vg.no/rss/feed/", "", 14),
    FeedSpec("aftenposten", "Aftenposten", "Aftenposten", "https://www.aftenposten.no/rss", "",
             12),
    FeedSpec("dagbladet", "Dagbladet", "Dagbladet", "https://www.dagbladet.no/?lab_viewport=rss",
             "", 7),
    FeedSpec("tv2", "TV 2", "TV 2 – nyheter", "https://www.tv2.no/rss/nyheter", "", 9),
    FeedSpec("e24", "E24", "E24", "https://e24.no/rss2/", "", 0),  # economy, see below
    FeedSpec("bt", "Bergens Tidende", "Bergens Tidende", "https://www.bt.no/rss", "Vestland", 5),
    FeedSpec("aftenbladet", "Stavanger Aftenblad", "Stavanger Aftenblad",
             "https://www.aftenbladet.no/rss", "Rogaland", 4),
    FeedSpec("fvn", "Fædrelandsvennen", "Fædrelandsvennen", "https://www.fvn.no/rss", "Agder", 3),
    FeedSpec("smp", "Sunnmørsposten", "Sunnmørsposten", "https://www.smp.no/rss",
             "Møre og Romsdal", 3),
    FeedSpec("dagsavisen", "Dagsavisen", "Dagsavisen", "https://www.dagsavisen.no/rss", "", 4),
)
FEED_BY_KEY = {f.key: f for f in FEEDS}
NTB_CARRIERS = ("bt", "aftenbladet", "fvn", "smp", "dagsavisen")  # print NTB copy
ECONOMY_TOPICS = ("strøm", "skatt", "økonomi")
E24_WEIGHT = 16  # for economy stories
NYNORSK_FEEDS = (("nrk_vestland", 3), ("nrk", 1))
NTB_KINDS = ("party", "politician", "politician_summary", "issue", "competitor", "other")

STORIES = 240  # plus the fixed traps: a few hundred articles, whatever the register's size
DAYS = 14
RECENT_HOURS = 15  # newer than the previous morning digest, whenever the demo is loaded
FORCED_RECENT = ("party", "politician", "issue", "competitor", "nynorsk", "party",
                 "politician_summary", "issue", "competitor")
HTML_SHARE = 0.15
_FIELDS = string.Formatter()


@dataclass
class Watched:
    """Our politicians who have watch terms (and so appear in the news)."""

    leader: Person | None = None
    ministers: list[Person] = field(default_factory=list)
    mps: list[Person] = field(default_factory=list)

    @property
    def people(self) -> list[Person]:
        return [p for p in [self.leader] if p] + self.ministers + self.mps


def watched_politicians(cast: Cast) -> Watched:
    """The leader, up to three ministers and three MPs: distinct names only."""
    names: set[str] = set()

    def take(people, most):
        chosen = []
        for person in people:
            if person is not None and person.name not in names and len(chosen) < most:
                names.add(person.name)
                chosen.append(person)
        return chosen

    leader = take([cast.leader], 1)
    preferred = [cast.minister("Finansminister"), cast.minister("Helse- og omsorgsminister")]
    ministers = take(preferred + cast.ministers, 3)
    preferred_mps = [cast.mp(committee="Helse- og omsorgskomiteen"),
                     cast.mp(committee="Transport- og kommunikasjonskomiteen"),
                     cast.mp(region="Vestland")]
    mps = take(preferred_mps + cast.mps, 3)
    return Watched(leader[0] if leader else None, ministers, mps)


@dataclass
class Copy:
    """A story as one feed carried it."""

    feed: str
    link: str
    author: str
    seen_at: datetime


@dataclass
class Story:
    number: int
    kind: str
    title: str
    summary: str  # plain text
    published: datetime
    copies: list[Copy] = field(default_factory=list)
    html: str = ""  # how its feed marks the summary up: "", "p", "image", "strong", "nbsp"
    name: str = ""  # a person named in the summary (the "nbsp" markup uses it)
    noise_term: str = ""  # a watch term this story hits falsely

    def summary_html(self, copy: Copy) -> str:
        text = html.escape(self.summary, quote=False)
        if self.html == "p":
            return f"<p>{text}</p>"
        if self.html == "image":
            host = urlsplit(copy.link).netloc
            return (f'<p><img src="https://{host}/demo/bilder/{self.number}.jpg" '
                    f'alt="Illustrasjonsfoto" width="600"></p><p>{text}</p>'
                    f'<p><a href="{html.escape(copy.link)}">Les hele saken</a></p>')
        if self.html == "strong":
            first, dot, rest = text.partition(". ")
            return f"<p><strong>{first}{dot}</strong>{rest}</p>" if dot else f"<p>{text}</p>"
        if self.html == "nbsp" and self.name:
            return "<p>" + text.replace(self.name, self.name.replace(" ", "&nbsp;")) + "</p>"
        return self.summary  # a plain-text description, as most feeds send

    def entry(self, copy: Copy) -> ParsedEntry:
        """What parse.py would make of this copy (summary text from the HTML, as there)."""
        markup = self.summary_html(copy)
        return ParsedEntry(guid=copy.link, link=copy.link, title=self.title,
                           summary_html=markup, summary=html_to_text(markup),
                           author=copy.author, published=self.published)


def slug(title: str) -> str:
    text = email_local(title).replace(".", "-")
    return re.sub(r"-{2,}", "-", text).strip("-")[:70] or "sak"


def genitive(name: str) -> str:
    return name + ("'" if name.endswith(("s", "x", "z")) else "s")


class News:
    def __init__(self, rng: random.Random, now: datetime, zone: ZoneInfo, cast: Cast,
                 watched: Watched):
        self.rng, self.now, self.zone = rng, now, zone
        self.cast, self.watched = cast, watched
        self.used_titles: set[str] = set()
        self.places_by_county: dict[str, list[str]] = {}
        for name, county, _domain in data.MUNICIPALITIES:
            self.places_by_county.setdefault(county, []).append(name)

    # Slots --------------------------------------------------------------------------------

    def slots(self, feed: FeedSpec | None) -> dict[str, str]:
        """Values for every slot this register can fill (names, places, numbers)."""
        rng, watched = self.rng, self.watched
        county = feed.county if feed and feed.county else rng.choice(data.REGIONS)
        places = self.places_by_county.get(county) or [m[0] for m in data.MUNICIPALITIES]
        comp, comp_gen = rng.choice(news_texts.COMPETITOR_FORMS)
        values = {
            "place": rng.choice(places), "county": county,
            "outlet": feed.outlet if feed else "NTB", "comp": comp, "comp_gen": comp_gen,
            "n": str(rng.randint(2, 9)), "big": str(rng.choice((150, 200, 250, 300, 500))),
            "pct": str(rng.randint(14, 29)), "pct2": str(rng.randint(14, 29)),
            "delta": f"{rng.randint(1, 4)},{rng.randint(0, 9)}",
            "demand": rng.choice(news_texts.DEMANDS), "club": rng.choice(news_texts.CLUBS),
        }
        if watched.leader:
            leader = watched.leader
            values.update(leader=leader.name, leader_last=leader.last,
                          leader_gen=genitive(leader.name))
        if watched.ministers:
            minister = rng.choice(watched.ministers)
            values.update(minister=minister.name, minister_last=minister.last,
                          minister_title=minister.title.lower(),
                          minister_title_cap=minister.title)
        if watched.mps:
            mp = rng.choice(watched.mps)
            values.update(mp=mp.name, mp_region=mp.region or "Oslo")
        if self.cast.rivals:
            rival = rng.choice(self.cast.rivals)
            abbr, gen = news_texts.PARTY_SHORT.get(rival.party, (rival.party, rival.party))
            values.update(rival=rival.name, rival_abbr=abbr, rival_party_gen=gen,
                          rival_region=rival.region or "Oslo")
        return values

    @staticmethod
    def needs(template: tuple) -> set[str]:
        return {name for text in template[2:4] for _lit, name, _spec, _conv
                in _FIELDS.parse(text) if name}

    def usable(self, templates, available: set[str]) -> list[tuple]:
        return [t for t in templates if self.needs(t) <= available]

    # Where and when -------------------------------------------------------------------------

    def moment(self, recent: bool) -> datetime:
        rng = self.rng
        if recent:
            return self.now - timedelta(minutes=rng.uniform(25, RECENT_HOURS * 60))
        while True:  # mostly daytime, fewer at weekends
            moment = self.now - timedelta(minutes=rng.uniform(25, DAYS * 24 * 60))
            local = moment.astimezone(self.zone)
            if 6 <= local.hour <= 22 and (local.weekday() < 5 or rng.random() < 0.5):
                return moment.replace(second=0, microsecond=0)

    def feed_for(self, kind: str, topic: str) -> FeedSpec:
        rng = self.rng
        if kind == "nynorsk":
            keys = NYNORSK_FEEDS
        else:
            keys = [(f.key, f.weight) for f in FEEDS if f.weight]
            if topic in ECONOMY_TOPICS:
                keys.append(("e24", E24_WEIGHT))
        key = rng.choices([k for k, _ in keys], [w for _, w in keys])[0]
        return FEED_BY_KEY[key]

    def byline(self, outlet: str) -> str:
        rng = self.rng
        people = self.cast.journalists.get(outlet, [])
        if not people or rng.random() < 0.12:
            return ""
        first = people[int(len(people) * rng.random() ** 1.5)]
        if len(people) > 1 and rng.random() < 0.1:
            second = rng.choice([p for p in people if p is not first])
            return f"{first.name} og {second.name}"
        return first.name

    def ntb_byline(self) -> str:
        people = self.cast.journalists.get("NTB", [])
        if people and self.rng.random() < 0.7:
            return f"{self.rng.choice(people).name} / NTB"
        return "NTB"

    def link(self, feed: FeedSpec, title: str, number: int, ntb: bool) -> str:
        host = urlsplit(feed.url).netloc
        return f"https://{host}/demo/{'ntb/' if ntb else ''}{slug(title)}-{number}"

    def seen(self, published: datetime, low: int, high: int) -> datetime:
        delay = timedelta(minutes=self.rng.uniform(low, high))
        return min(published + delay, self.now - timedelta(seconds=30))

    # Stories ------------------------------------------------------------------------------

    def plan(self, count: int = STORIES) -> list[Story]:
        rng = self.rng
        kinds = list(news_texts.KINDS)
        weights = [w for _t, w in news_texts.KINDS.values()]
        plans = [(k, True, None) for k in FORCED_RECENT]
        plans += [(rng.choices(kinds, weights)[0], False, None)
                  for _ in range(count - len(plans))]
        plans += [(t[0], False, t) for t in news_texts.EXCLUDED + news_texts.NOISE]
        stories = []
        for number, (kind, recent, fixed) in enumerate(plans, start=1):
            stories.append(self.story(number, kind, recent, fixed,
                                      ntb=kind in NTB_KINDS and number % 5 == 2))
        stories.sort(key=lambda s: (s.published, s.number))
        return stories

    def available(self) -> set[str]:
        """The slots this register can fill."""
        names = {"place", "county", "outlet", "comp", "comp_gen", "n", "big", "pct", "pct2",
                 "delta", "demand", "club"}
        if self.watched.leader:
            names |= {"leader", "leader_last", "leader_gen"}
        if self.watched.ministers:
            names |= {"minister", "minister_last", "minister_title", "minister_title_cap"}
        if self.watched.mps:
            names |= {"mp", "mp_region"}
        if self.cast.rivals:
            names |= {"rival", "rival_abbr", "rival_party_gen", "rival_region"}
        return names

    def story(self, number: int, kind: str, recent: bool, fixed: tuple | None,
              ntb: bool) -> Story:
        rng = self.rng
        available = self.available()
        choices = self.usable([fixed] if fixed else news_texts.KINDS[kind][0], available)
        if not choices:  # e.g. no politicians in a tiny register
            kind, choices = "issue", self.usable(news_texts.ISSUE, available)
        fresh = [t for t in choices if t[2] not in self.used_titles] or choices
        template = rng.choice(fresh)
        if "{" not in template[2]:
            self.used_titles.add(template[2])  # a fixed headline appears once, if it can
        topic_feed = None if ntb else self.feed_for(kind, template[1])
        values = self.slots(topic_feed)
        title = template[2].format(**values)
        summary = template[3].format(**values)
        published = self.moment(recent)
        story = Story(number, kind, title, summary, published,
                      noise_term=fixed[4] if fixed and len(fixed) > 4 else "")
        if ntb:
            author = self.ntb_byline()
            for key in rng.sample(NTB_CARRIERS, rng.randint(2, 4)):
                feed = FEED_BY_KEY[key]
                story.copies.append(Copy(key, self.link(feed, title, number, True), author,
                                         self.seen(published, 4, 90)))
        else:
            story.copies.append(Copy(topic_feed.key, self.link(topic_feed, title, number, False),
                                     self.byline(topic_feed.outlet),
                                     self.seen(published, 2, 25)))
        if rng.random() < HTML_SHARE:
            story.html = rng.choice(("p", "image", "strong", "nbsp"))
            story.name = next((p.name for p in self.watched.people if p.name in summary), "")
        return story


def plan_news(rng: random.Random, now: datetime, zone: ZoneInfo, cast: Cast,
              watched: Watched, count: int = STORIES) -> list[Story]:
    return News(rng, now, zone, cast, watched).plan(count)
