"""The read-replica router, installed by settings when DATABASE_REPLICA_URL is set.

Writes, migrations, reads inside a transaction and a request's reads after its own write go to the
primary ("default"); other reads go to the replica ("replica"); reporting code may always read from the
replica (api.core.replica.replica_reads). Without a replica alias the router has no opinion.
"""

from django.db import DEFAULT_DB_ALIAS, connections

from api.core import replica

ALIASES = {DEFAULT_DB_ALIAS, replica.REPLICA}


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not replica.configured():
            return None
        if replica.reads_forced_to_replica():
            return replica.REPLICA
        # Inside atomic() a read must see the transaction's own rows, which only the primary has.
        if replica.wrote() or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return replica.REPLICA

    def db_for_write(self, model, **hints):
        # Also asked for select_for_update() and get_or_create(): both belong on the primary.
        replica.note_write()
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # One database seen twice: a row read from the replica may be linked to one on the primary.
        if {obj1._state.db, obj2._state.db} <= ALIASES:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica copies the primary's schema; migrating it would be refused, or worse.
        return False if db == replica.REPLICA else None
