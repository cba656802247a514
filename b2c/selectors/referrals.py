"""Reads of referrals and affiliates: the customer's referrals, the cookies that carry a referral
code or an affiliate click, and a partner's statement."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from b2c.models import (
    AffiliateClick,
    AffiliateCommission,
    AffiliatePartner,
    Customer,
    CustomerReferral,
    ReferralProgram,
)

REFERRAL_COOKIE = "safar_ref"
REFERRAL_COOKIE_SALT = "b2c.referral"
AFFILIATE_COOKIE = "safar_aff"
AFFILIATE_COOKIE_SALT = "b2c.affiliate"


def cookie_max_age() -> int:
    """Seconds a referral code or affiliate click is remembered."""
    return settings.AFFILIATE_COOKIE_DAYS * 24 * 60 * 60


def referral_code_from_request(request: HttpRequest | None) -> str | None:
    """The referral code remembered by /r/<code>/, if its signed cookie is valid and recent."""
    if request is None:
        return None
    return request.get_signed_cookie(
        REFERRAL_COOKIE, default=None, salt=REFERRAL_COOKIE_SALT, max_age=cookie_max_age()
    )


def affiliate_click_token(request: HttpRequest | None) -> str | None:
    """The token of the last affiliate click in this browser (signed cookie, within the window);
    the booking hold passes it to b2c.services.referrals.affiliate_booking_attribute."""
    if request is None:
        return None
    return request.get_signed_cookie(
        AFFILIATE_COOKIE, default=None, salt=AFFILIATE_COOKIE_SALT, max_age=cookie_max_age()
    )


def referral_code_exists(*, code: str) -> bool:
    return Customer.objects.filter(
        referral_code=(code or "").strip().upper(), deleted_at__isnull=True
    ).exists()


def referral_link(*, customer: Customer, request: HttpRequest) -> str:
    """The customer's absolute referral link, on the host the page was asked on."""
    return request.build_absolute_uri(reverse("b2c:referral-link", args=[customer.referral_code]))


def referral_list_for_customer(*, customer: Customer) -> QuerySet[CustomerReferral]:
    """The referrals a customer made, newest first, with what the page shows in one query."""
    return (
        CustomerReferral.objects.filter(referrer=customer)
        .select_related("program", "referee__user")
        .order_by("-created_at", "-id")
    )


def referral_get_for_customer(*, customer: Customer, referral_id: int) -> CustomerReferral:
    """One of the customer's referrals; someone else's is simply not found (404)."""
    return get_object_or_404(referral_list_for_customer(customer=customer), pk=referral_id)


def referral_counts(*, customer: Customer) -> dict[str, int]:
    """How many of the customer's referrals are in each state, and in all."""
    counts = CustomerReferral.objects.filter(referrer=customer).aggregate(
        total=Count("id"),
        signed_up=Count("id", filter=Q(status=CustomerReferral.Status.SIGNED_UP)),
        rewarded=Count("id", filter=Q(status=CustomerReferral.Status.REWARDED)),
        rejected=Count("id", filter=Q(status=CustomerReferral.Status.REJECTED)),
    )
    return {key: counts[key] or 0 for key in ("total", "signed_up", "rewarded", "rejected")}


def referral_program_active() -> ReferralProgram | None:
    return ReferralProgram.objects.filter(is_active=True).first()


def email_mask(email: str) -> str:
    """A friend's address as the referrer sees it: "a•••@example.com"."""
    local, sep, domain = (email or "").rpartition("@")
    if not sep:
        return "•••"
    return f"{local[:1]}•••@{domain}"


def referral_reward_for_referrer(referral: CustomerReferral) -> tuple[str, Decimal | int, str]:
    """What the referrer gets (or got) for this referral: (kind, amount or points, currency)."""
    program = referral.program
    if program.reward_kind == ReferralProgram.RewardKind.POINTS:
        return (program.reward_kind, program.referrer_points, "")
    return (program.reward_kind, program.referrer_amount, program.currency)


# Partner statement -------------------------------------------------------------------------------


@dataclass
class StatementRow:
    event: str  # "attributed", "earned" or "reversed"
    at: dt.datetime
    commission: AffiliateCommission


@dataclass
class PartnerStatement:
    partner: AffiliatePartner
    start: dt.date
    end: dt.date  # inclusive
    clicks: int
    attributed: list[AffiliateCommission]
    earned: list[AffiliateCommission]
    reversed: list[AffiliateCommission]
    # {currency: amount}, sorted by currency
    earned_totals: dict[str, Decimal] = field(default_factory=dict)
    reversed_totals: dict[str, Decimal] = field(default_factory=dict)

    @property
    def rows(self) -> list[StatementRow]:
        rows = [StatementRow("attributed", c.created_at, c) for c in self.attributed]
        # Selected by these dates, so they are set.
        rows += [StatementRow("earned", c.earned_at, c) for c in self.earned if c.earned_at]
        rows += [StatementRow("reversed", c.reversed_at, c) for c in self.reversed if c.reversed_at]
        return sorted(rows, key=lambda row: (row.at, row.commission.pk, row.event))

    @property
    def totals(self) -> list[tuple[str, Decimal, Decimal]]:
        """(currency, earned, reversed) for every currency of the period."""
        currencies = sorted(set(self.earned_totals) | set(self.reversed_totals))
        return [
            (
                currency,
                self.earned_totals.get(currency, Decimal(0)),
                self.reversed_totals.get(currency, Decimal(0)),
            )
            for currency in currencies
        ]


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _totals(commissions: list[AffiliateCommission]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for commission in commissions:
        totals[commission.currency] += commission.amount
    return dict(sorted(totals.items()))


def affiliate_partner_statement(
    *, partner: AffiliatePartner, start: dt.date, end: dt.date
) -> PartnerStatement:
    """What happened to a partner's account from `start` to `end` (both days included, in the
    site's time zone): clicks, bookings attributed, commissions earned (trip flown) and reversed
    (booking cancelled), each by the day it happened, with totals per currency."""
    since, until = _day_start(start), _day_start(end + dt.timedelta(days=1))
    commissions = AffiliateCommission.objects.filter(partner=partner).select_related("booking")

    def within(field_name: str) -> list[AffiliateCommission]:
        period = {f"{field_name}__gte": since, f"{field_name}__lt": until}
        return list(commissions.filter(**period).order_by(field_name, "pk"))

    earned = within("earned_at")
    reversed_ = within("reversed_at")
    return PartnerStatement(
        partner=partner,
        start=start,
        end=end,
        clicks=AffiliateClick.objects.filter(
            partner=partner, clicked_at__gte=since, clicked_at__lt=until
        ).count(),
        attributed=within("created_at"),
        earned=earned,
        reversed=reversed_,
        earned_totals=_totals(earned),
        reversed_totals=_totals(reversed_),
    )
