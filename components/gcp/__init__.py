"""The GCP data plane: one ComponentResource per tier (braintrust:gcp:<Tier>), wired by data_plane.py."""
