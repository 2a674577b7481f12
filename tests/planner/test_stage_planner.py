"""The planner in meetings: the evaluation is chosen (sensible default), locked scores are never suggested,
the task force may try a what-if (writing nothing), the start is explained, and a plan short of its goal
says so beside the goal."""

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusters.models import Evaluation, FieldDeduction, SelfAssessment
from clusters.services import evaluation_create
from planner.models import Office, Scenario, ScenarioItem
from planner.services import PlanChange, action_plan_save

pytestmark = pytest.mark.django_db


def _page(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("planner:planner"), params)
    assert response.status_code == 200
    return response


def _form_data(response, **overrides):
    """The planner form as the page renders it, with overrides."""
    form = response.context["form"]
    plan = response.context["plan"]
    data = {"year": str(plan.evaluation.year), "goal": plan.goal.code, "extra_kelurahan": "0", "name": ""}
    for _row, target, effort in form.row_fields():
        data[target.html_name] = str(target.value()).replace(".", ",")
        data[effort.html_name] = str(effort.value())
    data.update(overrides)
    return data


def test_once_an_empty_2020_exists_the_planner_still_opens_on_2019(client, planner_demo, task_force_user):
    evaluation_create(year=2020)
    response = _page(client, task_force_user)
    plan = response.context["plan"]
    assert plan.evaluation.year == 2019
    assert plan.base_total == D("526.40") and len(plan.suggestion.items) == 5
    html = response.content.decode()
    assert "526,40" in html and '<option value="2020">' in html and '<option value="2019" selected>' in html


def test_the_user_chooses_the_evaluation_and_a_bad_year_is_refused(client, planner_demo, task_force_user):
    evaluation_create(year=2020)
    plan = _page(client, task_force_user, year="2020").context["plan"]
    assert plan.evaluation.year == 2020 and plan.base_total == 0
    assert client.get(reverse("planner:planner"), {"year": "abc"}).status_code == 400
    assert client.get(reverse("planner:planner"), {"year": "1999"}).status_code == 404
    assert client.post(reverse("planner:planner-suggest"), {"year": "²", "goal": "nindya"}).status_code == 400
    assert client.get(reverse("planner:planner-suggest")).url == reverse("planner:planner")  # back to the planner


def test_the_start_explains_526_40_against_the_dashboards_562_40(client, planner_demo, task_force_user):
    html = _page(client, task_force_user).content.decode()
    reason = html[html.index('id="planner-start-reason"'):]
    reason = reason[:reason.index("</p>")]
    assert "Mengapa 526,40 dan bukan 562,40 seperti di dasbor" in reason
    assert "36,00 poin yang dikurangi juri pada 2018 di indikator 3, 6, 13, 17" in reason
    assert "sementara, penilaian mandiri berjalan" in html


def test_a_final_evaluation_gets_no_suggestion_and_the_page_says_why(client, planner_demo, task_force_user):
    response = _page(client, task_force_user, year="2018")
    plan = response.context["plan"]
    assert plan.result.is_final and plan.suggestion.items == []
    assert all(row.suggested_target == row.start.base for row in plan.rows)
    html = response.content.decode()
    assert "Evaluasi 2018 sudah final: nilainya tidak dapat berubah lagi" in html
    assert "Tidak ada yang dapat disarankan" in html and "16,81" in html  # 683,20 is 16,81 short of Nindya


def test_in_verification_the_suggestion_never_raises_a_locked_self_assessment(client, planner_demo,
                                                                              task_force_user):
    Evaluation.objects.filter(year=2019).update(stage=Evaluation.Stage.ADMIN_VERIFICATION)
    response = _page(client, task_force_user)
    plan = response.context["plan"]
    # Only the 36,00 points deducted in 2018 on #3, #6, #13, #17 can still be won back.
    assert {item.number for item in plan.suggestion.items} == {3, 6, 13, 17}
    assert plan.suggestion.total_gain == D("36.00")
    for row in plan.rows:
        assert row.suggested_target <= row.start.base + row.start.recoverable
    html = response.content.decode()
    assert "penilaian mandiri terkunci" in html and 'id="planner-locked"' in html


def test_in_field_verification_the_start_is_provisional_after_the_deductions_so_far(client, planner_demo,
                                                                                    task_force_user):
    evaluation = Evaluation.objects.get(year=2019)
    row = SelfAssessment.objects.get(evaluation=evaluation, indicator__number=3)
    FieldDeduction.objects.create(self_assessment=row, points=D("4.5"), reason="Belum ada MoU.")
    Evaluation.objects.filter(pk=evaluation.pk).update(stage=Evaluation.Stage.FIELD_VERIFICATION)
    response = _page(client, task_force_user)
    plan = response.context["plan"]
    assert plan.base_total == D("557.90")
    assert [item.number for item in plan.suggestion.items] == [3]  # only the 4,50 deducted so far
    html = response.content.decode()
    assert "sementara, verifikasi lapangan berjalan" in html and "jika tetap begini (sementara)" in html


def test_the_task_force_sees_the_form_and_may_suggest_again_writing_nothing(client, planner_demo,
                                                                            task_force_user):
    response = _page(client, task_force_user)
    html = response.content.decode()
    assert 'id="planner-form"' in html and reverse("planner:planner-suggest") in html
    assert "Simpan skenario" not in html and 'id="planner-read-only"' in html
    data = _form_data(response, effort_1="1", effort_2="1", effort_4="1")
    with CaptureQueriesContext(connection) as queries:
        answer = client.post(reverse("planner:planner-suggest"), data)
    assert answer.status_code == 200
    assert {row.number for row in answer.context["plan"].rows if row.suggested} == {3, 4, 6, 13, 17, 21, 22}
    assert answer.context["form"]["target_4"].value() == "60,00"
    writes = [q["sql"] for q in queries.captured_queries
              if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []
    assert not Scenario.objects.exists()
    # Saving stays refused, with nothing written.
    refused = client.post(reverse("planner:planner"), {**data, "name": "Coba", "action": "save"})
    assert refused.status_code == 403 and not Scenario.objects.exists()


def test_an_action_plan_lowering_a_target_below_the_goal_says_so_beside_the_goal(client, planner_demo,
                                                                                  staff_user):
    response = _page(client, staff_user)
    answer = client.post(reverse("planner:planner"), _form_data(response, name="Menuju Nindya", action="save"))
    scenario = Scenario.objects.get(name="Menuju Nindya")
    assert answer.status_code == 302
    html = client.get(reverse("planner:scenario-detail", args=[scenario.pk])).content.decode()
    assert 'id="scenario-short-of-goal"' not in html  # the suggestion reaches Nindya
    office = Office.objects.get(name="DPMPPA")
    item = ScenarioItem.objects.get(scenario=scenario, indicator__number=21)  # suggested 55,00
    action_plan_save(scenario=scenario, changes=[
        PlanChange(pk=item.pk, target=D("40"), office=office, due_date=None, status=ScenarioItem.Status.IN_PROGRESS,
                   version=item.version)])
    html = client.get(reverse("planner:scenario-detail", args=[scenario.pk])).content.decode()
    goal = html[html.index("Sasaran</dt>"):]
    goal = goal[:goal.index("</dd>")]
    assert "Nindya" in goal and 'id="scenario-short-of-goal"' in goal
    assert "Target rencana aksi mencapai" in goal and "kurang" in goal
    listing = client.get(reverse("planner:scenario-list")).content.decode()
    assert "kurang dari sasaran" in listing


def test_in_field_verification_a_target_above_start_plus_recoverable_is_refused(client, planner_demo, staff_user):
    evaluation = Evaluation.objects.get(year=2019)
    row = SelfAssessment.objects.get(evaluation=evaluation, indicator__number=3)
    FieldDeduction.objects.create(self_assessment=row, points=D("4.5"), reason="Belum ada MoU.")
    Evaluation.objects.filter(pk=evaluation.pk).update(stage=Evaluation.Stage.FIELD_VERIFICATION)
    response = _page(client, staff_user)
    starts = {row.number: row.start for row in response.context["plan"].rows}
    assert (starts[1].base, starts[1].recoverable, starts[1].ceiling) == (D("25.50"), D("0"), D("25.50"))
    assert starts[3].ceiling == starts[3].base + D("4.5")
    assert 'data-number="1" data-max="30.00" data-base="25.50" data-ceiling="25.50"' in response.content.decode()
    data = _form_data(response, name="Naik terkunci", action="save", target_1="30")
    refused = client.post(reverse("planner:planner"), data)
    assert refused.status_code == 400 and not Scenario.objects.exists()
    assert ("Penilaian mandiri terkunci pada tahap ini: target paling tinggi 25,50"
            in refused.content.decode())
    # Within start + recoverable (#3 wins back its 4,50) the scenario saves.
    ceiling_3 = str(starts[3].ceiling).replace(".", ",")
    saved = client.post(reverse("planner:planner"), {**data, "target_1": "25,50", "target_3": ceiling_3})
    assert saved.status_code == 302
    item = ScenarioItem.objects.get(scenario__name="Naik terkunci", indicator__number=3)
    assert item.target == starts[3].ceiling and item.target - item.base == D("4.50")


def test_once_final_a_target_above_the_start_is_refused(client, planner_demo, staff_user):
    response = _page(client, staff_user, year="2018")
    start = next(row.start for row in response.context["plan"].rows if row.number == 3)  # deducted in 2018
    assert start.ceiling == start.base < start.max_points
    data = _form_data(response, name="2018", action="save", target_3=str(start.max_points))
    refused = client.post(reverse("planner:planner"), data)
    assert refused.status_code == 400 and not Scenario.objects.exists()
    base = str(start.base).replace(".", ",")
    assert f"Evaluasi sudah final: target paling tinggi nilai awal, {base}." in refused.content.decode()
