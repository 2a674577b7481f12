from django import template

from kelurahan.models import Patbm

register = template.Library()


@register.filter
def step_label(step):
    """The translated name of a PATBM step number."""
    return Patbm.Step(step).label
