"""The back office's URLs."""

from django.urls import path

from owed.web.views import auth, clients, invoices, receivables, today

app_name = "web"
urlpatterns = [
    path("", today.today, name="today"),
    path("actions/<int:pk>/skip/", today.action_skip, name="action-skip"),
    path("actions/<int:pk>/snooze/", today.action_snooze, name="action-snooze"),
    path("actions/<int:pk>/call/", today.action_call, name="action-call"),
    path("receivables/", receivables.receivables, name="receivables"),
    path("receivables/export.csv", receivables.receivables_csv, name="receivables-csv"),
    # Client ids and invoice numbers are the user's own and may hold a "/".
    path("clients/<path:code>/", clients.client, name="client"),
    path("invoices/<path:number>/", invoices.invoice, name="invoice"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("language/", auth.language, name="language"),
    path("organizations/", auth.organizations, name="organizations"),
]
