from enum import StrEnum


class McpTemplateTransport(StrEnum):
    TRANSPORT_SSE = "TRANSPORT_SSE"
    TRANSPORT_STDIO = "TRANSPORT_STDIO"
    TRANSPORT_STREAMABLE_HTTP = "TRANSPORT_STREAMABLE_HTTP"
    TRANSPORT_UNSPECIFIED = "TRANSPORT_UNSPECIFIED"

    def __str__(self) -> str:
        return str(self.value)
