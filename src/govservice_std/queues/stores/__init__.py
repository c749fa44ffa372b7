"""Event stores for queues.

:class:`~govservice_std.queues.stores.memory.MemoryStore`, the durable
:class:`~govservice_std.queues.stores.sqlite.SQLiteStore` for one hall, and the shared
:class:`~govservice_std.queues.stores.postgres.PostgresStore` for a county, all
implementing :class:`~govservice_std.queues.stores.base.EventStore`.
"""
