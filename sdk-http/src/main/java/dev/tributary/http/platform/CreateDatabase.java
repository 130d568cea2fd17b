package dev.tributary.http.platform;

import com.fasterxml.jackson.annotation.JsonGetter;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Objects;

/**
 * The body of {@code POST /db/} (schema {@code CreateDatabase}): a new database's name within the
 * caller's, whether it is private (default: private) and its storage quota (default: the
 * service's). Immutable.
 *
 * <pre>{@code
 * Mono<Database> db = platform.databases().create(CreateDatabase.named("demo").withPrivate(false));
 * }</pre>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class CreateDatabase {

    private final String name;
    private final Boolean isPrivate;
    private final Long storageLimitBytes;

    private CreateDatabase(String name, Boolean isPrivate, Long storageLimitBytes) {
        this.name = name;
        this.isPrivate = isPrivate;
        this.storageLimitBytes = storageLimitBytes;
    }

    /**
     * @param name the database's name without the owner ({@code demo}, not {@code alice/demo}); not blank
     * @return a request for a private database with the service's storage quota
     * @throws IllegalArgumentException if the name is blank or contains {@code /}
     */
    public static CreateDatabase named(String name) {
        return new CreateDatabase(checkDbName(name, "name"), null, null);
    }

    /**
     * @param isPrivate whether only the database's members may read it ({@code is_private}; the
     *                  service's default is {@code true})
     * @return a new request with that setting
     */
    public CreateDatabase withPrivate(boolean isPrivate) {
        return new CreateDatabase(this.name, isPrivate, this.storageLimitBytes);
    }

    /**
     * @param bytes the storage quota ({@code storage_limit_bytes}, bytes); positive
     * @return a new request with that quota
     * @throws IllegalArgumentException if it is not positive
     */
    public CreateDatabase withStorageLimitBytes(long bytes) {
        return new CreateDatabase(this.name, this.isPrivate, checkBytes(bytes));
    }

    /** @return the database's name without the owner */
    @JsonGetter("name")
    public String getName() {
        return this.name;
    }

    /** @return whether it is private, or {@code null} for the service's default (private) */
    @JsonGetter("is_private")
    public Boolean getPrivate() {
        return this.isPrivate;
    }

    /** @return the storage quota in bytes, or {@code null} for the service's default */
    @JsonGetter("storage_limit_bytes")
    public Long getStorageLimitBytes() {
        return this.storageLimitBytes;
    }

    @Override
    public String toString() {
        return "CreateDatabase{name=" + this.name + ", isPrivate=" + this.isPrivate
                + ", storageLimitBytes=" + this.storageLimitBytes + '}';
    }

    static String checkDbName(String name, String what) {
        Objects.requireNonNull(name, what);
        if (name.isBlank() || name.indexOf('/') >= 0) {
            throw new IllegalArgumentException(what + " is a database's name without its owner (demo, not alice/demo):"
                    + " not blank and without '/'; was '" + name + "'");
        }
        return name;
    }

    static long checkBytes(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("storage_limit_bytes must be positive, was " + bytes);
        }
        return bytes;
    }
}
