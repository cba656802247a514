"""Forms of the travel story pages. They read input; b2c.services.social decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from b2c.models import ContentReport, TravelStory
from b2c.services.social import CAPTION_MAX, COMMENT_MAX, MAX_PHOTOS, TITLE_MAX


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several files from one input; the image pipeline (not this field) checks each."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultiplePhotoField, self).clean(one, initial) for one in files]


class StoryForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX, min_length=3)
    body = forms.CharField(
        label=_("Your story"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Markdown: **bold**, *italic*, ## headings, - lists, [links](https://…)."),
    )
    destination_code = forms.CharField(
        label=_("Destination airport code"),
        required=False,
        max_length=3,
        help_text=_("Three letters, such as DXB. Optional."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 4, "dir": "ltr"}),
    )
    booking = forms.TypedChoiceField(
        label=_("The trip it tells"), required=False, coerce=int, empty_value=None
    )
    visibility = forms.ChoiceField(
        label=_("Who can see it"),
        choices=TravelStory.Visibility.choices,
        initial=TravelStory.Visibility.PUBLIC,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, bookings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["booking"].choices = [("", _("None"))] + [(b.pk, b.reference) for b in bookings]


class StoryNewForm(StoryForm):
    photos = MultiplePhotoField(
        label=_("Photos"),
        required=False,
        help_text=_("Up to %(max)d JPEG, PNG or WebP images; the first is the cover.")
        % {"max": MAX_PHOTOS},
    )
    captions = forms.CharField(
        label=_("Captions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One line a photo, in the same order."),
    )

    def clean_captions(self) -> list[str]:
        return self.cleaned_data["captions"].splitlines()


class PhotoAddForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    caption = forms.CharField(label=_("Caption"), required=False, max_length=CAPTION_MAX)


class PhotoCaptionForm(forms.Form):
    caption = forms.CharField(label=_("Caption"), required=False, max_length=CAPTION_MAX)


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong?"), choices=ContentReport.Reason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Details (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
