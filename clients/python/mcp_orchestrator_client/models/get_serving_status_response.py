from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.diagnostics import Diagnostics


T = TypeVar("T", bound="GetServingStatusResponse")


@_attrs_define
class GetServingStatusResponse:
    """
    Attributes:
        commit (str | Unset): Full SHA of the commit answers come from; empty while none has loaded.
        commit_time (str | Unset): Committer time of that commit, Unix seconds; 0 while none has loaded.
        newest_commit_errors (Diagnostics | Unset): What gRPC error details carry (google.rpc.Status.details, sent in
            the
             grpc-status-details-bin trailer, as an Any of type
             type.googleapis.com/mcp.orchestrator.v1.Diagnostics) when a call fails
             because of a commit's declarations, e.g. UNAVAILABLE while the newest
             commit is invalid and no valid commit has loaded yet.
        source_error (str | Unset): Why the followed branch cannot be read now (a fetch timed out, the remote
             is unreachable, the credential was refused); empty while it can. Answers
             come from the last commit read.
    """

    commit: str | Unset = UNSET
    commit_time: str | Unset = UNSET
    newest_commit_errors: Diagnostics | Unset = UNSET
    source_error: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        commit = self.commit

        commit_time = self.commit_time

        newest_commit_errors: dict[str, Any] | Unset = UNSET
        if not isinstance(self.newest_commit_errors, Unset):
            newest_commit_errors = self.newest_commit_errors.to_dict()

        source_error = self.source_error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if commit is not UNSET:
            field_dict["commit"] = commit
        if commit_time is not UNSET:
            field_dict["commitTime"] = commit_time
        if newest_commit_errors is not UNSET:
            field_dict["newestCommitErrors"] = newest_commit_errors
        if source_error is not UNSET:
            field_dict["sourceError"] = source_error

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.diagnostics import Diagnostics  # noqa: PLC0415

        d = dict(src_dict)
        commit = d.pop("commit", UNSET)

        commit_time = d.pop("commitTime", UNSET)

        _newest_commit_errors = d.pop("newestCommitErrors", UNSET)
        newest_commit_errors: Diagnostics | Unset
        if isinstance(_newest_commit_errors, Unset):
            newest_commit_errors = UNSET
        else:
            newest_commit_errors = Diagnostics.from_dict(_newest_commit_errors)

        source_error = d.pop("sourceError", UNSET)

        get_serving_status_response = cls(
            commit=commit,
            commit_time=commit_time,
            newest_commit_errors=newest_commit_errors,
            source_error=source_error,
        )

        get_serving_status_response.additional_properties = d
        return get_serving_status_response

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
