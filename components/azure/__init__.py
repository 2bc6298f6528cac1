"""Azure data plane (pulumi-azure-native): one ComponentResource per tier, wired by ``data_plane``."""
