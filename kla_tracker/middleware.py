import time

from django.conf import settings
from django.http import HttpResponseNotAllowed
from django.middleware.locale import LocaleMiddleware
from django.template import loader
from django.template.backends.utils import csrf_input
from django.utils import translation
from django.utils.cache import patch_cache_control

from core.caching import CSRF_SLOT


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Bahasa Indonesia unless the user chose another language in the menu.

    The browser's Accept-Language is ignored on purpose: office computers are often set to
    English, and the UI must still open in Indonesian.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        try:
            language = translation.get_supported_language_variant(chosen) if chosen else settings.LANGUAGE_CODE
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class SessionRefreshMiddleware:
    """Inactivity expiry without writing the session on every request.

    A session's expiry counts from its last save. Saving on every request
    (SESSION_SAVE_EVERY_REQUEST) costs a database write per page view; instead the session is
    saved when its last refresh is older than SESSION_REFRESH_SECONDS. A session therefore
    expires between SESSION_COOKIE_AGE - SESSION_REFRESH_SECONDS and SESSION_COOKIE_AGE after the
    last request. Place it right after SessionMiddleware.
    """

    KEY = "_refreshed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None:
            return response
        # Loads the session; an empty one (anonymous, or just logged out) is never created or revived here.
        if session.keys() - {self.KEY} and session.session_key is not None:
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[self.KEY] = now  # marks the session modified: SessionMiddleware saves it
        return response


class PrivateNoStoreMiddleware:
    """Responses to a logged-in user are never kept by a browser's or proxy's cache.

    Every such page and export holds the office's data (and a back button or a shared computer's disk
    cache would show it to the next person): `Cache-Control: private, no-store`. Static files (served
    by WhiteNoise before this) and anonymous pages such as the login form keep their own headers.
    Place it after AuthenticationMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class MethodNotAllowedPageMiddleware:
    """A page for 405 Method Not Allowed, like the other error pages (Indonesian, with the navigation).

    Django answers a GET to a POST-only address (a confirm step, a "suggest again" button) with an
    empty 405, which a browser shows as its own English error page: for instance after switching the
    language on the page such a form answered. Place it after MessageMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content:
            body = loader.render_to_string("405.html", request=request)
            return HttpResponseNotAllowed(response.get("Allow", "").split(", "), body)
        return response


class CsrfSlotMiddleware:
    """Writes this request's CSRF field into each `{% csrf_slot %}` of an HTML page (a cached page body holds
    the slot, never a token). Place it right after CsrfViewMiddleware, which then sets the cookie."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.slot = CSRF_SLOT.encode()

    def __call__(self, request):
        response = self.get_response(request)
        if (response.streaming or not response.get("Content-Type", "").startswith("text/html")
                or self.slot not in response.content):
            return response
        response.content = response.content.replace(self.slot, csrf_input(request).encode())
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response
