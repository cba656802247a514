import re

from django import forms
from django.test.html import parse_html

from core.forms import FastSelect, FastSelectMixin

CHOICES = [
    ("", "---------"),
    ("BD", "Bangladesh"),
    ("Gulf", [("AE", "United Arab Emirates"), ("SA", 'Saudi "Arabia" <KSA> & co')]),
    ("PK", "Pakistan"),
]


def normalise(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


def test_fast_select_renders_the_same_markup_as_django_select():
    attrs = {"id": "id_country", "aria-describedby": "help"}
    for value in ["", "BD", "SA", None]:
        expected = forms.Select(choices=CHOICES).render("country", value, attrs)
        actual = FastSelect(choices=CHOICES).render("country", value, attrs)

        assert parse_html(normalise(actual)) == parse_html(normalise(expected))


def test_fast_select_escapes_labels():
    html = FastSelect(choices=CHOICES).render("country", "SA")

    assert "Saudi &quot;Arabia&quot; &lt;KSA&gt; &amp; co" in html
    assert "<KSA>" not in html


def test_the_mixin_swaps_every_single_select():
    class Form(FastSelectMixin, forms.Form):
        country = forms.ChoiceField(choices=CHOICES)
        many = forms.MultipleChoiceField(choices=[("a", "A")])
        radio = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect)

    form = Form()

    assert type(form.fields["country"].widget) is FastSelect
    assert type(form.fields["many"].widget) is forms.SelectMultiple
    assert type(form.fields["radio"].widget) is forms.RadioSelect
