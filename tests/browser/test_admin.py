import pytest

from clusters.demo import DEMO_USERS


@pytest.mark.django_db(transaction=True)
def test_demo_admin_logs_in_and_sees_the_68_kelurahan(live_server, page, demo, artifacts):
    admin = next(user for user in DEMO_USERS if user.username == "admin")
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", admin.username)
    page.fill("#id_password", admin.password)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")

    page.goto(f"{live_server.url}/admin/kelurahan/kelurahan/")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 68
    assert "Batu Tulis" in rows.first.inner_text()
    page.screenshot(path=artifacts / "admin-kelurahan.png", full_page=True)

    page.goto(f"{live_server.url}/admin/clusters/indicator/")
    assert page.locator("#result_list tbody tr").count() == 24
