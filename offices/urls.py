from django.urls import path

from offices import views

app_name = "offices"

urlpatterns = [
    path("opd/", views.my_questions, name="my-questions"),
    path("opd/<int:year>/pertanyaan/<int:pk>/", views.answer, name="answer"),
    path("opd/<int:year>/berkas/<int:pk>/", views.operator_file, name="file"),
    path("opd/<int:year>/dokumen/<int:pk>/", views.operator_document, name="document"),
    path("evaluasi/<int:year>/opd/", views.progress, name="progress"),
    path("evaluasi/<int:year>/opd/tinjau/", views.review_list, name="review-list"),
    path("evaluasi/<int:year>/opd/tinjau/<int:pk>/", views.review, name="review"),
]
