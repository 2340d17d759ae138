"""invoicepipe: an accounts-payable invoice pipeline."""

__version__ = "0.1.0"
