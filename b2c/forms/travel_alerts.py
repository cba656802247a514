"""Forms of the travel-alert pages. They read input; b2c.services.travel_alerts decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

REFUND_TO_CHOICES = [
    ("card", _("Back to my card (5 to 10 working days)")),
    ("wallet", _("Into my Safar wallet (instant)")),
]


class TravelAlertRefundForm(forms.Form):
    """Cancel the booking of a changed flight for a full refund: where the money goes."""

    refund_to = forms.ChoiceField(
        label=_("Where should the refund go?"),
        choices=REFUND_TO_CHOICES,
        initial="card",
        widget=forms.RadioSelect,
    )
