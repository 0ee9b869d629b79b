"""How commissioning projects are found by the site's search
(`commissioning.core.search`): registered in CommissioningConfig.ready, and kept
current by `commissioning.projects.services` through `index_refresh`."""

from collections.abc import Iterator, Sequence

from commissioning.core.search import Entry, Kind, chunked, register
from commissioning.projects.models import CommissioningProject

PROJECT = "project"


def project_entries(ids: Sequence[int] | None) -> Iterator[Entry]:
    for project in chunked(CommissioningProject.objects.select_related("service_area"), ids):
        yield Entry(
            object_id=project.pk,
            url=project.get_absolute_url(),
            title=project.title,
            text=project.notes,
            detail=f"{project.get_status_display()} project · {project.service_area.name}",
            date=project.created_at.date(),
            order=project.title.lower(),
        )


def register_kinds() -> None:
    register(
        Kind(
            name=PROJECT,
            label="Commissioning projects",
            model=CommissioningProject,
            entries=project_entries,
            position=70,
        )
    )
