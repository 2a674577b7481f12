"""Every form's text limit is its column's: a longer value is refused beside the field, never a 500 on
PostgreSQL (`varchar(n)`), never stored on SQLite only to break a restore into PostgreSQL."""

from importlib import import_module

import pytest
from django import forms
from django.apps import apps
from django.db import models
from django.urls import reverse

from clusters.models import Evaluation
from clusters.services import evaluation_stage_change

PROJECT_APPS = ("core", "clusters", "kelurahan", "planner", "offices", "kla_tracker")

# Plain text fields that are never stored in a column, and why.
NOT_STORED = {
    ("kelurahan.forms.KelurahanFilterForm", "q"): "a search term",
    ("clusters.forms.SelfAssessmentForm", "seen_evidence"): "the note as loaded, compared, not saved",
    ("clusters.forms.QuestionScoreForm", "seen_evidence"): "the note as loaded, compared, not saved",
    ("offices.forms.AnswerForm", "seen_evidence"): "the note as loaded, compared, not saved",
    # Django's log-in forms (username limited by the user model, password checked, never saved).
    ("core.forms.LoginForm", "username"): "checked against the users, not saved",
    ("core.forms.LoginForm", "password"): "checked against the users, not saved",
    ("core.forms.AdminLoginForm", "username"): "checked against the users, not saved",
    ("core.forms.AdminLoginForm", "password"): "checked against the users, not saved",
}


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _project_forms():
    for app in PROJECT_APPS:
        for module in ("forms", "admin", "views"):
            try:
                import_module(f"{app}.{module}")
            except ModuleNotFoundError:
                pass
    return {cls for cls in _subclasses(forms.BaseForm) if cls.__module__.split(".")[0] in PROJECT_APPS}


def _model_column(form_class, name):
    model = getattr(getattr(form_class, "_meta", None), "model", None)
    if model is None:
        return None
    try:
        column = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - FieldDoesNotExist: a form-only field
        return None
    return column if isinstance(column, (models.CharField, models.TextField)) else None


def test_every_text_form_field_is_limited_like_its_column():
    checked, problems = 0, []
    for form_class in _project_forms():
        label = f"{form_class.__module__}.{form_class.__qualname__}"
        for name, field in form_class.base_fields.items():
            if not isinstance(field, forms.CharField):
                continue
            column = getattr(field, "column", None) or _model_column(form_class, name)
            if column is None:
                if (label, name) not in NOT_STORED:
                    problems.append(f"{label}.{name}: which column does it feed? Use core.forms.column_char_field")
                continue
            checked += 1
            if field.max_length != column.max_length:
                problems.append(f"{label}.{name}: form {field.max_length}, column {column.max_length}")
    assert not problems
    assert checked >= 8  # names, codes, SK number, scenario name, the stage-change reason...


def test_the_not_stored_list_names_real_fields():
    by_label = {f"{cls.__module__}.{cls.__qualname__}": cls for cls in _project_forms()}
    for label, name in NOT_STORED:
        assert name in by_label[label].base_fields


def test_every_project_char_column_has_a_length():
    columns = [
        field for model in apps.get_models() if model._meta.app_label in PROJECT_APPS
        for field in model._meta.get_fields() if isinstance(field, models.CharField)
    ]
    assert columns and all(field.max_length for field in columns)


@pytest.mark.django_db
def test_a_stage_change_reason_longer_than_its_column_is_refused_beside_the_field(client, demo, admin_user_role):
    client.force_login(admin_user_role)
    evaluation = Evaluation.objects.get(year=2018)
    history_before = evaluation.history.count()
    limit = Evaluation.history.model._meta.get_field("history_change_reason").max_length
    url = reverse("clusters:evaluation-stage", args=[2018])

    response = client.post(url, {"stage": Evaluation.Stage.ADMIN_VERIFICATION, "reason": "x" * (limit + 1)})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    evaluation.refresh_from_db()
    assert evaluation.stage == Evaluation.Stage.FINAL and evaluation.history.count() == history_before

    response = client.post(url, {"stage": Evaluation.Stage.ADMIN_VERIFICATION, "reason": "x" * limit})
    assert response.status_code == 302
    assert evaluation.history.latest("history_date").history_change_reason == "x" * limit


@pytest.mark.django_db
def test_the_stage_service_refuses_a_reason_its_column_cannot_hold(demo):
    with pytest.raises(ValueError, match="at most 100"):
        evaluation_stage_change(evaluation=Evaluation.objects.get(year=2018), stage=Evaluation.Stage.ADMIN_VERIFICATION,
                               reason="x" * 101)
