"""The database adapter: engine, tables, repositories, migrations."""
