"""Admin pieces shared by the apps."""


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
