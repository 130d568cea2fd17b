package dev.tributary.r2dbc.copy;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ClickHouseExportTest {

    private static String jsonArray(Flux<ByteBuffer> body) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ClickHouseExport.jsonArray(body).doOnNext(b -> {
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            out.writeBytes(bytes);
        }).blockLast();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Flux<ByteBuffer> byteByByte(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return Flux.range(0, bytes.length).map(i -> ByteBuffer.wrap(bytes, i, 1).slice());
    }

    @Test
    void turnsJsonEachRowIntoTheExportsJsonArrayWhereverTheChunksSplit() {
        String body = "{\"a\":1,\"s\":\"x\\ny\"}\n{\"a\":2,\"s\":\"\u00e6\"}\n";
        String expected = "[\n{\"a\":1,\"s\":\"x\\ny\"},\n{\"a\":2,\"s\":\"\u00e6\"}\n]\n";
        assertThat(jsonArray(Flux.just(ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8))))).isEqualTo(expected);
        assertThat(jsonArray(byteByByte(body))).isEqualTo(expected);
    }

    @Test
    void writesAnEmptyArrayForNoRows() {
        assertThat(jsonArray(Flux.empty())).isEqualTo("[\n]\n");
    }
}
