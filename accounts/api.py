from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.services import auth_token_issue, auth_tokens_revoke


class AuthTokenApi(APIView):
    """Mobile apps exchange email and password for a token, and revoke it on sign-out."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth_token"

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField(max_length=254)
        password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [IsAuthenticated()]
        return [AllowAny()]

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer})
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = auth_token_issue(request=request._request, **serializer.validated_data)
        return Response(self.OutputSerializer({"token": token.key}).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        auth_tokens_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
