"""The base viewset every domain declares its resources with.

A domain viewset names its selector, serializers and services; this class wires them: input is
validated by `write_serializer_class`, the write goes through a service (which validates again,
audits and runs in a transaction) and the response uses `read_serializer_class`.
"""

from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

WRITE_ACTIONS = {"create", "update", "partial_update"}


class ServiceViewSet(viewsets.GenericViewSet):
    read_serializer_class = None
    write_serializer_class = None
    # Services take keyword arguments only (HackSoft style); `instance_kwarg` names the object.
    create_service = None  # staticmethod(**validated_data) -> instance
    update_service = None  # staticmethod(<instance_kwarg>=instance, **validated_data) -> instance
    delete_service = None  # staticmethod(<instance_kwarg>=instance) -> None
    instance_kwarg = "instance"

    def get_serializer_class(self):
        if self.action in WRITE_ACTIONS and self.write_serializer_class is not None:
            return self.write_serializer_class
        return self.read_serializer_class

    def read_response(self, instance, status_code=status.HTTP_200_OK) -> Response:
        serializer = self.read_serializer_class(instance, context=self.get_serializer_context())
        return Response(serializer.data, status=status_code)


class ServiceCreateMixin:
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = type(self).create_service(**serializer.validated_data)
        return self.read_response(instance, status.HTTP_201_CREATED)


class ServiceUpdateMixin:
    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        instance = type(self).update_service(**{self.instance_kwarg: instance}, **serializer.validated_data)
        return self.read_response(instance)

    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)


class ServiceDestroyMixin:
    def destroy(self, request, *args, **kwargs):
        type(self).delete_service(**{self.instance_kwarg: self.get_object()})
        return Response(status=status.HTTP_204_NO_CONTENT)


class ServiceModelViewSet(
    ServiceCreateMixin,
    mixins.RetrieveModelMixin,
    ServiceUpdateMixin,
    ServiceDestroyMixin,
    mixins.ListModelMixin,
    ServiceViewSet,
):
    """List, retrieve, create, update and delete, every write through a service."""
