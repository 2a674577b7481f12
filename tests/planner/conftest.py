import pytest

from core.loading import LoadReport
from planner.services import planner_defaults_load


@pytest.fixture
def planner_defaults(reference_data):
    planner_defaults_load(report=LoadReport())


@pytest.fixture
def planner_demo(demo, planner_defaults):
    """The demo evaluations 2017-2019 and PATBM, with the default offices and PATBM rule."""
