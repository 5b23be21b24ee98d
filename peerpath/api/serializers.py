from typing import Any

from rest_framework import serializers

from peerpath.accounts.models import Membership, Organization, User


class OrganizationSerializer(serializers.ModelSerializer[Organization]):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Organization
        fields = ["id", "name", "slug", "kind", "parent", "timezone"]
        read_only_fields = fields


class MembershipSerializer(serializers.ModelSerializer[Membership]):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Membership
        fields = ["organization", "role", "grade"]
        read_only_fields = fields


class OptionalChoiceField(serializers.ChoiceField):
    """A choice the person may not have made: stored as "", answered as null (the schema's enum has no "")."""

    def to_representation(self, value: Any) -> Any:
        return super().to_representation(value) if value else None


class ErrorSerializer(serializers.Serializer[None]):
    """The body of an error answer (403 without a session, 404 for anything the caller may not see)."""

    detail = serializers.CharField(read_only=True)


class MeSerializer(serializers.ModelSerializer[User]):
    memberships = MembershipSerializer(many=True, read_only=True)
    name = serializers.CharField(source="get_full_name", read_only=True)
    preferred_language = OptionalChoiceField(
        choices=User.Language.choices,
        allow_null=True,
        read_only=True,
        help_text="The language the person chose for pages and e-mails; null when none was chosen.",
    )

    class Meta:
        model = User
        fields = ["id", "username", "name", "email", "preferred_language", "memberships"]
        read_only_fields = fields
