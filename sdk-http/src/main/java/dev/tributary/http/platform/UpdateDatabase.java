package dev.tributary.http.platform;

import com.fasterxml.jackson.annotation.JsonGetter;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of {@code PATCH /db/{username}/{db_name}} (schema {@code UpdateDatabase}): the settings
 * to change, any of a new name (a rename), privacy and storage quota; what is not set is left as
 * it is. Immutable; start from {@link #changes()} or {@link #rename(String)}.
 *
 * <pre>{@code
 * platform.databases().update("alice/demo", UpdateDatabase.rename("demo2").withPrivate(false));
 * }</pre>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class UpdateDatabase {

    private static final UpdateDatabase NONE = new UpdateDatabase(null, null, null);

    private final String name;
    private final Boolean isPrivate;
    private final Long storageLimitBytes;

    private UpdateDatabase(String name, Boolean isPrivate, Long storageLimitBytes) {
        this.name = name;
        this.isPrivate = isPrivate;
        this.storageLimitBytes = storageLimitBytes;
    }

    /** @return an update that changes nothing yet; add changes with the {@code with...} methods */
    public static UpdateDatabase changes() {
        return NONE;
    }

    /**
     * @param newName the database's new name without the owner ({@code demo2}); not blank
     * @return an update that renames the database (its full name becomes {@code <owner>/<newName>})
     * @throws IllegalArgumentException if the name is blank or contains {@code /}
     */
    public static UpdateDatabase rename(String newName) {
        return NONE.withName(newName);
    }

    /**
     * @param newName the database's new name without the owner; not blank
     * @return a new update that also renames the database
     * @throws IllegalArgumentException if the name is blank or contains {@code /}
     */
    public UpdateDatabase withName(String newName) {
        return new UpdateDatabase(CreateDatabase.checkDbName(newName, "name"), this.isPrivate, this.storageLimitBytes);
    }

    /**
     * @param isPrivate whether only the database's members may read it
     * @return a new update that also sets {@code is_private}
     */
    public UpdateDatabase withPrivate(boolean isPrivate) {
        return new UpdateDatabase(this.name, isPrivate, this.storageLimitBytes);
    }

    /**
     * @param bytes the storage quota (bytes); positive
     * @return a new update that also sets {@code storage_limit_bytes}
     * @throws IllegalArgumentException if it is not positive
     */
    public UpdateDatabase withStorageLimitBytes(long bytes) {
        return new UpdateDatabase(this.name, this.isPrivate, CreateDatabase.checkBytes(bytes));
    }

    /** @return the new name without the owner, or {@code null} to keep it */
    @JsonGetter("name")
    public String getName() {
        return this.name;
    }

    /** @return the new privacy, or {@code null} to keep it */
    @JsonGetter("is_private")
    public Boolean getPrivate() {
        return this.isPrivate;
    }

    /** @return the new quota in bytes, or {@code null} to keep it */
    @JsonGetter("storage_limit_bytes")
    public Long getStorageLimitBytes() {
        return this.storageLimitBytes;
    }

    boolean isEmpty() {
        return this.name == null && this.isPrivate == null && this.storageLimitBytes == null;
    }

    @Override
    public String toString() {
        return "UpdateDatabase{name=" + this.name + ", isPrivate=" + this.isPrivate
                + ", storageLimitBytes=" + this.storageLimitBytes + '}';
    }
}
