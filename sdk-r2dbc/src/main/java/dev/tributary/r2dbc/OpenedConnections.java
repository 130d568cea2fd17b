package dev.tributary.r2dbc;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.Wrapped;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/** The driver's factory, counting the connections it opens ({@link ResilienceCounters#connectionsOpened}). */
final class OpenedConnections implements ConnectionFactory, Wrapped<ConnectionFactory> {

    private final ConnectionFactory delegate;
    private final ResilienceCounters counters;

    OpenedConnections(ConnectionFactory delegate, ResilienceCounters counters) {
        this.delegate = delegate;
        this.counters = counters;
    }

    @Override
    public Publisher<? extends Connection> create() {
        return Mono.from(this.delegate.create()).doOnNext(connection -> this.counters.connectionOpened());
    }

    @Override
    public ConnectionFactoryMetadata getMetadata() {
        return this.delegate.getMetadata();
    }

    @Override
    public ConnectionFactory unwrap() {
        return this.delegate;
    }

    @Override
    public String toString() {
        return this.delegate.toString();
    }
}
