"""Newsletter pages: sign up (visitors and customers), a signed-in customer's topics, language
and unsubscribing, the confirmation link, and the one-click unsubscribe link of every issue."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from b2c.forms.newsletter import NewsletterPreferencesForm, NewsletterSignupForm
from b2c.models import NewsletterSubscription, NewsletterTopic
from b2c.selectors.customer import customer_for_user
from b2c.selectors.newsletter import newsletter_subscription_for_customer
from b2c.services.newsletter import (
    NewsletterLinkExpired,
    NewsletterLinkInvalid,
    newsletter_confirm,
    newsletter_preferences_set,
    newsletter_subscribe,
    newsletter_subscription_for_token,
    newsletter_unsubscribe,
)
from core.exceptions import ApplicationError

State = NewsletterSubscription.State


def _add_errors(form, error: ApplicationError) -> None:
    for field, problems in (error.extra or {None: [error.message]}).items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)


def _page_context(request, *, form=None, preferences=None) -> dict:
    """The sign-up form, or the settings of a signed-in customer who has a subscription."""
    subscription = customer = None
    if request.user.is_authenticated:
        customer = customer_for_user(user=request.user)
        subscription = newsletter_subscription_for_customer(customer=customer)
    managing = subscription is not None and subscription.state != State.UNSUBSCRIBED
    if form is None and not managing:
        initial = {"topics": NewsletterTopic.values, "language": translation.get_language()}
        if customer is not None:
            initial["email"] = subscription.email if subscription else customer.user.email
            initial["language"] = (
                subscription.language if subscription else customer.preferred_language
            )
        form = NewsletterSignupForm(initial=initial)
    if preferences is None and managing:
        preferences = NewsletterPreferencesForm(
            initial={"topics": subscription.topics, "language": subscription.language}
        )
    return {
        "form": form,
        "preferences": preferences,
        "subscription": subscription if managing else None,
    }


class NewsletterView(View):
    """/newsletter/: the sign-up form; for a signed-in customer who has a subscription, their
    topics and language, and a button to unsubscribe."""

    def get(self, request):
        return render(request, "b2c/newsletter/signup.html", _page_context(request))

    def post(self, request):
        form = NewsletterSignupForm(request.POST)
        if form.is_valid():
            customer = None
            if request.user.is_authenticated:
                customer = customer_for_user(user=request.user)
            try:
                subscription = newsletter_subscribe(
                    email=form.cleaned_data["email"],
                    topics=form.cleaned_data["topics"],
                    language=form.cleaned_data["language"],
                    customer=customer,
                )
            except ApplicationError as error:
                _add_errors(form, error)
            else:
                # Anyone else sees the same page whether or not the address was subscribed.
                # A customer's own verified address is subscribed at once (no email to wait for).
                own = customer is not None and subscription.customer_id == customer.pk
                if own and subscription.state == State.ACTIVE:
                    messages.success(request, _("You are subscribed to the newsletter."))
                    return redirect("b2c:newsletter")
                return render(
                    request, "b2c/newsletter/sent.html", {"email": form.cleaned_data["email"]}
                )
        return render(
            request, "b2c/newsletter/signup.html", _page_context(request, form=form), status=400
        )


class NewsletterPreferencesView(LoginRequiredMixin, View):
    """/newsletter/preferences/ (POST): a signed-in customer saves their topics and language,
    or unsubscribes."""

    def get(self, request):
        return redirect("b2c:newsletter")

    def post(self, request):
        customer = customer_for_user(user=request.user)
        if request.POST.get("action") == "unsubscribe":
            newsletter_preferences_set(customer=customer, subscribed=False)
            messages.success(request, _("You are unsubscribed from the newsletter."))
            return redirect("b2c:newsletter")
        form = NewsletterPreferencesForm(request.POST)
        if form.is_valid():
            try:
                newsletter_preferences_set(
                    customer=customer,
                    topics=form.cleaned_data["topics"],
                    language=form.cleaned_data["language"],
                )
            except ApplicationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Your newsletter settings are saved."))
                return redirect("b2c:newsletter")
        context = _page_context(request, preferences=form)
        return render(request, "b2c/newsletter/signup.html", context, status=400)


def newsletter_confirm_view(request, token):
    """/newsletter/confirm/<token>/: the link of the confirmation email."""
    try:
        subscription = newsletter_confirm(token=token)
    except NewsletterLinkInvalid:
        raise Http404 from None
    except NewsletterLinkExpired as error:
        return render(
            request, "b2c/newsletter/confirmed.html", {"error": error.message}, status=400
        )
    return render(request, "b2c/newsletter/confirmed.html", {"subscription": subscription})


@method_decorator(csrf_exempt, name="dispatch")
class NewsletterUnsubscribeView(View):
    """/newsletter/unsubscribe/<token>/: the link in every issue (and its List-Unsubscribe
    header).

    A GET only shows a button: mail scanners and link previews follow links, and must not
    unsubscribe anyone. A POST unsubscribes: the button, or a mail provider's RFC 8058
    one-click POST (body "List-Unsubscribe=One-Click"), which carries no CSRF token and no
    cookie. It needs none: the signed token in the URL is the authority, and unsubscribing is
    all it can do.
    """

    def get(self, request, token):
        try:
            subscription = newsletter_subscription_for_token(token=token)
        except NewsletterLinkInvalid:
            raise Http404 from None
        context = {"subscription": subscription, "done": subscription.state == State.UNSUBSCRIBED}
        return render(request, "b2c/newsletter/unsubscribe.html", context)

    def post(self, request, token):
        try:
            subscription = newsletter_unsubscribe(token=token)
        except NewsletterLinkInvalid:
            raise Http404 from None
        return render(
            request,
            "b2c/newsletter/unsubscribe.html",
            {"subscription": subscription, "done": True},
        )
