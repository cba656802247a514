"""Loyalty pages: the points account, the rewards catalogue, and redeeming a reward."""

import uuid

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from b2c.forms.loyalty import RedeemRewardForm
from b2c.selectors import loyalty as loyalty_selectors
from b2c.selectors.customer import customer_for_user
from b2c.services.loyalty import RewardNotFound, reward_redeem
from core.exceptions import ApplicationError

HISTORY_PER_PAGE = 20


class LoyaltyDashboardView(LoginRequiredMixin, View):
    def get(self, request):
        customer = customer_for_user(user=request.user)
        page = Paginator(
            loyalty_selectors.loyalty_transaction_list(customer=customer), HISTORY_PER_PAGE
        ).get_page(request.GET.get("page"))
        context = {
            "customer": customer,
            "summary": loyalty_selectors.loyalty_summary(customer=customer),
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
        }
        return render(request, "b2c/loyalty/dashboard.html", context)


class RewardsView(LoginRequiredMixin, View):
    def get(self, request):
        customer = customer_for_user(user=request.user)
        context = {
            "customer": customer,
            "catalogue": loyalty_selectors.reward_catalogue(customer=customer),
            "my_rewards": loyalty_selectors.customer_reward_list(customer=customer)[:50],
        }
        return render(request, "b2c/loyalty/rewards.html", context)


class RedeemRewardView(LoginRequiredMixin, View):
    """A confirmation step (GET), then the redemption (POST) with the form's one-time key."""

    def _render(self, request, customer, entry, form, status=200):
        key = form["idempotency_key"].value() if "idempotency_key" not in form.errors else None
        context = {
            "customer": customer,
            "entry": entry,
            "form": form,
            # A refused attempt wrote nothing, so its key may be sent again; a bad one is replaced.
            "idempotency_key": key or uuid.uuid4().hex,
            "balance_after": customer.points_balance - entry.reward.points_cost,
        }
        return render(request, "b2c/loyalty/redeem.html", context, status=status)

    def _entry(self, customer, reward_id):
        entry = loyalty_selectors.reward_catalogue_entry(customer=customer, reward_id=reward_id)
        if entry is None:
            raise Http404
        return entry

    def get(self, request, reward_id):
        customer = customer_for_user(user=request.user)
        entry = self._entry(customer, reward_id)
        form = RedeemRewardForm(initial={"idempotency_key": uuid.uuid4().hex})
        return self._render(request, customer, entry, form)

    def post(self, request, reward_id):
        customer = customer_for_user(user=request.user)
        entry = self._entry(customer, reward_id)
        form = RedeemRewardForm(request.POST)
        if form.is_valid():
            try:
                result = reward_redeem(
                    customer=customer,
                    reward_id=reward_id,
                    idempotency_key=form.cleaned_data["idempotency_key"],
                )
            except RewardNotFound as exc:
                raise Http404 from exc
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("You redeemed %(reward)s. Your code is %(code)s.")
                    % {"reward": entry.name, "code": result.customer_reward.code},
                )
                return redirect("b2c:rewards")
        return self._render(request, customer, entry, form, status=400)
