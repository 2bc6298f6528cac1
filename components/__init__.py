"""Braintrust data plane components: configuration, sizing and one ComponentResource per tier."""
