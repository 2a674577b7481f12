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



def test_each_compressed_page_is_padded_differently_and_decompresses_whole(client, demo, staff_user):
    """Level 1 instead of Django's 6 (faster), with Django's BREACH padding kept: a random file name in the
    gzip header, so two responses of the same page differ in length as well as in their masked tokens."""
    client.force_login(staff_user)
    plain = client.get(reverse("dashboard:home")).content.decode()
    responses = [client.get(reverse("dashboard:home"), HTTP_ACCEPT_ENCODING="gzip") for _ in range(8)]
    assert {response.content[3] & gzip.FNAME for response in responses} == {gzip.FNAME}
    assert len({len(response.content) for response in responses}) > 1
    for response in responses:
        assert int(response.headers["Content-Length"]) == len(response.content)
        html = gzip.decompress(response.content).decode()
        # The same page but for the per-request CSRF tokens.
        assert html.count("csrfmiddlewaretoken") == plain.count("csrfmiddlewaretoken") > 0
        assert len(html) == len(plain)


def test_a_short_or_unaccepted_response_is_left_alone(client, demo, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("dashboard:home"), HTTP_ACCEPT_ENCODING="identity")
    assert "Content-Encoding" not in response.headers and b"<html" in response.content
