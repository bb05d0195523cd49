from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.accounts.models import User
from api.publications.access import effective_access
from api.publications.models import Author, Publication, PublicationFile
from api.research.models import ResearchTask


class AuthorSerializer(serializers.ModelSerializer):
    person = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Author
        fields = ["position", "name", "person", "orcid"]
        read_only_fields = fields


class AuthorWriteSerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    orcid = serializers.CharField(max_length=40, required=False, allow_blank=True)


class FileSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = PublicationFile
        fields = ["id", "original_name", "content_type", "size", "sha256", "uploaded_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, file) -> str:
        return f"/api/v1/publications/{file.publication_id}/files/{file.id}/download/"


class LinkedTaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResearchTask
        fields = ["id", "number", "title"]
        read_only_fields = fields


class PublicationSerializer(serializers.ModelSerializer):
    """A publication as its reader sees it: `effective_access` is the level in force today
    (an embargo raises `public` to `members` until its date, then makes anything public)."""

    authors = AuthorSerializer(many=True, read_only=True)
    files = FileSerializer(many=True, read_only=True)
    tasks = LinkedTaskSerializer(many=True, read_only=True)
    keywords = serializers.ListField(source="keyword_list", child=serializers.CharField(), read_only=True)
    effective_access = serializers.SerializerMethodField()
    doi_url = serializers.SerializerMethodField()

    class Meta:
        model = Publication
        fields = [
            "id", "title", "kind", "abstract", "year", "published_on", "doi", "doi_url", "keywords", "venue",
            "authors", "tasks", "access", "embargo_until", "embargo_reason", "effective_access", "files",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=Publication.Access.choices))
    def get_effective_access(self, publication) -> str:
        return effective_access(publication)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_doi_url(self, publication) -> str | None:
        return f"https://doi.org/{publication.doi}" if publication.doi else None


class PublicationWriteSerializer(serializers.ModelSerializer):
    authors = AuthorWriteSerializer(many=True, required=False)
    tasks = serializers.PrimaryKeyRelatedField(queryset=ResearchTask.objects.all(), many=True, required=False)
    keywords = serializers.ListField(child=serializers.CharField(max_length=200), required=False, max_length=100)
    doi = serializers.CharField(max_length=300, required=False, allow_blank=True, allow_null=True)
    year = serializers.IntegerField(min_value=1900, max_value=2100)

    class Meta:
        model = Publication
        fields = [
            "title", "kind", "abstract", "year", "published_on", "doi", "keywords", "venue", "authors", "tasks",
            "access", "embargo_until", "embargo_reason",
        ]  # fmt: skip


class FileUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A PDF (or PNG, JPEG, ZIP-based office document), checked by content.")
