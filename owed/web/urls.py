"""The back office's URLs."""

from django.urls import path

from owed.web.views import auth, clients, invoices, policies, receivables, today, wording
from owed.web.views import requests as client_requests
from owed.web.views import settings as settings_views

app_name = "web"
urlpatterns = [
    path("", today.today, name="today"),
    path("actions/<int:pk>/skip/", today.action_skip, name="action-skip"),
    path("actions/<int:pk>/snooze/", today.action_snooze, name="action-snooze"),
    path("actions/<int:pk>/done/", today.action_done, name="action-done"),
    path("actions/<int:pk>/call/", today.action_call, name="action-call"),
    path("actions/<int:pk>/preview/", today.action_preview, name="action-preview"),
    path("actions/<int:pk>/script/", today.action_script, name="action-script"),
    path(
        "actions/<int:pk>/attachments/<int:index>/",
        today.action_attachment,
        name="action-attachment",
    ),
    path("actions/<int:pk>/edit/", today.action_edit, name="action-edit"),
    path("actions/<int:pk>/edit/reset/", today.action_edit_reset, name="action-edit-reset"),
    path("actions/<int:pk>/approve/", today.action_approve, name="action-approve"),
    path("actions/approve/", today.actions_approve, name="actions-approve"),
    path("actions/<int:pk>/send/", today.action_send_now, name="action-send"),
    path("messages/<int:pk>/retry/", today.message_retry, name="message-retry"),
    path("messages/<int:pk>/settle/", today.message_settle, name="message-settle"),
    # Client requests (Today): a plan asked for, a payment reported in the portal.
    path(
        "requests/plans/<int:pk>/approve/",
        client_requests.plan_request_approve,
        name="plan-request-approve",
    ),
    path(
        "requests/plans/<int:pk>/decline/",
        client_requests.plan_request_decline,
        name="plan-request-decline",
    ),
    path(
        "requests/payments/<int:pk>/confirm/",
        client_requests.payment_claim_confirm,
        name="payment-claim-confirm",
    ),
    path(
        "requests/payments/<int:pk>/reject/",
        client_requests.payment_claim_reject,
        name="payment-claim-reject",
    ),
    path(
        "requests/payments/<int:pk>/proof/",
        client_requests.payment_claim_proof,
        name="payment-claim-proof",
    ),
    path("receivables/", receivables.receivables, name="receivables"),
    path("receivables/export.csv", receivables.receivables_csv, name="receivables-csv"),
    path("policies/", policies.policies, name="policies"),
    # Policy names are the user's own and may hold a "/".
    path("policies/<path:name>/", policies.policy, name="policy"),
    path("templates/", wording.templates, name="templates"),
    path("templates/<str:step>/<str:language>/", wording.template, name="template"),
    path(
        "templates/<str:step>/<str:language>/preview/",
        wording.template_preview,
        name="template-preview",
    ),
    # Client ids and invoice numbers are the user's own and may hold a "/".
    path("clients/<path:code>/", clients.client, name="client"),
    path("invoices/<path:number>/", invoices.invoice, name="invoice"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("language/", auth.language, name="language"),
    path("organizations/", auth.organizations, name="organizations"),
    # Settings: every member sees them, only an owner changes them.
    path("settings/", settings_views.organization, name="settings"),
    path("settings/payment/", settings_views.payment_accounts, name="settings-payments"),
    path("settings/payment/add/", settings_views.payment_account_add, name="settings-payment-add"),
    path("settings/payment/<int:pk>/", settings_views.payment_account, name="settings-payment"),
    path(
        "settings/payment/<int:pk>/delete/",
        settings_views.payment_account_delete,
        name="settings-payment-delete",
    ),
    path(
        "settings/payment/<int:pk>/qr.svg",
        settings_views.payment_account_qr,
        name="settings-payment-qr",
    ),
    path("settings/mail/", settings_views.mail_server, name="settings-mail"),
    path("settings/mail/test/", settings_views.mail_test, name="settings-mail-test"),
    path("settings/users/", settings_views.members, name="settings-users"),
    path("settings/users/add/", settings_views.member_add, name="settings-user-add"),
    path("settings/users/<int:pk>/role/", settings_views.member_role, name="settings-user-role"),
    path(
        "settings/users/<int:pk>/remove/", settings_views.member_remove, name="settings-user-remove"
    ),
]
