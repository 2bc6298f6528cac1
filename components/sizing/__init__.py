"""Seed hardware table, SKU capabilities, presets and the conformance check between them."""
