import io
import json
import re

import pytest
from django.core.management import CommandError, call_command

from clusters.backup import EXCLUDED
from clusters.models import Evaluation, FieldDeduction, SelfAssessment
from clusters.services import LoadReport
from kelurahan.models import Patbm
from planner.models import IndicatorOffice, Office, PatbmRule
from planner.services import planner_defaults_load

pytestmark = pytest.mark.django_db(transaction=True)


MILLISECONDS = re.compile(r"(T\d\d:\d\d:\d\d)(\.\d{3})?Z")


def _snapshot():
    out = io.StringIO()
    call_command("dumpdata", exclude=EXCLUDED, natural_foreign=True, natural_primary=True, stdout=out)
    # A timestamp whose milliseconds are .000 is written without them: write every one with them.
    text = MILLISECONDS.sub(lambda m: f"{m.group(1)}{m.group(2) or '.000'}Z", out.getvalue())
    return sorted(json.loads(text), key=lambda row: (row["model"], str(row.get("pk")), str(row["fields"])))


def test_backup_and_restore_round_trip_gives_identical_data(demo, tmp_path):
    # Django's JSON keeps timestamps to the millisecond: compare at that precision.
    planner_defaults_load(report=LoadReport())  # the planner's offices and PATBM rule are data too
    before = _snapshot()
    path = tmp_path / "backup.json"
    call_command("backup", str(path))

    # Evaluations cannot be deleted (PROTECT): change them instead.
    Evaluation.objects.filter(year=2019).update(note="diubah setelah cadangan")
    SelfAssessment.objects.filter(evaluation__year=2019).update(evidence="diubah")
    Patbm.objects.all().update(activist_count=0)

    call_command("restore", str(path), "--yes-replace-everything")
    assert _snapshot() == before
    assert Evaluation.objects.count() == 3
    assert FieldDeduction.objects.count() == 13
    assert SelfAssessment.history.count() > 0
    assert Office.objects.count() == 7 and PatbmRule.objects.count() == 1 and IndicatorOffice.objects.count() == 24


def test_restore_without_confirmation_changes_nothing(demo, tmp_path):
    path = tmp_path / "backup.json"
    call_command("backup", str(path))
    Evaluation.objects.filter(year=2019).update(note="diubah setelah cadangan")
    with pytest.raises(CommandError, match="--yes-replace-everything"):
        call_command("restore", str(path))
    assert Evaluation.objects.get(year=2019).note == "diubah setelah cadangan"


def test_restore_of_a_broken_file_changes_nothing(demo, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('[{"model": "clusters.evaluation", "pk": 1, "fields": {"year": "not a year"}}]')
    with pytest.raises(Exception):  # noqa: B017 - loaddata raises DeserializationError
        call_command("restore", str(path), "--yes-replace-everything")
    assert Evaluation.objects.count() == 3
