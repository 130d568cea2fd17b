package dev.tributary.http;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@code multipart/form-data} request body (RFC 7578): text fields and files, in order. Files
 * are streamed from disk when the request is sent, never read into memory, and the body is sent
 * with a {@code Content-Length} computed up front (the files' sizes are read when each attempt
 * starts), not chunked: some services refuse chunked uploads. A file that changes size during an
 * upload fails the request. Immutable and reusable: a retried request streams the files again.
 *
 * <pre>{@code
 * MultipartBody body = MultipartBody.builder()
 *         .field("table_name", "cities")
 *         .file("file", Path.of("cities.csv"), "text/csv")
 *         .build();
 * client.post("/db/{user}/{db}/import/", "alice", "demo").multipartBody(body).retrieve(ImportJob.class);
 * }</pre>
 */
public final class MultipartBody {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] BOUNDARY_CHARS =
            "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();

    private final String boundary;
    private final List<Part> parts;

    private MultipartBody(Builder b) {
        this.boundary = b.boundary;
        this.parts = List.copyOf(b.parts);
    }

    /** @return a builder with a random boundary */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the boundary delimiting the parts (RFC 2046 §5.1.1) */
    public String getBoundary() {
        return this.boundary;
    }

    /** @return the {@code Content-Type} header value: {@code multipart/form-data; boundary=...} */
    public String getContentType() {
        return "multipart/form-data; boundary=" + this.boundary;
    }

    List<Part> parts() {
        return this.parts;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("MultipartBody[");
        for (int i = 0; i < this.parts.size(); i++) {
            s.append(i == 0 ? "" : ", ").append(this.parts.get(i).name);
        }
        return s.append(']').toString();
    }

    /** One part: a text field ({@code file == null}) or a file. */
    static final class Part {
        final String name;
        final String filename;
        final String contentType;
        final byte[] text;
        final Path file;

        Part(String name, String filename, String contentType, byte[] text, Path file) {
            this.name = name;
            this.filename = filename;
            this.contentType = contentType;
            this.text = text;
            this.file = file;
        }

        /** @return this part's headers, CRLF-terminated, with the blank line that ends them */
        byte[] headers() {
            StringBuilder h = new StringBuilder("Content-Disposition: form-data; name=\"")
                    .append(quote(this.name)).append('"');
            if (this.filename != null) {
                h.append("; filename=\"").append(quote(this.filename)).append('"');
            }
            h.append("\r\n");
            if (this.contentType != null) {
                h.append("Content-Type: ").append(this.contentType).append("\r\n");
            }
            return h.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
        }

        /** Percent-encodes {@code "}, CR and LF as HTML's form submission does (RFC 7578 §4.2). */
        private static String quote(String value) {
            return value.replace("\"", "%22").replace("\r", "%0D").replace("\n", "%0A");
        }
    }

    /** Builds a {@link MultipartBody}; not thread-safe. */
    public static final class Builder {

        private String boundary;
        private final List<Part> parts = new ArrayList<>();

        private Builder() {
            char[] chars = new char[32];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = BOUNDARY_CHARS[RANDOM.nextInt(BOUNDARY_CHARS.length)];
            }
            this.boundary = "tributary-" + new String(chars);
        }

        /**
         * @param boundary the boundary to use instead of a random one: 1 to 70 characters of
         *                 RFC 2046's {@code bchars}, not ending with a space
         * @return this builder
         */
        public Builder boundary(String boundary) {
            Objects.requireNonNull(boundary, "boundary");
            if (boundary.isEmpty() || boundary.length() > 70 || boundary.endsWith(" ")
                    || !boundary.matches("[0-9A-Za-z'()+_,\\-./:=? ]+")) {
                throw new IllegalArgumentException("invalid multipart boundary (RFC 2046 §5.1.1): " + boundary);
            }
            this.boundary = boundary;
            return this;
        }

        /**
         * Adds a text field, sent as UTF-8 without a {@code Content-Type} (RFC 7578 §4.4).
         *
         * @param name  the field name
         * @param value the value
         * @return this builder
         */
        public Builder field(String name, String value) {
            Objects.requireNonNull(value, "value");
            this.parts.add(new Part(checkName(name), null, null, value.getBytes(StandardCharsets.UTF_8), null));
            return this;
        }

        /**
         * Adds a file, named after the path's last element.
         *
         * @param name        the field name, e.g. {@code file}
         * @param file        the file to stream; it must exist when the request is sent
         * @param contentType its media type, e.g. {@code text/csv}; {@code null} for
         *                    {@code application/octet-stream}
         * @return this builder
         */
        public Builder file(String name, Path file, String contentType) {
            Objects.requireNonNull(file, "file");
            Path fileName = file.getFileName();
            return file(name, fileName == null ? "file" : fileName.toString(), file, contentType);
        }

        /**
         * Adds a file under a file name of the caller's choosing.
         *
         * @param name        the field name, e.g. {@code file}
         * @param filename    the file name sent in {@code Content-Disposition}
         * @param file        the file to stream; it must exist when the request is sent
         * @param contentType its media type; {@code null} for {@code application/octet-stream}
         * @return this builder
         */
        public Builder file(String name, String filename, Path file, String contentType) {
            Objects.requireNonNull(filename, "filename");
            Objects.requireNonNull(file, "file");
            this.parts.add(new Part(checkName(name), filename,
                    contentType == null ? "application/octet-stream" : contentType, null, file));
            return this;
        }

        /**
         * Adds in-memory content as a file part.
         *
         * @param name        the field name
         * @param filename    the file name sent in {@code Content-Disposition}
         * @param content     the bytes (copied)
         * @param contentType its media type; {@code null} for {@code application/octet-stream}
         * @return this builder
         */
        public Builder file(String name, String filename, byte[] content, String contentType) {
            Objects.requireNonNull(filename, "filename");
            Objects.requireNonNull(content, "content");
            this.parts.add(new Part(checkName(name), filename,
                    contentType == null ? "application/octet-stream" : contentType, content.clone(), null));
            return this;
        }

        /**
         * @return the body
         * @throws IllegalStateException when no part was added
         */
        public MultipartBody build() {
            if (this.parts.isEmpty()) {
                throw new IllegalStateException("a multipart body needs at least one part");
            }
            return new MultipartBody(this);
        }

        private static String checkName(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("a multipart field name must not be empty");
            }
            return name;
        }
    }
}
