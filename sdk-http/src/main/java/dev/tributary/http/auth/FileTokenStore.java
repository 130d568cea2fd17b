package dev.tributary.http.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Set;

/** Tokens in a JSON file, replaced atomically (temp file, force, {@code ATOMIC_MOVE}) with permissions 600. */
final class FileTokenStore implements TokenStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path path;

    FileTokenStore(Path path) {
        this.path = path.toAbsolutePath();
    }

    @Override
    public Mono<Tokens> load() {
        return Mono.fromCallable(this::read).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public Mono<Void> save(Tokens tokens) {
        Objects.requireNonNull(tokens, "tokens");
        return Mono.<Void>fromRunnable(() -> write(tokens)).subscribeOn(Schedulers.boundedElastic());
    }

    private Tokens read() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(this.path);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the token store " + this.path, e);
        }
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new IOException("not a JSON object");
            }
            String expiresAt = text(node, "expires_at");
            return Tokens.of(text(node, "access_token"), text(node, "refresh_token"),
                    expiresAt == null ? null : Instant.parse(expiresAt), text(node, "scope"));
        } catch (IOException | DateTimeParseException | IllegalArgumentException e) {
            // the message of a parse failure could quote the file's content: keep only its type
            throw new UncheckedIOException("The token store " + this.path
                    + " is not a token file written by TokenStore.file (" + e.getClass().getSimpleName()
                    + "): delete it and authorize again", new IOException(e.getClass().getName()));
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private void write(Tokens tokens) {
        ObjectNode node = JSON.createObjectNode();
        tokens.accessToken().ifPresent(v -> node.put("access_token", v));
        tokens.refreshToken().ifPresent(v -> node.put("refresh_token", v));
        tokens.expiresAt().ifPresent(v -> node.put("expires_at", v.toString()));
        tokens.scope().ifPresent(v -> node.put("scope", v));
        Path directory = this.path.getParent();
        Path temp = null;
        try {
            Files.createDirectories(directory);
            boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                    && directory.getFileSystem().supportedFileAttributeViews().contains("posix");
            FileAttribute<?>[] attributes = posix
                    ? new FileAttribute<?>[]{PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                    : new FileAttribute<?>[0];
            temp = Files.createTempFile(directory, "." + this.path.getFileName(), ".tmp", attributes);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(JSON.writeValueAsBytes(node));
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, this.path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot save the tokens to " + this.path + ": " + e.getClass().getSimpleName(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the save already failed; a stray temporary file is all that is left
                }
            }
        }
    }

    @Override
    public String toString() {
        return "TokenStore.file(" + this.path + ')';
    }
}
