"""Errors show a clear page, never a traceback, even when the error page itself fails."""

import crm.errors


def _crashing_app(make_app):
    app = make_app()

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    return app


def test_unexpected_error_gives_a_friendly_500(make_app, users):
    from tests.support import login
    client = _crashing_app(make_app).test_client()
    login(client, users["editor"].email)
    response = client.get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Nothing you had saved was lost" in body
    assert "secret internal detail" not in body and "Traceback" not in body


def test_error_page_failing_falls_back_to_plain_html(make_app, users, monkeypatch):
    from tests.support import login
    client = _crashing_app(make_app).test_client()
    login(client, users["editor"].email)

    def broken(*args, **kwargs):
        raise RuntimeError("database is gone")

    monkeypatch.setattr(crm.errors, "render_template", broken)
    response = client.get("/boom")
    assert response.status_code == 500
    assert "Noe gikk galt" in response.get_data(as_text=True)
