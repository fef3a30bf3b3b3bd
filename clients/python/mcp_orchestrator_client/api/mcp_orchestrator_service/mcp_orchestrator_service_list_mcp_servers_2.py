from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.list_mcp_servers_response import ListMcpServersResponse
from ...models.mcp_orchestrator_service_list_mcp_servers_2_label_selector import (
    McpOrchestratorServiceListMcpServers2LabelSelector,
)
from ...models.status import Status
from ...types import UNSET, Response, Unset


def _get_kwargs(
    namespace: str,
    *,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    template_name: str | Unset = UNSET,
    label_selector: McpOrchestratorServiceListMcpServers2LabelSelector | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["pageSize"] = page_size

    params["pageToken"] = page_token

    params["templateName"] = template_name

    json_label_selector: dict[str, Any] | Unset = UNSET
    if not isinstance(label_selector, Unset):
        json_label_selector = label_selector.to_dict()
    if not isinstance(json_label_selector, Unset):
        params.update(json_label_selector)

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/namespaces/{namespace}/servers".format(
            namespace=quote(str(namespace), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ListMcpServersResponse | Status:
    if response.status_code == 200:
        response_200 = ListMcpServersResponse.from_dict(response.json())

        return response_200

    response_default = Status.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ListMcpServersResponse | Status]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    namespace: str,
    *,
    client: AuthenticatedClient | Client,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    template_name: str | Unset = UNSET,
    label_selector: McpOrchestratorServiceListMcpServers2LabelSelector | Unset = UNSET,
) -> Response[ListMcpServersResponse | Status]:
    """
    Args:
        namespace (str):
        page_size (int | Unset):
        page_token (str | Unset):
        template_name (str | Unset):
        label_selector (McpOrchestratorServiceListMcpServers2LabelSelector | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ListMcpServersResponse | Status]
    """

    kwargs = _get_kwargs(
        namespace=namespace,
        page_size=page_size,
        page_token=page_token,
        template_name=template_name,
        label_selector=label_selector,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    namespace: str,
    *,
    client: AuthenticatedClient | Client,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    template_name: str | Unset = UNSET,
    label_selector: McpOrchestratorServiceListMcpServers2LabelSelector | Unset = UNSET,
) -> ListMcpServersResponse | Status | None:
    """
    Args:
        namespace (str):
        page_size (int | Unset):
        page_token (str | Unset):
        template_name (str | Unset):
        label_selector (McpOrchestratorServiceListMcpServers2LabelSelector | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ListMcpServersResponse | Status
    """

    return sync_detailed(
        namespace=namespace,
        client=client,
        page_size=page_size,
        page_token=page_token,
        template_name=template_name,
        label_selector=label_selector,
    ).parsed


async def asyncio_detailed(
    namespace: str,
    *,
    client: AuthenticatedClient | Client,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    template_name: str | Unset = UNSET,
    label_selector: McpOrchestratorServiceListMcpServers2LabelSelector | Unset = UNSET,
) -> Response[ListMcpServersResponse | Status]:
    """
    Args:
        namespace (str):
        page_size (int | Unset):
        page_token (str | Unset):
        template_name (str | Unset):
        label_selector (McpOrchestratorServiceListMcpServers2LabelSelector | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ListMcpServersResponse | Status]
    """

    kwargs = _get_kwargs(
        namespace=namespace,
        page_size=page_size,
        page_token=page_token,
        template_name=template_name,
        label_selector=label_selector,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    namespace: str,
    *,
    client: AuthenticatedClient | Client,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    template_name: str | Unset = UNSET,
    label_selector: McpOrchestratorServiceListMcpServers2LabelSelector | Unset = UNSET,
) -> ListMcpServersResponse | Status | None:
    """
    Args:
        namespace (str):
        page_size (int | Unset):
        page_token (str | Unset):
        template_name (str | Unset):
        label_selector (McpOrchestratorServiceListMcpServers2LabelSelector | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ListMcpServersResponse | Status
    """

    return (
        await asyncio_detailed(
            namespace=namespace,
            client=client,
            page_size=page_size,
            page_token=page_token,
            template_name=template_name,
            label_selector=label_selector,
        )
    ).parsed
