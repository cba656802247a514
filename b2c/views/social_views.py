"""Travel story pages: the public feed, an author's page, a story (photos, likes, comments,
share links and a preview card), and the author's write, edit and delete pages.

Who sees what is the selectors' rule (b2c.selectors.social); a story or comment someone may not
see is "not found", 404, never 403. Likes work with htmx (the button is swapped) and without
JavaScript (a POST and a redirect back).
"""

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View

from b2c.forms.social import (
    CommentForm,
    PhotoAddForm,
    PhotoCaptionForm,
    ReportForm,
    StoryForm,
    StoryNewForm,
)
from b2c.models import TravelStory
from b2c.selectors.customer import customer_for_user, customer_for_viewer, customer_public_name
from b2c.selectors.social import (
    stories_feed,
    stories_of_author,
    story_booking_choices,
    story_comment_get,
    story_comments,
    story_for_viewer,
    story_liked,
    story_plain_summary,
)
from b2c.services.reports import ContentNotFound, content_report
from b2c.services.social import (
    CommentNotFound,
    StoryNotFound,
    comment_add,
    comment_delete,
    comment_edit,
    story_cover_set,
    story_create,
    story_delete,
    story_like_toggle,
    story_photo_add,
    story_photo_caption,
    story_photo_move,
    story_photo_remove,
    story_update,
)
from core.exceptions import ApplicationError
from core.http import not_found_as_404 as core_not_found_as_404

PER_PAGE = 12
# Service field names that the forms call otherwise.
FORM_FIELDS = {"destination": "destination_code", "photo": "photo", "parent": None}


# A service's "not yours / not there" as a 404.
not_found_as_404 = partial(core_not_found_as_404, StoryNotFound, CommentNotFound, ContentNotFound)


def _viewer(request):
    return customer_for_viewer(user=request.user)


def _add_service_errors(form, error: ApplicationError) -> None:
    for field, problems in (error.extra or {None: [error.message]}).items():
        target = FORM_FIELDS.get(field, field) if field else None
        for problem in problems:
            form.add_error(target if target in form.fields else None, problem)


def _story_for(request, slug):
    with not_found_as_404():
        return story_for_viewer(slug=slug, viewer=_viewer(request))


def _own_story(request, slug):
    """The signed-in author's story; anyone else's is 404."""
    customer = customer_for_user(user=request.user)
    with not_found_as_404():
        story = story_for_viewer(slug=slug, viewer=customer)
    if story.author_id != customer.pk:
        raise Http404
    return customer, story


def _list_page(request, stories, template, extra):
    paginator = Paginator(stories, PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    liked = story_liked(customer=_viewer(request), story_ids=[s.pk for s in page])
    for story in page:
        story.author_name = customer_public_name(customer=story.author)
        story.summary = story_plain_summary(story=story, length=160)
    context = {
        "page": page,
        "page_range": paginator.get_elided_page_range(page.number),
        "liked": liked,
        **extra,
    }
    return render(request, template, context)


def stories_page(request):
    """/stories/: the public feed, newest first, 12 a page."""
    return _list_page(request, stories_feed(), "b2c/social/feed.html", {})


def stories_author_page(request, code):
    """/stories/by/<code>/: an author's public stories (all of them for the author)."""
    viewer = _viewer(request)
    with not_found_as_404():
        author, stories = stories_of_author(handle=code, viewer=viewer)
    return _list_page(
        request,
        stories,
        "b2c/social/author.html",
        {
            "author": author,
            "author_name": customer_public_name(customer=author),
            "is_author": viewer is not None and viewer.pk == author.pk,
        },
    )


def _absolute(url: str) -> str:
    # Media may already be served from an absolute address (a CDN).
    return url if url.startswith(("https://", "http://")) else f"{settings.SITE_URL}{url}"


def _story_context(request, story, *, comment_form=None, reply_to=None) -> dict:
    viewer = _viewer(request)
    story_url = _absolute(reverse("b2c:story", args=[story.slug]))
    comments = story_comments(story=story)
    for comment in comments:
        comment.author_name = customer_public_name(customer=comment.author)
        for reply in comment.replies.all():
            reply.author_name = customer_public_name(customer=reply.author)
    photos = list(story.photos.all())
    cover = story.cover or (photos[0] if photos else None)
    return {
        "story": story,
        "author_name": customer_public_name(customer=story.author),
        "photos": photos,
        "comments": comments,
        "viewer": viewer,
        "is_author": viewer is not None and viewer.pk == story.author_id,
        "liked": story.pk in story_liked(customer=viewer, story_ids=[story.pk]),
        "comment_form": comment_form or CommentForm(),
        "reply_to": reply_to,
        "share_url": story_url,
        "og_description": story_plain_summary(story=story),
        "og_image": _absolute(cover.image.url) if cover else "",
        "noindex": story.visibility != TravelStory.Visibility.PUBLIC or story.hidden_at,
    }


def story_page(request, slug):
    """/stories/<slug>/: the story for whoever may see it."""
    story = _story_for(request, slug)
    return render(request, "b2c/social/story.html", _story_context(request, story))


class StoryNewView(LoginRequiredMixin, View):
    """/stories/new/: write a story with photos. A refused photo keeps the typed text."""

    def _render(self, request, form, status=200):
        return render(request, "b2c/social/form.html", {"form": form, "new": True}, status=status)

    def get(self, request):
        customer = customer_for_user(user=request.user)
        form = StoryNewForm(bookings=story_booking_choices(customer=customer))
        return self._render(request, form)

    def post(self, request):
        customer = customer_for_user(user=request.user)
        form = StoryNewForm(
            request.POST, request.FILES, bookings=story_booking_choices(customer=customer)
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                story = story_create(
                    customer=customer,
                    title=data["title"],
                    body=data["body"],
                    visibility=data["visibility"],
                    destination_code=data["destination_code"],
                    booking_id=data["booking"],
                    language=get_language() or "en",
                    photos=data["photos"],
                    captions=data["captions"],
                )
            except ApplicationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, _("Your story is published."))
                return redirect("b2c:story", slug=story.slug)
        return self._render(request, form, status=400)


class StoryEditView(LoginRequiredMixin, View):
    """/stories/<slug>/edit/: the author changes the text and settings, and the photos."""

    def _render(self, request, customer, story, form=None, photo_form=None, status=200):
        form = form or StoryForm(
            bookings=story_booking_choices(customer=customer),
            initial={
                "title": story.title,
                "body": story.body,
                "visibility": story.visibility,
                "destination_code": story.destination.iata_code if story.destination else "",
                "booking": story.booking_id,
            },
        )
        photos = list(story.photos.all())
        context = {
            "form": form,
            "story": story,
            "photos": [
                (p, PhotoCaptionForm(initial={"caption": p.caption}, prefix=f"p{p.pk}"))
                for p in photos
            ],  # fmt: skip
            "photo_form": photo_form or PhotoAddForm(),
            "new": False,
        }
        return render(request, "b2c/social/form.html", context, status=status)

    def get(self, request, slug):
        customer, story = _own_story(request, slug)
        return self._render(request, customer, story)

    def post(self, request, slug):
        customer, story = _own_story(request, slug)
        form = StoryForm(request.POST, bookings=story_booking_choices(customer=customer))
        if form.is_valid():
            data = form.cleaned_data
            try:
                with not_found_as_404():
                    story = story_update(
                        customer=customer,
                        story_id=story.pk,
                        title=data["title"],
                        body=data["body"],
                        visibility=data["visibility"],
                        destination_code=data["destination_code"],
                        booking_id=data["booking"],
                    )
            except ApplicationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, _("Your story is saved."))
                return redirect("b2c:story", slug=story.slug)
        return self._render(request, customer, story, form=form, status=400)


class StoryPhotoAddView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, slug):
        customer, story = _own_story(request, slug)
        form = PhotoAddForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                with not_found_as_404():
                    story_photo_add(
                        customer=customer,
                        story_id=story.pk,
                        photo=form.cleaned_data["photo"],
                        caption=form.cleaned_data["caption"],
                    )
            except ApplicationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, _("Photo added."))
                return redirect(reverse("b2c:story-edit", args=[story.slug]) + "#photos")
        return StoryEditView()._render(request, customer, story, photo_form=form, status=400)


class StoryPhotoActionView(LoginRequiredMixin, View):
    """POST to remove a photo, make it the cover, or change its caption."""

    http_method_names = ["post"]
    action = ""

    def post(self, request, slug, photo_id):
        customer, story = _own_story(request, slug)
        try:
            with not_found_as_404():
                if self.action == "remove":
                    story_photo_remove(customer=customer, story_id=story.pk, photo_id=photo_id)
                    messages.success(request, _("Photo removed."))
                elif self.action == "cover":
                    story_cover_set(customer=customer, story_id=story.pk, photo_id=photo_id)
                    messages.success(request, _("Cover photo changed."))
                elif self.action in ("up", "down"):
                    story_photo_move(
                        customer=customer, story_id=story.pk, photo_id=photo_id,
                        offset=-1 if self.action == "up" else 1,
                    )  # fmt: skip
                    messages.success(request, _("Photo moved."))
                else:
                    form = PhotoCaptionForm(request.POST, prefix=f"p{photo_id}")
                    caption = form.data.get(f"p{photo_id}-caption", "")
                    story_photo_caption(
                        customer=customer, story_id=story.pk, photo_id=photo_id, caption=caption
                    )
                    messages.success(request, _("Caption saved."))
        except ApplicationError as error:
            messages.error(request, error.message)
        return redirect(reverse("b2c:story-edit", args=[story.slug]) + "#photos")


class StoryDeleteView(LoginRequiredMixin, View):
    """A confirmation step (GET), then the deletion (POST)."""

    def get(self, request, slug):
        _customer, story = _own_story(request, slug)
        return render(request, "b2c/social/delete.html", {"story": story})

    def post(self, request, slug):
        customer, story = _own_story(request, slug)
        with not_found_as_404():
            story_delete(customer=customer, story_id=story.pk)
        messages.success(request, _("Your story was deleted."))
        return redirect("b2c:stories-author", code=customer.referral_code)


class StoryLikeView(LoginRequiredMixin, View):
    """Like or unlike; with htmx the answer is the button, without it a redirect back."""

    http_method_names = ["post"]

    def post(self, request, slug):
        customer = customer_for_user(user=request.user)
        with not_found_as_404():
            story = story_for_viewer(slug=slug, viewer=customer)
            liked, count = story_like_toggle(customer=customer, story_id=story.pk)
        if request.headers.get("HX-Request") == "true":
            story.like_count = count
            return render(request, "b2c/social/_like_button.html", {"story": story, "liked": liked})
        return redirect(reverse("b2c:story", args=[story.slug]) + "#like")


class StoryCommentView(LoginRequiredMixin, View):
    """Add a comment or a reply (the form's `parent`)."""

    http_method_names = ["post"]

    def post(self, request, slug):
        customer = customer_for_user(user=request.user)
        story = _story_for(request, slug)
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                with not_found_as_404():
                    comment = comment_add(
                        customer=customer,
                        story_id=story.pk,
                        text=form.cleaned_data["text"],
                        parent_id=form.cleaned_data["parent"],
                    )
            except ApplicationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, _("Your comment is posted."))
                return redirect(reverse("b2c:story", args=[story.slug]) + f"#comment-{comment.pk}")
        context = _story_context(request, story, comment_form=form)
        return render(request, "b2c/social/story.html", context, status=400)


class CommentEditView(LoginRequiredMixin, View):
    def _comment(self, request, slug, comment_id):
        customer = customer_for_user(user=request.user)
        story = _story_for(request, slug)
        with not_found_as_404():
            comment = story_comment_get(story=story, comment_id=comment_id)
        if comment.author_id != customer.pk:
            raise Http404
        return customer, story, comment

    def _render(self, request, story, comment, form, status=200):
        context = {"story": story, "comment": comment, "form": form}
        return render(request, "b2c/social/comment_edit.html", context, status=status)

    def get(self, request, slug, comment_id):
        _customer, story, comment = self._comment(request, slug, comment_id)
        return self._render(request, story, comment, CommentForm(initial={"text": comment.text}))

    def post(self, request, slug, comment_id):
        customer, story, comment = self._comment(request, slug, comment_id)
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                with not_found_as_404():
                    comment_edit(
                        customer=customer, comment_id=comment.pk, text=form.cleaned_data["text"]
                    )
            except ApplicationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, _("Your comment is saved."))
                return redirect(reverse("b2c:story", args=[story.slug]) + f"#comment-{comment.pk}")
        return self._render(request, story, comment, form, status=400)


class CommentDeleteView(CommentEditView):
    http_method_names = ["post"]

    def post(self, request, slug, comment_id):
        customer, story, comment = self._comment(request, slug, comment_id)
        with not_found_as_404():
            comment_delete(customer=customer, comment_id=comment.pk)
        messages.success(request, _("Your comment was deleted."))
        return redirect(reverse("b2c:story", args=[story.slug]) + "#comments")


class ReportView(LoginRequiredMixin, View):
    """Report a story (or one of its comments) to Safar's team."""

    def _target(self, request, slug, comment_id):
        story = _story_for(request, slug)
        comment = None
        if comment_id is not None:
            with not_found_as_404():
                comment = story_comment_get(story=story, comment_id=comment_id)
        return story, comment

    def _render(self, request, story, comment, form, status=200):
        context = {"story": story, "comment": comment, "form": form}
        return render(request, "b2c/social/report.html", context, status=status)

    def get(self, request, slug, comment_id=None):
        story, comment = self._target(request, slug, comment_id)
        return self._render(request, story, comment, ReportForm())

    def post(self, request, slug, comment_id=None):
        customer = customer_for_user(user=request.user)
        story, comment = self._target(request, slug, comment_id)
        form = ReportForm(request.POST)
        if form.is_valid():
            target = {"comment_id": comment.pk} if comment else {"story_id": story.pk}
            try:
                with not_found_as_404():
                    content_report(
                        customer=customer,
                        reason=form.cleaned_data["reason"],
                        note=form.cleaned_data["note"],
                        **target,
                    )
            except ApplicationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, _("Thank you: our team will look at it."))
                return redirect("b2c:story", slug=story.slug)
        return self._render(request, story, comment, form, status=400)
