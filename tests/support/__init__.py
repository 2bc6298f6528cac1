"""Shared test support: mocked engine, fakes, stack builders."""
