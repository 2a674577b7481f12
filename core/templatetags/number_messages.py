"""`{% number_messages %}`: the server's reasons for refusing a number, as data attributes of a form,
so that the page (numbers.js) says while typing what the server would say after saving."""

from django import template
from django.utils.html import format_html_join

from core.forms import NUMBER_MESSAGES, WHOLE_NUMBER_MESSAGES

register = template.Library()


@register.simple_tag
def number_messages():
    messages = {**{code.replace("_", "-"): text for code, text in NUMBER_MESSAGES.items()},
                "ambiguous-whole": WHOLE_NUMBER_MESSAGES["ambiguous"]}
    return format_html_join(" ", 'data-number-{}="{}"', ((code, str(text)) for code, text in messages.items()))
