"""Travel-alert pages: my travel alerts (changes to my flights, reminders, advisories for my trips),
one alert with the answer to a change (accept it, or cancel for a full refund), and the public
list of travel advisories in force."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from b2c.forms.travel_alerts import TravelAlertRefundForm
from b2c.selectors.customer import customer_for_user
from b2c.selectors.travel_alerts import (
    advisories_by_country,
    advisories_in_force,
    travel_alert_get,
    travel_alerts_page,
)
from b2c.services.travel_alerts import (
    TravelAlertNotFound,
    travel_alert_accept,
    travel_alert_refund,
)
from core.exceptions import ApplicationError
from core.formatting import format_money


class TravelAlertListView(LoginRequiredMixin, View):
    """/alerts/travel/: changes to my flights (awaiting an answer first), reminders, and the
    advisories for the countries my trips go to."""

    def get(self, request):
        customer = customer_for_user(user=request.user)
        page = travel_alerts_page(customer=customer)
        return render(request, "b2c/travel_alerts/list.html", {"page": page})


def _detail(request, alert, form, status=200):
    return render(
        request, "b2c/travel_alerts/detail.html", {"alert": alert, "form": form}, status=status
    )


class TravelAlertDetailView(LoginRequiredMixin, View):
    """/alerts/travel/<id>/: one reminder or change; a change awaiting an answer has the two
    forms (accept, or cancel for a full refund)."""

    def get(self, request, alert_id):
        customer = customer_for_user(user=request.user)
        alert = travel_alert_get(customer=customer, alert_id=alert_id)
        return _detail(request, alert, TravelAlertRefundForm())


class TravelAlertAcceptView(LoginRequiredMixin, View):
    """POST /alerts/travel/<id>/accept/: keep the booking on the flight's new times."""

    http_method_names = ["post"]

    def post(self, request, alert_id):
        customer = customer_for_user(user=request.user)
        try:
            travel_alert_accept(customer=customer, alert_id=alert_id)
        except TravelAlertNotFound:
            raise Http404 from None
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("You accepted the change. Your booking stays as it is."))
        return redirect("b2c:travel-alert", alert_id)


class TravelAlertRefundView(LoginRequiredMixin, View):
    """POST /alerts/travel/<id>/refund/: cancel the booking for a full refund, to the card or
    the wallet."""

    http_method_names = ["post"]

    def post(self, request, alert_id):
        customer = customer_for_user(user=request.user)
        alert = travel_alert_get(customer=customer, alert_id=alert_id)
        form = TravelAlertRefundForm(request.POST)
        if not form.is_valid():
            return _detail(request, alert, form, status=400)
        refund_to = form.cleaned_data["refund_to"]
        try:
            travel_alert_refund(customer=customer, alert_id=alert_id, refund_to=refund_to)
        except TravelAlertNotFound:
            raise Http404 from None
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            reference, amount = alert.booking.reference, alert.refund_amount
            if amount is None:  # already refunded: the form sent twice
                message = _("Booking %(reference)s is cancelled with a full refund.")
            elif refund_to == "wallet":
                message = _("Booking %(reference)s is cancelled: %(amount)s goes to your wallet.")
            else:
                message = _(
                    "Booking %(reference)s is cancelled with a full refund of %(amount)s: what "
                    "you paid by card goes back to the card, what you paid from your wallet to "
                    "the wallet."
                )
            amount_text = format_money(amount, alert.booking.currency) if amount is not None else ""
            messages.success(request, message % {"reference": reference, "amount": amount_text})
        return redirect("b2c:travel-alert", alert_id)


def advisories_page(request):
    """/advisories/: the travel advisories in force, by country; for everyone."""
    countries = advisories_by_country(advisories_in_force())
    return render(request, "b2c/travel_alerts/advisories.html", {"countries": countries})
