"""Careers' background jobs (Django's tasks API; see api.core.jobs)."""

from django_tasks import task

from api.careers import resume_books


@task()
def build_resume_book(book_id: int) -> None:
    """Build one resume book: the matching, still-consenting students' CVs and an index, as a ZIP."""
    resume_books.build(book_id=book_id)
