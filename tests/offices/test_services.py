from decimal import Decimal as D

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import IntegrityError, transaction

from clusters.models import Evaluation
from core import roles
from core.versions import EditConflict
from offices import services
from offices.models import AnswerReview, DataSource, Operator
from planner.models import Office

pytestmark = pytest.mark.django_db


def test_data_sources_are_mapped_to_bogor_offices_once_and_admins_edits_are_kept(office_defaults, capsys):
    assert DataSource.objects.get(name="DPPPAPPKB").office.name == "DPMPPA"
    assert DataSource.objects.get(name="Dinkes").office.name == "Dinas Kesehatan"
    assert DataSource.objects.get(name="Kemenag").office is None  # not a city office: the admins decide
    names = set(DataSource.objects.values_list("name", flat=True))
    assert {"Bagian Hukum", "UPPA Polres", "Disdukcapil"} <= names and "" not in names
    DataSource.objects.filter(name="Kemenag").update(office=Office.objects.get(name="Dinas Sosial"))
    call_command("load_office_defaults")
    assert "nothing changed" in capsys.readouterr().out
    assert DataSource.objects.get(name="Kemenag").office.name == "Dinas Sosial"


def test_the_operator_role_may_answer_and_read_nothing_else(operator_user):
    group = Group.objects.get(name=roles.OPERATOR)
    assert sorted(group.permissions.values_list("content_type__app_label", "codename")) == [
        ("offices", "answer_office_questions")]
    assert operator_user.has_perm("offices.answer_office_questions")
    assert not operator_user.has_perm("clusters.view_evaluation")
    assert not operator_user.has_perm("evidence.view_evidencedocument")
    assert Operator.objects.get(user=operator_user).office.name == "Dinas Kesehatan"


def test_staff_review_and_the_task_force_reads(staff_user, task_force_user):
    assert staff_user.has_perm("offices.change_answerreview")
    assert not staff_user.has_perm("offices.answer_office_questions")
    assert task_force_user.has_perm("offices.view_answerreview")
    assert not task_force_user.has_perm("offices.change_answerreview")


def test_a_return_needs_a_note_in_the_service_and_in_the_database(operator_user, staff_user, dinkes_question):
    operator = Operator.objects.get(user=operator_user)
    services.operator_answer_save(operator=operator, question_score=dinkes_question, version=1, score=D("1"),
                                  evidence="", fields=frozenset({"score"}), user=operator_user)
    with pytest.raises(ValueError):
        services.answer_review(question_score=dinkes_question, approve=False, note="  ", version=1, user=staff_user)
    with pytest.raises(EditConflict):
        services.answer_review(question_score=dinkes_question, approve=True, note="", version=0, user=staff_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        AnswerReview.objects.filter(question_score=dinkes_question).update(status="returned", note="")


def test_a_question_without_a_score_is_not_reviewed(staff_user, dinkes_question):
    with pytest.raises(services.NothingToReview):
        services.answer_review(question_score=dinkes_question, approve=True, note="", version=0, user=staff_user)
    assert not AnswerReview.objects.exists()


def test_another_office_s_question_is_refused_by_the_service(operator_user, disdukcapil_question):
    operator = Operator.objects.get(user=operator_user)
    with pytest.raises(services.NotYourQuestion):
        services.operator_answer_save(operator=operator, question_score=disdukcapil_question, version=1,
                                      score=D("1"), evidence="", fields=frozenset({"score"}), user=operator_user)
    assert not AnswerReview.objects.exists()
    evaluation = Evaluation.objects.get(year=2026)
    assert evaluation.self_assessments.get(indicator__code="4").score is None


def test_an_office_with_a_long_name_answers_within_the_history_reasons_column(operator_user, dinkes_question):
    operator = Operator.objects.get(user=operator_user)
    Office.objects.filter(pk=operator.office_id).update(name="Dinas Kesehatan " + "x" * 104)
    operator.refresh_from_db()
    services.operator_answer_save(operator=operator, question_score=dinkes_question, version=1, score=D("1"),
                                  evidence="", fields=frozenset({"score"}), user=operator_user)
    assert len(dinkes_question.history.first().history_change_reason) == 100
