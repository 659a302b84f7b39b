"""A cohort's progress: the dashboard, item analysis, charts and exports."""
