from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.accounts.models import Organisation, User
from api.accounts.selectors import can_see_email


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "short_name",
            "kind",
            "membership_tier",
            "active",
            "website",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]


class OrganisationBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "short_name", "kind"]
        read_only_fields = fields


class PersonSerializer(serializers.ModelSerializer):
    """A person as others see them: the email only where the viewer may see it."""

    organisation = OrganisationBriefSerializer(read_only=True, allow_null=True)
    full_name = serializers.CharField(read_only=True)
    email = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "given_name",
            "family_name",
            "full_name",
            "email",
            "role",
            "title",
            "organisation",
            "is_company_admin",
            "is_recruiter",
            "is_active",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.EmailField(allow_null=True))
    def get_email(self, person) -> str | None:
        viewer = self.context["request"].user if "request" in self.context else None
        return person.email if can_see_email(viewer=viewer, person=person) else None


class PersonWriteSerializer(serializers.ModelSerializer):
    """What staff may set on a person; the password is write-only and optional."""

    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), allow_null=True, required=False
    )
    password = serializers.CharField(
        write_only=True, required=False, allow_blank=False, style={"input_type": "password"}
    )

    class Meta:
        model = User
        fields = [
            "email",
            "given_name",
            "family_name",
            "role",
            "title",
            "organisation",
            "is_company_admin",
            "is_recruiter",
            "is_active",
            "password",
        ]
        extra_kwargs = {"email": {"validators": []}}  # uniqueness is checked by the service, case-insensitively


class MeSerializer(serializers.ModelSerializer):
    """The signed-in caller, with how they are signed in."""

    organisation = OrganisationSerializer(read_only=True, allow_null=True)
    full_name = serializers.CharField(read_only=True)
    is_staff = serializers.BooleanField(read_only=True)
    auth = serializers.SerializerMethodField()
    token_scopes = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "given_name",
            "family_name",
            "full_name",
            "role",
            "title",
            "organisation",
            "is_staff",
            "is_company_admin",
            "is_recruiter",
            "auth",
            "token_scopes",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=["session", "token"]))
    def get_auth(self, user) -> str:
        token = self.context.get("token")
        return "token" if token is not None else "session"

    @extend_schema_field(serializers.ListField(child=serializers.CharField(), allow_null=True))
    def get_token_scopes(self, user) -> list[str] | None:
        token = self.context.get("token")
        return token.scope_list if token is not None else None


class LoginSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class MeUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["given_name", "family_name", "title"]


class PasswordChangeSerializer(serializers.Serializer):
    current_password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    new_password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)

    def validate_new_password(self, value):
        try:
            validate_password(value, self.context.get("user"))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return value


class PersonBriefSerializer(serializers.ModelSerializer):
    """A name for lists of people elsewhere (task teams, authors); never an email."""

    full_name = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "given_name", "family_name", "full_name"]
        read_only_fields = fields
