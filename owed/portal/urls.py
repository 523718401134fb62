from django.urls import path

from owed.portal import views

app_name = "portal"

urlpatterns = [
    path("<str:token>/", views.home, name="home"),
    path("<str:token>/invoices/<int:pk>.pdf", views.invoice_download, name="invoice_pdf"),
]
