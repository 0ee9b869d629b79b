from django.urls import path
from django.views.generic import RedirectView

from committees import attend_views, callin_views, change_views, forward_plan_views, option_views, uplift_views, views

app_name = "committees"

urlpatterns = [
    path("", views.committee_list, name="committee_list"),
    # The search that covered only the committee record, now the site's one search.
    path("search/", RedirectView.as_view(pattern_name="search", query_string=True), name="search"),
    # A registered contract's option, exercised or declined under an authority.
    path(
        "contracts/<int:pk>/options/<int:order>/exercise/",
        option_views.option_decide,
        {"decision": "exercise"},
        name="option_exercise",
    ),
    path(
        "contracts/<int:pk>/options/<int:order>/decline/",
        option_views.option_decide,
        {"decision": "decline"},
        name="option_decline",
    ),
    # A change to a registered contract, recorded with the decision that authorised it.
    path("contracts/<int:pk>/changes/new/", change_views.change_create, name="change_create"),
    path("contract-changes/<int:pk>/withdraw/", change_views.change_withdraw, name="change_withdraw"),
    # Annual fee uplifts: one decision, a percentage on many contracts from one day.
    path("uplifts/", uplift_views.fee_uplift_list, name="fee_uplift_list"),
    path("uplifts/new/", uplift_views.fee_uplift_create, name="fee_uplift_create"),
    path("uplifts/<int:pk>/", uplift_views.fee_uplift_detail, name="fee_uplift_detail"),
    path("uplifts/<int:pk>/reverse/", uplift_views.fee_uplift_reverse, name="fee_uplift_reverse"),
    # The forward plan of key decisions: its entries, printed and downloaded.
    path("forward-plan/", forward_plan_views.forward_plan, name="forward_plan"),
    path("forward-plan/new/", forward_plan_views.forward_plan_create, name="forward_plan_create"),
    path(
        "forward-plan/missing-notices/",
        forward_plan_views.key_decisions_missing_notice,
        name="key_decisions_missing_notice",
    ),
    path("forward-plan/print/", forward_plan_views.forward_plan_print, name="forward_plan_print"),
    path("forward-plan/export/<slug:fmt>/", forward_plan_views.forward_plan_export, name="forward_plan_export"),
    path("forward-plan/<int:pk>/", forward_plan_views.forward_plan_detail, name="forward_plan_detail"),
    path("forward-plan/<int:pk>/edit/", forward_plan_views.forward_plan_update, name="forward_plan_update"),
    path("new/", views.committee_create, name="committee_create"),
    path("<int:pk>/", views.committee_detail, name="committee_detail"),
    path("<int:pk>/edit/", views.committee_update, name="committee_update"),
    path("<int:pk>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/calendar/", views.meeting_calendar, name="meeting_calendar"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.meeting_update, name="meeting_update"),
    path("meetings/<int:pk>/minutes/", views.meeting_minutes, name="meeting_minutes"),
    path(
        "meetings/<int:pk>/minutes/confidential/",
        views.meeting_minutes_confidential,
        name="meeting_minutes_confidential",
    ),
    path("meetings/<int:pk>/minutes/approve/", views.minutes_approve, name="minutes_approve"),
    path("meetings/<int:pk>/items/", views.item_create, name="item_create"),
    path("meetings/<int:pk>/items/<int:item_pk>/parts/", views.part_create, name="part_create"),
    path("items/<int:pk>/edit/", views.item_update, name="item_update"),
    path("parts/<int:pk>/actions/", views.action_create, name="action_create"),
    path("actions/", views.action_list, name="action_list"),
    path("actions/<int:pk>/done/", views.action_done, name="action_done"),
    path("delegations/", views.delegation_list, name="delegation_list"),
    path("reports/", views.report_list, name="report_list"),
    # Call-in of a decision, and the printable officer decision record (issue 13, slice "callin").
    path("parts/<int:pk>/call-in/", callin_views.call_in_create, name="call_in_create"),
    path("call-ins/", callin_views.call_ins, name="call_in_list"),
    path("call-ins/<int:pk>/", callin_views.call_in_detail, name="call_in_detail"),
    path("call-ins/<int:pk>/outcome/", callin_views.call_in_resolve, name="call_in_resolve"),
    path("officer-decisions/<int:pk>/print/", callin_views.officer_decision_print, name="officer_decision_print"),
    path("reports/new/", views.report_create, name="report_create"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views.report_update, name="report_update"),
    path("reports/<int:pk>/files/", views.report_file_create, name="report_file_create"),
    path("reports/files/<int:pk>/", views.report_file_download, name="report_file_download"),
    path("decisions/choices/", views.decision_choices, name="decision_choices"),
    path("reports/choices/", views.report_choices, name="report_choices"),
    path("recommendations/choices/", views.recommendation_choices, name="recommendation_choices"),
    path("delegations/choices/", views.delegation_choices, name="delegation_choices"),
    path("officer-decisions/", views.officer_decision_list, name="officer_decision_list"),
    path("officer-decisions/new/", views.officer_decision_create, name="officer_decision_create"),
    path("officer-decisions/<int:pk>/", views.officer_decision_detail, name="officer_decision_detail"),
    path("officer-decisions/<int:pk>/publish/", views.officer_decision_publish, name="officer_decision_publish"),
    # Members, their committee memberships, a meeting's attendance and declarations of interest.
    path("members/", attend_views.member_list, name="member_list"),
    path("members/<int:pk>/", attend_views.member_detail, name="member_detail"),
    path("members/<int:pk>/memberships/", attend_views.membership_add, name="membership_add"),
    path("memberships/<int:pk>/end/", attend_views.membership_end, name="membership_end"),
    path("meetings/<int:pk>/attendance/", attend_views.meeting_attendance_page, name="meeting_attendance"),
    path("meetings/<int:pk>/declarations/", attend_views.declaration_add, name="declaration_add"),
    path("declarations/<int:pk>/remove/", attend_views.declaration_remove, name="declaration_remove"),
]
