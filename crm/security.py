"""Protections every request gets: security headers on responses, and NUL bytes refused.

Headers: a Content-Security-Policy with no inline script or style and no foreign origin (the
app's only script and stylesheet are files under crm/static), no framing by anyone, no MIME
sniffing, no referrer beyond the site, no powerful browser features, and HSTS when the request
came over HTTPS. `request.is_secure` believes X-Forwarded-Proto only when CRM_PROXY_FIX installs
werkzeug's ProxyFix (behind a configured reverse proxy); otherwise it is the server's own scheme.
A view that serves foreign HTML (an email body shown in a sandboxed frame of our own page) sets
its own stricter policy; it keeps it, and may only be framed by Pressdesk itself.

NUL: PostgreSQL refuses the character in text, and no one types it; a query argument, form
field, field name, upload file name or URL part with one is answered 400 with a translated
explanation, before any view or form sees it, on every database alike.
"""

from __future__ import annotations

from flask import Flask, Response, render_template, request

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
# For pages that set their own policy (an email shown in our preview frame).
OWN_POLICY_ADDITIONS = {"frame-ancestors": "'self'", "base-uri": "'none'",
                        "form-action": "'none'"}
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media",
    "fullscreen", "geolocation", "gyroscope", "magnetometer", "microphone", "midi",
    "payment", "picture-in-picture", "publickey-credentials-get", "screen-wake-lock",
    "serial", "sync-xhr", "usb", "xr-spatial-tracking"))
HSTS_SECONDS = 365 * 24 * 3600


def install(app: Flask) -> None:
    app.before_request(refuse_nul)
    app.after_request(add_security_headers)


def _has_nul(value) -> bool:
    return isinstance(value, str) and "\x00" in value


def request_has_nul() -> bool:
    """True when any part of the request a view may read carries a NUL character."""
    if _has_nul(request.path) or any(_has_nul(v) for v in (request.view_args or {}).values()):
        return True
    sources = [request.args] + ([request.form] if request.method != "GET" else [])
    for multidict in sources:
        for key, values in multidict.lists():
            if _has_nul(key) or any(_has_nul(v) for v in values):
                return True
    if request.method != "GET":
        for key, upload in request.files.items(multi=True):
            if _has_nul(key) or _has_nul(upload.filename):
                return True
    return False


def refuse_nul():
    if request_has_nul():
        return render_template("errors/error.html", code=400, error=None, message="nul"), 400
    return None


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", f"max-age={HSTS_SECONDS}")
    if response.mimetype != "text/html":
        return response
    own = headers.get("Content-Security-Policy")
    if own:
        present = {part.strip().split(" ", 1)[0] for part in own.split(";") if part.strip()}
        extra = [f"{name} {value}" for name, value in OWN_POLICY_ADDITIONS.items()
                 if name not in present]
        headers["Content-Security-Policy"] = "; ".join([own.rstrip("; "), *extra])
        headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    else:
        headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    return response
