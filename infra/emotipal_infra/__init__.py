"""Emotipal's infrastructure: one CDK stack per deployment stage (dev, prod)."""
