"""Request guards that must act before Django reads a request body, security headers, the language."""

from django.conf import settings
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

# Public pages allow no inline script or style at all.  The admin's own templates
# still set a few inline styles, so only its style policy is relaxed.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
ADMIN_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)


class UploadLimitMiddleware:
    """Refuse a request body larger than the upload limit before reading any of it.

    It must come before CsrfViewMiddleware, which would otherwise read (and store)
    the whole body to look for the token.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        # A little room above the files' limit for the form's other fields.
        limit = settings.ARCHIVE_UPLOAD_MAX_BYTES + 1024 * 1024
        if length > limit:
            message = _("The upload is too large (%(size)d MB); the limit is %(max)d MB.") % {
                "size": length // (1024 * 1024),
                "max": settings.ARCHIVE_UPLOAD_MAX_BYTES // (1024 * 1024),
            }
            response = HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
            response["Connection"] = "close"
            return response
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Send a Content-Security-Policy that forbids inline script."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            admin = request.path.startswith("/admin/")
            response["Content-Security-Policy"] = ADMIN_CONTENT_SECURITY_POLICY if admin else CONTENT_SECURITY_POLICY
        return response


class ArabicFirstLocaleMiddleware(LocaleMiddleware):
    """Choose the interface language: the reader's choice with the language switch, else Arabic.

    Pages do not follow the browser's Accept-Language: the archive is Arabic first, and a
    reader meets its right-to-left interface until they ask for English (the switch sets
    a cookie). The API, whose clients are programs, still follows Accept-Language.
    """

    def process_request(self, request):
        if _is_api(request):
            return super().process_request(request)
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES) or not translation.check_for_language(language):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        if _is_api(request):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def _is_api(request):
    return request.path_info.startswith("/api/")
