from django.conf import settings


def office(request):
    """The office's name, which changed over the years, for every template."""
    return {"OFFICE_NAME": settings.OFFICE_NAME}
