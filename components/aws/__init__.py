"""AWS data plane: one ComponentResource per tier."""
