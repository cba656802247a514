import datetime as dt

from notifications.models import Kind, Notification


def notification_for(user, index: int = 1, *, read: bool = False, url: str = "", **fields):
    """A delivered notification, as the outbox leaves it; `index` orders them (higher is newer)."""
    notification = Notification.objects.create(
        user=user,
        kind=fields.pop("kind", Kind.PRICE_DROP),
        title=fields.pop("title", f"Notification {index}"),
        body=fields.pop("body", f"Body {index}"),
        url=url,
        dedupe_key=f"event-{index}",
        read_at=dt.datetime(2026, 2, 1, 12, 0, tzinfo=dt.UTC) if read else None,
        **fields,
    )
    Notification.objects.filter(pk=notification.pk).update(
        created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=index)
    )
    notification.refresh_from_db()
    return notification
