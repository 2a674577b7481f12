"""Pages work under the Content-Security-Policy: the browser reports no violation."""

import pytest
from django.urls import reverse

from clusters.models import Evaluation
from tests.browser.conftest import log_in


@pytest.mark.django_db(transaction=True)
def test_pages_raise_no_content_security_policy_violations(live_server, page, demo):
    violations = []
    page.on("console", lambda message: violations.append(message.text) if "Security Policy" in message.text else None)
    log_in(page, live_server, "admin")
    pages = [
        reverse("clusters:home"),
        reverse("admin:index"),
        reverse("admin:kelurahan_kelurahan_changelist"),
        reverse("admin:clusters_evaluation_change", args=[Evaluation.objects.get(year=2018).pk]),
    ]
    for path in pages:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    assert violations == []
