"""Django's PostgreSQL backend, with every wait for the server bounded (see config/db_waits.py).

In processes that serve requests, connections also ask the server to cancel statements after
DATABASE_STATEMENT_TIMEOUT and to end sessions idle in a transaction after
DATABASE_IDLE_IN_TRANSACTION_TIMEOUT; the worker's own deadline is a second longer, so a server that
is merely slow answers with its own error first.
"""

from contextlib import contextmanager

from django.conf import settings
from django.db import OperationalError
from django.db.backends.postgresql import base

from config import db_waits


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.execute_wrappers.append(self._execute_within_deadline)

    @property
    def query_seconds(self):
        return db_waits.limit(settings.DATABASE_STATEMENT_TIMEOUT + 1)

    @contextmanager
    def within(self, seconds):
        try:
            with db_waits.deadline(seconds):
                yield
        except db_waits.DeadlinePassed:
            # The connection is in an unknown state, mid-exchange: drop it (Django opens a new one next).
            self.close()
            raise OperationalError(f"The database did not answer within {seconds:g} seconds.") from None

    def _execute_within_deadline(self, execute, sql, params, many, context):
        with self.within(self.query_seconds):
            return execute(sql, params, many, context)

    def get_connection_params(self):
        params = super().get_connection_params()
        if db_waits.serving_requests:
            limits = (
                f"-c statement_timeout={int(settings.DATABASE_STATEMENT_TIMEOUT * 1000)} "
                f"-c idle_in_transaction_session_timeout={int(settings.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT * 1000)}"
            )
            params["options"] = f"{params['options']} {limits}" if params.get("options") else limits
        return params

    def connect(self):
        # Connecting includes libpq's handshake (bounded by connect_timeout), the pool's check of a
        # connection it hands out and the session set-up queries.
        with self.within(db_waits.limit(settings.DATABASE_CONNECT_TIMEOUT + self.query_seconds)):
            return super().connect()

    def is_usable(self):
        try:
            with self.within(db_waits.limit(settings.DATABASE_HEALTH_CHECK_TIMEOUT)):
                return super().is_usable()
        except OperationalError:
            return False

    def _commit(self):
        with self.within(self.query_seconds):
            return super()._commit()

    def _rollback(self):
        with self.within(self.query_seconds):
            return super()._rollback()

    def _set_autocommit(self, autocommit):
        with self.within(self.query_seconds):
            return super()._set_autocommit(autocommit)
