from django.urls import path

from creditdesk.receivables import views

app_name = "receivables"
urlpatterns = [
    path("aging/", views.aging_report, name="aging"),
    path("aging/customers/", views.aging_customers, name="aging-customers"),
    path("aging/customers/<int:pk>/", views.aging_items, name="aging-items"),
    path("kpis/", views.kpi_dashboard, name="kpis"),
    path("customers/<int:pk>/statement.pdf", views.statement, name="statement"),
    path("customers/<int:pk>/open-items.xlsx", views.open_items_xlsx, name="open-items-xlsx"),
]
