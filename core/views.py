"""Project-wide error views."""

import logging

from django.http import HttpResponseServerError
from django.template import loader

logger = logging.getLogger(__name__)


def server_error(request):
    """The 500 page in the user's language, with the navigation when the request still allows it.

    Django renders 500.html without the request, so no navigation. Rendering with it needs the
    session, the user and the database, which may be exactly what failed: then the page is rendered
    without them (no navigation, same text).
    """
    try:
        body = loader.render_to_string("500.html", request=request)
    except Exception:
        logger.exception("500.html could not be rendered with the request; rendering it without")
        body = loader.render_to_string("500.html")
    return HttpResponseServerError(body)
