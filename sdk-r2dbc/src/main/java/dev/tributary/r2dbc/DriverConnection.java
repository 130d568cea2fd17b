package dev.tributary.r2dbc;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Wrapped;

/** The driver's own connection under any wrappers (a pool's {@code PooledConnection}): the object the pool holds. */
final class DriverConnection {

    private DriverConnection() {
    }

    static Connection of(Connection connection) {
        Connection target = connection;
        while (target instanceof Wrapped) {
            Object inner = ((Wrapped<?>) target).unwrap();
            if (!(inner instanceof Connection)) {
                break;
            }
            target = (Connection) inner;
        }
        return target;
    }
}
