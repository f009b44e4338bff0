"""Release templates: upload with validation, the built-in defaults, set default, retire.

Templates live in the database (bytes), so every app process and the scheduler see the same
ones and a database backup holds them. An upload that uses none of the placeholders, or shows
neither a release's title nor its text, is stored (it may be a start to edit) with a warning;
the latter is "not usable": it cannot be the default and nothing is sent through it.
"""

from __future__ import annotations

import hashlib
import os

from crm.errors import UserError
from crm.extensions import db
from crm.messages import Message, msg
from crm.releases import default_template, docx, workflow
from crm.releases.models import TEMPLATE_LANGUAGES, ReleaseTemplate
from crm.releases.output import sample_data
from crm.releases.package import PackageError, check_docx
from crm.text import normalise_space
from crm.timeutil import utcnow


class TemplateRejected(UserError):
    """The upload is not a usable template; the message says why."""


def active_templates() -> list[ReleaseTemplate]:
    return list(db.session.scalars(db.select(ReleaseTemplate).where(
        ReleaseTemplate.retired_at.is_(None)).order_by(ReleaseTemplate.language,
                                                       ReleaseTemplate.name)))


def all_templates() -> list[ReleaseTemplate]:
    return list(db.session.scalars(db.select(ReleaseTemplate).order_by(
        ReleaseTemplate.retired_at.is_not(None), ReleaseTemplate.language,
        ReleaseTemplate.name)))


def _safe_filename(filename: str) -> str:
    name = os.path.basename((filename or "").replace("\\", "/")).strip()
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|:*?')
    return (name or "template.docx")[:255]


def validate(data: bytes, language: str = "nb") -> docx.Inspection:
    """Check an upload (package, placeholders, a trial render). Raises TemplateRejected."""
    try:
        check_docx(data)
        return docx.inspect(data, sample_data(language))
    except PackageError as exc:
        raise TemplateRejected(exc.msg, field="file") from None
    except docx.RenderError as exc:
        raise TemplateRejected(msg("The template cannot be used: %(reason)s", reason=exc.msg),
                               field="file") from None


def upload_warnings(inspection: docx.Inspection) -> list[Message]:
    """What the uploader should know about a template that was accepted."""
    warnings = []
    if not inspection.known:
        warnings.append(msg("The template uses none of Pressdesk's placeholders, so a release "
                            "rendered through it would carry none of its text, and nothing "
                            "can be sent through it. Put {{ title }} and {{p body }} where "
                            "the title and the text belong."))
        if inspection.foreign:
            warnings.append(msg("It seems to use another program's placeholders (%(examples)s); "
                                "Pressdesk only fills placeholders written like {{ title }}.",
                                examples=", ".join(inspection.foreign)))
    elif not inspection.usable:
        warnings.append(msg("The template shows neither the title nor the text of a release, "
                            "so nothing can be sent through it. Add {{ title }} or "
                            "{{p body }}."))
    if inspection.unknown:
        warnings.append(msg("It uses placeholders Pressdesk does not fill: %(names)s.",
                            names=", ".join(inspection.unknown)))
    return warnings


def upload_template(*, name: str, language: str, filename: str, data: bytes,
                    user_id: int | None = None) -> tuple[ReleaseTemplate, list[Message]]:
    """Validate and store an uploaded template; return it and the warnings for its uploader
    (no placeholders, nothing of a release shown, unknown placeholders).

    The first usable template of a language becomes its default. Raises TemplateRejected
    (nothing stored) when the file is not an acceptable template.
    """
    name = normalise_space(name)[:200]
    if not name:
        raise TemplateRejected(msg("A name is required."), field="name")
    if language not in TEMPLATE_LANGUAGES:
        raise TemplateRejected(msg("Unknown language."), field="language")
    inspection = validate(data, language)
    template = ReleaseTemplate(
        name=name, language=language, filename=_safe_filename(filename), content=data,
        size=len(data), sha256=hashlib.sha256(data).hexdigest(),
        variables=inspection.variables, shown=inspection.shown, uploaded_by_id=user_id)
    # the first usable one of its language
    template.is_default = inspection.usable and not _has_own_default(language)
    db.session.add(template)
    if template.is_default:  # releases that fell back to bokmål now render with it
        workflow.reopen_changed(user_id, _now_rendered_by(template))
    db.session.commit()
    return template, upload_warnings(inspection)


def check_shown(templates: list[ReleaseTemplate]) -> None:
    """Fill in `shown` for templates stored before it was recorded (one trial render each);
    a template that no longer renders counts as showing nothing. Commits if any changed."""
    changed = False
    for template in templates:
        if template.shown is not None:
            continue
        try:
            template.shown = docx.inspect(template.content, sample_data(template.language)).shown
        except docx.RenderError:
            template.shown = []
        changed = True
    if changed:
        db.session.commit()


def is_usable(template: ReleaseTemplate) -> bool:
    """Whether releases can be sent through the template (it shows their title or text)."""
    check_shown([template])
    return docx.shows_release(template.shown)


def unusable_reason(template: ReleaseTemplate) -> Message | None:
    """Why nothing may be sent through `template`, or None when it is usable."""
    if is_usable(template):
        return None
    return msg("The template “%(name)s” shows neither the title nor the text of a release; "
               "choose another template or upload a corrected one.", name=template.name)


def _now_rendered_by(template: ReleaseTemplate):
    """Why approved releases went back to review (four eyes): they render through another
    template now."""
    return msg("The template changed after the approval (now “%(name)s”).", name=template.name)


def install_defaults() -> list[ReleaseTemplate]:
    """Store the built-in Norwegian and English templates unless they are already there."""
    added = []
    for language in TEMPLATE_LANGUAGES:
        data = default_template.build(language)
        digest = hashlib.sha256(data).hexdigest()
        exists = db.session.scalar(db.select(ReleaseTemplate.id).where(
            ReleaseTemplate.name == default_template.WORDING[language]["name"],
            ReleaseTemplate.retired_at.is_(None)))
        if exists:
            continue
        inspection = docx.inspect(data, sample_data(language))
        template = ReleaseTemplate(
            name=default_template.WORDING[language]["name"], language=language,
            filename=f"pressdesk-{language}.docx", content=data, size=len(data),
            sha256=digest, variables=inspection.variables, shown=inspection.shown)
        template.is_default = not _has_own_default(language)
        db.session.add(template)
        added.append(template)
    db.session.commit()
    return added


def _has_own_default(language: str) -> bool:
    """Whether `language` itself has a default (not counting the fallback to bokmål that
    `default_for` makes: with it, English would never get its own default)."""
    return db.session.scalar(db.select(ReleaseTemplate.id).where(
        ReleaseTemplate.language == language, ReleaseTemplate.is_default,
        ReleaseTemplate.retired_at.is_(None)).limit(1)) is not None


def default_for(language: str, install: bool = True) -> ReleaseTemplate | None:
    """The default template for a language (nynorsk falls back to bokmål); the built-in ones
    are installed the first time none exists."""
    for lang in dict.fromkeys((language, "nb" if language == "nn" else language, "nb")):
        template = db.session.scalar(db.select(ReleaseTemplate).where(
            ReleaseTemplate.language == lang, ReleaseTemplate.is_default,
            ReleaseTemplate.retired_at.is_(None)))
        if template is not None:
            return template
    if install and not active_templates():
        install_defaults()
        return default_for(language, install=False)
    return None


def set_default(template: ReleaseTemplate, user_id: int | None = None) -> None:
    """Make `template` its language's default (and commit). Approved releases that used the
    old default go back to review."""
    if template.retired_at is not None:
        raise TemplateRejected(msg("A retired template cannot be the default."))
    reason = unusable_reason(template)
    if reason is not None:
        raise TemplateRejected(reason)
    for other in db.session.scalars(db.select(ReleaseTemplate).where(
            ReleaseTemplate.language == template.language, ReleaseTemplate.is_default)):
        other.is_default = False
    template.is_default = True
    workflow.reopen_changed(user_id, _now_rendered_by(template))  # four eyes
    db.session.commit()


def retire(template: ReleaseTemplate, user_id: int | None = None) -> None:
    """Stop offering a template (releases that chose it keep rendering with it; approved
    releases that used it as their language's default go back to review)."""
    template.retired_at = utcnow()
    template.is_default = False
    workflow.reopen_changed(user_id, msg("The template “%(name)s” was retired after the "
                                         "approval.", name=template.name))
    db.session.commit()
