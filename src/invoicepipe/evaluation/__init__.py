"""Evaluation of pipeline stages on labelled sets."""
