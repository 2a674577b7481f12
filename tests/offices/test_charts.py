from decimal import Decimal as D

import plotly.graph_objects as go

from offices.charts import progress_figure
from offices.selectors import OfficeProgress, Progress
from planner.models import Office


def test_the_progress_chart_stacks_the_tables_numbers_per_office_the_furthest_behind_on_top():
    behind = OfficeProgress(Office(name="Dinas Kesehatan"), assigned=94, answered=10, approved=4, returned=2,
                            points_at_stake=D("120.5"), behind=True)
    done = OfficeProgress(Office(name="Disdukcapil"), assigned=22, answered=22, approved=22)
    figure = progress_figure(Progress(evaluation=None, offices=[behind, done], deadline=None))
    go.Figure(figure)  # plotly accepts it as it is
    approved, waiting, returned, unanswered = figure["data"]
    assert approved["y"] == ["Disdukcapil", "Dinas Kesehatan ⚠"]
    assert (approved["x"], waiting["x"], returned["x"], unanswered["x"]) == ([22, 4], [0, 4], [0, 2], [0, 84])
