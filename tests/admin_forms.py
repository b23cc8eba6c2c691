"""Read an admin form as a browser would submit it, so tests post what an editor really posts.

``form_data(html)`` returns the fields of the page's main form (inputs, textareas, selects,
hidden fields such as the article's loaded version) as a dict of lists, ready for
``client.post(url, form_data(...))`` after editing a few values.
"""

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = form_id is None
        self.data: dict[str, list[str]] = {}
        self._textarea = None
        self._select = None
        self._option_value = None
        self._option_selected = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.form_id is not None:
            self.in_form = attrs.get("id") == self.form_id
            return
        if not self.in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.data.setdefault(name, []).append(attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data.setdefault(name, []).append("")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select:
            self._option_value = attrs.get("value")
            self._option_selected = "selected" in attrs
            if self._option_selected and self._option_value is not None:
                self.data[self._select].append(self._option_value)

    def handle_endtag(self, tag):
        if tag == "form" and self.form_id is not None:
            self.in_form = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            values = self.data[self._textarea]
            # Browsers drop the newline that follows <textarea>.
            values[-1] += data if values[-1] else data.removeprefix("\n")


def form_data(html: str, form_id: str | None = None) -> dict[str, list[str]]:
    """The submission of the form ``form_id`` (or of every field on the page when None)."""
    parser = _FormParser(form_id)
    parser.feed(html)
    return parser.data
