"""The pure core: plain dataclasses in, plain dataclasses out. No I/O, no SQLAlchemy, no Redis."""
