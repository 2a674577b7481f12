"""Planner pages: the planner, scenarios (save, compare, delete), action plans and office pages."""

import datetime as dt
import re
from decimal import Decimal as D

import pytest
from django.urls import reverse

from clusters.models import Predicate
from planner import selectors
from planner.models import Office, PatbmRule, Scenario, ScenarioItem

pytestmark = pytest.mark.django_db


def _planner_post(client, goal="nindya", name="Menuju Nindya", action="save", extra="0", **overrides):
    """Posts the planner form as the page renders it (initial targets = the suggestion), with overrides."""
    page = client.get(reverse("planner:planner"), {"goal": goal})
    form = page.context["form"]
    data = {"goal": goal, "extra_kelurahan": extra, "name": name, "action": action}
    for _row, target, effort in form.row_fields():
        data[target.html_name] = str(target.value()).replace(".", ",")
        data[effort.html_name] = str(effort.value())
    data.update(overrides)
    return client.post(reverse("planner:planner"), data)


def test_planner_shows_the_gap_suggestion_recurring_flags_and_patbm_rule(client, planner_demo, task_force_user):
    client.force_login(task_force_user)
    html = client.get(reverse("planner:planner"), {"goal": "nindya"}).content.decode()
    assert "526,40" in html and "173,61" in html
    assert html.count("belum dinilai</span>") == 7  # Klaster IV and V (18-24) start at 0
    assert html.count('class="badge text-bg-success"') == 5  # 3, 17, 21, 22, 23 suggested
    assert "kelemahan berulang" in html
    assert "menambah 0,25 poin pada indikator 21" in html and "aturan lokal" in html
    assert "Simpan skenario" not in html  # Gugus Tugas reads only


def test_planner_defaults_to_nindya_and_says_when_a_goal_is_already_reached(client, planner_demo, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("planner:planner"))
    assert response.context["plan"].goal.code == Predicate.NINDYA
    assert response.context["plan"].gap == D("173.61")
    assert "sudah tercapai" not in response.content.decode()
    response = client.get(reverse("planner:planner"), {"goal": "pratama"})  # 526.40 is above 500
    assert response.context["plan"].gap == 0
    assert "sudah tercapai" in response.content.decode()


def test_saving_a_scenario_stores_targets_and_recomputes_patbm_points_on_the_server(client, planner_demo, staff_user):
    client.force_login(staff_user)
    response = _planner_post(client, extra="17", target_3="30")
    scenario = Scenario.objects.get(name="Menuju Nindya")
    assert response.status_code == 302 and response.url == reverse("planner:scenario-detail", args=[scenario.pk])
    assert scenario.patbm_points == D("6.25")  # 17 of 68 kelurahan = 25 percentage points x 0.25
    assert scenario.patbm_indicator.number == 21
    items = {item.indicator.number: item for item in scenario.items.all()}
    assert len(items) == 24
    assert (items[3].base, items[3].target) == (D("11.00"), D("30.00"))
    assert items[21].target == D("55.00")  # suggested: raised to the maximum
    assert items[1].target == items[1].base
    assert items[21].office.name == "DPMPPA"
    html = client.get(response.url).content.decode()
    # 526.40 + (30-11) + (40-22.40) + 55 + 45 + 45 = 708.00; PATBM capped (21 already at max).
    assert "708,00" in html and "Nindya" in html


def test_a_duplicate_or_missing_name_or_a_target_above_the_maximum_saves_nothing(client, planner_demo, staff_user):
    client.force_login(staff_user)
    _planner_post(client, name="Skenario A")
    response = _planner_post(client, name="skenario a")
    assert response.status_code == 400
    assert "Skenario dengan nama ini sudah ada." in response.content.decode()
    response = _planner_post(client, name="")
    assert response.status_code == 400
    response = _planner_post(client, name="B", target_3="31")
    assert response.status_code == 400 and "target_3" in response.context["form"].errors
    assert list(Scenario.objects.values_list("name", flat=True)) == ["Skenario A"]


def test_suggest_again_with_efforts_changes_the_suggested_set(client, planner_demo, staff_user):
    client.force_login(staff_user)
    response = _planner_post(client, action="suggest", effort_1="1", effort_2="1", effort_4="1")
    assert response.status_code == 200
    suggested = {row.number for row in response.context["plan"].rows if row.suggested}
    # Low effort first (#4), then the recoverable and largest gains close 173.61; #1 and #2 are not needed.
    assert suggested == {3, 4, 6, 13, 17, 21, 22}
    assert response.context["form"]["target_4"].value() == "60,00"
    assert not Scenario.objects.exists()


def _scenario(client, name, **overrides):
    _planner_post(client, name=name, **overrides)
    return Scenario.objects.get(name=name)


def test_scenarios_are_listed_compared_side_by_side_and_deleted_after_asking(client, planner_demo, staff_user):
    client.force_login(staff_user)
    first = _scenario(client, "Pertama")
    second = _scenario(client, "Kedua", target_3="11", extra="66")
    listing = client.get(reverse("planner:scenario-list")).content.decode()
    assert "Pertama" in listing and "Kedua" in listing
    compare = client.get(reverse("planner:scenario-compare"), {"ids": [first.pk, second.pk]})
    totals = compare.context["views"]
    assert [v.scenario.name for v in totals] == ["Kedua", "Pertama"] or len(totals) == 2
    html = compare.content.decode()
    assert "708,00" in html and "689,00" in html  # Kedua: #3 stays at 11 (-19), PATBM capped at 55 anyway
    assert client.get(reverse("planner:scenario-compare"), {"ids": [first.pk]}).status_code == 400
    ask = client.get(reverse("planner:scenario-delete", args=[first.pk]))
    assert ask.status_code == 200 and Scenario.objects.filter(pk=first.pk).exists()
    client.post(reverse("planner:scenario-delete", args=[first.pk]))
    assert not Scenario.objects.filter(pk=first.pk).exists()
    assert not ScenarioItem.objects.filter(scenario_id=first.pk).exists()


def _plan_data(scenario, office, due="2019-06-30", status="berjalan", **overrides):
    items = list(ScenarioItem.objects.filter(scenario=scenario).exclude(target=models_F("base"))
                 .order_by("indicator__number"))
    data = {"form-TOTAL_FORMS": str(len(items)), "form-INITIAL_FORMS": str(len(items))}
    for i, item in enumerate(items):
        data.update({f"form-{i}-id": str(item.pk), f"form-{i}-target": str(item.target).replace(".", ","),
                     f"form-{i}-office": str(item.office_id or office.pk), f"form-{i}-due_date": due,
                     f"form-{i}-status": status, f"form-{i}-version": str(item.version)})
    data.update(overrides)
    return data, items


def models_F(name):
    from django.db.models import F

    return F(name)


def test_an_action_plan_puts_each_item_on_its_offices_page(client, planner_demo, staff_user):
    client.force_login(staff_user)
    scenario = _scenario(client, "Rencana 2019")
    health = Office.objects.get(name="Dinas Kesehatan")
    dpmppa = Office.objects.get(name="DPMPPA")
    form = client.get(reverse("planner:action-plan-edit", args=[scenario.pk]))
    assert len(form.context["formset"].forms) == 5
    data, items = _plan_data(scenario, dpmppa)
    response = client.post(reverse("planner:action-plan-edit", args=[scenario.pk]), data)
    assert response.status_code == 302
    scenario.refresh_from_db()
    assert scenario.is_action_plan
    owners = {item.indicator.number: item.office.name for item in scenario.items.filter(status="berjalan")}
    assert owners == {3: "DPMPPA", 21: "DPMPPA", 17: "Dinas Kesehatan", 22: "Dinas Sosial", 23: "Dinas Sosial"}
    page = client.get(reverse("planner:office-detail", args=[health.pk])).content.decode()
    assert "17. Kawasan tanpa rokok" in page and "Rencana 2019" in page and "30/06/2019" in page
    items = [row.item.indicator.number for row in client.get(
        reverse("planner:office-detail", args=[health.pk])).context["items"]]
    assert items == [17]  # the office owns 12-17, but only 17 is in the plan
    page = client.get(reverse("planner:office-detail", args=[dpmppa.pk])).content.decode()
    assert "3. Keterlibatan masyarakat" in page and "21. Anak korban kekerasan" in page
    offices = client.get(reverse("planner:office-list")).context["offices"]
    assert {o.name: o.open_items for o in offices}["DPMPPA"] == 2


def test_an_invalid_action_plan_row_saves_nothing(client, planner_demo, staff_user):
    client.force_login(staff_user)
    scenario = _scenario(client, "Rencana")
    data, _ = _plan_data(scenario, Office.objects.first(), **{"form-0-target": "99", "form-1-due_date": ""})
    response = client.post(reverse("planner:action-plan-edit", args=[scenario.pk]), data)
    assert response.status_code == 400
    scenario.refresh_from_db()
    assert not scenario.is_action_plan
    assert not scenario.items.filter(status="berjalan").exists()


def test_two_staff_saving_one_action_plan_at_once_the_second_is_told_and_keeps_their_input(
        client, planner_demo, staff_user):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from core import roles
    from tests.html_forms import form_data

    client.force_login(staff_user)
    scenario = _scenario(client, "Rencana bersama")
    url = reverse("planner:action-plan-edit", args=[scenario.pk])
    other_user = get_user_model().objects.create_user("staf-kedua", password="x-password-123")
    other_user.groups.add(Group.objects.get(name=roles.STAFF))
    other = Client()
    other.force_login(other_user)
    first = form_data(other.get(url))  # both load the page
    second = form_data(client.get(url))
    for data, due in ((first, "2019-06-30"), (second, "2019-09-30")):
        for key in [k for k in data if k.endswith("-due_date")]:
            data[key] = due
        for key in [k for k in data if k.endswith("-office")]:
            data[key] = str(Office.objects.get(name="DPMPPA").pk)
    first["form-0-status"] = "berjalan"
    assert other.post(url, first).status_code == 302

    response = client.post(url, second)
    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="conflict-notice"' in html and "30/06/2019" in html  # what the other person saved
    assert 'value="2019-09-30"' in html  # my input is kept
    items = list(ScenarioItem.objects.filter(scenario=scenario, in_plan=True).order_by("indicator__number"))
    assert {str(item.due_date) for item in items} == {"2019-06-30"}  # the first save is not lost

    again = form_data(response)
    again["form-0-take_theirs"] = "on"  # keep the other person's first item, replace the others
    assert client.post(url, again).status_code == 302  # saving again replaces theirs, knowingly
    items = list(ScenarioItem.objects.filter(scenario=scenario).exclude(target=models_F("base"))
                 .order_by("indicator__number"))
    assert all(item.in_plan for item in items)
    assert [str(item.due_date) for item in items] == ["2019-06-30"] + ["2019-09-30"] * (len(items) - 1)
    assert items[0].status == "berjalan"


def test_an_action_plan_form_with_rows_of_another_page_or_an_extra_row_is_refused(client, planner_demo, staff_user):
    client.force_login(staff_user)
    scenario = _scenario(client, "Rencana")
    url = reverse("planner:action-plan-edit", args=[scenario.pk])
    stranger = ScenarioItem.objects.filter(scenario=scenario, target=models_F("base")).first()
    good, _ = _plan_data(scenario, Office.objects.first())
    total = int(good["form-TOTAL_FORMS"])
    for bad in (
        {**good, "form-0-id": str(stranger.pk)},
        {**good, "form-TOTAL_FORMS": str(total + 1), f"form-{total}-target": "1", f"form-{total}-status": "selesai"},
        {**good, "form-0-version": "abc"},
        {**good, "form-1-id": good["form-0-id"]},
    ):
        response = client.post(url, bad)
        assert response.status_code == 400
        assert "Tidak ada yang disimpan" in response.content.decode()
    scenario.refresh_from_db()
    assert not scenario.is_action_plan
    assert not ScenarioItem.objects.filter(scenario=scenario, in_plan=True).exists()


def test_an_overdue_item_is_marked_on_the_office_page(client, planner_demo, staff_user):
    client.force_login(staff_user)
    scenario = _scenario(client, "Lama")
    data, _ = _plan_data(scenario, Office.objects.first(), due=(dt.date.today() - dt.timedelta(days=3)).isoformat())
    client.post(reverse("planner:action-plan-edit", args=[scenario.pk]), data)
    office = Office.objects.get(name="DPMPPA")
    html = client.get(reverse("planner:office-detail", args=[office.pk])).content.decode()
    assert "terlambat" in html


def test_the_patbm_rule_is_data_and_changes_the_points(client, planner_demo, staff_user):
    PatbmRule.objects.update(points_per_percent=D("1"))
    client.force_login(staff_user)
    scenario = _scenario(client, "Cakupan", goal="nindya", extra="34")
    assert scenario.patbm_points == D("50.00")  # 34 of 68 = 50 percentage points x 1


@pytest.mark.parametrize("name", ["planner:planner", "planner:scenario-list", "planner:office-list"])
def test_pages_need_a_fixed_number_of_queries(client, planner_demo, staff_user, django_assert_max_num_queries, name):
    client.force_login(staff_user)
    for i in range(3):
        _scenario(client, f"S{i}")
    with django_assert_max_num_queries(16):
        assert client.get(reverse(name)).status_code == 200


def test_scenario_detail_compare_office_and_action_plan_pages_need_a_fixed_number_of_queries(
    client, planner_demo, staff_user, django_assert_max_num_queries
):
    client.force_login(staff_user)
    scenarios = [_scenario(client, f"S{i}") for i in range(3)]
    data, _ = _plan_data(scenarios[0], Office.objects.first())
    client.post(reverse("planner:action-plan-edit", args=[scenarios[0].pk]), data)
    office = Office.objects.get(name="DPMPPA")
    urls = [
        reverse("planner:scenario-detail", args=[scenarios[0].pk]),
        reverse("planner:scenario-compare") + "?" + "&".join(f"ids={s.pk}" for s in scenarios),
        reverse("planner:office-detail", args=[office.pk]),
        reverse("planner:action-plan-edit", args=[scenarios[0].pk]),
    ]
    for url in urls:
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200, url


def test_the_deduction_history_writes_every_cell_as_points_lost(client, planner_demo, task_force_user):
    # "0" beside "−8,00" read as two kinds of number: every cell is a points value, without a minus.
    client.force_login(task_force_user)
    html = client.get(reverse("planner:planner"), {"goal": "nindya"}).content.decode()
    history = html[html.index('id="history-title"'):]
    history = history[:history.index("</table>")]
    cells = re.findall(r'<td class="num">([^<]*)</td>', history)
    assert cells and "0,00" in cells and "14,50" in cells
    assert all(re.fullmatch(r"[0-9]+,[0-9]{2}", cell) for cell in cells), cells


@pytest.mark.parametrize("first", ["staff", "task_force"])
def test_the_cached_planner_shows_each_role_its_buttons_whoever_came_first(
    client, planner_demo, staff_user, task_force_user, first
):
    users = {"staff": staff_user, "task_force": task_force_user}
    for name in (first, *({"staff", "task_force"} - {first})):
        client.force_login(users[name])
        html = client.get(reverse("planner:planner"), {"goal": "nindya"}).content.decode()
        assert ("Simpan skenario" in html) is (name == "staff")
        assert "<!--csrf-slot-->" not in html and 'name="csrfmiddlewaretoken"' in html


def test_the_cached_planner_shows_a_write_in_each_domain_it_reads(client, planner_demo, task_force_user):
    """The planner's body is cached as opened; a score (clusters), a PATBM (kelurahan) or a rule (planner) written
    afterwards shows on the next visit."""
    from clusters.models import SelfAssessment
    from kelurahan.models import Patbm

    client.force_login(task_force_user)

    def page():
        return client.get(reverse("planner:planner"), {"goal": "nindya"}).content.decode()

    assert "526,40" in page() and "menambah 0,25 poin" in page()
    PatbmRule.objects.update(points_per_percent=D("0.5"))
    assert "menambah 0,50 poin" in page()
    covered = re.search(r"Saat ini (\d+) dari 68 kelurahan", page()).group(1)
    patbm = Patbm.objects.exclude(step__gte=Patbm.Step.TERBENTUK).order_by("pk").first()
    Patbm.objects.filter(pk=patbm.pk).update(step=Patbm.Step.TERBENTUK, sk_number="SK 1/2026",
                                             sk_date=dt.date(2026, 1, 5), step_date=dt.date(2026, 1, 5))
    assert f"Saat ini {int(covered) + 1} dari 68 kelurahan" in page()
    rows = SelfAssessment.objects.filter(evaluation__year=2019, score__isnull=False)
    row = rows.order_by("indicator__number").first()
    SelfAssessment.objects.filter(pk=row.pk).update(score=row.score - 1)
    assert "525,40" in page()


def test_the_deductions_table_says_when_earlier_years_are_left_out(client, planner_demo, task_force_user,
                                                                   monkeypatch):
    monkeypatch.setattr(selectors, "HISTORY_YEARS_SHOWN", 1)
    client.force_login(task_force_user)
    html = client.get(reverse("planner:planner"), {"goal": "nindya"}).content.decode()
    history = html[html.index('id="history-title"'):]
    history = history[:history.index("</table>")]
    assert "Tabel menampilkan 1 evaluasi terakhir; 1 evaluasi sebelumnya" in history
    assert '<th scope="col" class="num">2018</th>' in history and ">2017</th>" not in history
    assert history.count("kelemahan berulang</span>") == 4
