"""What invalidates cached publication answers (api.core.response_cache).

Who sees a publication (api.publications.access) depends on the publication, its authors and files,
its linked tasks and their teams and sponsors, the people and their organisations: a write to any
of these bumps the `publications` generation."""

from api.accounts.models import Organisation, User
from api.core.response_cache.generations import watch
from api.publications.models import Author, Publication, PublicationFile
from api.research.models import ResearchTask

RESOURCE = "publications"

watch(
    RESOURCE,
    Publication,
    Publication.tasks.through,
    Author,
    PublicationFile,
    ResearchTask,
    ResearchTask.principal_investigators.through,
    ResearchTask.students.through,
    ResearchTask.liaisons.through,
    ResearchTask.sponsors.through,
    Organisation,
    User,
)
