"""Alert pages: the rules and one's own subscriptions, one alert, rule forms, dismissing."""

from __future__ import annotations

from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.alerts import bp, services
from crm.alerts.forms import RuleForm
from crm.alerts.models import Alert, AlertRule
from crm.auth.roles import editor_required, viewer_may_post
from crm.errors import UserError
from crm.extensions import db
from crm.formutil import choices
from crm.monitoring.models import TermGroup, WatchTerm
from crm.view_helpers import next_url, show_error


def _target_choices() -> list:
    terms = db.session.scalars(db.select(WatchTerm).order_by(WatchTerm.term)).all()
    groups = [(f"group:{g.value}", _("All of: %(group)s", group=g.plural)) for g in TermGroup]
    return choices(groups + [(f"term:{t.id}", t.term) for t in terms])


@bp.route("/")
def index():
    """Alert rules with the user's subscriptions, and the latest alerts."""
    services.ensure_rules()
    return render_template("alerts/index.html", rules=services.rules_listed(),
                           subscriptions=services.subscriptions_of(current_user),
                           alerts=services.recent_alerts(20), label=services.target_label,
                           title_of=services.alert_title)


@bp.route("/<int:alert_id>")
def detail(alert_id: int):
    """One alert and the articles that caused it."""
    alert = db.get_or_404(Alert, alert_id)
    return render_template("alerts/detail.html", alert=alert, title=services.alert_title(alert),
                           articles=services.articles_of(alert))


@bp.route("/<int:alert_id>/dismiss", methods=["POST"])
@viewer_may_post
def dismiss(alert_id: int):
    """Hide an alert from one's own banner."""
    services.dismiss(current_user, db.get_or_404(Alert, alert_id))
    return redirect(next_url(url_for("alerts.index")))


@bp.route("/rules/<int:rule_id>/subscription", methods=["POST"])
@viewer_may_post
def subscription(rule_id: int):
    """Subscribe to a rule (by email and banner, or banner only) or unsubscribe."""
    rule = db.get_or_404(AlertRule, rule_id)
    choice = request.form.get("subscribe", "")[:10]
    if choice not in ("email", "banner", "off"):
        abort(400)
    services.subscribe(current_user, rule, on=choice != "off", email=choice == "email")
    flash(_("Your alert subscription is saved."), "success")
    return redirect(next_url(url_for("alerts.index")))


def _form_data(form: RuleForm) -> services.RuleData:
    return services.RuleData(
        kind=form.kind.data, target=form.target.data or "",
        factor=float(form.factor.data or Decimal(0)), min_count=form.min_count.data or 0,
        window_hours=form.window_hours.data or 0, baseline_weeks=form.baseline_weeks.data or 0,
        cooldown_hours=form.cooldown_hours.data or 0, active=form.active.data)


def _rule_form(rule: AlertRule | None):
    form = RuleForm(obj=rule)
    form.target.choices = _target_choices()
    if request.method == "GET" and rule is None and request.args.get("term", "").isdigit():
        form.target.data = f"term:{request.args['term'][:18]}"
        form.kind.data = "first"
    if form.validate_on_submit():
        try:
            saved = services.save_rule(rule, _form_data(form))
        except UserError as exc:
            show_error(form, exc)
        else:
            flash(_("The alert rule is saved."), "success")
            return redirect(url_for("alerts.index", _anchor=f"rule-{saved.id}"))
    elif request.method == "POST":
        flash(_("Please correct the marked fields."), "error")
    return render_template("alerts/rule_form.html", form=form, rule=rule)


@bp.route("/rules/new", methods=["GET", "POST"])
@editor_required
def rule_new():
    """A new spike or first-mention rule."""
    return _rule_form(None)


@bp.route("/rules/<int:rule_id>/edit", methods=["GET", "POST"])
@editor_required
def rule_edit(rule_id: int):
    """Change a rule's settings."""
    return _rule_form(db.get_or_404(AlertRule, rule_id))


@bp.route("/rules/<int:rule_id>/rearm", methods=["POST"])
@editor_required
def rule_rearm(rule_id: int):
    """Let a first-mention rule fire again on the next first mention."""
    services.rearm(db.get_or_404(AlertRule, rule_id))
    flash(_("The alert watches for the next first mention."), "success")
    return redirect(url_for("alerts.index"))


@bp.route("/rules/<int:rule_id>/delete", methods=["POST"])
@editor_required
def rule_delete(rule_id: int):
    """Delete a rule, its alerts and subscriptions."""
    services.delete_rule(db.get_or_404(AlertRule, rule_id))
    flash(_("The alert rule is deleted."), "success")
    return redirect(url_for("alerts.index"))
