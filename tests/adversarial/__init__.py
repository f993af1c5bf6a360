"""Adversarial reproductions (issue 16): each test fails on the code before its fix."""
