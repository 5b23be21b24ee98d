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


class MeSerializer(serializers.ModelSerializer[User]):
    memberships = MembershipSerializer(many=True, read_only=True)
    name = serializers.CharField(source="get_full_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "name", "email", "preferred_language", "memberships"]
        read_only_fields = fields
