package dev.tributary.emulator.bitbucket;

import org.reactivestreams.Publisher;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import java.util.function.Supplier;

/** The HTTP side. (Being filled in.) */
final class BitbucketApi {

    BitbucketApi(Store store, Credentials credentials, TestControls controls, Supplier<String> origin) {
    }

    Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
        return response.status(404).send();
    }
}
