"""Braintrust services on Kubernetes: the official Helm chart plus what it lacks (Secret, PDBs, exposure)."""
