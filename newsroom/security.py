"""Small security pieces the settings plug in: a response header, login throttling glue.

Kept apart from ``settings.py`` because they are code, not configuration; each is tiny and
says why it exists.
"""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.shortcuts import render


class CrossOriginResourcePolicyMiddleware:
    """Send ``Cross-Origin-Resource-Policy: same-origin`` on every response.

    Nothing of the archive is meant to be embedded by other sites (pages, images, styles):
    the header tells browsers to refuse such cross-origin loads (Spectre-style leaks).
    Feed readers and crawlers are not browsers and are unaffected.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Cross-Origin-Resource-Policy", settings.SECURE_CROSS_ORIGIN_RESOURCE_POLICY)
        return response


def client_ip(request) -> str:
    """The visitor's address for login throttling, trusting ``TRUSTED_PROXY_COUNT`` proxies.

    Behind a reverse proxy REMOTE_ADDR is the proxy's own address: every visitor would share
    one throttle. With N trusted proxies the client is the N-th address from the right of
    X-Forwarded-For (the ones on its left are whatever the client chose to send).
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR", "")


class ThrottledLoginBackend(AxesStandaloneBackend):
    """django-axes' throttle, for logins that come from a web request.

    ``authenticate()`` without a request (the shell, a management command, the test client's
    ``login()``) has no address to throttle: axes would raise, so it is let through to the
    next backend, which checks the password as usual.
    """

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    """The page shown while a username+address pair is cooling off (HTTP 429, in French)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "admin/lockout.html",
        {"cooloff_minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
