"""What goes wrong, said once: the error users get for a refused request, and the error pages.

`UserError` is the one exception for "the user asked for something we refuse": a bad value, a
rule of the domain, a file we cannot read. Services raise it with a translatable `Message`
(crm.messages) and, where a form field is to blame, the field's name; views show it with
`crm.view_helpers.show_error`, the command line prints it, and both speak the reader's language.
Domains may subclass it to be caught apart (FeedError, DistributionError); they add no behaviour.

Everything else that escapes a view is a bug: the 500 page, logged, never a traceback.
"""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from crm.extensions import db
from crm.messages import Message, literal


class UserError(ValueError):
    """A request refused for a reason the user can act on.

    `message` is a Message (rendered in the reader's language whenever it is read) or, for text
    that needs no translation, a plain string; `field` names the form field to blame, if any.
    """

    def __init__(self, message: Message | str, field: str | None = None):
        self.msg = message if isinstance(message, Message) else literal(str(message))
        self.field = field
        super().__init__(self.msg.msgid)

    @property
    def message(self) -> str:
        """The message in the current language."""
        return self.msg.render()

    def __str__(self) -> str:
        return self.msg.render()


class JobFailure(RuntimeError):
    """A periodic job that did what it could and failed the rest (some recipients refused).

    Its Message is what the jobs page shows, in the reader's language; the job is retried on
    its schedule. Any other exception from a job is a bug: logged with its traceback.
    """

    def __init__(self, message: Message):
        super().__init__(message.msgid)
        self.msg = message

    def __str__(self) -> str:
        return self.msg.render()

PLAIN_500 = ("<!doctype html><meta charset=utf-8><title>500</title><h1>500</h1>"
             "<p>Something went wrong on our side. Nothing you had saved was lost; try again."
             "</p><p>Noe gikk galt hos oss. Det du hadde lagret, er ikke tapt; prøv igjen.</p>")


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_template("errors/error.html", code=400, error=error,
                               message="csrf"), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_template("errors/error.html", code=error.code, error=error,
                               message=""), error.code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("Unhandled error")
        try:
            db.session.rollback()
            return render_template("errors/error.html", code=500, error=None, message=""), 500
        except Exception:  # the database itself may be what failed: answer without it
            app.logger.exception("The error page failed too")
            return PLAIN_500, 500, {"Content-Type": "text/html; charset=utf-8"}
