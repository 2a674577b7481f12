"""Pages go out gzip-compressed when the browser accepts it: a phone on a slow network loads the
dashboard's HTML in about a sixth of the bytes."""

import gzip

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_dashboard_is_compressed_for_a_browser_that_accepts_gzip(client, demo, staff_user):
    client.force_login(staff_user)
    plain = client.get(reverse("dashboard:home"))
    compressed = client.get(reverse("dashboard:home"), HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert plain.status_code == compressed.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed.headers["Vary"]
    html = gzip.decompress(compressed.content).decode()
    assert "Madya" in html and "683,20" in html
    assert len(compressed.content) < len(plain.content) / 3

