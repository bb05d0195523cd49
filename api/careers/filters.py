"""The profile search's filters; resume books reuse them, so a book holds what the search shows."""

import django_filters
from django import forms
from django.db.models import Q
from drf_spectacular.utils import extend_schema_field

from api.careers.models import Degree, ProfileSkill, Skill, StudentProfile
from api.careers.services import skill_key
from api.core.filters import IdFilter, WaferFilterSet

MAX_FILTER_SKILLS = 10


class MonthField(forms.DateField):
    input_formats = ["%Y-%m"]
    default_error_messages = {"invalid": "Give a month as YYYY-MM."}


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$", "example": "2027-06"})
class MonthFilter(django_filters.DateFilter):
    field_class = MonthField


class SkillListField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return []
        keys = list(dict.fromkeys(key for key in (skill_key(part) for part in value.split(",")) if key))
        if len(keys) > MAX_FILTER_SKILLS:
            raise forms.ValidationError(f"At most {MAX_FILTER_SKILLS} skills.")
        return keys


@extend_schema_field({"type": "string", "example": "python,verilog"})
class SkillListFilter(django_filters.CharFilter):
    field_class = SkillListField


def _with_skills(keys) -> Q:
    skills = Skill.objects.filter(key__in=keys).values("pk")
    return Q(pk__in=ProfileSkill.objects.filter(skill__in=skills).values("profile_id"))


def search(queryset, words: str):
    """`q`: every word appears in the name, field, summary, research interests or a skill."""
    for word in words.split()[:8]:
        by_skill = _with_skills(Skill.objects.filter(key__icontains=word.lower()).values("key"))
        queryset = queryset.filter(
            Q(user__given_name__icontains=word)
            | Q(user__family_name__icontains=word)
            | Q(field__icontains=word)
            | Q(summary__icontains=word)
            | Q(research_interests__icontains=word)
            | by_skill
        )
    return queryset


class ProfileFilter(WaferFilterSet):
    degree = django_filters.MultipleChoiceFilter(choices=Degree.choices, label="Degree (repeat for several)")
    graduation_from = MonthFilter(
        field_name="expected_graduation", lookup_expr="gte", label="Graduating in or after this month (YYYY-MM)"
    )
    graduation_to = MonthFilter(
        field_name="expected_graduation", lookup_expr="lte", label="Graduating in or before this month (YYYY-MM)"
    )
    skills_any = SkillListFilter(method="filter_skills_any", label="Has any of these skills (comma-separated)")
    skills_all = SkillListFilter(method="filter_skills_all", label="Has all of these skills (comma-separated)")
    university = IdFilter(field_name="user__organisation", label="At this university (organisation id)")
    field = django_filters.CharFilter(field_name="field", lookup_expr="icontains", label="Field of study contains")
    q = django_filters.CharFilter(method="filter_q", label="Words in name, field, summary, interests or skills")

    class Meta:
        model = StudentProfile
        fields = []

    def filter_skills_any(self, queryset, name, keys):
        return queryset.filter(_with_skills(keys)) if keys else queryset

    def filter_skills_all(self, queryset, name, keys):
        for key in keys:
            queryset = queryset.filter(_with_skills([key]))
        return queryset

    def filter_q(self, queryset, name, value):
        return search(queryset, value)


FILTER_NAMES = tuple(ProfileFilter.base_filters)
