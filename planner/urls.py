from django.urls import path

from planner import views

app_name = "planner"

urlpatterns = [
    path("", views.planner, name="planner"),
    path("sarankan/", views.planner_suggest, name="planner-suggest"),
    path("skenario/", views.scenario_list, name="scenario-list"),
    path("skenario/banding/", views.scenario_compare, name="scenario-compare"),
    path("skenario/<int:pk>/", views.scenario_detail, name="scenario-detail"),
    path("skenario/<int:pk>/hapus/", views.scenario_delete, name="scenario-delete"),
    path("skenario/<int:pk>/rencana-aksi/", views.action_plan_edit, name="action-plan-edit"),
    path("perangkat-daerah/", views.office_list, name="office-list"),
    path("perangkat-daerah/<int:pk>/", views.office_detail, name="office-detail"),
]
