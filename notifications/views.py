"""The notification centre: the list (mark one or all read) and the preferences page."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from notifications.forms import PreferencesForm
from notifications.selectors import notification_list, preferences_for, unread_count
from notifications.services import (
    notification_mark_read,
    notifications_mark_all_read,
    preferences_set,
)

NOTIFICATIONS_PER_PAGE = 20


def _same_site(request, url: str) -> bool:
    """Only links within Safar are followed: a notification's url or `next` is never a way out
    to another site (an open redirect)."""
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


class NotificationListView(LoginRequiredMixin, View):
    """/notifications/: newest first, 20 a page, the unread ones marked."""

    def get(self, request):
        page = Paginator(notification_list(user=request.user), NOTIFICATIONS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        context = {
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "next": request.get_full_path(),
        }
        return render(request, "notifications/list.html", context)


class NotificationReadView(LoginRequiredMixin, View):
    """POST: mark one read, then go to its link (or back to `next`, or to the list). With htmx,
    answer the updated item and the header's count instead."""

    http_method_names = ["post"]

    def post(self, request, notification_id: int):
        notification = notification_mark_read(user=request.user, notification_id=notification_id)
        if request.htmx:
            context = {
                "notification": notification,
                "notifications_unread": unread_count(user=request.user),
            }
            return render(request, "notifications/_read.html", context)
        for target in (request.POST.get("next", ""), notification.url):
            if _same_site(request, target):
                return redirect(target)
        return redirect("notifications:list")


class NotificationReadAllView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        marked = notifications_mark_all_read(user=request.user)
        if marked:
            messages.success(
                request,
                ngettext(
                    "%(count)d notification marked as read.",
                    "%(count)d notifications marked as read.",
                    marked,
                )
                % {"count": marked},
            )
        else:
            messages.info(request, _("You had no unread notifications."))
        return redirect("notifications:list")


class PreferencesView(LoginRequiredMixin, View):
    """/notifications/preferences/: for each kind, on Safar and by email, on or off."""

    def get(self, request):
        form = PreferencesForm(grid=preferences_for(user=request.user))
        return render(request, "notifications/preferences.html", {"form": form})

    def post(self, request):
        form = PreferencesForm(request.POST, grid=preferences_for(user=request.user))
        if form.is_valid():
            preferences_set(user=request.user, values=form.values())
            messages.success(request, _("Your notification preferences were saved."))
            return redirect(reverse("notifications:preferences"))
        return render(request, "notifications/preferences.html", {"form": form}, status=400)
