"""Customer pages: dashboard, profile with travel documents, companions, data and account."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST

from b2c.forms.customer import (
    AccountDeleteForm,
    ContactAddressForm,
    FrequentFlyerNumberForm,
    PersonalDetailsForm,
    TravelCompanionForm,
    TravelDocumentForm,
    add_service_errors,
    detached,
)
from b2c.selectors import customer as customer_selectors
from b2c.services import customer as customer_services


class CustomerDashboardView(LoginRequiredMixin, View):
    def get(self, request):
        from bookings.selectors import booking_list_for_customer

        customer = customer_selectors.customer_for_user(user=request.user)
        from b2c.selectors.alerts import alerts_summary
        from b2c.selectors.wallet import wallet_for_customer

        upcoming = booking_list_for_customer(customer=customer)["upcoming"][:3]
        wallet = wallet_for_customer(customer=customer)
        context = {
            "customer": customer,
            "upcoming": upcoming,
            "wallet": wallet,
            "alerts": alerts_summary(customer=customer),
        }
        return render(request, "b2c/dashboard.html", context)


class CustomerProfileView(LoginRequiredMixin, View):
    """One page, three forms; each form posts its own `section`."""

    sections = ("personal", "documents", "contact")

    def _forms(self, customer, data=None, section=None):
        def bound(name):
            return data if section == name else None

        return {
            "personal": PersonalDetailsForm(
                bound("personal"),
                instance=detached(customer),
                user=customer.user,
                prefix="personal",
            ),
            "documents": TravelDocumentForm(
                bound("documents"), instance=detached(customer.profile), prefix="documents"
            ),
            "contact": ContactAddressForm(
                bound("contact"), instance=detached(customer.profile), prefix="contact"
            ),
        }

    def _render(self, request, customer, forms, status=200):
        context = {
            "customer": customer,
            "forms": forms,
            "companions": customer_selectors.travel_companion_list(customer=customer),
            "frequent_flyer_numbers": customer_selectors.frequent_flyer_number_list(
                customer=customer
            ),
            "frequent_flyer_form": FrequentFlyerNumberForm(customer=customer, prefix="ff"),
        }
        return render(request, "b2c/profile.html", context, status=status)

    def get(self, request):
        customer = customer_selectors.customer_for_user(user=request.user)
        return self._render(request, customer, self._forms(customer))

    def post(self, request):
        customer = customer_selectors.customer_for_user(user=request.user)
        section = request.POST.get("section")
        if section not in self.sections:
            return redirect("b2c:profile")
        forms = self._forms(customer, request.POST, section)
        form = forms[section]
        if form.is_valid():
            try:
                if section == "personal":
                    customer_services.customer_update(
                        customer=customer,
                        user_fields=form.user_fields(),
                        customer_fields=form.customer_fields(),
                    )
                else:
                    customer_services.customer_profile_update(
                        customer=customer, fields=form.cleaned_data
                    )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your changes have been saved."))
                return redirect(f"{request.path}#{section}")
        return self._render(request, customer, forms, status=400)


class TravelCompanionFormView(LoginRequiredMixin, View):
    """Add a companion, or edit one of the customer's own (anyone else's is a 404)."""

    def _companion(self, customer, companion_id):
        if companion_id is None:
            return None
        return customer_selectors.travel_companion_get(customer=customer, companion_id=companion_id)

    def get(self, request, companion_id=None):
        customer = customer_selectors.customer_for_user(user=request.user)
        companion = self._companion(customer, companion_id)
        form = TravelCompanionForm(instance=detached(companion) if companion else None)
        return render(request, "b2c/companion_form.html", {"form": form, "companion": companion})

    def post(self, request, companion_id=None):
        customer = customer_selectors.customer_for_user(user=request.user)
        companion = self._companion(customer, companion_id)
        form = TravelCompanionForm(
            request.POST, instance=detached(companion) if companion else None
        )
        if form.is_valid():
            try:
                if companion is None:
                    customer_services.travel_companion_create(
                        customer=customer, fields=form.cleaned_data
                    )
                    messages.success(request, _("Companion added."))
                else:
                    customer_services.travel_companion_update(
                        companion=companion, fields=form.cleaned_data
                    )
                    messages.success(request, _("Companion updated."))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("b2c:profile")
        return render(
            request, "b2c/companion_form.html", {"form": form, "companion": companion}, status=400
        )


class TravelCompanionDeleteView(LoginRequiredMixin, View):
    def get(self, request, companion_id):
        customer = customer_selectors.customer_for_user(user=request.user)
        companion = customer_selectors.travel_companion_get(
            customer=customer, companion_id=companion_id
        )
        return render(request, "b2c/companion_confirm_delete.html", {"companion": companion})

    def post(self, request, companion_id):
        customer = customer_selectors.customer_for_user(user=request.user)
        companion = customer_selectors.travel_companion_get(
            customer=customer, companion_id=companion_id
        )
        customer_services.travel_companion_delete(companion=companion)
        messages.success(request, _("Companion removed."))
        return redirect("b2c:profile")


@login_required
@require_POST
def frequent_flyer_number_add(request):
    customer = customer_selectors.customer_for_user(user=request.user)
    form = FrequentFlyerNumberForm(request.POST, customer=customer, prefix="ff")
    if form.is_valid():
        try:
            customer_services.frequent_flyer_number_add(customer=customer, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Frequent-flyer number saved."))
            return redirect(f"{reverse('b2c:profile')}#loyalty-numbers")
    for field_errors in form.errors.values():
        for error in field_errors:
            messages.error(request, error)
    return redirect(f"{reverse('b2c:profile')}#loyalty-numbers")


@login_required
@require_POST
def frequent_flyer_number_delete(request, entry_id):
    customer = customer_selectors.customer_for_user(user=request.user)
    entry = customer_selectors.frequent_flyer_number_get(customer=customer, entry_id=entry_id)
    customer_services.frequent_flyer_number_delete(entry=entry)
    messages.success(request, _("Frequent-flyer number removed."))
    return redirect(f"{reverse('b2c:profile')}#loyalty-numbers")


@login_required
@require_POST
def customer_data_export(request):
    customer = customer_selectors.customer_for_user(user=request.user)
    data = customer_services.customer_data_export_record(customer=customer, request=request)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    filename = f"safar-my-data-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class AccountDeleteView(LoginRequiredMixin, View):
    def get(self, request):
        form = AccountDeleteForm(request=request)
        return render(request, "b2c/account_delete.html", {"form": form})

    def post(self, request):
        customer = customer_selectors.customer_for_user(user=request.user)
        form = AccountDeleteForm(request.POST, request=request)
        if not form.is_valid():
            return render(request, "b2c/account_delete.html", {"form": form}, status=400)
        customer_services.customer_account_delete(customer=customer)
        logout(request)
        messages.success(request, _("Your account has been deleted. We are sorry to see you go."))
        return redirect("home")
