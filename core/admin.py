"""Admin pieces shared by the apps."""

from collections.abc import Callable

from django.contrib import messages

from core.exceptions import ApplicationError


class ReadOnlyAdminMixin:
    """Rows staff read but never add, change or delete in the admin (model admins and inlines):
    their writes go through the services, and deleting here would skip them (counters, ledgers
    and stored files would go wrong). Actions that call services stay available."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)  # type: ignore[misc]
        actions.pop("delete_selected", None)
        return actions


def problems_text(error: ApplicationError) -> str:
    """Every message of a service's refusal, field messages included, as one line."""
    if not error.extra:
        return error.message
    return " ".join(problem for problems in error.extra.values() for problem in problems)


def service_action(modeladmin, request, queryset, call, done: Callable[[int], str]) -> None:
    """An admin action that calls a service for each selected row: each refusal is reported
    beside the row it was about (the others still go ahead), then how many were done."""
    count = 0
    for obj in queryset:
        try:
            call(obj)
        except ApplicationError as error:
            modeladmin.message_user(request, f"{obj}: {problems_text(error)}", messages.ERROR)
        else:
            count += 1
    if count:
        modeladmin.message_user(request, done(count), messages.SUCCESS)
