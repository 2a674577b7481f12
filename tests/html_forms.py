"""Reads a rendered form the way a browser would submit it, so tests post what the page holds."""

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self, selector_attr):
        super().__init__()
        self.selector_attr = selector_attr
        self.inside = False
        self.data = {}
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (self.selector_attr is None or self.selector_attr in attrs):
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and "name" in attrs:
            kind = attrs.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.data[attrs["name"]] = attrs.get("value", "on")
            elif kind != "submit":
                self.data[attrs["name"]] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.data[self._textarea] = ""
        elif tag == "select" and "name" in attrs:
            self._select = attrs["name"]
        elif tag == "option" and self._select:
            # A browser sends the selected option, or the first one when none is selected.
            if "selected" in attrs or self._select not in self.data:
                self.data[self._select] = attrs.get("value", "")

    def handle_data(self, data):
        if self._textarea:
            # Browsers drop the first newline right after <textarea>.
            text = data[1:] if data.startswith("\n") and not self.data[self._textarea] else data
            self.data[self._textarea] += text

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self.inside:
            self.inside = False


def form_data(response, form_attr=None) -> dict[str, str]:
    """The fields of the first form (with attribute `form_attr`, if given) in the response."""
    parser = _FormParser(form_attr)
    parser.feed(response.content.decode())
    parser.data.pop("csrfmiddlewaretoken", None)
    return parser.data
