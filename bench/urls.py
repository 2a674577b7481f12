from django.http import HttpResponse
from django.urls import include, path


def trivial(request):
    """A fixed short text through the same middleware and server: the framework's own limit."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/trivial/", trivial, name="bench-trivial"),
    path("", include("kla_tracker.urls")),
]
