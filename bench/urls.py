from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from clusters.models import SelfAssessment
from kelurahan.models import Patbm


def trivial(request):
    """A fixed short text through the same middleware and server: the framework's own limit."""
    return HttpResponse("ok", content_type="text/plain")


@csrf_exempt
@require_POST
def touch(request, kind):
    """A save that changes no value but is one for the database's triggers and the history (as a user's save
    is), so that the next request of each page takes the cache-miss path (benchmark only)."""
    model, field = {"score": (SelfAssessment, "evidence"), "patbm": (Patbm, "note")}[kind]
    row = model.objects.order_by("pk").first()
    row.save(update_fields=[field])
    return HttpResponse("touched", content_type="text/plain")


urlpatterns = [
    path("bench/trivial/", trivial, name="bench-trivial"),
    path("bench/touch/<str:kind>/", touch, name="bench-touch"),
    path("", include("kla_tracker.urls")),
]
