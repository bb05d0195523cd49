"""Sensitive reads in the audit trail: every gated file download (api.core.files.delivery records each
one as a DownloadRecord) except a file anyone may read: a publication's whose effective access is public.

So CV downloads, resume books, restricted publication files, event materials and deliverable reports all
appear in /api/v1/audit/ beside the writes, as action `download`, written right after the record.
Listening to DownloadRecord keeps every download path covered without each view remembering to audit.
"""

from django.db.models.signals import post_save

PUBLICATION_FILE = "publications.publicationfile"


def _anyone_may_read(record) -> bool:
    if record.target_type != PUBLICATION_FILE:
        return False
    # The publications app loads after core; its access rules decide what "public" means (embargoes).
    from api.publications import access
    from api.publications.models import Publication, PublicationFile

    file = PublicationFile.objects.select_related("publication").filter(pk=record.target_id).first()
    return file is not None and access.effective_access(file.publication) == Publication.Access.PUBLIC


def audit_download(sender, instance, created, raw=False, **kwargs):
    if not created or raw or _anyone_may_read(instance):
        return
    from api.core.audit.services import audit_read  # services import the model, which imports this module

    audit_read(
        action="download",
        target_type=instance.target_type,
        target_id=instance.target_id,
        target_repr=instance.file_name,
        details={"file": instance.file_name, "size": instance.size},
    )


post_save.connect(audit_download, sender="core.DownloadRecord", dispatch_uid="audit-sensitive-reads")
