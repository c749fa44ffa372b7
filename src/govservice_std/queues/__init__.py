"""Queues: ticketing, calling and windows on a durable journal of events.

* :mod:`~govservice_std.queues.policy` — business lines, priority groups and the calling
  rules, resolved per locality from each layer's ``queue.toml``;
* :mod:`~govservice_std.queues.events` — the events a queue is made of;
* :mod:`~govservice_std.queues.state` — the state, a fold of the events;
* :mod:`~govservice_std.queues.engine` — commands checked against the state;
* :mod:`~govservice_std.queues.stores` — in-memory, SQLite and PostgreSQL event stores;
* :mod:`~govservice_std.queues.hooks` — delivery of events to integration plugins;
* :mod:`~govservice_std.queues.kpis` — waiting and service KPIs from the record.

The main names are re-exported by :mod:`govservice_std`.
"""
