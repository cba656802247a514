"""Forms of the newsletter pages. They read input; b2c.services.newsletter decides (known
topics, at least one, a valid address)."""

from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from b2c.models import NewsletterTopic


class TopicsField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Topics"))
        kwargs.setdefault("choices", NewsletterTopic.choices)
        kwargs.setdefault("required", False)  # "choose at least one" is the service's message
        super().__init__(**kwargs)


def _languages() -> list[tuple[str, str]]:
    # Each language in its own name, so readers find theirs whatever the page's language.
    return [(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]


def language_field() -> forms.ChoiceField:
    return forms.ChoiceField(label=_("Language of the emails"), choices=_languages)


class NewsletterPreferencesForm(forms.Form):
    topics = TopicsField()
    language = language_field()


class NewsletterSignupForm(NewsletterPreferencesForm):
    email = forms.CharField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "dir": "ltr", "inputmode": "email"}
        ),
    )

    field_order = ["email", "topics", "language"]
