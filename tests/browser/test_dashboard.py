"""The dashboard in Chromium: every chart draws, on a laptop, a phone and a projector."""

import pytest
from django.urls import reverse

from dashboard.demo import DEMO_USERS

CHARTS = ["chart-standing", "chart-clusters", "chart-years", "chart-losses", "chart-headroom"]


def _log_in(page, live_server, username):
    user = next(user for user in DEMO_USERS if user.username == username)
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", user.password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("width", "height", "name"), [(1280, 900, "laptop"), (360, 740, "phone"),
                                                       (1920, 1080, "projector")])
def test_dashboard_draws_every_chart_with_the_local_plotly(live_server, page, demo, artifacts, width, height, name):
    scripts, errors = [], []
    page.on("request", lambda request: scripts.append(request.url) if request.resource_type == "script" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size({"width": width, "height": height})
    _log_in(page, live_server, "gugus")

    for chart in CHARTS:
        page.wait_for_selector(f"#{chart} .plot-container svg.main-svg", state="attached")
    assert page.locator(".chart .plot-container").count() == len(CHARTS)
    assert "683,20" in page.locator("#chart-standing").inner_text()  # the 2018 final, drawn by plotly.js
    assert "Madya" in page.locator("#chart-years").inner_text()
    # The predicate band names above the standing chart do not run into each other (they did at 360 px).
    boxes = [box for box in page.locator("#chart-standing .annotation-text").evaluate_all(
        "notes => notes.map(note => { const r = note.getBoundingClientRect();"
        " return [r.left, r.right, r.top, r.bottom]; })")]
    assert len(boxes) == 5
    assert not [(a, b) for index, a in enumerate(boxes) for b in boxes[index + 1:]
                if a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]]
    # The charts fit the screen: nothing wider than the viewport.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert errors == []
    plotly = [url for url in scripts if "plotly" in url]
    assert plotly == [f"{live_server.url}/static/vendor/plotly/plotly-basic.min.js"]  # once, from the app
    assert all(url.startswith(live_server.url) for url in scripts)
    page.screenshot(path=artifacts / f"dashboard-{name}.png", full_page=True)
    page.screenshot(path=artifacts / f"dashboard-{name}-first-screen.png")
    for chart in CHARTS:
        page.locator(f"#{chart}").screenshot(path=artifacts / f"dashboard-{name}-{chart}.png")


# The policy main's CSP middleware sends (scripts and styles from the app only; plotly's empty
# <style> element allowed by its hash): the dashboard must draw under it with no violation.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='; "
       "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'")


@pytest.mark.django_db(transaction=True)
def test_dashboard_draws_under_a_strict_content_security_policy(live_server, page, demo):
    violations = []
    page.on("console", lambda message: violations.append(message.text) if "Security Policy" in message.text else None)

    def with_policy(route):
        if route.request.resource_type != "document":
            return route.continue_()
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": CSP})

    _log_in(page, live_server, "staf")
    page.route("**/*", with_policy)
    page.goto(f"{live_server.url}/")
    for chart in CHARTS:
        page.wait_for_selector(f"#{chart} .plot-container svg.main-svg", state="attached")
    page.wait_for_load_state("networkidle")
    assert violations == []
