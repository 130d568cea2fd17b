package dev.tributary.http.polling;

import reactor.core.publisher.Flux;

/** The polling flow of a {@link JobPoller}. */
final class JobPolling {

    private JobPolling() {
    }

    static <S> Flux<S> progress(JobPoller<S> poller) {
        return Flux.error(new UnsupportedOperationException("not yet"));
    }
}
