"""Every form sent the wrong way gets a clear error (or 403) and leaves the database unchanged."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from clusters.models import Evaluation, FieldDeduction, SelfAssessment
from kelurahan.models import Kecamatan, Kelurahan, Patbm
from tests import upload_files
from tests.html_forms import form_data

pytestmark = pytest.mark.django_db

BAD_NUMBERS = ["1e309", "NaN", "-0", "-1", "sebelas", "9" * 10_000, "1; DROP TABLE clusters_selfassessment;--",
               "<script>alert(1)</script>", "25,5,5", "1.000,5", "1,000", ""]
BAD_TEXT = ["x" * 10_000, "<img src=x onerror=alert(1)>", "'; DELETE FROM kelurahan_kelurahan; --"]
# In an uploaded file: a number that could mean two (one, or one thousand?) is refused too.
AMBIGUOUS_NUMBERS = ["1,000", "1.000", "1.234,5", "1,234.5"]
IMPORTS = {"score": ("clusters:score-import", {"year": 2019}), "patbm": ("kelurahan:patbm-import", {})}


def _snapshot():
    return (
        sorted(Evaluation.objects.values_list("year", "stage")),
        sorted(SelfAssessment.objects.values_list("pk", "score", "evidence", "version")),
        sorted(FieldDeduction.objects.values_list("pk", "points", "reason", "version")),
        sorted(Kecamatan.objects.values_list("pk", "code", "name", "is_active")),
        sorted(Kelurahan.objects.values_list("pk", "code", "name", "alternative_name", "is_active")),
        sorted(Patbm.objects.values_list("pk", "step", "step_date", "activist_count", "note")),
    )


def _refused(response):
    """A clear error on the page: the form again with a message beside a field, or 403."""
    assert response.status_code in (200, 400, 403, 409), response.status_code
    if response.status_code != 403:
        html = response.content.decode()
        assert "invalid-feedback" in html or "alert-danger" in html or "errorlist" in html
        assert "<script>alert(1)</script>" not in html  # echoed input is escaped
        assert "<img src=x onerror" not in html


@pytest.mark.parametrize("value", BAD_NUMBERS[:-1])
def test_self_assessment_score(client, demo, staff_user, value):
    client.force_login(staff_user)
    url = reverse("clusters:self-assessment-edit", kwargs={"year": 2019, "cluster": "KLB"})
    data = form_data(client.get(url))
    data["form-0-score"] = value
    before = _snapshot()
    _refused(client.post(url, data))
    assert _snapshot() == before


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_field_deduction_points(client, demo, staff_user, value):
    Evaluation.objects.filter(year=2018).update(stage=Evaluation.Stage.FIELD_VERIFICATION)
    client.force_login(staff_user)
    url = reverse("clusters:deduction-list", kwargs={"year": 2018, "number": 3})
    before = _snapshot()
    _refused(client.post(url, {"points": value, "reason": "Tanpa MoU"}))
    assert _snapshot() == before


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_patbm_activist_count(client, demo, staff_user, value):
    client.force_login(staff_user)
    kelurahan = Kelurahan.objects.get(code="32.71.01.1001")
    before = _snapshot()
    response = client.post(
        reverse("kelurahan:patbm-update", args=[kelurahan.pk]),
        {"step": "2", "step_date": "2019-03-01", "activist_count": value, "note": ""},
    )
    _refused(response)
    assert _snapshot() == before


@pytest.mark.parametrize("value", BAD_TEXT)
def test_kelurahan_code_and_name(client, demo, admin_user_role, value):
    client.force_login(admin_user_role)
    kecamatan = Kecamatan.objects.get(code="32.71.01")
    before = _snapshot()
    _refused(client.post(reverse("kelurahan:kelurahan-create"),
                         {"code": value, "name": value, "kecamatan": kecamatan.pk}))
    assert _snapshot() == before


def test_a_form_without_its_csrf_token_is_refused(demo, staff_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    url = reverse("clusters:self-assessment-edit", kwargs={"year": 2019, "cluster": "KLB"})
    data = form_data(client.get(url))
    data.pop("csrfmiddlewaretoken", None)
    data["form-0-score"] = "20"
    before = _snapshot()
    assert client.post(url, data).status_code == 403
    assert _snapshot() == before


def test_another_roles_write_is_refused(client, demo, task_force_user):
    client.force_login(task_force_user)
    kelurahan = Kelurahan.objects.get(code="32.71.01.1001")
    before = _snapshot()
    response = client.post(reverse("kelurahan:patbm-update", args=[kelurahan.pk]),
                           {"step": "2", "step_date": "2019-03-01", "activist_count": "3", "note": ""})
    assert response.status_code == 403
    assert _snapshot() == before


@pytest.mark.parametrize("value", BAD_NUMBERS[:-1] + BAD_TEXT[1:] + AMBIGUOUS_NUMBERS)
def test_score_import_file_cell(client, demo, staff_user, value):
    """A bad score cell in an uploaded file: the preview names it, offers no confirm, writes nothing."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(staff_user)
    url = reverse("clusters:score-import", kwargs={"year": 2019})
    cell = '"' + value.replace('"', '""') + '"'
    upload = SimpleUploadedFile("nilai.csv", f"No.;Penilaian mandiri\n3;{cell}\n".encode())
    before = _snapshot()
    response = client.post(url, {"file": upload})
    _refused(response)
    assert 'id="confirm-form"' not in response.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize("number", ["18.9", "19,99", "1e1", "+3", "<script>alert(1)</script>"])
def test_score_import_indicator_number(client, demo, staff_user, number):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(staff_user)
    upload = SimpleUploadedFile("nilai.csv", f"No.;Penilaian mandiri\n{number};20\n".encode())
    before = _snapshot()
    response = client.post(reverse("clusters:score-import", kwargs={"year": 2019}), {"file": upload})
    _refused(response)
    assert 'id="confirm-form"' not in response.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize("value", BAD_NUMBERS[:-1] + AMBIGUOUS_NUMBERS)
def test_patbm_import_activist_count_cell(client, demo, staff_user, value):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(staff_user)
    cell = '"' + value.replace('"', '""') + '"'
    upload = SimpleUploadedFile(
        "patbm.csv", f"Kode Kemendagri;Tahap;Tanggal tahap ini;Jumlah aktivis\n32.71.01.1001;2;2019-03-04;{cell}\n"
        .encode())
    before = _snapshot()
    response = client.post(reverse("kelurahan:patbm-import"), {"file": upload})
    _refused(response)
    assert 'id="confirm-form"' not in response.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize("kind", IMPORTS)
@pytest.mark.parametrize("case", list(upload_files.BROKEN_FILES))
def test_import_of_a_broken_or_hostile_file(client, demo, staff_user, kind, case):
    """Truncated XML, entities, NaN, no sheet, a huge CSV cell, a zip bomb: the import page with a message."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(staff_user)
    name, build, _message = upload_files.BROKEN_FILES[case]
    url_name, kwargs = IMPORTS[kind]
    before = _snapshot()
    response = client.post(reverse(url_name, kwargs=kwargs), {"file": SimpleUploadedFile(name, build())})
    _refused(response)
    assert _snapshot() == before


def test_score_import_without_csrf_token_is_refused(demo, staff_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    url = reverse("clusters:score-import", kwargs={"year": 2019})
    before = _snapshot()
    upload = SimpleUploadedFile("nilai.csv", b"No.;Penilaian mandiri\n3;20\n")
    assert client.post(url, {"file": upload}).status_code == 403
    confirm = reverse("clusters:score-import-confirm", kwargs={"year": 2019})
    assert client.post(confirm, {"token": "x"}).status_code == 403
    assert _snapshot() == before


def _planner_snapshot():
    from planner.models import Scenario, ScenarioItem

    return (_snapshot(), sorted(Scenario.objects.values_list("pk", "name", "extra_kelurahan", "is_action_plan")),
            sorted(ScenarioItem.objects.values_list("pk", "target", "due_date", "status", "office_id")))


def _planner_form(client):
    """The planner form as the page renders it (targets = the suggestion), ready to save."""
    from core.loading import LoadReport
    from planner.services import planner_defaults_load

    planner_defaults_load(report=LoadReport())
    form = client.get(reverse("planner:planner")).context["form"]
    data = {"goal": "nindya", "extra_kelurahan": "0", "name": "Uji", "action": "save"}
    for _row, target, effort in form.row_fields():
        data[target.html_name] = str(target.value()).replace(".", ",")
        data[effort.html_name] = str(effort.value())
    return data


# An empty PATBM assumption means no extra kelurahan, so "" is only bad as a target.
@pytest.mark.parametrize(("field", "value"), [("target_3", v) for v in BAD_NUMBERS]
                         + [("extra_kelurahan", v) for v in BAD_NUMBERS[:-1]])
def test_planner_target_and_patbm_assumption(client, demo, staff_user, field, value):
    client.force_login(staff_user)
    data = _planner_form(client)
    data[field] = value
    before = _planner_snapshot()
    _refused(client.post(reverse("planner:planner"), data))
    assert _planner_snapshot() == before


def test_planner_scenario_name_of_10000_characters(client, demo, staff_user):
    client.force_login(staff_user)
    data = _planner_form(client)
    data["name"] = BAD_TEXT[0]
    before = _planner_snapshot()
    _refused(client.post(reverse("planner:planner"), data))
    assert _planner_snapshot() == before


@pytest.mark.parametrize("value", BAD_NUMBERS + ["31-02-2019", "07/31/2019", "<script>alert(1)</script>"])
def test_action_plan_target_and_due_date(client, demo, staff_user, value):
    from planner.models import Scenario

    client.force_login(staff_user)
    client.post(reverse("planner:planner"), _planner_form(client))
    scenario = Scenario.objects.get(name="Uji")
    url = reverse("planner:action-plan-edit", args=[scenario.pk])
    page = client.get(url)
    data = {}
    for form in page.context["formset"].forms:
        for name in form.fields:
            value_now = form[name].value()
            data[form.add_prefix(name)] = "" if value_now is None else str(value_now)
        data[form.add_prefix("due_date")] = "2019-06-30"
    management = page.context["formset"].management_form
    data.update({management.add_prefix(k): str(v) for k, v in management.initial.items()})
    first = page.context["formset"].forms[0]
    for field in ("target", "due_date"):
        bad = dict(data)
        bad[first.add_prefix(field)] = value
        before = _planner_snapshot()
        _refused(client.post(url, bad))
        assert _planner_snapshot() == before


# --- issue 14: forms changed outside the page, hand-made URLs ---

def _score_page(client):
    url = reverse("clusters:self-assessment-edit", kwargs={"year": 2019, "cluster": "KLB"})
    return url, form_data(client.get(url), "data-score-form")


@pytest.mark.parametrize("tamper", ["id_of_another_page", "extra_form", "version_abc", "same_row_twice",
                                    "total_forms_superscript"])
def test_a_score_formset_changed_outside_the_page_is_a_400_with_nothing_written(client, demo, staff_user, tamper):
    client.force_login(staff_user)
    url, data = _score_page(client)
    data["form-0-score"] = "5"
    total = int(data["form-TOTAL_FORMS"])
    if tamper == "id_of_another_page":
        data["form-0-id"] = str(SelfAssessment.objects.get(evaluation__year=2019, indicator__number=18).pk)
    elif tamper == "extra_form":
        data.update({"form-TOTAL_FORMS": str(total + 1), f"form-{total}-id": "", f"form-{total}-score": "5",
                     f"form-{total}-version": "1"})
    elif tamper == "version_abc":
        data["form-0-version"] = "abc"
    elif tamper == "same_row_twice":
        data["form-1-id"] = data["form-0-id"]
    else:
        data["form-TOTAL_FORMS"] = "²"
    before = _snapshot()
    response = client.post(url, data)
    assert response.status_code == 400
    _refused(response)
    assert "Tidak ada yang disimpan" in response.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize("version", ["abc", "²", "", "-1"])
def test_a_deduction_removal_or_edit_with_a_bad_version_is_a_400(client, demo, staff_user, version):
    Evaluation.objects.filter(year=2018).update(stage=Evaluation.Stage.FIELD_VERIFICATION)
    client.force_login(staff_user)
    deduction = FieldDeduction.objects.filter(self_assessment__evaluation__year=2018).first()
    before = _snapshot()
    response = client.post(reverse("clusters:deduction-delete", args=[2018, deduction.pk]), {"version": version})
    assert response.status_code == 400
    _refused(response)
    response = client.post(reverse("clusters:deduction-edit", args=[2018, deduction.pk]),
                           {"version": version, "points": "1", "reason": "Tanpa MoU"})
    assert response.status_code == 400
    _refused(response)
    assert _snapshot() == before


@pytest.mark.parametrize("ids", ["²", "1²", "abc", "-1"])
def test_scenario_comparison_with_ids_that_are_not_numbers_is_a_400(client, demo, staff_user, ids):
    client.force_login(staff_user)
    response = client.get(reverse("planner:scenario-compare"), {"ids": [ids, "1"]})
    assert response.status_code == 400


@pytest.mark.parametrize("step", ["abc", "²", "9", "0"])
def test_the_admins_patbm_step_filter_ignores_an_unknown_step_and_says_so(client, demo, admin_user_role, step):
    client.force_login(admin_user_role)
    response = client.get(reverse("admin:kelurahan_kelurahan_changelist"), {"patbm_step": step})
    assert response.status_code == 200
    assert "saringan diabaikan" in response.content.decode()
    assert response.context["cl"].result_count == Kelurahan.objects.count()


@pytest.mark.parametrize("score", ["1", "-5", "abc"])
def test_a_score_below_its_deductions_in_the_admin_is_refused_with_nothing_written(client, demo, admin_user_role,
                                                                                   score):
    """Once a 500 (the database's trigger); scores are read-only in the admin now."""
    client.force_login(admin_user_role)
    row = SelfAssessment.objects.get(evaluation__year=2018, indicator__number=3)  # 14,50 deducted
    before = _snapshot()
    response = client.post(reverse("admin:clusters_selfassessment_change", args=[row.pk]),
                           {"evaluation": row.evaluation_id, "indicator": row.indicator_id, "max_points": "30",
                            "score": score, "evidence": ""})
    assert response.status_code == 403
    assert _snapshot() == before


# --- issue 18: evidence documents ---

@pytest.fixture
def evidence_world(staff_user, instrument_2024):
    from django.core.files.base import ContentFile

    from clusters.services import evaluation_create
    from evidence import filetypes, services
    from tests.evidence import files

    evaluation_create(year=2026, instrument=instrument_2024)
    row = SelfAssessment.objects.get(evaluation__year=2026, indicator__code="1")
    question = row.question_scores.order_by("question__order").first()
    [document] = services.evidence_add(self_assessment=row, question_score=question, user=staff_user, uploads=[
        services.Upload(ContentFile(files.pdf()), "perwal.pdf", filetypes.PDF)])
    return question, document


def _evidence_snapshot():
    from evidence.models import EvidenceDocument, EvidenceFile

    return (sorted(EvidenceDocument.objects.values_list("pk", "title", "removed_at", "version")),
            sorted(EvidenceFile.objects.values_list("pk", "size", "sha256")))


@pytest.mark.parametrize("answer", ["", "abc", "-1", "1e3", "9" * 30, "1; DROP TABLE evidence_evidencefile"])
def test_an_upload_to_an_answer_that_is_not_the_pages_is_a_400(client, staff_user, evidence_world, answer):
    client.force_login(staff_user)
    before = _evidence_snapshot()
    response = client.post(reverse("evidence:indicator-evidence", args=[2026, "1"]),
                           {"answer": answer, "files": SimpleUploadedFile("a.pdf", b"%PDF-1.4\n")})
    assert response.status_code == 400
    assert _evidence_snapshot() == before


@pytest.mark.parametrize("title", [*BAD_TEXT, None])
def test_an_upload_with_a_bad_title_or_no_file_is_refused_beside_the_field(client, staff_user, evidence_world,
                                                                           title):
    question, _ = evidence_world
    client.force_login(staff_user)
    data = {"answer": str(question.pk)}
    if title is None:  # no file at all
        data["title"] = "Perwal"
    else:
        data.update(title=title, files=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n"))
    before = _evidence_snapshot()
    response = client.post(reverse("evidence:indicator-evidence", args=[2026, "1"]), data)
    if title is not None and len(title) <= 200:  # a short hostile title is just text, stored and escaped
        assert response.status_code == 302
        assert title not in client.get(reverse("evidence:indicator-evidence", args=[2026, "1"])).content.decode()
        return
    _refused(response)
    assert _evidence_snapshot() == before


@pytest.mark.parametrize("version", ["", "abc", "0", "-1", "9" * 30])
@pytest.mark.parametrize("action", ["title", "version", "remove"])
def test_a_document_change_with_a_bad_version_is_a_400(client, staff_user, evidence_world, version, action):
    _, document = evidence_world
    client.force_login(staff_user)
    before = _evidence_snapshot()
    if action == "remove":
        response = client.post(reverse("evidence:document-remove", args=[2026, document.pk]), {"version": version})
    else:
        response = client.post(reverse("evidence:document", args=[2026, document.pk]), {
            "action": action, "version": version, "title": "Judul",
            "file": SimpleUploadedFile("b.pdf", b"%PDF-1.4\n")})
    assert response.status_code == 400
    assert _evidence_snapshot() == before


@pytest.mark.parametrize("pk", ["0", "99999999"])
def test_a_guessed_document_or_file_id_is_not_found(client, task_force_user, evidence_world, pk):
    client.force_login(task_force_user)
    for name in ("evidence:document", "evidence:file", "evidence:thumbnail"):
        assert client.get(reverse(name, args=[2026, pk])).status_code == 404


# --- issue 19: an operator's answer and DPMPPA's review ---

@pytest.fixture
def office_world(operator_user, staff_user, instrument_2024):
    """2026 on the 2024 instrument; question 1.2l (Dinkes) answered by the operator of Dinas Kesehatan."""
    from clusters.models import QuestionScore
    from clusters.services import evaluation_create
    from offices import services
    from offices.models import Operator

    evaluation_create(year=2026, instrument=instrument_2024)
    score = QuestionScore.objects.get(self_assessment__evaluation__year=2026, self_assessment__indicator__code="1",
                                      question__code="2l")
    services.operator_answer_save(operator=Operator.objects.get(user=operator_user), question_score=score,
                                  version=score.version, score=None, evidence="awal", fields=frozenset({"evidence"}),
                                  user=operator_user)
    return QuestionScore.objects.get(pk=score.pk)


def _office_snapshot():
    from clusters.models import QuestionScore
    from evidence.models import EvidenceDocument
    from offices.models import AnswerReview

    return (sorted(QuestionScore.objects.values_list("pk", "score", "evidence", "version")),
            sorted(AnswerReview.objects.values_list("pk", "status", "note", "version")),
            EvidenceDocument.objects.count())


@pytest.mark.parametrize("value", BAD_NUMBERS[:-1] + ["1,01", "2"])
def test_an_operators_score(client, operator_user, office_world, value):
    client.force_login(operator_user)
    url = reverse("offices:answer", args=[2026, office_world.pk])
    data = form_data(client.get(url), "data-answer-form")
    data["score"] = value
    before = _office_snapshot()
    _refused(client.post(url, data))
    assert _office_snapshot() == before


@pytest.mark.parametrize("field", ["version", "seen_score", "action"])
@pytest.mark.parametrize("value", ["abc", "-1", "9" * 30, "1e3"])
def test_an_operators_answer_with_a_damaged_hidden_field_is_a_400(client, operator_user, office_world, field, value):
    client.force_login(operator_user)
    url = reverse("offices:answer", args=[2026, office_world.pk])
    data = form_data(client.get(url), "data-answer-form")
    data.update({"score": "1", field: value})
    before = _office_snapshot()
    assert client.post(url, data).status_code == 400
    assert _office_snapshot() == before


@pytest.mark.parametrize("value", BAD_TEXT)
def test_an_operators_note_is_stored_as_text_and_shown_escaped(client, operator_user, office_world, value):
    client.force_login(operator_user)
    url = reverse("offices:answer", args=[2026, office_world.pk])
    data = form_data(client.get(url), "data-answer-form")
    data["evidence"] = value
    assert client.post(url, data).status_code == 302
    assert "<img src=x onerror" not in client.get(url).content.decode()


@pytest.mark.parametrize("pk", ["0", "99999999"])
def test_a_guessed_question_or_file_id_of_an_operator_is_not_found(client, operator_user, office_world, pk):
    client.force_login(operator_user)
    assert client.get(f"/opd/2026/pertanyaan/{pk}/").status_code == 404
    assert client.get(f"/opd/2026/berkas/{pk}/").status_code == 404
    assert client.get(f"/opd/1999/pertanyaan/{office_world.pk}/").status_code == 404


@pytest.mark.parametrize(("action", "note", "version"), [
    ("return", "", None), ("return", "   ", None), ("hapus", "x", None), ("approve", "", "abc"),
    ("approve", "", "-1"), ("approve", "", "9" * 30), ("approve", "", "7")])
def test_a_review_without_a_note_or_with_a_damaged_form_is_refused(client, staff_user, office_world, action, note,
                                                                   version):
    from clusters.models import QuestionScore

    QuestionScore.objects.filter(pk=office_world.pk).update(score=1)
    client.force_login(staff_user)
    url = reverse("offices:review", args=[2026, office_world.pk])
    data = form_data(client.get(url), "data-review-form")
    data.update({"action": action, "note": note})
    if version is not None:
        data["version"] = version
    before = _office_snapshot()
    _refused(client.post(url, data))
    assert _office_snapshot() == before


@pytest.mark.parametrize("value", BAD_TEXT)
def test_a_review_note_is_stored_as_text_and_shown_escaped(client, staff_user, operator_user, office_world, value):
    from clusters.models import QuestionScore

    QuestionScore.objects.filter(pk=office_world.pk).update(score=1)
    client.force_login(staff_user)
    url = reverse("offices:review", args=[2026, office_world.pk])
    data = form_data(client.get(url), "data-review-form")
    data.update({"action": "return", "note": value})
    assert client.post(url, data).status_code == 302
    client.force_login(operator_user)
    assert "<img src=x onerror" not in client.get(reverse("offices:my-questions")).content.decode()
