from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.create_mcp_template_response import CreateMcpTemplateResponse
from ...models.mcp_template import McpTemplate
from ...models.status import Status
from ...types import Response


def _get_kwargs(
    namespace: str,
    *,
    body: McpTemplate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/namespaces/{namespace}/templates".format(
            namespace=quote(str(namespace), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CreateMcpTemplateResponse | Status:
    if response.status_code == 200:
        response_200 = CreateMcpTemplateResponse.from_dict(response.json())

        return response_200

    response_default = Status.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[CreateMcpTemplateResponse | Status]:
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
    body: McpTemplate,
) -> Response[CreateMcpTemplateResponse | Status]:
    """
    Args:
        namespace (str):
        body (McpTemplate): Everything needed to run an MCP server pod. Holds no pod state (see
            McpServer).
             Declared with `kind: McpTemplate`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreateMcpTemplateResponse | Status]
    """

    kwargs = _get_kwargs(
        namespace=namespace,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    namespace: str,
    *,
    client: AuthenticatedClient | Client,
    body: McpTemplate,
) -> CreateMcpTemplateResponse | Status | None:
    """
    Args:
        namespace (str):
        body (McpTemplate): Everything needed to run an MCP server pod. Holds no pod state (see
            McpServer).
             Declared with `kind: McpTemplate`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreateMcpTemplateResponse | Status
    """

    return sync_detailed(
        namespace=namespace,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    namespace: str,
    *,
    client: AuthenticatedClient | Client,
    body: McpTemplate,
) -> Response[CreateMcpTemplateResponse | Status]:
    """
    Args:
        namespace (str):
        body (McpTemplate): Everything needed to run an MCP server pod. Holds no pod state (see
            McpServer).
             Declared with `kind: McpTemplate`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreateMcpTemplateResponse | Status]
    """

    kwargs = _get_kwargs(
        namespace=namespace,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    namespace: str,
    *,
    client: AuthenticatedClient | Client,
    body: McpTemplate,
) -> CreateMcpTemplateResponse | Status | None:
    """
    Args:
        namespace (str):
        body (McpTemplate): Everything needed to run an MCP server pod. Holds no pod state (see
            McpServer).
             Declared with `kind: McpTemplate`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreateMcpTemplateResponse | Status
    """

    return (
        await asyncio_detailed(
            namespace=namespace,
            client=client,
            body=body,
        )
    ).parsed
