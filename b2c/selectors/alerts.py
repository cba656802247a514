"""Reads of price alerts: a customer's list, one alert with its price history, and the chart
drawn from that history."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from b2c.models import Customer, PriceAlert, PriceAlertCheck

HISTORY_POINTS = 200  # the newest price changes shown (a check records a change)


def price_alert_list(*, customer: Customer) -> QuerySet[PriceAlert]:
    """The customer's alerts, newest first, with their airports."""
    return PriceAlert.objects.filter(customer=customer).select_related("origin", "destination")


def price_alert_get(*, customer: Customer, alert_id: int) -> PriceAlert:
    """One of the customer's alerts (404 for anyone else's)."""
    return get_object_or_404(price_alert_list(customer=customer), pk=alert_id)


def price_alert_history(*, alert: PriceAlert, limit: int = HISTORY_POINTS) -> list[PriceAlertCheck]:
    """The newest `limit` checks of `alert`, oldest first."""
    newest = list(
        PriceAlertCheck.objects.filter(alert=alert).order_by("-checked_at", "-id")[:limit]
    )
    return newest[::-1]


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    points: str  # the polyline's "x,y x,y"
    dots: list[tuple[float, float, PriceAlertCheck]]
    low: Decimal | None
    high: Decimal | None
    target_y: float | None


def price_chart(
    checks: list[PriceAlertCheck], *, target: Decimal | None, width: int = 600, height: int = 200
) -> Chart | None:
    """An SVG line chart of the checked prices (the page draws it inline: no script, no CDN).
    None when no price was ever found."""
    priced = [(c, c.price) for c in checks if c.price is not None]
    if not priced:
        return None
    prices = [price for _, price in priced]
    values = prices + ([target] if target is not None else [])
    low, high = min(values), max(values)
    span = (high - low) or Decimal(1)
    pad = 10
    step = (width - 2 * pad) / max(len(priced) - 1, 1)

    def y(value: Decimal) -> float:
        return round(pad + float((high - value) / span) * (height - 2 * pad), 1)

    dots = [(round(pad + i * step, 1), y(price), c) for i, (c, price) in enumerate(priced)]
    return Chart(
        width=width,
        height=height,
        points=" ".join(f"{x},{y_}" for x, y_, _ in dots),
        dots=dots,
        low=min(prices),
        high=max(prices),
        target_y=y(target) if target is not None else None,
    )


def alerts_summary(*, customer: Customer) -> dict[str, int]:
    """For the dashboard, in one query: the customer's price alerts watching now, and the
    changes to their flights awaiting an answer."""
    from django.db.models import Count, Q

    from b2c.models import TravelAlert

    counts = Customer.objects.filter(pk=customer.pk).aggregate(
        watching=Count(
            "price_alerts", filter=Q(price_alerts__state=PriceAlert.State.ACTIVE), distinct=True
        ),
        awaiting=Count(
            "travel_alerts",
            filter=Q(travel_alerts__state=TravelAlert.State.AWAITING),
            distinct=True,
        ),
    )
    return {"watching": counts["watching"] or 0, "awaiting": counts["awaiting"] or 0}
