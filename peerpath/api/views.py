from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from peerpath.accounts.models import Membership, Organization, User
from peerpath.api.serializers import ErrorSerializer, MeSerializer, OrganizationSerializer
from peerpath.core import policy

NOT_SIGNED_IN = {403: ErrorSerializer}
NOT_FOUND = {404: ErrorSerializer}


@extend_schema(responses={200: MeSerializer, **NOT_SIGNED_IN})
class MeView(APIView):
    """The signed-in person and their roles."""

    serializer_class = MeSerializer

    def get(self, request: Request) -> Response:
        user = User.objects.prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.active().select_related("organization"),
            )
        ).get(pk=request.user.pk)
        return Response(MeSerializer(user).data)


@extend_schema_view(
    # A page number past the last page answers 404 too.
    list=extend_schema(responses={200: OrganizationSerializer(many=True), **NOT_SIGNED_IN, **NOT_FOUND}),
    retrieve=extend_schema(responses={200: OrganizationSerializer, **NOT_SIGNED_IN, **NOT_FOUND}),
)
class OrganizationViewSet(viewsets.ReadOnlyModelViewSet[Organization]):
    """Organizations the caller belongs to or works in. Another organization's id answers 404."""

    serializer_class = OrganizationSerializer
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[Organization]:
        return policy.scope(self.request.user, Organization.objects.select_related("parent"), "view")
