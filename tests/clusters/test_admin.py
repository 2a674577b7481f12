from decimal import Decimal as D

import pytest
from django.contrib.admin.sites import site

from clusters.models import SelfAssessment
from clusters.services import evaluation_create

pytestmark = pytest.mark.django_db


def test_an_admin_edit_raises_the_version_so_open_staff_forms_see_a_conflict(reference_data, rf, admin_user_role):
    row = evaluation_create(year=2019).self_assessments.get(indicator__number=1)
    request = rf.post("/")
    request.user = admin_user_role
    row.score = D("10")
    site._registry[SelfAssessment].save_model(request, row, form=None, change=True)
    row.refresh_from_db()
    assert (row.score, row.version) == (D("10"), 2)
