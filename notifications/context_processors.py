"""The unread count in the header, for signed-in users."""

from functools import cache

from notifications.selectors import unread_count


def unread_notifications(request) -> dict:
    """`notifications_unread`: a callable (templates call it) that counts once per request and
    only when a page shows it, and never for visitors, who cost no query."""

    @cache
    def count() -> int:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return 0
        return unread_count(user=user)

    return {"notifications_unread": count}
