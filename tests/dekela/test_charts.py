import json

import pytest
from django.urls import reverse

from dekela import charts, selectors
from dekela.models import Criterion, CriterionStatus

pytestmark = pytest.mark.django_db


def _met(criterion, places, year):
    CriterionStatus.objects.bulk_create(
        CriterionStatus(criterion=criterion, kelurahan=place, year=year, status="met") for place in places)


def test_the_over_time_figure_has_a_line_per_criterion_with_its_share_each_year(forum_anak, every_kelurahan):
    _met(forum_anak, every_kelurahan[:17], 2023)
    _met(forum_anak, every_kelurahan[:34], 2024)
    table = selectors.coverage_over_time(Criterion.Scope.KELURAHAN)
    figure = charts.over_time_figure(table)
    assert [trace["name"] for trace in figure["data"]] == [c.short_name for c in table.criteria]
    forum = next(trace for trace in figure["data"] if trace["name"] == forum_anak.short_name)
    assert forum["x"] == [2023, 2024]
    assert forum["y"] == [25.0, 50.0]
    assert forum["text"] == ["17/68", "34/68"]
    assert figure["layout"]["yaxis"]["range"] == [0, 105]


def test_the_over_time_page_draws_the_chart_next_to_the_table(client, task_force_user, forum_anak,
                                                               every_kelurahan):
    client.force_login(task_force_user)
    url = reverse("dekela:coverage")
    html = client.get(url).content.decode()
    assert 'id="chart-kelurahan"' not in html  # nothing recorded: no chart, the notice only
    _met(forum_anak, every_kelurahan[:17], 2024)
    html = client.get(url).content.decode()
    assert 'id="chart-kelurahan"' in html and 'id="coverage-kelurahan"' in html
    figure = json.loads(html.split('id="chart-kelurahan-figure" type="application/json">')[1].split("</script>")[0])
    forum = next(trace for trace in figure["data"] if trace["name"] == forum_anak.short_name)
    assert forum["y"] == [25.0]
    assert "plotly" in html.lower()
    assert "Kelurahan yang memenuhi setiap kriteria, per tahun (%)" in html  # the title, in Indonesian
