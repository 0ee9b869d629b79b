"""A council-sized data set, and how long the main pages take on it:
`generate` fills the database, `measure` times the pages, `report` runs both
and describes the result. `manage.py benchmark` is the way in."""
