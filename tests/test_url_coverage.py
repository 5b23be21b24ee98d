"""Every page of ours is covered by the authorization tests.

When you add a URL, add it to the tenancy tests (dave gets 404, anonymous goes to login) and then here.
"""

from django.urls import URLPattern, URLResolver, get_resolver

# Tested in tests/accounts/test_views.py (dave 404 + anonymous redirect) and tests/api/test_api.py.
AUTHORIZATION_TESTED = {
    "home",
    "organization_list",
    "organization_detail",
    "people",
    "person_detail",
    "audit_log",
    "api-me",
    "organization-list",
    "organization-detail",
    # tests/programs/test_programs.py
    "program_list",
    "program_create",
    "program_detail",
    "program_edit",
    "program_public",
    "program_objective_add",
    "program_objective_edit",
    "program_objective_delete",
    "program_staff_add",
    "program_staff_edit",
    "program_staff_delete",
    "program_supporter_add",
    "program_supporter_edit",
    "program_supporter_delete",
    "program_cohort_add",
    "program_cohort_edit",
    "program_cohort_delete",
    "program_phase_add",
    "program_phase_edit",
    "program_phase_delete",
    # tests/training/test_modules.py and test_quiz.py
    "module_list",
    "module_create",
    "module_detail",
    "module_edit",
    "module_complete",
    "lesson_create",
    "lesson_edit",
    "lesson_move",
    "lesson_delete",
    "lesson_file",
    "quiz_edit",
    "quiz_question_edit",
    "quiz_question_move",
    "quiz_question_delete",
    "quiz_take",
    "quiz_result",
    # tests/training/test_progress.py, test_workshops.py, test_roleplay.py
    "my_training",
    "training_matrix",
    "training_matrix_csv",
    "training_reminders",
    "training_requirements",
    "training_requirement_delete",
    "workshop_credits",
    "workshop_credit_delete",
    "roleplay_checklists",
    "roleplay_record",
    # tests/training/test_resources.py
    "resource_list",
    "resource_create",
    "resource_detail",
    "resource_edit",
    "resource_delete",
    "resource_file",
    # tests/programs/test_events.py
    "event_list",
    "event_create",
    "event_edit",
    "event_delete",
    "event_detail",
    "event_rsvp",
    "event_rsvp_cancel",
    "event_attendance",
    "event_ics",
    "program_events_ics",
    # tests/programs/test_enrollment.py and tests/recruitment/test_consent.py
    "consent_list",
    "consent_request",
    "my_consents",
    "consent_answer",
    "enrollment_join",
    "enrollment_signup",
    "enrollment_refer",
    "enrollment_csv",
    "participant_list",
    # tests/recruitment/test_applications.py and test_nominations.py
    "application_form_edit",
    "application_question_edit",
    "application_question_move",
    "application_question_delete",
    "application_apply",
    "my_applications",
    "application_detail",
    "application_withdraw",
    "application_set_status",
    "nomination_create",
    "nomination_list",
    "recruitment_funnel",
    # tests/mentorships/test_match_list.py
    "match_list",
    "match_return_to_pool",
    # tests/matching/test_round_views.py
    "match_rounds",
    "match_round_compare",
    "match_round_detail",
    "match_round_progress",
    "match_round_blockers",
    "match_round_decide",
    "match_round_exclude",
    "match_round_rerun",
    "match_round_publish",
    "match_proposal_lock",
    "match_proposal_swap",
    # tests/recruitment/test_screening.py and test_references.py
    "application_review",
    "application_bulk_status",
    "rubric_edit",
    "rubric_criterion_edit",
    "rubric_criterion_delete",
    "rubric_criterion_move",
    "application_screening",
    "interview_schedule",
    "interview_score",
    "reference_request",
    "background_check_add",
    "background_check_edit",
    "screening_attention",
    # tests/matching/test_profiles.py, test_suggestions.py and test_settings.py
    "matching_profile",
    "matching_preference_add",
    "matching_preference_delete",
    "matching_suggestions",
    "matching_request",
    "interest_vocabulary",
    "interest_rename",
    "interest_delete",
    "matching_settings",
    "matching_settings_preview",
    # tests/training/test_certificates.py
    "certificate_issue",
    "certificate_pdf",
}
# Open to everyone by design.
PUBLIC = {
    "healthz",
    "set_language",
    "api-schema",
    "api-root",
    "account_reset_password_from_key",
    # Signed one-time links: the token is the credential; bad or used tokens change nothing.
    "consent_respond",
    "reference_respond",
    # The signed code is the credential; a tampered one shows "could not be verified".
    "certificate_verify",
}


def our_url_names(patterns, namespace_is_ours=True):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            module = getattr(pattern.urlconf_module, "__name__", "")
            if module.startswith("peerpath") or isinstance(pattern.urlconf_module, list):
                yield from our_url_names(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            if pattern.callback.__module__.startswith(("peerpath", "rest_framework")):
                yield pattern.name


def test_every_url_of_ours_has_authorization_tests():
    names = set(our_url_names(get_resolver().url_patterns))
    untested = names - AUTHORIZATION_TESTED - PUBLIC
    assert untested == set(), f"Add tenancy tests for: {sorted(untested)}"
    assert AUTHORIZATION_TESTED <= names  # the list above names real URLs
