"""Wallet pages: balance and history, top-up by card, and the customer's saved cards."""

from decimal import Decimal

from babel.numbers import format_decimal
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from b2c.forms.wallet import PaymentMethodAddForm, TopUpForm, card_label
from b2c.models import CustomerWallet, SavedPaymentMethod
from b2c.selectors.customer import customer_for_user
from b2c.selectors.wallet import wallet_transaction_list
from b2c.services.wallet import (
    payment_method_add,
    payment_method_delete,
    payment_method_set_default,
    saved_card_token,
    wallet_create,
    wallet_top_up,
)
from core.exceptions import ApplicationError
from core.formatting import current_locale, format_money
from payments.models import Payment
from payments.services import card_tokenize, decline_message

TRANSACTIONS_PER_PAGE = 20

# The services' field names, as the forms name them.
FIELDS = {
    "expiry": "exp_month",
    "card": "payment_method",
    "idempotency_key": None,
}


def _add_service_errors(form, error: ApplicationError) -> None:
    for field, problems in (error.extra or {None: [error.message]}).items():
        target = FIELDS.get(field, field)
        for problem in problems:
            form.add_error(target if target in form.fields else None, problem)


def _rate(rate: Decimal | None) -> str:
    """An exchange rate with every digit it has (a rate of 0.0067 is not "0.007")."""
    if rate is None:
        return ""
    return format_decimal(rate.normalize(), locale=current_locale(), decimal_quantization=False)


def _saved_cards(customer) -> list[SavedPaymentMethod]:
    # Default first, then newest (the model's ordering).
    return list(SavedPaymentMethod.objects.filter(customer=customer))


def _own_card(customer, method_id: int) -> SavedPaymentMethod:
    """One of the customer's saved cards; anyone else's is "not found", as a missing one is."""
    return get_object_or_404(SavedPaymentMethod, pk=method_id, customer=customer)


class WalletView(LoginRequiredMixin, View):
    """/wallet/: the balance, its history, a top-up form and the saved cards."""

    def _render(self, request, customer, wallet, form, status=200):
        today = timezone.localdate()
        cards = form.saved_cards
        page = Paginator(wallet_transaction_list(wallet=wallet), TRANSACTIONS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        for entry in page.object_list:
            entry.rate_display = _rate(entry.exchange_rate)
        context = {
            "customer": customer,
            "wallet": wallet,
            "form": form,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "cards": [
                {"card": card, "label": card_label(card, today), "expired": card.expired(today)}
                for card in cards
            ],
        }
        return render(request, "b2c/wallet/wallet.html", context, status=status)

    def _form(self, wallet, cards, data=None):
        form = TopUpForm(
            data, saved_cards=cards, today=timezone.localdate(), currency=wallet.currency
        )
        form.saved_cards = cards
        return form

    def get(self, request):
        customer = customer_for_user(user=request.user)
        wallet = wallet_create(customer=customer)
        form = self._form(wallet, _saved_cards(customer))
        return self._render(request, customer, wallet, form)

    def post(self, request):
        customer = customer_for_user(user=request.user)
        wallet = wallet_create(customer=customer)
        form = self._form(wallet, _saved_cards(customer), request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if (method_id := form.saved_card_id()) is not None:
                    card = saved_card_token(customer=customer, method_id=method_id)
                else:
                    card = card_tokenize(
                        number=data["card_number"], exp_month=data["exp_month"],
                        exp_year=data["exp_year"], cvc=data["cvc"],
                    )  # fmt: skip
                result = wallet_top_up(
                    customer=customer,
                    amount=data["amount"],
                    card=card,
                    idempotency_key=data["idempotency_key"],
                )
            except ApplicationError as error:
                _add_service_errors(form, error)
            else:
                payment = result.payment
                if payment.status == Payment.Status.FAILED:
                    form.add_error(None, decline_message(payment))
                else:
                    if result.created and method_id is None and data["save_card"]:
                        self._save_card(request, customer, data)
                    self._tell(request, payment)
                    return redirect("b2c:wallet")
        form.renew_idempotency_key()
        return self._render(request, customer, wallet, form, status=400)

    @staticmethod
    def _save_card(request, customer, data) -> None:
        # Saved once the charge went through (or is being confirmed), and only by the request
        # that made it: a double submit or a declined card saves nothing.
        try:
            payment_method_add(
                customer=customer, number=data["card_number"], exp_month=data["exp_month"],
                exp_year=data["exp_year"], cvc=data["cvc"], holder_name=data["holder_name"],
            )  # fmt: skip
        except ApplicationError as error:
            messages.error(
                request,
                _("Your top-up went ahead, but the card could not be saved: %(reason)s")
                % {"reason": error.message},
            )

    @staticmethod
    def _tell(request, payment: Payment) -> None:
        amount = format_money(payment.amount, payment.currency)
        if payment.status == Payment.Status.CAPTURED:
            wallet = CustomerWallet.objects.get(pk=payment.wallet_id)
            messages.success(
                request,
                _("%(amount)s was added to your wallet. Your balance is now %(balance)s.")
                % {"amount": amount, "balance": format_money(wallet.balance, wallet.currency)},
            )
        else:
            messages.info(
                request,
                _(
                    "Your top-up of %(amount)s is being confirmed with your card's bank. It "
                    "will show in your wallet once confirmed; you will not be charged twice."
                )
                % {"amount": amount},
            )


class PaymentMethodAddView(LoginRequiredMixin, View):
    """/wallet/cards/add/: save a card (tokenised at the gateway) for later top-ups."""

    def get(self, request):
        return render(request, "b2c/wallet/card_add.html", {"form": PaymentMethodAddForm()})

    def post(self, request):
        customer = customer_for_user(user=request.user)
        form = PaymentMethodAddForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                method = payment_method_add(
                    customer=customer, number=data["card_number"], exp_month=data["exp_month"],
                    exp_year=data["exp_year"], cvc=data["cvc"], holder_name=data["holder_name"],
                    make_default=data["make_default"],
                )  # fmt: skip
            except ApplicationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Your card %(card)s was saved.")
                    % {"card": card_label(method, timezone.localdate())},
                )
                return redirect("b2c:wallet")
        return render(request, "b2c/wallet/card_add.html", {"form": form}, status=400)


class PaymentMethodDefaultView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, method_id):
        customer = customer_for_user(user=request.user)
        _own_card(customer, method_id)
        try:
            method = payment_method_set_default(customer=customer, method_id=method_id)
        except ApplicationError:
            raise Http404 from None  # deleted in between
        messages.success(
            request,
            _("%(card)s is now your default card.")
            % {"card": card_label(method, timezone.localdate())},
        )
        return redirect("b2c:wallet")


class PaymentMethodDeleteView(LoginRequiredMixin, View):
    """A confirmation step (GET), then the deletion (POST)."""

    def get(self, request, method_id):
        customer = customer_for_user(user=request.user)
        card = _own_card(customer, method_id)
        context = {"card": card, "label": card_label(card, timezone.localdate())}
        return render(request, "b2c/wallet/card_delete.html", context)

    def post(self, request, method_id):
        customer = customer_for_user(user=request.user)
        card = _own_card(customer, method_id)
        label = card_label(card, timezone.localdate())
        try:
            payment_method_delete(customer=customer, method_id=method_id)
        except ApplicationError:
            raise Http404 from None  # deleted in between
        messages.success(request, _("Your card %(card)s was removed.") % {"card": label})
        return redirect("b2c:wallet")
