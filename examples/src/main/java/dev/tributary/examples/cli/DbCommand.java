package dev.tributary.examples.cli;

import dev.tributary.http.platform.CreateDatabase;
import dev.tributary.http.platform.Database;
import dev.tributary.http.platform.DatabaseName;
import dev.tributary.http.platform.PlatformClient;
import dev.tributary.http.platform.UpdateDatabase;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code tributary db list|create|get|update|delete}: the platform's databases, as JSON in the
 * service's shape ({@code GET/POST /db/}, {@code GET/PATCH/DELETE /db/{user}/{db}}).
 */
@Command(name = "db",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        header = "Lists, creates, shows, changes and deletes the platform's databases.",
        description = {"The platform's databases, named <user>/<db>, through its HTTP API. Each command prints the "
                + "database(s) as JSON, in the service's shape.",
                "",
                "  tributary db create demo/cities --public",
                "  tributary db list"},
        subcommands = {DbCommand.ListDatabases.class, DbCommand.CreateCommand.class, DbCommand.GetCommand.class,
                DbCommand.UpdateCommand.class, DbCommand.DeleteCommand.class, CommandLine.HelpCommand.class})
final class DbCommand implements Callable<Integer> {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    @ParentCommand
    private TributaryCommand tributary;

    @Spec
    private CommandSpec spec;

    /** Without a subcommand: a usage error. */
    @Override
    public Integer call() {
        throw new ParameterException(this.spec.commandLine(), "Missing command: list, create, get, update or delete");
    }

    @Override
    public String toString() {
        return "DbCommand{}";
    }

    /** What every {@code db} subcommand shares: its platform options, a client for them, stdout. */
    abstract static class DatabaseCommand implements Callable<Integer> {

        @ParentCommand
        DbCommand db;

        @Spec
        CommandSpec spec;

        @Mixin
        PlatformOptions platform;

        @Override
        public final Integer call() throws IOException {
            TributaryCommand tributary = this.db.tributary;
            PlatformClient client = this.platform.connect(tributary.environment(), tributary.redaction());
            try {
                run(client, this.spec.commandLine().getOut());
            } finally {
                client.closeLater().block(CLOSE_TIMEOUT);
            }
            return 0;
        }

        abstract void run(PlatformClient client, PrintWriter out) throws IOException;

        /** @throws ParameterException if the name is not {@code <user>/<db>} */
        final String fullName(String name) {
            try {
                return DatabaseName.parse(name).toString();
            } catch (IllegalArgumentException e) {
                throw new ParameterException(this.spec.commandLine(), e.getMessage());
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            header = "Lists the databases the API key may see, as a JSON array.",
            description = "Lists the databases the API key may see (its own and those shared with it) as a JSON array, "
                    + "written as they arrive.")
    static final class ListDatabases extends DatabaseCommand {

        @Override
        void run(PlatformClient client, PrintWriter out) throws IOException {
            PlatformJson.writeArray(client.databases().list(), out);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            header = "Creates a database.",
            description = "Creates a database of the API key's user, private unless --public, and prints it as JSON.")
    static final class CreateCommand extends DatabaseCommand {

        @Parameters(index = "0", paramLabel = "NAME",
                description = "<user>/<db>, or <db>: the database is created for the API key's user.")
        String name;

        @Option(names = "--public", description = "Anyone may read it (default: private, members only).")
        boolean isPublic;

        @Option(names = "--storage-limit", paramLabel = "BYTES",
                description = "Its storage quota in bytes (default: the service's).")
        Long storageLimit;

        @Override
        void run(PlatformClient client, PrintWriter out) throws IOException {
            String dbName = this.name;
            String owner = null;
            if (this.name.indexOf('/') >= 0) {
                DatabaseName full = DatabaseName.parse(fullName(this.name));
                owner = full.owner();
                dbName = full.database();
            }
            CreateDatabase request;
            try {
                request = CreateDatabase.named(dbName).withPrivate(!this.isPublic);
                if (this.storageLimit != null) {
                    request = request.withStorageLimitBytes(this.storageLimit);
                }
            } catch (IllegalArgumentException e) {
                throw new ParameterException(this.spec.commandLine(), e.getMessage());
            }
            Database created = client.databases().create(request).block();
            PlatformJson.write(created, out);
            if (owner != null && !owner.equals(created.owner())) {
                this.spec.commandLine().getErr().println(this.spec.qualifiedName() + ": note: created as " + created.name()
                        + ": databases are created for the API key's user, not " + owner);
            }
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            header = "Shows a database.",
            description = "Shows a database (privacy, quota, storage used, rows queried) as JSON.")
    static final class GetCommand extends DatabaseCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "<user>/<db>")
        String name;

        @Override
        void run(PlatformClient client, PrintWriter out) throws IOException {
            PlatformJson.write(client.databases().get(fullName(this.name)).block(), out);
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            header = "Renames a database, or changes its privacy or quota.",
            description = "Renames a database, or changes its privacy or storage quota, and prints it as JSON.")
    static final class UpdateCommand extends DatabaseCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "<user>/<db>")
        String name;

        @Option(names = "--name", paramLabel = "NEW", description = "Its new name: <db> (the owner stays).")
        String newName;

        @ArgGroup(exclusive = true)
        Privacy privacy;

        @Option(names = "--storage-limit", paramLabel = "BYTES", description = "Its new storage quota in bytes.")
        Long storageLimit;

        /** {@code --public} or {@code --private}, not both. */
        static final class Privacy {

            @Option(names = "--public", required = true, description = "Anyone may read it.")
            boolean isPublic;

            @Option(names = "--private", required = true, description = "Only its members may read it.")
            boolean isPrivate;
        }

        @Override
        void run(PlatformClient client, PrintWriter out) throws IOException {
            DatabaseName current = DatabaseName.parse(fullName(this.name));
            UpdateDatabase update = UpdateDatabase.changes();
            try {
                if (this.newName != null) {
                    String renamed = this.newName;
                    if (renamed.indexOf('/') >= 0) {
                        DatabaseName full = DatabaseName.parse(renamed);
                        if (!full.owner().equals(current.owner())) {
                            throw new IllegalArgumentException("--name " + renamed + ": a rename keeps the owner, "
                                    + current.owner());
                        }
                        renamed = full.database();
                    }
                    update = update.withName(renamed);
                }
                if (this.privacy != null) {
                    update = update.withPrivate(this.privacy.isPrivate);
                }
                if (this.storageLimit != null) {
                    update = update.withStorageLimitBytes(this.storageLimit);
                }
            } catch (IllegalArgumentException e) {
                throw new ParameterException(this.spec.commandLine(), e.getMessage());
            }
            if (this.newName == null && this.privacy == null && this.storageLimit == null) {
                throw new ParameterException(this.spec.commandLine(),
                        "Nothing to update: give --name, --public, --private or --storage-limit");
            }
            PlatformJson.write(client.databases().update(current.toString(), update).block(), out);
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            header = "Deletes a database and its data.",
            description = "Deletes a database and all its data (its owner only), and prints it as it was, as JSON.")
    static final class DeleteCommand extends DatabaseCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "<user>/<db>")
        String name;

        @Override
        void run(PlatformClient client, PrintWriter out) throws IOException {
            PlatformJson.write(client.databases().delete(fullName(this.name)).block(), out);
        }
    }
}
