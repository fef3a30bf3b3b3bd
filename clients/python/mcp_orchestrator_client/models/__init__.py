"""Contains all the data models used in inputs/outputs"""

from .create_mcp_template_response import CreateMcpTemplateResponse
from .create_namespace_response import CreateNamespaceResponse
from .create_resource_limit_response import CreateResourceLimitResponse
from .create_secret_request import CreateSecretRequest
from .create_secret_request_data import CreateSecretRequestData
from .create_secret_request_labels import CreateSecretRequestLabels
from .create_secret_request_type import CreateSecretRequestType
from .create_secret_response import CreateSecretResponse
from .delete_mcp_template_response import DeleteMcpTemplateResponse
from .delete_namespace_response import DeleteNamespaceResponse
from .delete_resource_limit_response import DeleteResourceLimitResponse
from .delete_secret_response import DeleteSecretResponse
from .diagnostic import Diagnostic
from .diagnostics import Diagnostics
from .empty_dir_volume import EmptyDirVolume
from .env_var import EnvVar
from .get_mcp_server_response import GetMcpServerResponse
from .get_mcp_template_response import GetMcpTemplateResponse
from .get_namespace_response import GetNamespaceResponse
from .get_resource_limit_response import GetResourceLimitResponse
from .get_secret_response import GetSecretResponse
from .get_serving_status_response import GetServingStatusResponse
from .google_protobuf_any import GoogleProtobufAny
from .list_mcp_servers_response import ListMcpServersResponse
from .list_mcp_templates_response import ListMcpTemplatesResponse
from .list_namespaces_response import ListNamespacesResponse
from .list_resource_limits_response import ListResourceLimitsResponse
from .list_secrets_response import ListSecretsResponse
from .mcp_orchestrator_service_list_mcp_servers_2_label_selector import (
    McpOrchestratorServiceListMcpServers2LabelSelector,
)
from .mcp_orchestrator_service_list_mcp_servers_label_selector import McpOrchestratorServiceListMcpServersLabelSelector
from .mcp_orchestrator_service_list_mcp_templates_2_label_selector import (
    McpOrchestratorServiceListMcpTemplates2LabelSelector,
)
from .mcp_orchestrator_service_list_mcp_templates_label_selector import (
    McpOrchestratorServiceListMcpTemplatesLabelSelector,
)
from .mcp_orchestrator_service_list_namespaces_label_selector import McpOrchestratorServiceListNamespacesLabelSelector
from .mcp_orchestrator_service_list_resource_limits_label_selector import (
    McpOrchestratorServiceListResourceLimitsLabelSelector,
)
from .mcp_orchestrator_service_list_secrets_2_label_selector import McpOrchestratorServiceListSecrets2LabelSelector
from .mcp_orchestrator_service_list_secrets_label_selector import McpOrchestratorServiceListSecretsLabelSelector
from .mcp_server import McpServer
from .mcp_server_labels import McpServerLabels
from .mcp_template import McpTemplate
from .mcp_template_labels import McpTemplateLabels
from .mcp_template_transport import McpTemplateTransport
from .namespace import Namespace
from .namespace_labels import NamespaceLabels
from .resource_limit import ResourceLimit
from .resource_limit_preset import ResourceLimitPreset
from .resource_limit_preset_labels import ResourceLimitPresetLabels
from .resource_requirements import ResourceRequirements
from .sealed_data import SealedData
from .sealed_data_encrypted_data import SealedDataEncryptedData
from .sealed_data_scope import SealedDataScope
from .secret import Secret
from .secret_key_ref import SecretKeyRef
from .secret_labels import SecretLabels
from .secret_type import SecretType
from .status import Status
from .update_secret_request import UpdateSecretRequest
from .update_secret_request_data import UpdateSecretRequestData
from .update_secret_request_strategy import UpdateSecretRequestStrategy
from .update_secret_response import UpdateSecretResponse
from .volume import Volume

__all__ = (
    "CreateMcpTemplateResponse",
    "CreateNamespaceResponse",
    "CreateResourceLimitResponse",
    "CreateSecretRequest",
    "CreateSecretRequestData",
    "CreateSecretRequestLabels",
    "CreateSecretRequestType",
    "CreateSecretResponse",
    "DeleteMcpTemplateResponse",
    "DeleteNamespaceResponse",
    "DeleteResourceLimitResponse",
    "DeleteSecretResponse",
    "Diagnostic",
    "Diagnostics",
    "EmptyDirVolume",
    "EnvVar",
    "GetMcpServerResponse",
    "GetMcpTemplateResponse",
    "GetNamespaceResponse",
    "GetResourceLimitResponse",
    "GetSecretResponse",
    "GetServingStatusResponse",
    "GoogleProtobufAny",
    "ListMcpServersResponse",
    "ListMcpTemplatesResponse",
    "ListNamespacesResponse",
    "ListResourceLimitsResponse",
    "ListSecretsResponse",
    "McpOrchestratorServiceListMcpServers2LabelSelector",
    "McpOrchestratorServiceListMcpServersLabelSelector",
    "McpOrchestratorServiceListMcpTemplates2LabelSelector",
    "McpOrchestratorServiceListMcpTemplatesLabelSelector",
    "McpOrchestratorServiceListNamespacesLabelSelector",
    "McpOrchestratorServiceListResourceLimitsLabelSelector",
    "McpOrchestratorServiceListSecrets2LabelSelector",
    "McpOrchestratorServiceListSecretsLabelSelector",
    "McpServer",
    "McpServerLabels",
    "McpTemplate",
    "McpTemplateLabels",
    "McpTemplateTransport",
    "Namespace",
    "NamespaceLabels",
    "ResourceLimit",
    "ResourceLimitPreset",
    "ResourceLimitPresetLabels",
    "ResourceRequirements",
    "SealedData",
    "SealedDataEncryptedData",
    "SealedDataScope",
    "Secret",
    "SecretKeyRef",
    "SecretLabels",
    "SecretType",
    "Status",
    "UpdateSecretRequest",
    "UpdateSecretRequestData",
    "UpdateSecretRequestStrategy",
    "UpdateSecretResponse",
    "Volume",
)
