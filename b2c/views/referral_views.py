"""Referral and affiliate pages: the customer's referrals, a friend's link, a partner's link."""

from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from b2c.selectors import customer as customer_selectors
from b2c.selectors import referrals as referral_selectors
from b2c.services import referrals as referral_services
from core.net import client_ip

PAGE_SIZE = 20


def _cookie_options() -> dict:
    return {
        "max_age": referral_selectors.cookie_max_age(),
        "httponly": True,
        "samesite": "Lax",
        "secure": not settings.DEBUG,
    }


@require_GET
def referral_link(request, code: str):
    """A friend's link: remember the code for the sign-up, then go to the sign-up page."""
    response = HttpResponseRedirect(reverse("account_signup"))
    if referral_selectors.referral_code_exists(code=code):
        response.set_signed_cookie(
            referral_selectors.REFERRAL_COOKIE,
            code.strip().upper(),
            salt=referral_selectors.REFERRAL_COOKIE_SALT,
            **_cookie_options(),
        )
    return response


def _safe_landing_page(request) -> str:
    """The `to` path if it stays on this site; "/" for anything else (no open redirect)."""
    target = request.GET.get("to", "") or "/"
    if (
        target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and len(target) <= referral_services.LANDING_PAGE_MAX
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return "/"


@require_GET
def affiliate_link(request, partner_code: str):
    """A partner's tracking link: record the click, remember it (the last click wins), land."""
    landing_page = _safe_landing_page(request)
    click = referral_services.affiliate_click_record(
        partner_code=partner_code,
        landing_page=landing_page,
        ip=client_ip(request),
        user_agent=request.headers.get("User-Agent", ""),
        referrer=request.headers.get("Referer", ""),
    )
    if click is None:
        return HttpResponseRedirect("/")
    response = HttpResponseRedirect(landing_page)
    response.set_signed_cookie(
        referral_selectors.AFFILIATE_COOKIE,
        str(click.token),
        salt=referral_selectors.AFFILIATE_COOKIE_SALT,
        **_cookie_options(),
    )
    return response


@login_required
def referrals_page(request):
    """The customer's code and link, ways to share it, and the friends who used it."""
    customer = customer_selectors.customer_for_user(user=request.user)
    link = referral_selectors.referral_link(customer=customer, request=request)
    page = Paginator(
        referral_selectors.referral_list_for_customer(customer=customer), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    message = _("Join me on Safar and we both get a reward after your first trip: %(link)s") % {
        "link": link
    }
    rows = [
        {
            "referral": referral,
            "email": referral_selectors.email_mask(referral.referee.user.email),
            "reward": referral_selectors.referral_reward_for_referrer(referral),
        }
        for referral in page
    ]
    context = {
        "customer": customer,
        "link": link,
        "program": referral_selectors.referral_program_active(),
        "counts": referral_selectors.referral_counts(customer=customer),
        "page": page,
        "rows": rows,
        "whatsapp_url": "https://wa.me/?text=" + quote(message, safe=""),
        "email_url": "mailto:?subject={}&body={}".format(
            quote(_("A reward for your first trip with Safar"), safe=""), quote(message, safe="")
        ),
    }
    return render(request, "b2c/referrals/referrals.html", context)
