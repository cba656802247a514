"""Forms of the help-desk pages. They read input; b2c.services.support decides (subject and
message lengths, the booking's owner, the attachments' content and size, when a ticket may be
answered or rated)."""

from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from b2c.models import SupportTicket
from b2c.models.support import CUSTOMER_PRIORITIES
from core.formatting import format_date

# Customers choose low, normal or high. "Urgent" has the tightest service level: staff raise a
# ticket to it (ticket_set_priority) after reading it, so that it keeps its meaning.
RATING_CHOICES = [
    (1, _("1 – Very poor")),
    (2, _("2 – Poor")),
    (3, _("3 – OK")),
    (4, _("4 – Good")),
    (5, _("5 – Excellent")),
]
ATTACHMENT_TYPES = "image/jpeg,image/png,image/webp,application/pdf,.pdf"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; the service checks each one by its content."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ATTACHMENT_TYPES}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(file, initial) for file in files]


def _attachments_field() -> MultipleFileField:
    return MultipleFileField(label=_("Attachments (optional)"), required=False)


def _attachments_help() -> str:
    # At request time: in the reader's language, with the limits of the moment.
    return gettext(
        "Up to %(count)d files: JPEG, PNG or WebP images, or PDFs, at most %(size)s each."
    ) % {
        "count": settings.SUPPORT_ATTACHMENTS_PER_MESSAGE,
        "size": filesizeformat(settings.SUPPORT_ATTACHMENT_MAX_BYTES),
    }


def _body_field(label) -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": 6}),
        # The service strips and checks the length; the form keeps what was typed.
        strip=False,
        error_messages={"required": _("Write a message.")},
    )


def booking_label(booking) -> str:
    """ "ABC123 · Dubai → London, 10 Mar 2030 (Confirmed)", from the booking's first flight."""
    segments = list(booking.segments.all())
    label = booking.reference
    if segments:
        flight = segments[0].flight
        day = flight.departure_at.astimezone(ZoneInfo(flight.origin.time_zone)).date()
        label += f" · {flight.origin.city} → {flight.destination.city}, {format_date(day)}"
    return f"{label} ({booking.get_status_display()})"


class TicketForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject"),
        max_length=150,
        strip=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Give your ticket a subject.")},
    )
    category = forms.ChoiceField(
        label=_("What is it about?"),
        choices=[("", _("Choose…"))] + SupportTicket.Category.choices,
        error_messages={"required": _("Choose what the ticket is about.")},
    )
    priority = forms.ChoiceField(
        label=_("How urgent is it?"),
        choices=CUSTOMER_PRIORITIES,
        initial=SupportTicket.Priority.NORMAL,
        error_messages={"invalid_choice": _("Choose a priority.")},
    )
    booking = forms.TypedChoiceField(
        label=_("Related booking (optional)"),
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("Booking not found.")},
    )
    body = _body_field(_("Your message"))
    attachments = _attachments_field()

    def __init__(self, *args, bookings=(), **kwargs):
        """`bookings`: the customer's own bookings, the only ones offered."""
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _attachments_help()
        # While the subject is typed, the matching FAQ entries appear below it (htmx).
        self.fields["subject"].widget.attrs.update(
            {
                "hx-get": reverse("b2c:ticket-faq-suggest"),
                # "input" rather than "keyup": it also fires for pasted text, autofill and the
                # composed input of Arabic, Bengali and Urdu keyboards (IME), which send no keyup.
                "hx-trigger": "input changed delay:400ms",
                "hx-target": "#faq-suggestions",
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
            }
        )
        self.fields["booking"].choices = [("", _("None"))] + [
            (booking.pk, booking_label(booking)) for booking in bookings
        ]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "subject": data["subject"],
            "category": data["category"],
            "priority": data["priority"],
            "booking_id": data["booking"],
            "body": data["body"],
            "attachments": data["attachments"],
        }


class ReplyForm(forms.Form):
    body = _body_field(_("Your reply"))
    attachments = _attachments_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _attachments_help()


class RatingForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("How would you rate our help?"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "rating-choice"}),
        error_messages={"required": _("Choose a rating from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
