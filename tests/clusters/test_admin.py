"""The admin never deletes what has history, and changes scores, deductions, stages and PATBM only
through the app's pages (read-only there, with a link to the page)."""

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from clusters.models import Evaluation, FieldDeduction, SelfAssessment
from kelurahan.models import Kecamatan, Kelurahan, Patbm
from tests.html_forms import form_data

pytestmark = pytest.mark.django_db


def _counts():
    return (Evaluation.objects.count(), SelfAssessment.objects.count(), FieldDeduction.objects.count(),
            Kecamatan.objects.count(), Kelurahan.objects.count(), Patbm.objects.count())


def _state():
    return (sorted(Evaluation.objects.values_list("year", "stage")),
            sorted(SelfAssessment.objects.values_list("pk", "score", "evidence", "version")),
            sorted(FieldDeduction.objects.values_list("pk", "points", "reason", "stage", "version")),
            sorted(Patbm.objects.values_list("pk", "step", "step_date", "activist_count", "note")))


@pytest.fixture
def admin_client(client, demo, admin_user_role):
    client.force_login(admin_user_role)
    return client


def test_the_admin_cannot_delete_a_final_evaluation_with_its_scores_and_deductions(admin_client):
    final = Evaluation.objects.get(year=2018)
    assert (final.self_assessments.count(), FieldDeduction.objects.filter(self_assessment__evaluation=final).count()) \
        == (24, 8)
    before = _counts()
    assert admin_client.get(reverse("admin:clusters_evaluation_delete", args=[final.pk])).status_code == 403
    assert admin_client.post(reverse("admin:clusters_evaluation_delete", args=[final.pk]),
                             {"post": "yes"}).status_code == 403
    # The bulk action is not offered either.
    changelist = admin_client.get(reverse("admin:clusters_evaluation_changelist"))
    assert "delete_selected" not in changelist.content.decode()
    admin_client.post(reverse("admin:clusters_evaluation_changelist"),
                      {"action": "delete_selected", "_selected_action": [final.pk], "post": "yes"})
    assert _counts() == before


@pytest.mark.parametrize(("model", "lookup"), [
    ("selfassessment", lambda: SelfAssessment.objects.get(evaluation__year=2018, indicator__number=3)),
    ("fielddeduction", lambda: FieldDeduction.objects.filter(self_assessment__evaluation__year=2018).first()),
    ("kecamatan", lambda: Kecamatan.objects.get(code="32.71.01")),
    ("kelurahan", lambda: Kelurahan.objects.get(code="32.71.01.1007")),
    ("patbm", lambda: Patbm.objects.get(kelurahan__code="32.71.01.1007")),
])
def test_nothing_with_history_has_a_delete_in_the_admin(admin_client, model, lookup):
    obj = lookup()
    app = obj._meta.app_label
    before = _counts()
    assert admin_client.post(reverse(f"admin:{app}_{model}_delete", args=[obj.pk]), {"post": "yes"}).status_code == 403
    assert _counts() == before


def test_the_database_refuses_to_delete_an_evaluation_score_or_kelurahan_with_history(demo):
    with pytest.raises(ProtectedError):
        Evaluation.objects.get(year=2018).delete()
    with pytest.raises(ProtectedError):
        SelfAssessment.objects.get(evaluation__year=2018, indicator__number=3).delete()
    with pytest.raises(ProtectedError):
        Kelurahan.objects.get(code="32.71.01.1007").delete()
    assert FieldDeduction.objects.count() == 13


def test_scores_are_read_only_in_the_admin_with_a_link_to_the_page(admin_client):
    """Changing a final evaluation's score, or a score below its deductions (once a 500), is refused."""
    row = SelfAssessment.objects.get(evaluation__year=2018, indicator__number=3)  # 14,50 deducted
    url = reverse("admin:clusters_selfassessment_change", args=[row.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("clusters:self-assessment-edit", args=[2018, row.indicator.cluster.code]) in html
    assert 'name="score"' not in html
    before = _state()
    for score in ("20", "1"):
        response = admin_client.post(url, {"evaluation": row.evaluation_id, "indicator": row.indicator_id,
                                           "max_points": "30", "score": score, "evidence": "admin"})
        assert response.status_code == 403
    assert _state() == before


def test_the_evaluation_admin_changes_neither_stage_nor_scores(admin_client):
    final = Evaluation.objects.get(year=2018)
    url = reverse("admin:clusters_evaluation_change", args=[final.pk])
    page = admin_client.get(url)
    html = page.content.decode()
    assert reverse("clusters:evaluation-stage", args=[2018]) in html
    assert 'name="stage"' not in html and 'name="self_assessments-0-score"' not in html
    data = form_data(page, "novalidate")
    data.update({"stage": "self_assessment", "note": "catatan admin", "self_assessments-0-score": "1",
                 "self_assessments-0-evidence": "admin"})
    before = _state()
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert _state() == before
    assert Evaluation.objects.get(year=2018).note == "catatan admin"  # what the admin may change


def test_deductions_and_patbm_cannot_be_added_or_changed_in_the_admin(admin_client):
    evaluation = Evaluation.objects.get(year=2019)  # self-assessment stage
    row = evaluation.self_assessments.get(indicator__number=1)
    deduction = FieldDeduction.objects.filter(self_assessment__evaluation__year=2018).first()
    patbm = Patbm.objects.get(kelurahan__code="32.71.01.1007")
    before = _state()
    assert admin_client.post(reverse("admin:clusters_fielddeduction_add"),
                             {"self_assessment": row.pk, "points": "2", "reason": "x",
                              "stage": "field_verification"}).status_code == 403
    assert admin_client.post(reverse("admin:clusters_fielddeduction_change", args=[deduction.pk]),
                             {"self_assessment": deduction.self_assessment_id, "points": "1", "reason": "x",
                              "stage": "field_verification"}).status_code == 403
    assert admin_client.post(reverse("admin:kelurahan_patbm_add"),
                             {"kelurahan": Kelurahan.objects.get(code="32.71.01.1001").pk, "step": "2",
                              "activist_count": "0"}).status_code == 403
    page = admin_client.get(reverse("admin:kelurahan_patbm_change", args=[patbm.pk]))
    assert reverse("kelurahan:patbm-update", args=[patbm.kelurahan_id]) in page.content.decode()
    assert admin_client.post(reverse("admin:kelurahan_patbm_change", args=[patbm.pk]),
                             {"kelurahan": patbm.kelurahan_id, "step": "1", "activist_count": "0"}).status_code == 403
    assert _state() == before


@pytest.mark.parametrize("model", [Evaluation, SelfAssessment, Patbm])
def test_reverting_to_an_earlier_version_in_the_admin_history_is_refused(admin_client, model):
    obj = {Evaluation: lambda: Evaluation.objects.get(year=2018),
           SelfAssessment: lambda: SelfAssessment.objects.get(evaluation__year=2018, indicator__number=3),
           Patbm: lambda: Patbm.objects.get(kelurahan__code="32.71.01.1007")}[model]()
    oldest = obj.history.earliest("history_date")
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_simple_history",
                  args=[obj.pk, oldest.history_id])
    assert admin_client.get(url).status_code == 200  # earlier versions can be looked at
    before = _state()
    assert admin_client.post(url, {}).status_code == 403
    assert _state() == before


def test_the_kelurahan_admin_uses_the_pages_checks(admin_client):
    kelurahan = Kelurahan.objects.get(code="32.71.01.1007")
    url = reverse("admin:kelurahan_kelurahan_change", args=[kelurahan.pk])
    response = admin_client.post(url, {"code": "32.71.02.1007", "name": kelurahan.name, "alternative_name": "",
                                       "kecamatan": kelurahan.kecamatan_id})
    assert response.status_code == 200  # the form again: the code must start with its kecamatan's code
    kelurahan.refresh_from_db()
    assert kelurahan.code == "32.71.01.1007" and kelurahan.is_active
