from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.create_resource_limit_response import CreateResourceLimitResponse
from ...models.resource_limit_preset import ResourceLimitPreset
from ...models.status import Status
from ...types import Response


def _get_kwargs(
    *,
    body: ResourceLimitPreset,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/resource-limits",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CreateResourceLimitResponse | Status:
    if response.status_code == 200:
        response_200 = CreateResourceLimitResponse.from_dict(response.json())

        return response_200

    response_default = Status.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[CreateResourceLimitResponse | Status]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ResourceLimitPreset,
) -> Response[CreateResourceLimitResponse | Status]:
    """
    Args:
        body (ResourceLimitPreset): A cluster-level resource preset, like a cloud machine type
            ("n1-standard-nano").
             Declared with `kind: ResourceLimit`. Templates refer to it by name.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreateResourceLimitResponse | Status]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: ResourceLimitPreset,
) -> CreateResourceLimitResponse | Status | None:
    """
    Args:
        body (ResourceLimitPreset): A cluster-level resource preset, like a cloud machine type
            ("n1-standard-nano").
             Declared with `kind: ResourceLimit`. Templates refer to it by name.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreateResourceLimitResponse | Status
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ResourceLimitPreset,
) -> Response[CreateResourceLimitResponse | Status]:
    """
    Args:
        body (ResourceLimitPreset): A cluster-level resource preset, like a cloud machine type
            ("n1-standard-nano").
             Declared with `kind: ResourceLimit`. Templates refer to it by name.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreateResourceLimitResponse | Status]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: ResourceLimitPreset,
) -> CreateResourceLimitResponse | Status | None:
    """
    Args:
        body (ResourceLimitPreset): A cluster-level resource preset, like a cloud machine type
            ("n1-standard-nano").
             Declared with `kind: ResourceLimit`. Templates refer to it by name.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreateResourceLimitResponse | Status
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
