"""Two staff saving the same row at the same moment, on two real database connections."""

import threading
from decimal import Decimal as D

import pytest
from django.db import connection, transaction

from clusters.models import SelfAssessment
from clusters.services import EditConflict, ScoreChange, evaluation_create, self_assessments_update


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_from_the_same_version_cannot_both_win(reference_data):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers by locking the whole file; the sequential conflict tests cover it")
    evaluation = evaluation_create(year=2019)
    row = evaluation.self_assessments.get(indicator__number=1)
    first_saved = threading.Event()
    outcome = {}

    def first():
        try:
            with transaction.atomic():
                self_assessments_update(evaluation=evaluation, changes=[ScoreChange(row.pk, 1, D("10"), "pertama")])
                first_saved.set()
                # Keep the transaction open while the second save runs into the row lock.
                threading.Event().wait(0.5)
            outcome["first"] = "saved"
        finally:
            connection.close()

    def second():
        try:
            first_saved.wait(5)
            self_assessments_update(evaluation=evaluation, changes=[ScoreChange(row.pk, 1, D("20"), "kedua")])
            outcome["second"] = "saved"
        except EditConflict:
            outcome["second"] = "conflict"
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert outcome == {"first": "saved", "second": "conflict"}
    row.refresh_from_db()
    assert (row.score, row.evidence, row.version) == (D("10"), "pertama", 2)
    assert SelfAssessment.history.filter(id=row.pk).count() == 2
