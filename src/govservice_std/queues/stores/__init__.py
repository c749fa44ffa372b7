"""Event stores for queues.

:class:`~govservice_std.queues.stores.memory.MemoryStore` and the durable
:class:`~govservice_std.queues.stores.sqlite.SQLiteStore`, both implementing
:class:`~govservice_std.queues.stores.base.EventStore`.
"""
