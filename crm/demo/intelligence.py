"""Campaign intelligence in the demo: a campaign with its key messages, the spike rules every
term gets, and a first-mention alert that has fired, so the campaign page, the alerts page and
the banner show something on a fresh install (and every page has data to open).

Added once: nothing here is created when campaigns or alert rules exist already.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from crm.alerts import check as alert_check
from crm.alerts.models import AlertRule
from crm.alerts.services import RuleData, save_rule
from crm.campaigns.models import Campaign
from crm.campaigns.services import CampaignData, MessageData, save_campaign
from crm.extensions import db
from crm.monitoring.models import WatchTerm
from crm.timeutil import local_zone

MESSAGES = (
    MessageData("Trygge lokalsykehus i hele landet",
                variants="lokalsykehusene skal bestå\ntrygghet for lokalsykehusene",
                key_phrases="lokalsykehus\nakuttberedskap"),
    MessageData("Vanlige folk skal få lavere strømregning",
                variants="norgespris på strøm\nforlenge strømstøtten",
                key_phrases="strømstøtte\nstrømregning"),
    MessageData("Skattelette for vanlige inntekter",
                variants="senke skatten for vanlige inntekter",
                key_phrases="skatt\nvanlige inntekter"),
)


def create_intelligence(now: datetime, counts: dict) -> None:
    if db.session.scalar(db.select(Campaign.id).limit(1)) is None:
        terms = list(db.session.scalars(db.select(WatchTerm.id).where(
            WatchTerm.group.in_(("party", "issue")))))
        today = now.astimezone(local_zone()).date()
        save_campaign(None, CampaignData(
            name="Statsbudsjettet 2027", start_date=today - timedelta(days=60),
            end_date=today + timedelta(days=30), term_ids=terms, messages=list(MESSAGES),
            description="Våre tre hovedbudskap i budsjettdebatten."))
        counts["campaigns"] = 1
    if db.session.scalar(db.select(AlertRule.id).limit(1)) is None:
        counts["alert rules"] = alert_check.ensure_rules(now)
        party = db.session.scalar(db.select(WatchTerm).where(WatchTerm.group == "party")
                                  .order_by(WatchTerm.id))
        if party is not None:
            rule = save_rule(None, RuleData(kind="first", target=f"term:{party.id}"))
            rule.armed_at = now - timedelta(days=2)  # armed before this week's news
            db.session.commit()
        counts["alerts"] = len(alert_check.check(now).fired)
