package dev.tributary.emulator.platform;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The platform's accounts (users and their service accounts) and API keys, in memory. A key
 * belongs to one account; a revoked key is remembered (it counts in {@code token_count}) and
 * authenticates nothing. Thread-safe; nothing blocks.
 */
final class Accounts {

    /** A user name or service account name: a word character, then up to 37 word characters or hyphens. */
    static final Pattern USERNAME = Pattern.compile("\\w[\\w-]{0,37}");

    private static final Pattern BEARER = Pattern.compile("(?i)bearer\\s+(\\S+)\\s*");
    private static final Pattern KEY_SHAPE = Pattern.compile("v2_\\w+");

    /**
     * A user, or a service account (which has an owner, one role, and the owner's databases it may use).
     */
    static final class Account {

        final UUID id;
        final String username;
        final Instant created;
        final Account owner;
        final DatabaseRole role;
        final Set<UUID> databases;

        Account(UUID id, String username, Instant created, Account owner, DatabaseRole role, Set<UUID> databases) {
            this.id = id;
            this.username = username;
            this.created = created;
            this.owner = owner;
            this.role = role;
            this.databases = databases;
        }

        boolean isServiceAccount() {
            return this.owner != null;
        }

        @Override
        public String toString() {
            return (isServiceAccount() ? "ServiceAccount{" : "User{") + this.username + '}';
        }
    }

    /** An API key and whether it was revoked. */
    static final class ApiKey {

        final String key;
        final Account account;
        volatile boolean revoked;

        ApiKey(String key, Account account) {
            this.key = key;
            this.account = account;
        }
    }

    private final Ids ids;
    private final Supplier<Instant> now;
    private final Map<String, Account> byName = new ConcurrentHashMap<>();
    private final Map<UUID, Account> byId = new ConcurrentHashMap<>();
    private final Map<String, ApiKey> keys = new ConcurrentHashMap<>();

    Accounts(Ids ids, Supplier<Instant> now) {
        this.ids = ids;
        this.now = now;
    }

    Account createUser(String username) {
        requireUsername(username, "username");
        return register(new Account(this.ids.uuid(), username, this.now.get(), null, null, Set.of()));
    }

    Account createServiceAccount(Account owner, String name, DatabaseRole role, Set<UUID> databases) {
        requireUsername(name, "name");
        if (owner.isServiceAccount()) {
            throw new IllegalArgumentException("A service account belongs to a user, not to service account " + owner.username);
        }
        if (role == DatabaseRole.OWNER) {
            throw new IllegalArgumentException("A service account's role is ADMIN, WRITER or READER, not OWNER");
        }
        Set<UUID> dbs = ConcurrentHashMap.newKeySet();
        dbs.addAll(databases);
        return register(new Account(this.ids.uuid(), name, this.now.get(), owner, role, dbs));
    }

    private Account register(Account account) {
        if (this.byName.putIfAbsent(account.username, account) != null) {
            throw new IllegalArgumentException("An account named '" + account.username + "' exists already");
        }
        this.byId.put(account.id, account);
        return account;
    }

    private static void requireUsername(String name, String what) {
        if (name == null || !USERNAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " must be a word character followed by up to 37 word characters or hyphens, was "
                    + (name == null ? "null" : "'" + name + "'"));
        }
    }

    Account byName(String username) {
        return this.byName.get(username);
    }

    /** @return the account, or {@code null} */
    Account byId(UUID id) {
        return this.byId.get(id);
    }

    /** @return a new active key for the account */
    String newKey(Account account) {
        String key = this.ids.apiKey();
        this.keys.put(key, new ApiKey(key, account));
        return key;
    }

    /**
     * @param authorization the {@code Authorization} header, or {@code null}
     * @return the account of the bearer key
     * @throws ApiError 401 when the header is missing or malformed, or the key unknown or revoked
     */
    Account authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw ApiError.unauthorized("Authentication credentials were not provided: send 'Authorization: Bearer <api key>'");
        }
        var m = BEARER.matcher(authorization);
        if (!m.matches() || !KEY_SHAPE.matcher(m.group(1)).matches()) {
            throw ApiError.unauthorized("Malformed Authorization header: expected 'Bearer v2_...'");
        }
        Account account = activeAccount(m.group(1));
        if (account == null) {
            throw ApiError.unauthorized("Invalid or revoked API key");
        }
        return account;
    }

    /** @return the account of an active key, or {@code null} for an unknown or revoked one */
    Account activeAccount(String key) {
        ApiKey k = key == null ? null : this.keys.get(key);
        return k == null || k.revoked ? null : k.account;
    }

    /**
     * @param caller the account revoking
     * @param key    one of its keys
     * @return whether the key was the caller's (it is revoked now)
     */
    boolean revoke(Account caller, String key) {
        ApiKey k = this.keys.get(key);
        if (k == null || k.account != caller) {
            return false;
        }
        k.revoked = true;
        return true;
    }

    /** @return how many active keys were revoked */
    int revokeAll(Account account) {
        int n = 0;
        for (ApiKey k : this.keys.values()) {
            if (k.account == account && !k.revoked) {
                k.revoked = true;
                n++;
            }
        }
        return n;
    }

    long tokenCount(Account account) {
        return this.keys.values().stream().filter(k -> k.account == account).count();
    }

    long activeTokenCount(Account account) {
        return this.keys.values().stream().filter(k -> k.account == account && !k.revoked).count();
    }

    /** @return the user's service accounts, oldest first */
    List<Account> serviceAccountsOf(Account user) {
        List<Account> out = new ArrayList<>();
        for (Account a : this.byId.values()) {
            if (a.owner == user) {
                out.add(a);
            }
        }
        out.sort(Comparator.comparing((Account a) -> a.created).thenComparing(a -> a.username));
        return Collections.unmodifiableList(out);
    }

    /** Forgets a database (it was deleted) in every service account that listed it. */
    void forgetDatabase(UUID database) {
        for (Account a : this.byId.values()) {
            if (a.isServiceAccount()) {
                a.databases.remove(database);
            }
        }
    }
}
