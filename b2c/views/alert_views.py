"""Price-alert pages: my alerts (list, create, pause, resume, delete), one alert with its price
history, and the visitor's pages (set by email, confirm, stop from an email)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View

from b2c.forms.alerts import PriceAlertForm, VisitorPriceAlertForm
from b2c.selectors.alerts import (
    price_alert_get,
    price_alert_history,
    price_alert_list,
    price_chart,
)
from b2c.selectors.customer import customer_currency, customer_for_user
from b2c.services.alerts import (
    PriceAlertNotFound,
    price_alert_confirm,
    price_alert_create,
    price_alert_delete,
    price_alert_for_token,
    price_alert_pause,
    price_alert_resume,
    price_alert_stop,
)
from core.exceptions import ApplicationError


def _add_errors(form, error: ApplicationError) -> None:
    for field, problems in (error.extra or {None: [error.message]}).items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)


class AlertListView(LoginRequiredMixin, View):
    """/alerts/: the customer's alerts and a form to set one."""

    def _render(self, request, customer, form, status=200):
        context = {"alerts": price_alert_list(customer=customer), "form": form}
        return render(request, "b2c/alerts/list.html", context, status=status)

    def get(self, request):
        customer = customer_for_user(user=request.user)
        form = PriceAlertForm(
            initial=PriceAlertForm.initial_from(request.GET), currency=customer.preferred_currency
        )
        return self._render(request, customer, form)

    def post(self, request):
        customer = customer_for_user(user=request.user)
        form = PriceAlertForm(request.POST, currency=customer.preferred_currency)
        if form.is_valid():
            try:
                alert = price_alert_create(
                    customer=customer,
                    language=customer.preferred_language,
                    **form.service_kwargs(),
                )
            except ApplicationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Your price alert is set."))
                return redirect("b2c:alert-detail", alert.pk)
        return self._render(request, customer, form, status=400)


class AlertDetailView(LoginRequiredMixin, View):
    """/alerts/<id>/: one alert and its price history, as a chart and as a table."""

    def get(self, request, alert_id):
        customer = customer_for_user(user=request.user)
        alert = price_alert_get(customer=customer, alert_id=alert_id)
        history = price_alert_history(alert=alert)
        context = {
            "alert": alert,
            "history": history,
            "chart": price_chart(history, target=alert.target_price),
        }
        return render(request, "b2c/alerts/detail.html", context)


class AlertActionView(LoginRequiredMixin, View):
    """POST /alerts/<id>/pause|resume|delete/."""

    http_method_names = ["post"]
    action = ""

    def post(self, request, alert_id):
        customer = customer_for_user(user=request.user)
        service = {
            "pause": price_alert_pause,
            "resume": price_alert_resume,
            "delete": price_alert_delete,
        }[self.action]
        try:
            service(customer=customer, alert_id=alert_id)
        except PriceAlertNotFound:
            raise Http404 from None
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                {
                    "pause": _("The alert is paused."),
                    "resume": _("The alert is watching again."),
                    "delete": _("The alert was deleted."),
                }[self.action],
            )
        return redirect("b2c:alerts")


class VisitorAlertView(View):
    """/alerts/new/: a price alert with just an email; a link confirms it."""

    def get(self, request):
        if request.user.is_authenticated:
            # Signed in since the link was made: their own alerts page, prefilled the same way.
            query = request.GET.urlencode()
            return redirect(reverse("b2c:alerts") + (f"?{query}#new-alert" if query else ""))
        form = VisitorPriceAlertForm(
            initial=VisitorPriceAlertForm.initial_from(request.GET),
            currency=customer_currency(user=request.user),
        )
        return render(request, "b2c/alerts/new.html", {"form": form})

    def post(self, request):
        form = VisitorPriceAlertForm(request.POST, currency=customer_currency(user=request.user))
        if form.is_valid():
            try:
                price_alert_create(
                    email=form.cleaned_data["email"],
                    language=translation.get_language(),
                    **form.service_kwargs(),
                )
            except ApplicationError as error:
                _add_errors(form, error)
            else:
                return render(
                    request, "b2c/alerts/sent.html", {"email": form.cleaned_data["email"]}
                )
        return render(request, "b2c/alerts/new.html", {"form": form}, status=400)


def alert_confirm(request, token):
    """/alerts/confirm/<token>/: the link of the confirmation email."""
    try:
        alert = price_alert_confirm(token=token)
    except PriceAlertNotFound:
        raise Http404 from None
    return render(request, "b2c/alerts/confirmed.html", {"alert": alert})


class AlertStopView(View):
    """/alerts/stop/<token>/: a confirmation (GET), then the alert ends (POST)."""

    def get(self, request, token):
        try:
            alert = price_alert_for_token(token=token)
        except PriceAlertNotFound:
            raise Http404 from None
        return render(request, "b2c/alerts/stop.html", {"alert": alert, "done": False})

    def post(self, request, token):
        try:
            alert = price_alert_stop(token=token)
        except PriceAlertNotFound:
            raise Http404 from None
        return render(request, "b2c/alerts/stop.html", {"alert": alert, "done": True})
