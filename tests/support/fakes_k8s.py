"""Kubernetes fakes (the Helm chart is an opaque remote component under mocks)."""

from __future__ import annotations
