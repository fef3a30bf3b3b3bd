from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.list_resource_limits_response import ListResourceLimitsResponse
from ...models.mcp_orchestrator_service_list_resource_limits_label_selector import (
    McpOrchestratorServiceListResourceLimitsLabelSelector,
)
from ...models.status import Status
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    label_selector: McpOrchestratorServiceListResourceLimitsLabelSelector | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["pageSize"] = page_size

    params["pageToken"] = page_token

    json_label_selector: dict[str, Any] | Unset = UNSET
    if not isinstance(label_selector, Unset):
        json_label_selector = label_selector.to_dict()
    if not isinstance(json_label_selector, Unset):
        params.update(json_label_selector)

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/resource-limits",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ListResourceLimitsResponse | Status:
    if response.status_code == 200:
        response_200 = ListResourceLimitsResponse.from_dict(response.json())

        return response_200

    response_default = Status.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ListResourceLimitsResponse | Status]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    label_selector: McpOrchestratorServiceListResourceLimitsLabelSelector | Unset = UNSET,
) -> Response[ListResourceLimitsResponse | Status]:
    """
    Args:
        page_size (int | Unset):
        page_token (str | Unset):
        label_selector (McpOrchestratorServiceListResourceLimitsLabelSelector | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ListResourceLimitsResponse | Status]
    """

    kwargs = _get_kwargs(
        page_size=page_size,
        page_token=page_token,
        label_selector=label_selector,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    label_selector: McpOrchestratorServiceListResourceLimitsLabelSelector | Unset = UNSET,
) -> ListResourceLimitsResponse | Status | None:
    """
    Args:
        page_size (int | Unset):
        page_token (str | Unset):
        label_selector (McpOrchestratorServiceListResourceLimitsLabelSelector | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ListResourceLimitsResponse | Status
    """

    return sync_detailed(
        client=client,
        page_size=page_size,
        page_token=page_token,
        label_selector=label_selector,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    label_selector: McpOrchestratorServiceListResourceLimitsLabelSelector | Unset = UNSET,
) -> Response[ListResourceLimitsResponse | Status]:
    """
    Args:
        page_size (int | Unset):
        page_token (str | Unset):
        label_selector (McpOrchestratorServiceListResourceLimitsLabelSelector | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ListResourceLimitsResponse | Status]
    """

    kwargs = _get_kwargs(
        page_size=page_size,
        page_token=page_token,
        label_selector=label_selector,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    label_selector: McpOrchestratorServiceListResourceLimitsLabelSelector | Unset = UNSET,
) -> ListResourceLimitsResponse | Status | None:
    """
    Args:
        page_size (int | Unset):
        page_token (str | Unset):
        label_selector (McpOrchestratorServiceListResourceLimitsLabelSelector | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ListResourceLimitsResponse | Status
    """

    return (
        await asyncio_detailed(
            client=client,
            page_size=page_size,
            page_token=page_token,
            label_selector=label_selector,
        )
    ).parsed
