"""Pages work under the Content-Security-Policy: the browser reports no violation."""

import pytest
from django.urls import reverse

from clusters.models import Evaluation
from core.loading import LoadReport
from kelurahan.models import Kelurahan
from planner.models import Office, Scenario
from planner.services import planner_defaults_load
from tests.browser.conftest import log_in


@pytest.mark.django_db(transaction=True)
def test_pages_raise_no_content_security_policy_violations(live_server, page, demo):
    violations = []
    page.on(
        "console",
        lambda message: violations.append(f"{page.url}: {message.text[:300]}")
        if "Security Policy" in message.text
        else None,
    )
    planner_defaults_load(report=LoadReport())
    log_in(page, live_server, "admin")
    pages = [
        reverse("dashboard:home"),
        reverse("admin:index"),
        reverse("admin:kelurahan_kelurahan_changelist"),
        reverse("admin:clusters_evaluation_change", args=[Evaluation.objects.get(year=2018).pk]),
        reverse("clusters:evaluation-list"),
        reverse("clusters:evaluation-detail", kwargs={"year": 2018}),
        reverse("dashboard:evaluation-report", kwargs={"year": 2018}),
        reverse("clusters:self-assessment-edit", kwargs={"year": 2019, "cluster": "KLB"}),
        reverse("clusters:deduction-list", kwargs={"year": 2018, "number": 3}),
        reverse("clusters:indicator-history", kwargs={"year": 2018, "number": 3}),
        reverse("clusters:evaluation-stage", kwargs={"year": 2018}),
        reverse("kelurahan:kelurahan-list"),
        reverse("kelurahan:kelurahan-detail", args=[Kelurahan.objects.get(code="32.71.01.1007").pk]),
        reverse("kelurahan:patbm-update", args=[Kelurahan.objects.get(code="32.71.01.1007").pk]),
        reverse("kelurahan:coverage"),
        reverse("clusters:score-import", kwargs={"year": 2019}),
        reverse("kelurahan:patbm-import"),
        reverse("planner:planner"),
        reverse("planner:scenario-list"),
        reverse("planner:scenario-compare"),
        reverse("planner:office-list"),
        reverse("admin:planner_patbmrule_changelist"),
    ]
    def visit(path):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        for chart in page.locator("[data-figure]").all():
            # Every chart drew under the policy (the report's copies for paper are drawn out of sight).
            chart.locator(".main-svg").first.wait_for(state="attached" if chart.get_attribute("data-print-width")
                                                      else "visible")

    for path in pages:
        visit(path)
    # A saved scenario's pages: its detail (live projection script), its action plan and an office's page.
    visit(reverse("planner:planner"))
    page.fill("#id_name", "Skenario CSP")
    with page.expect_navigation():
        page.click("button[value=save]")
    scenario = Scenario.objects.get(name="Skenario CSP")
    for path in (
        reverse("planner:scenario-detail", args=[scenario.pk]),
        reverse("planner:action-plan-edit", args=[scenario.pk]),
        reverse("planner:office-detail", args=[Office.objects.get(name="DPMPPA").pk]),
    ):
        visit(path)
    assert violations == []
