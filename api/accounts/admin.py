"""The Django admin for staff, writing through the same services as the API."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.db import models

from api.accounts import services
from api.accounts.models import Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "membership_tier", "active"]
    list_filter = ["kind", "membership_tier", "active"]
    search_fields = ["name", "short_name"]
    fields = ["name", "short_name", "kind", "membership_tier", "active", "website"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # Django 6's default, today

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in self.fields if name in form.cleaned_data}
        if change:
            services.organisation_update(organisation=obj, **data)
        else:
            created = services.organisation_create(**data)
            obj.pk = created.pk

    def delete_model(self, request, obj):
        services.organisation_delete(organisation=obj)


class PersonCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "given_name", "family_name", "role", "organisation", "title")


class PersonChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = ("email", "given_name", "family_name", "role", "organisation", "title", "is_active", "password")


@admin.register(User)
class PersonAdmin(UserAdmin):
    form = PersonChangeForm
    add_form = PersonCreationForm
    list_display = ["email", "given_name", "family_name", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active", "is_company_admin", "is_recruiter", "organisation__kind"]
    search_fields = ["email", "given_name", "family_name"]
    ordering = ["family_name", "given_name", "id"]
    filter_horizontal = []
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            "Person",
            {
                "fields": [
                    "given_name",
                    "family_name",
                    "title",
                    "role",
                    "organisation",
                    "is_company_admin",
                    "is_recruiter",
                    "is_active",
                ]
            },
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email",
                    "given_name",
                    "family_name",
                    "role",
                    "organisation",
                    "title",
                    "password1",
                    "password2",
                ],
            },
        ),
    ]
    readonly_fields = ["last_login", "date_joined"]

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in services.PERSON_FIELDS if name in form.cleaned_data}
        if change:
            services.person_update(person=obj, **data)
        else:
            created = services.person_create(password=form.cleaned_data.get("password1"), **data)
            obj.pk = created.pk
