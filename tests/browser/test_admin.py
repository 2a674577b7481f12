import pytest

from tests.browser.conftest import log_in


@pytest.mark.django_db(transaction=True)
def test_demo_admin_logs_in_and_sees_the_68_kelurahan(live_server, page, demo, artifacts):
    log_in(page, live_server, "admin", form_url="/admin/login/?next=/admin/")
    assert page.url == f"{live_server.url}/admin/"

    page.goto(f"{live_server.url}/admin/kelurahan/kelurahan/")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 68
    assert "Batu Tulis" in rows.first.inner_text()
    page.screenshot(path=artifacts / "admin-kelurahan.png", full_page=True)

    page.goto(f"{live_server.url}/admin/clusters/indicator/")
    assert page.locator("#result_list tbody tr").count() == 24 + 31  # the 2019-era framework and 2024
