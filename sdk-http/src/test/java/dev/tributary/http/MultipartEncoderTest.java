package dev.tributary.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.multipart.Attribute;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.HttpPostMultipartRequestDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MultipartEncoderTest {

    private static byte[] bytes(MultipartEncoder.Encoded encoded) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        encoded.content.doOnNext(chunk -> {
            byte[] b = new byte[chunk.readableBytes()];
            chunk.readBytes(b);
            out.write(b, 0, b.length);
        }).doOnNext(ByteBuf::release).blockLast(Duration.ofSeconds(10));
        return out.toByteArray();
    }

    @Test
    void writesRfc7578PartsWithTheAnnouncedLength(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("tiny.csv");
        Files.writeString(file, "a,b\n1,2\n");
        MultipartBody body = MultipartBody.builder().boundary("XyZ")
                .field("table_name", "cities")
                .field("note", "naïve \"quoted\"")
                .file("file", file, "text/csv")
                .file("raw", "we\"ird\r\n.bin", new byte[]{0, 1, 2}, null)
                .build();
        MultipartEncoder.Encoded encoded = MultipartEncoder.encode(body).block(Duration.ofSeconds(10));
        byte[] bytes = bytes(encoded);
        assertThat((long) bytes.length).isEqualTo(encoded.length);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        assertThat(text).isEqualTo(new String(("--XyZ\r\n"
                + "Content-Disposition: form-data; name=\"table_name\"\r\n\r\n"
                + "cities\r\n"
                + "--XyZ\r\n"
                + "Content-Disposition: form-data; name=\"note\"\r\n\r\n"
                + "naïve \"quoted\"\r\n"
                + "--XyZ\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"tiny.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\n"
                + "a,b\n1,2\n\r\n"
                + "--XyZ\r\n"
                + "Content-Disposition: form-data; name=\"raw\"; filename=\"we%22ird%0D%0A.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n"
                + "\u0000\u0001\u0002\r\n"
                + "--XyZ--\r\n").getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
        assertThat(body.getContentType()).isEqualTo("multipart/form-data; boundary=XyZ");
    }

    @Test
    void nettysOwnMultipartDecoderReadsTheBody(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("cities.csv");
        byte[] content = "name,lat,lng\nVila,42.53176,1.56654\nSant Julià de Lòria,42.46372,1.49129\n".getBytes(StandardCharsets.UTF_8);
        Files.write(file, content);
        MultipartBody body = MultipartBody.builder()
                .field("table_name", "cities")
                .field("infer_header", "first_row")
                .file("file", file, "text/csv")
                .build();
        MultipartEncoder.Encoded encoded = MultipartEncoder.encode(body).block(Duration.ofSeconds(10));
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/import",
                Unpooled.wrappedBuffer(bytes(encoded)));
        request.headers().set("Content-Type", body.getContentType()).set("Content-Length", encoded.length);
        HttpPostMultipartRequestDecoder decoder = new HttpPostMultipartRequestDecoder(new DefaultHttpDataFactory(false), request);
        try {
            assertThat(((Attribute) decoder.getBodyHttpData("table_name")).getValue()).isEqualTo("cities");
            assertThat(((Attribute) decoder.getBodyHttpData("infer_header")).getValue()).isEqualTo("first_row");
            FileUpload upload = (FileUpload) decoder.getBodyHttpData("file");
            assertThat(upload.getFilename()).isEqualTo("cities.csv");
            assertThat(upload.getContentType()).isEqualTo("text/csv");
            assertThat(upload.get()).isEqualTo(content);
        } finally {
            decoder.destroy();
            request.release();
        }
    }

    @Test
    void streamsAFileInChunksAndCanBeSentAgain(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("big.bin");
        byte[] content = new byte[3 * MultipartEncoder.CHUNK + 17];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 31);
        }
        Files.write(file, content);
        MultipartBody body = MultipartBody.builder().file("file", file, null).build();
        MultipartEncoder.Encoded first = MultipartEncoder.encode(body).block(Duration.ofSeconds(10));
        MultipartEncoder.Encoded second = MultipartEncoder.encode(body).block(Duration.ofSeconds(10));
        // the preamble, 4 file chunks, the CRLF, the close delimiter
        assertThat(first.content.doOnNext(ByteBuf::release).count().block(Duration.ofSeconds(10))).isEqualTo(7);
        byte[] a = bytes(second);
        assertThat((long) a.length).isEqualTo(second.length);
        assertThat(new String(a, StandardCharsets.ISO_8859_1)).contains(new String(content, StandardCharsets.ISO_8859_1));
    }

    @Test
    void aMissingFileIsNamedInTheError(@TempDir Path dir) {
        MultipartBody body = MultipartBody.builder().file("file", dir.resolve("absent.csv"), "text/csv").build();
        assertThatThrownBy(() -> MultipartEncoder.encode(body).block(Duration.ofSeconds(10)))
                .hasMessageContaining("absent.csv").hasMessageContaining("part file");
    }

    @Test
    void rejectsInvalidBoundariesAndEmptyBodies() {
        assertThatThrownBy(() -> MultipartBody.builder().boundary("bad\"boundary"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RFC 2046");
        assertThatThrownBy(() -> MultipartBody.builder().build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("at least one part");
    }
}
