"""Pages that read across the apps: the dashboard, the calendar feed and the reminders."""
