import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from b2c.models import Review, ReviewImage
from b2c.services.reviews import (
    REVIEW_IMAGES_MAX,
    ReviewNotFound,
    review_create,
    review_delete,
    review_image_add,
    review_image_remove,
)
from b2c.tests.reviews.helpers import GOOD_TEXT, media_files, png, snapshot
from core.exceptions import ApplicationError
from core.testing.inventory import airline, airport

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def route(db):
    airline("EK")
    airport("DXB")
    airport("LHR")


def write(customer, images=(), **fields):
    values = {
        "customer": customer,
        "subject_kind": "flight",
        "airline_code": "EK",
        "origin": "DXB",
        "destination": "LHR",
        "travel_date": dt.date(2026, 1, 5),
        "rating": 4,
        "title": "Smooth night flight",
        "text": GOOD_TEXT,
        "images": images,
    }
    values.update(fields)
    return review_create(**values)


def test_images_are_stored_with_thumbnails(customer, settings):
    review = write(customer, images=[png(40, 30), png(20, 50)])

    images = list(review.images.order_by("position"))
    assert [(i.position, i.width, i.height) for i in images] == [(0, 40, 30), (1, 20, 50)]
    stored = sorted(name for i in images for name in (i.image.name, i.thumbnail.name))
    assert media_files() == stored
    assert all(name.startswith("reviews/") for name in stored)
    with Image.open(images[0].image.path) as decoded:
        assert decoded.size == (40, 30)


def test_seven_images_are_refused(customer):
    before = snapshot()
    with pytest.raises(ApplicationError) as refused:
        write(customer, images=[png() for _ in range(REVIEW_IMAGES_MAX + 1)])
    assert refused.value.extra == {"images": ["A review can have at most 6 images."]}
    assert snapshot() == before


def test_a_bad_image_among_good_ones_stores_nothing(customer):
    fake = SimpleUploadedFile("photo.png", b"<svg onload=alert(1)></svg>", "image/png")
    before = snapshot()
    with pytest.raises(ApplicationError) as refused:
        write(customer, images=[png(), fake])
    assert refused.value.message == "This file is not a JPEG, PNG or WebP image."
    assert snapshot() == before
    assert before["files"] == []


def test_failure_after_storing_leaves_no_file_and_no_row(customer):
    write(customer)
    before = snapshot()
    # The same trip again: refused by the unique constraint after the images were processed.
    with pytest.raises(ApplicationError, match="You have already reviewed this trip."):
        write(customer, images=[png(), png()])
    assert snapshot() == before
    assert media_files() == []


def test_add_a_seventh_image_is_refused(customer):
    review = write(customer, images=[png() for _ in range(REVIEW_IMAGES_MAX)])
    before = snapshot()
    with pytest.raises(ApplicationError) as refused:
        review_image_add(customer=customer, review_id=review.pk, upload=png())
    assert refused.value.message == "A review can have at most 6 images."
    assert snapshot() == before
    assert len(before["files"]) == 12


def test_add_and_remove_an_image(customer, django_capture_on_commit_callbacks):
    review = write(customer, images=[png()])
    added = review_image_add(customer=customer, review_id=review.pk, upload=png(10, 10))
    assert (added.position, added.width, added.height) == (1, 10, 10)
    assert len(media_files()) == 4

    with django_capture_on_commit_callbacks(execute=True):
        review_image_remove(customer=customer, review_id=review.pk, image_id=added.pk)
    assert list(review.images.values_list("position", flat=True)) == [0]
    assert len(media_files()) == 2
    assert added.image.name not in media_files()


def test_add_bad_image_is_refused(customer):
    review = write(customer)
    before = snapshot()
    with pytest.raises(ApplicationError):
        review_image_add(
            customer=customer,
            review_id=review.pk,
            upload=SimpleUploadedFile("x.jpg", b"GIF89a....", "image/jpeg"),
        )
    assert snapshot() == before


def test_others_cannot_touch_images(customer, other_customer):
    review = write(customer, images=[png()])
    image = review.images.get()
    before = snapshot()
    with pytest.raises(ReviewNotFound):
        review_image_add(customer=other_customer, review_id=review.pk, upload=png())
    with pytest.raises(ReviewNotFound):
        review_image_remove(customer=other_customer, review_id=review.pk, image_id=image.pk)
    assert snapshot() == before


def test_delete_removes_rows_and_files_on_commit(customer, django_capture_on_commit_callbacks):
    review = write(customer, images=[png(), png()])
    assert len(media_files()) == 4
    with django_capture_on_commit_callbacks(execute=True):
        review_delete(customer=customer, review_id=review.pk)
    assert Review.objects.count() == 0
    assert ReviewImage.objects.count() == 0
    assert media_files() == []


def test_error_after_files_were_stored_removes_them(customer, monkeypatch):
    import b2c.services.reviews as reviews

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(reviews, "_aggregate_change", broken)
    before = snapshot()
    with pytest.raises(RuntimeError):
        write(customer, images=[png(), png()])
    assert snapshot() == before
    assert media_files() == []
