"""Booking pages: passengers for an offer, card payment, confirmation, my bookings, cancel."""

import uuid
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core import signing
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from b2c.selectors.customer import customer_for_user
from b2c.selectors.referrals import affiliate_click_token
from b2c.selectors.wallet import wallet_usable_for_booking
from b2c.services.wallet import saved_card_token
from bookings.forms import BookingPayForm, ContactForm, PassengerFormSet
from bookings.models import Booking
from bookings.selectors import (
    booking_get_for_customer,
    booking_list_for_customer,
    passenger_prefill,
)
from bookings.services import (
    PassengerDetails,
    booking_cancel,
    booking_cancel_quote,
    booking_hold,
    hold_request_fingerprint,
)
from core.exceptions import ApplicationError
from flights.search import offer_reprice, offer_token_read
from payments.models import Payment
from payments.services import booking_paid_total, booking_pay, card_tokenize, decline_message


def _renew_idempotency_key(form) -> None:
    """Render a bound form again with a new key, so sending it again is a new request."""
    form.data = form.data.copy()
    form.data["idempotency_key"] = uuid.uuid4().hex


def _offer(request, token):
    """The offer's journeys as they stand now, or None with a message for the customer."""
    try:
        data = offer_token_read(token)
        journeys, counts, price = offer_reprice(data)
    except signing.SignatureExpired:
        messages.error(request, _("This price has expired. Search again to see current prices."))
    except (signing.BadSignature, LookupError):
        messages.error(request, _("This offer is no longer available. Search again."))
    else:
        return data, journeys, counts, price
    return None


class BookingStartView(LoginRequiredMixin, View):
    """/booking/<offer>/: who travels. Seats are held when this form is sent."""

    def _context(self, request, token, offer, formset, contact):
        data, journeys, counts, price = offer
        return {
            "token": token, "journeys": journeys, "passengers": counts, "price": price,
            "price_changed": str(price.total) != data["t"], "formset": formset,
            "contact_form": contact,
        }  # fmt: skip

    def get(self, request, token):
        offer = _offer(request, token)
        if offer is None:
            return redirect("flights:search")
        customer = customer_for_user(user=request.user)
        first_day = offer[1][0].legs[0].departure_local.date()
        formset = PassengerFormSet(
            initial=passenger_prefill(customer=customer, counts=offer[2], first_day=first_day),
            prefix="passengers",
        )
        contact = ContactForm(
            initial={"contact_email": customer.user.email, "contact_phone": customer.phone}
        )
        return render(
            request, "bookings/start.html", self._context(request, token, offer, formset, contact)
        )

    def post(self, request, token):
        offer = _offer(request, token)
        if offer is None:
            return redirect("flights:search")
        customer = customer_for_user(user=request.user)
        formset = PassengerFormSet(request.POST, prefix="passengers")
        contact = ContactForm(request.POST)
        if formset.is_valid() and contact.is_valid():
            passengers = [form.cleaned_data for form in formset.forms]
            details = {k: v for k, v in contact.cleaned_data.items() if k != "idempotency_key"}
            try:
                result = booking_hold(
                    customer=customer, offer_token=token,
                    passengers=[PassengerDetails(**passenger) for passenger in passengers],
                    idempotency_key=contact.cleaned_data["idempotency_key"],
                    affiliate_token=affiliate_click_token(request),
                    fingerprint=hold_request_fingerprint(
                        {"offer": token, "passengers": passengers, **details}
                    ),
                    **details,
                )  # fmt: skip
            except ApplicationError as error:
                for key, problems in (error.extra or {"": [error.message]}).items():
                    index = key.split(".")[1] if key.startswith("passengers.") else None
                    for problem in problems:
                        if index is not None and int(index) < len(formset.forms):
                            formset.forms[int(index)].add_error(None, problem)
                        else:
                            contact.add_error(None, problem)
            else:
                # A double submit lands on the same booking's payment page.
                return redirect("bookings:pay", booking_id=result.booking.pk)
        # Sent again, the corrected form is a new request: a new key (nothing was held with it,
        # or it was already used with other details).
        _renew_idempotency_key(contact)
        context = self._context(request, token, offer, formset, contact)
        return render(request, "bookings/start.html", context, status=400)


class BookingPayView(LoginRequiredMixin, View):
    """Pay a held booking: a reward voucher, the wallet, a saved or a new card (booking_pay)."""

    # The service's field names, as the form names them.
    FIELDS = {
        "expiry": "exp_month",
        "card": "card_number",
        "voucher": "voucher_code",
        "payment_method": "payment_method",
        "wallet_amount": "wallet_amount",
    }

    def _booking(self, request, booking_id):
        return booking_get_for_customer(
            customer=customer_for_user(user=request.user), booking_id=booking_id
        )

    def _form(self, request, customer, data=None):
        return BookingPayForm(
            data,
            saved_cards=list(customer.payment_methods.all()),
            today=timezone.localdate(),
        )

    def _render(self, request, booking, customer, form, status=200):
        paid = booking_paid_total(booking)
        context = {
            "booking": booking,
            "form": form,
            "paid": paid,
            "due": booking.amount_due - paid,
            "wallet_usable": wallet_usable_for_booking(customer=customer, booking=booking),
        }
        return render(request, "bookings/pay.html", context, status=status)

    def get(self, request, booking_id):
        booking = self._booking(request, booking_id)
        if booking.status != Booking.Status.HELD:
            return redirect("bookings:confirmation", booking_id=booking.pk)
        customer = customer_for_user(user=request.user)
        return self._render(request, booking, customer, self._form(request, customer))

    def post(self, request, booking_id):
        booking = self._booking(request, booking_id)
        customer = customer_for_user(user=request.user)
        form = self._form(request, customer, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            wallet_amount = data["wallet_amount"] or Decimal(0)
            try:
                card = None
                if wallet_amount >= booking.amount_due - booking_paid_total(booking):
                    pass  # the wallet pays it all: no card is charged, expired or not
                elif (method_id := form.saved_card_id()) is not None:
                    card = saved_card_token(customer=customer, method_id=method_id)
                elif form.new_card_given():
                    card = card_tokenize(
                        number=data["card_number"], exp_month=data["exp_month"],
                        exp_year=data["exp_year"], cvc=data["cvc"],
                    )  # fmt: skip
                payment = booking_pay(
                    booking=booking, idempotency_key=data["idempotency_key"], card=card,
                    wallet_amount=wallet_amount,
                    voucher_code=data["voucher_code"],
                ).payment  # fmt: skip
            except ApplicationError as error:
                for field, problems in error.extra.items() or {None: [error.message]}.items():
                    target = self.FIELDS.get(field, field)
                    for problem in problems:
                        form.add_error(target if target in form.fields else None, problem)
            else:
                if payment.status == Payment.Status.FAILED:
                    form.add_error(None, decline_message(payment))
                else:
                    return redirect("bookings:confirmation", booking_id=booking.pk)
        # The next try is a new payment: a new key (the card number is never rendered back).
        _renew_idempotency_key(form)
        booking.refresh_from_db()
        return self._render(request, booking, customer, form, status=400)


class BookingConfirmationView(LoginRequiredMixin, View):
    def get(self, request, booking_id):
        booking = booking_get_for_customer(
            customer=customer_for_user(user=request.user), booking_id=booking_id
        )
        return render(request, "bookings/confirmation.html", {"booking": booking})


class BookingListView(LoginRequiredMixin, View):
    def get(self, request):
        groups = booking_list_for_customer(customer=customer_for_user(user=request.user))
        return render(request, "bookings/list.html", groups)


class BookingCancelView(LoginRequiredMixin, View):
    """Two steps, as airlines do: the quote, then the confirmation of exactly that quote."""

    def _booking(self, request, booking_id):
        return booking_get_for_customer(
            customer=customer_for_user(user=request.user), booking_id=booking_id
        )

    def get(self, request, booking_id):
        booking = self._booking(request, booking_id)
        try:
            quote = booking_cancel_quote(booking=booking)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("bookings:confirmation", booking_id=booking.pk)
        return render(request, "bookings/cancel.html", {"booking": booking, "quote": quote})

    def post(self, request, booking_id):
        booking = self._booking(request, booking_id)
        try:
            booking_cancel(
                booking=booking,
                quote_token=request.POST.get("quote", ""),
                refund_to=request.POST.get("refund_to", "card"),
            )
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect(reverse("bookings:cancel", kwargs={"booking_id": booking.pk}))
        messages.success(request, _("Your booking is cancelled. The refund is on its way."))
        return redirect("bookings:confirmation", booking_id=booking.pk)
