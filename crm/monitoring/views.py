"""Monitoring pages: mentions, articles, feeds, watch terms (coverage in views_coverage)."""

from __future__ import annotations

from flask import (
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import joinedload, load_only, selectinload

from crm.auth.roles import editor_required
from crm.errors import UserError
from crm.extensions import db
from crm.formutil import choices
from crm.monitoring import bp, checks, mentions, services, tone
from crm.monitoring.forms import FeedForm, OpmlForm, TermForm
from crm.monitoring.models import (
    MENTION_STATUSES,
    TERM_GROUPS,
    Article,
    ArticleSource,
    Feed,
    Mention,
    Tone,
    WatchTerm,
)
from crm.monitoring.opml import OpmlError, export_opml, import_opml
from crm.monitoring.sanitize import clean_html
from crm.monitoring.store import byline_names
from crm.timeutil import utcnow
from crm.view_helpers import (
    date_arg,
    id_arg,
    next_url,
    paginate,
    send_download,
    show_error,
)


def _outlets():
    """(id, name) of the outlets, for a filter or a choice."""
    from crm.contacts.models import Organisation
    return db.session.execute(
        db.select(Organisation.id, Organisation.name).where(Organisation.kind == "outlet")
        .order_by(Organisation.sort_name)).all()


# --- mentions -------------------------------------------------------------------------------

def mention_filter_from_args(args) -> mentions.MentionFilter:
    return mentions.MentionFilter(
        term_id=id_arg("term", args), group=args.get("group", "")[:20],
        organisation_id=id_arg("outlet", args), date_from=date_arg("from", args),
        date_to=date_arg("to", args), read=args.get("read", "")[:10],
        status=args.get("status", "not_noise")[:10])


@bp.route("/")
def mentions_index():
    """Articles with mentions, newest first, filtered: one row per article, its terms as
    chips."""
    from crm.contacts.models import Contact, Organisation

    flt = mention_filter_from_args(request.args)
    # Each article's author, and its sources' feeds and outlets, joined to the query that
    # loads them: two queries for the page's articles instead of five. Only the columns the
    # page shows are loaded (a feed has 24, most of them times to convert); raiseload makes a
    # template that reaches for another one fail in the tests instead of querying per row.
    query = mentions.filtered_articles(flt).options(
        load_only(Article.id, Article.title, Article.link, Article.author,
                  Article.author_contact_id, Article.author_guess, Article.sort_at,
                  raiseload=True),
        selectinload(Article.sources).load_only(ArticleSource.feed_id, raiseload=True)
        .joinedload(ArticleSource.feed).load_only(Feed.name, Feed.organisation_id,
                                                  raiseload=True)
        .joinedload(Feed.organisation).load_only(Organisation.name, raiseload=True),
        joinedload(Article.author_contact).load_only(Contact.name, raiseload=True))
    page = paginate(query)
    terms = db.session.execute(
        db.select(WatchTerm.id, WatchTerm.term).order_by(WatchTerm.term)).all()
    return render_template(
        "monitoring/mentions.html", page=page, flt=flt, terms=terms, groups=TERM_GROUPS,
        outlets=_outlets(), statuses=MENTION_STATUSES,
        found=mentions.mentions_on(flt, [a.id for a in page.items]),
        mention_total=mentions.count_mentions(flt) if page.total else 0)


@bp.route("/mentions/<int:mention_id>/status", methods=["POST"])
@editor_required
def mention_status(mention_id: int):
    """Mark a mention relevant, noise or unset."""
    mention = db.get_or_404(Mention, mention_id)
    status = request.form.get("status", "")
    if status not in MENTION_STATUSES:
        abort(400)
    mentions.set_status(mention, status)
    return redirect(next_url(url_for("monitoring.mentions_index")))


@bp.route("/mentions/<int:mention_id>/tone", methods=["POST"])
@editor_required
def mention_tone(mention_id: int):
    """Set a mention's tone (positive, neutral, negative, or "" to clear); crm/static/tone.js
    asks for JSON to do it without a reload."""
    mention = db.get_or_404(Mention, mention_id, options=[
        selectinload(Mention.term), selectinload(Mention.article)])
    wants_json = request.accept_mimetypes.best == "application/json"
    try:
        tone.set_tone(mention, request.form.get("tone", "")[:20], current_user.id)
    except UserError as exc:
        if wants_json:
            return jsonify(error=exc.message), 400
        flash(exc.message, "error")
    else:
        if wants_json:
            return jsonify(tone=mention.tone,
                           label=Tone.label_of(mention.tone) if mention.tone else "")
    return redirect(next_url(url_for("monitoring.mentions_index")))


@bp.route("/mentions/<int:mention_id>/read", methods=["POST"])
@editor_required
def mention_read(mention_id: int):
    """Mark a mention read or unread."""
    mentions.set_read(db.get_or_404(Mention, mention_id), request.form.get("read", "1") == "1")
    return redirect(next_url(url_for("monitoring.mentions_index")))


@bp.route("/articles/<int:article_id>/read", methods=["POST"])
@editor_required
def article_read(article_id: int):
    """Mark all of an article's mentions read or unread."""
    mentions.set_article_read(db.get_or_404(Article, article_id),
                              request.form.get("read", "1") == "1")
    return redirect(next_url(url_for("monitoring.mentions_index")))


@bp.route("/mentions/read-all", methods=["POST"])
@editor_required
def mentions_read_all():
    """Mark every mention in the current filter as read."""
    flt = mention_filter_from_args(request.form)
    count = mentions.mark_all_read(flt)
    flash(ngettext("%(num)d mention marked as read.", "%(num)d mentions marked as read.",
                   count), "success")
    return redirect(next_url(url_for("monitoring.mentions_index")))


@bp.route("/articles/<int:article_id>")
def article(article_id: int):
    """One article: its sources, byline and mentions."""
    item = db.get_or_404(Article, article_id, options=[
        selectinload(Article.sources).selectinload(ArticleSource.feed)
        .selectinload(Feed.organisation),
        selectinload(Article.mentions).selectinload(Mention.term),
        selectinload(Article.author_contact)])
    from crm import registry
    sections = [s for hook in registry.ARTICLE_SECTIONS.values() for s in (hook(item) or [])]
    return render_template("monitoring/article.html", article=item, sections=sections,
                           outlets=mentions.outlets_of(item),
                           byline_names=[] if item.author_contact_id and not item.author_guess else byline_names(
                               item.author))


@bp.route("/articles/<int:article_id>/byline", methods=["GET", "POST"])
@editor_required
def article_byline(article_id: int):
    """Add the journalist of a byline to the register, prefilled from the article (name,
    outlet, the article as the data's source), and link the article to them."""
    from crm.contacts.views import _data_from_form, _form_with_choices

    item = db.get_or_404(Article, article_id, options=[
        selectinload(Article.sources).selectinload(ArticleSource.feed)
        .selectinload(Feed.organisation)])
    names = byline_names(item.author)
    if not names:
        abort(404)
    outlets = mentions.outlets_of(item)
    if request.method == "GET":
        name = request.args.get("name", "")
        form = _form_with_choices(
            kind="journalist", name=name if name in names else names[0],
            organisation_id=outlets[0].id if outlets else 0,
            data_source=mentions.byline_source(item))
    else:
        form = _form_with_choices()
    if form.validate_on_submit():
        try:
            contact = mentions.add_byline_contact(item, _data_from_form(form))
        except UserError as exc:
            show_error(form, exc, fallback="name")
        else:
            flash(_("%(name)s was added to the register and linked to the article.",
                    name=contact.name), "success")
            return redirect(url_for("monitoring.article", article_id=item.id))
    return render_template("contacts/form.html", form=form, contact=None)


@bp.app_template_filter("feed_html")
def feed_html_filter(value: str):
    """Feed HTML made safe to show (nh3), whatever was stored."""
    return clean_html(value)


# --- feeds ----------------------------------------------------------------------------------

@bp.route("/feeds")
def feeds():
    """Every feed with its health."""
    items = db.session.scalars(db.select(Feed).order_by(Feed.name, Feed.id)
                               .options(selectinload(Feed.organisation))).all()
    now = utcnow()
    return render_template("monitoring/feeds.html", feeds=items,
                           check_states={f.id: checks.check_state(f, now) for f in items})


@bp.route("/feeds/<int:feed_id>")
def feed(feed_id: int):
    """One feed: settings, health and the latest articles it carried."""
    item = db.get_or_404(Feed, feed_id, options=[selectinload(Feed.organisation)])
    articles = db.session.scalars(
        db.select(Article).join(ArticleSource).where(ArticleSource.feed_id == item.id)
        .order_by(Article.sort_at.desc()).limit(50)
        .options(selectinload(Article.author_contact))).all()
    return render_template("monitoring/feed.html", feed=item, articles=articles,
                           mention_counts=mentions.mention_counts([a.id for a in articles]),
                           check_state=checks.check_state(item))


def _feed_form(**kwargs) -> FeedForm:
    form = FeedForm(**kwargs)
    form.organisation_id.choices = choices([(0, "—")] + [(o.id, o.name) for o in _outlets()])
    return form


def _feed_data(form: FeedForm) -> services.FeedData:
    return services.FeedData(url=form.url.data or "", name=form.name.data or "",
                             organisation_id=form.organisation_id.data or None,
                             interval_minutes=form.interval_minutes.data or 15,
                             active=form.active.data)


@bp.route("/feeds/new", methods=["GET", "POST"])
@editor_required
def feed_new():
    """Add a feed: it is saved at once and read in the background; its page shows the result."""
    form = _feed_form(organisation_id=id_arg("outlet") or 0)
    if form.validate_on_submit():
        try:
            feed, _report = services.create_feed(_feed_data(form), fetch_now=False)
        except UserError as exc:
            db.session.rollback()
            show_error(form, exc, fallback="url")
        else:
            _check_now(feed)
            return redirect(url_for("monitoring.feed", feed_id=feed.id))
    return render_template("monitoring/feed_form.html", form=form, feed=None)


def _check_now(feed: Feed) -> None:
    if checks.request_check(feed):
        flash(_("Feed saved. It is being read now; the result appears on this page."),
              "success")
    else:
        flash(_("Feed saved. Many feeds are being read just now: this one is read at the next "
                "poll."), "warning")


@bp.route("/feeds/<int:feed_id>/edit", methods=["GET", "POST"])
@editor_required
def feed_edit(feed_id: int):
    """Change a feed's settings."""
    item = db.get_or_404(Feed, feed_id)
    form = _feed_form(obj=item) if request.method == "GET" else _feed_form()
    if request.method == "GET":
        form.organisation_id.data = item.organisation_id or 0
    if form.validate_on_submit():
        old_url = item.url
        try:
            services.update_feed(item, _feed_data(form))
        except UserError as exc:
            db.session.rollback()
            show_error(form, exc, fallback="url")
        else:
            if item.url != old_url:  # another feed now: read it at once, as when added
                _check_now(item)
            else:
                flash(_("Feed saved."), "success")
            return redirect(url_for("monitoring.feed", feed_id=item.id))
    return render_template("monitoring/feed_form.html", form=form, feed=item)


@bp.route("/feeds/<int:feed_id>/delete", methods=["POST"])
@editor_required
def feed_delete(feed_id: int):
    """Delete a feed and the articles only it carried."""
    removed = services.delete_feed(db.get_or_404(Feed, feed_id))
    flash(ngettext("Feed deleted, together with %(num)d article that only it carried.",
                   "Feed deleted, together with %(num)d articles that only it carried.",
                   removed), "success")
    return redirect(url_for("monitoring.feeds"))


@bp.route("/feeds/<int:feed_id>/poll", methods=["POST"])
@editor_required
def feed_poll(feed_id: int):
    """Poll one feed now (in the background; the feed page shows the result)."""
    item = db.get_or_404(Feed, feed_id)
    if checks.request_check(item):
        flash(_("The feed is being read now; the result appears on this page."), "success")
    else:
        flash(_("Many feeds are being read just now: this one is read at the next poll."),
              "warning")
    return redirect(url_for("monitoring.feed", feed_id=feed_id))


@bp.route("/feeds/<int:feed_id>/status")
def feed_status(feed_id: int):
    """Whether a check of the feed is still running (asked by crm/static/feed-status.js)."""
    item = db.get_or_404(Feed, feed_id)
    response = jsonify(checking=checks.check_state(item) == "checking")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/feeds/opml")
def feeds_export():
    """The feed list as an OPML file."""
    return send_download(export_opml(), "pressdesk-feeds.opml", "text/x-opml")


@bp.route("/feeds/import", methods=["GET", "POST"])
@editor_required
def feeds_import():
    """Add the feeds listed in an OPML file."""
    form = OpmlForm()
    result = None
    if form.validate_on_submit():
        try:
            result = import_opml(form.file.data.read(2 * 1024 * 1024 + 1))
        except OpmlError as exc:
            show_error(form, exc, fallback="file")
        else:
            flash(_("Feeds added: %(added)d. Already there: %(skipped)d. Invalid: %(invalid)d.",
                    added=len(result.added), skipped=len(result.skipped),
                    invalid=len(result.invalid)), "success")
            if result.unchecked:
                flash(ngettext("%(num)d feed's address could not be looked up now; it is "
                               "checked when the feed is read.",
                               "%(num)d feeds' addresses could not be looked up now; they are "
                               "checked when the feeds are read.", result.unchecked), "warning")
    return render_template("monitoring/feeds_import.html", form=form, result=result)


# --- watch terms ----------------------------------------------------------------------------

@bp.route("/terms")
def terms():
    """Watch terms by group, with their mention counts."""
    items = db.session.scalars(db.select(WatchTerm).order_by(WatchTerm.group, WatchTerm.term)
                               .options(selectinload(WatchTerm.contact)))
    counts = dict(db.session.execute(
        db.select(Mention.term_id, db.func.count()).where(Mention.status != "noise")
        .group_by(Mention.term_id)).all())
    text = mentions.clean_trial_text(request.args.get("text", ""))
    trial = mentions.try_terms(text) if text else None
    return render_template("monitoring/terms.html", terms=items.all(), counts=counts,
                           text=text, trial=trial)


def _term_form(**kwargs) -> TermForm:
    from crm.contacts.models import Contact
    form = TermForm(**kwargs)
    politicians = db.session.scalars(
        db.select(Contact).where(Contact.kind == "politician", Contact.erased_at.is_(None))
        .order_by(Contact.sort_name)).all()
    form.contact_id.choices = choices([(0, "—")] + [(c.id, c.name) for c in politicians])
    return form


def _save_term(term: WatchTerm | None):
    form = _term_form(obj=term) if request.method == "GET" else _term_form()
    if request.method == "GET" and term is not None:
        form.contact_id.data = term.contact_id or 0
    trial = None
    if form.validate_on_submit():
        data = mentions.TermData(
            term=form.term.data or "", group=form.group.data, variants=form.variants.data or "",
            exclusions=form.exclusions.data or "", case_mode=form.case_mode.data,
            contact_id=form.contact_id.data or None, active=form.active.data)
        if request.form.get("action") == "try":
            try:
                trial = mentions.try_term(term, data, form.try_text.data or "")
            except UserError as exc:
                show_error(form, exc, fallback="term")
            return render_template("monitoring/term_form.html", form=form, term=term,
                                   days=mentions.rematch_days(), trial=trial)
        try:
            saved, counts = mentions.save_term(term, data)
        except UserError as exc:
            db.session.rollback()
            show_error(form, exc, fallback="term")
        else:
            flash(_("Term saved. Recent articles matched again: %(articles)d. Mentions added: "
                    "%(added)d, removed: %(removed)d.", articles=counts.articles,
                    added=counts.added, removed=counts.removed), "success")
            return redirect(url_for("monitoring.mentions_index", term=saved.id))
    return render_template("monitoring/term_form.html", form=form, term=term,
                           days=mentions.rematch_days(), trial=trial)


@bp.route("/terms/new", methods=["GET", "POST"])
@editor_required
def term_new():
    """Add a watch term (recent articles are matched at once)."""
    return _save_term(None)


@bp.route("/terms/<int:term_id>/edit", methods=["GET", "POST"])
@editor_required
def term_edit(term_id: int):
    """Change a watch term (recent articles are matched again)."""
    return _save_term(db.get_or_404(WatchTerm, term_id))


@bp.route("/terms/<int:term_id>/delete", methods=["POST"])
@editor_required
def term_delete(term_id: int):
    """Delete a watch term and its mentions."""
    mentions.delete_term(db.get_or_404(WatchTerm, term_id))
    flash(_("Term deleted."), "success")
    return redirect(url_for("monitoring.terms"))

