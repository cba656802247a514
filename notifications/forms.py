"""The preferences form: one checkbox per kind and channel, grouped by kind."""

from django import forms

from notifications.selectors import PreferenceRow


def field_name(kind: str, channel: str) -> str:
    return f"{kind}__{channel}"


class PreferencesForm(forms.Form):
    """Built from the grid of `preferences_for`: a box left unticked turns that channel off."""

    def __init__(self, *args, grid: list[PreferenceRow], **kwargs):
        super().__init__(*args, **kwargs)
        self.grid = grid
        for row in grid:
            for cell in row.channels:
                self.fields[field_name(cell.kind, cell.channel)] = forms.BooleanField(
                    label=cell.label, required=False, initial=cell.enabled
                )

    def fieldsets(self) -> list[tuple[PreferenceRow, list[forms.BoundField]]]:
        """(kind, its channels' bound fields), a fieldset each in the page."""
        return [
            (row, [self[field_name(cell.kind, cell.channel)] for cell in row.channels])
            for row in self.grid
        ]

    def values(self) -> dict[tuple[str, str], bool]:
        return {
            (cell.kind, cell.channel): self.cleaned_data[field_name(cell.kind, cell.channel)]
            for row in self.grid
            for cell in row.channels
        }
