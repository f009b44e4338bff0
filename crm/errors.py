"""Error pages: a clear message, never a traceback."""

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from crm.extensions import db

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
