"""Throttle failed sign-ins to the admin.

Only staff sign in to this site, through the admin's login form, and a guessed
staff password opens every article to editing.  This middleware bounds how fast
passwords can be guessed:

* Failed attempts are counted per client address *and* username, in Django's
  cache.  After ``ARCHIVE_LOGIN_MAX_FAILURES`` (5) failures within
  ``ARCHIVE_LOGIN_LOCKOUT_SECONDS`` (15 minutes), that address may not try that
  username again until the lockout ends: the login POST is answered with HTTP 429,
  a ``Retry-After`` header and a translated message, *without* the password being
  checked (so a locked-out client learns nothing and costs no hashing time).
* A successful sign-in clears the count for that address and username.
* Counting per address and username means an attacker elsewhere cannot lock a
  colleague out, and one attacker cannot guess far for any account.

The counts must be shared by every worker process: with gunicorn's several
workers, the cache named by ``ARCHIVE_LOGIN_THROTTLE_CACHE`` (default: the alias
``throttle`` when configured, else ``default``) must be a FileBasedCache,
DatabaseCache, Redis or Memcached cache; a per-process LocMemCache would give each
worker a count of its own (see docs/operations.md).

Behind a reverse proxy every request comes from the proxy's address.  Set
``ARCHIVE_CLIENT_IP_HEADER`` to the header the proxy fills with the client's
address (e.g. ``HTTP_X_REAL_IP``), and make sure the proxy overwrites it.

Install it after AuthenticationMiddleware in ``MIDDLEWARE``::

    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "archive.throttle.LoginThrottleMiddleware",
"""

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

DEFAULT_MAX_FAILURES = 5
DEFAULT_LOCKOUT_SECONDS = 15 * 60
KEY_PREFIX = "archive-login-throttle:"


def _setting(name, default):
    return getattr(settings, name, default)


def throttle_cache():
    alias = _setting("ARCHIVE_LOGIN_THROTTLE_CACHE", None)
    if alias is None:
        alias = "throttle" if "throttle" in settings.CACHES else "default"
    return caches[alias]


def client_address(request):
    """Return the client's address: REMOTE_ADDR, or the trusted proxy's header when configured."""
    header = _setting("ARCHIVE_CLIENT_IP_HEADER", "")
    if header and request.META.get(header):
        # A proxy appends the address it saw: the last item is the one it vouches for.
        return request.META[header].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def throttle_key(address, username):
    """Return the cache key for one address and username (hashed: any text is a safe key)."""
    normalized = (username or "").strip().casefold()[:300]
    digest = hashlib.sha256(f"{address}\x1f{normalized}".encode("utf-8")).hexdigest()
    return KEY_PREFIX + digest


class LoginThrottleMiddleware:
    """Refuse sign-in attempts after too many failures for one address and username."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._login_paths = None

    def login_paths(self):
        if self._login_paths is None:
            self._login_paths = set(_setting("ARCHIVE_LOGIN_THROTTLE_PATHS", None) or [reverse("admin:login")])
        return self._login_paths

    def __call__(self, request):
        if request.method != "POST" or request.path_info not in self.login_paths():
            return self.get_response(request)

        cache = throttle_cache()
        max_failures = _setting("ARCHIVE_LOGIN_MAX_FAILURES", DEFAULT_MAX_FAILURES)
        lockout = _setting("ARCHIVE_LOGIN_LOCKOUT_SECONDS", DEFAULT_LOCKOUT_SECONDS)
        key = throttle_key(client_address(request), request.POST.get("username", ""))
        now = time.time()
        state = cache.get(key) or {}

        locked_until = state.get("locked_until", 0)
        if locked_until > now:
            return self.refuse(locked_until - now)

        response = self.get_response(request)

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and response.status_code in (301, 302, 303):
            # Signed in: the slate is clean again.
            cache.delete(key)
        elif response.status_code == 200:
            # The login form came back: the credentials were refused.  (A CSRF failure
            # is a 403 and a malformed request a 400; neither counts as a guess.)
            if not state or now - state.get("first", now) > lockout:
                state = {"failures": 0, "first": now}
            state["failures"] += 1
            if state["failures"] >= max_failures:
                state["locked_until"] = now + lockout
            cache.set(key, state, timeout=lockout)
        return response

    def refuse(self, seconds_left):
        minutes = max(1, math.ceil(seconds_left / 60))
        message = ngettext(
            "Too many failed sign-in attempts. Try again in %(minutes)d minute.",
            "Too many failed sign-in attempts. Try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}
        body = format_html(
            '<!DOCTYPE html><html lang="{}" dir="{}"><head><meta charset="utf-8"><title>{}</title></head>'
            '<body><main><h1>{}</h1><p>{}</p><p><a href="{}">{}</a></p></main></body></html>',
            translation.get_language() or settings.LANGUAGE_CODE,
            "rtl" if translation.get_language_bidi() else "ltr",
            _("Sign-in refused"),
            _("Sign-in refused"),
            message,
            reverse("admin:login"),
            _("Back to the sign-in page"),
        )
        response = HttpResponse(body, status=429, content_type="text/html; charset=utf-8")
        response["Retry-After"] = str(max(1, math.ceil(seconds_left)))
        return response
