"""Form helpers shared by every area."""

from html import escape

from django import forms
from django.utils.safestring import mark_safe


class FastSelect(forms.Select):
    """A <select> whose options are built in Python rather than one template render each.

    A country list has 250 options and the profile page shows four of them: rendered through
    Django's per-option template they cost most of the page's time (see docs/benchmarks.md).
    Same markup as forms.Select.
    """

    template_name = "core/widgets/fast_select.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        parts = []
        for group_name, options, _index in context["widget"]["optgroups"]:
            rendered = "".join(
                f'<option value="{escape(str(option["value"]))}"'
                f"{' selected' if option['selected'] else ''}>"
                f"{escape(str(option['label']))}</option>"
                for option in options
            )
            if group_name:
                rendered = f'<optgroup label="{escape(str(group_name))}">{rendered}</optgroup>'
            parts.append(rendered)
        # Every value and label went through html.escape above.
        context["widget"]["options_html"] = mark_safe("".join(parts))  # noqa: S308
        return context


class FastSelectMixin:
    """Render every plain <select> of the form with FastSelect."""

    fields: dict[str, forms.Field]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select) and not widget.allow_multiple_selected:
                fast = FastSelect(attrs=widget.attrs)
                fast.choices = widget.choices
                fast.is_required = widget.is_required
                field.widget = fast
