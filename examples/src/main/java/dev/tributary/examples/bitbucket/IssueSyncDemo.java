package dev.tributary.examples.bitbucket;

import dev.tributary.emulator.bitbucket.BitbucketEmulator;
import dev.tributary.examples.output.TextTable;
import dev.tributary.http.bitbucket.BitbucketAuth;
import dev.tributary.http.bitbucket.BitbucketClient;
import dev.tributary.sql.SqlClient;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The demo's Bitbucket step: starts a {@link BitbucketEmulator} on 127.0.0.1 seeded with the
 * {@link DemoWorkspace} and {@value #ISSUES} deterministic issues, syncs them into the table
 * {@value #TABLE} (dropped first, so the demo can run again) with {@link IssueSync}, and prints
 * the sync's figures and the issues per state and kind, queried from PostgreSQL.
 * <p>
 * {@link #run()} blocks the calling thread: call it from a main thread.
 */
public final class IssueSyncDemo {

    /** Issues seeded and synced. */
    public static final int ISSUES = 2_000;

    /** The table the issues are synced into. */
    public static final String TABLE = "bitbucket_issues";

    static final String ISSUES_PER_STATE = "SELECT state, count(*) AS issues,"
            + " count(*) FILTER (WHERE kind = 'bug') AS bugs,"
            + " count(*) FILTER (WHERE kind = 'enhancement') AS enhancements,"
            + " count(*) FILTER (WHERE kind = 'proposal') AS proposals,"
            + " count(*) FILTER (WHERE kind = 'task') AS tasks,"
            + " sum(votes) AS votes"
            + " FROM " + TABLE + " GROUP BY state ORDER BY issues DESC, state";

    private final SqlClient db;
    private final PrintWriter out;

    /**
     * @param db  the database; its table {@value #TABLE} is dropped and re-created
     * @param out where the step prints
     */
    public IssueSyncDemo(SqlClient db, PrintWriter out) {
        this.db = Objects.requireNonNull(db, "db");
        this.out = Objects.requireNonNull(out, "out");
    }

    /**
     * Runs the step, blocking.
     *
     * @return how long the step took
     * @throws IllegalStateException if the table does not hold {@value #ISSUES} issues afterwards
     */
    public Duration run() {
        long start = System.nanoTime();
        try (BitbucketEmulator emulator = BitbucketEmulator.builder().build().start()) {
            DemoWorkspace demo = DemoWorkspace.seed(emulator, ISSUES);
            try (BitbucketClient client = BitbucketClient.builder().baseUrl(emulator.baseUrl())
                    .auth(BitbucketAuth.apiToken(demo.email(), demo::apiToken)).build()) {
                this.db.sql("DROP TABLE IF EXISTS " + TABLE).rowsUpdated().block();
                IssueSync.Result result = new IssueSync(this.db, TABLE)
                        .sync(client.issues(demo.workspace(), demo.repository()).prefetchOnePage().list()).block();
                Long rows = this.db.sql("SELECT count(*) FROM " + TABLE).mapTo(Long.class).one().block();
                if (rows == null || rows != ISSUES) {
                    throw new IllegalStateException(String.format(Locale.ROOT, "Table %s holds %,d issues, the emulator has %,d",
                            TABLE, rows, ISSUES));
                }
                this.out.printf(Locale.ROOT, "Synced %,d issues of %s/%s from the emulator at %s into %s in %,d ms"
                                + " (%,.0f rows/s, %d batches of at most %d, upsert by id)%n",
                        result.rows(), demo.workspace(), demo.repository(), emulator.baseUrl(), TABLE,
                        result.elapsed().toMillis(), result.rowsPerSecond(), result.batches(), IssueSync.DEFAULT_BATCH_SIZE);
            }
        }
        this.out.println("Issues per state and kind, from PostgreSQL:");
        TextTable table = null;
        for (Map<String, Object> row : this.db.sql(ISSUES_PER_STATE).fetch().all().collectList().block()) {
            if (table == null) {
                table = TextTable.withColumns(new ArrayList<>(row.keySet()));
            }
            table.addRow(new ArrayList<>(row.values()));
        }
        if (table == null) {
            table = TextTable.withColumns(List.of("state"));
        }
        table.render(this.out);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        this.out.printf(Locale.ROOT, "%,d ms%n", elapsed.toMillis());
        return elapsed;
    }

    @Override
    public String toString() {
        return "IssueSyncDemo{" + TABLE + ", " + ISSUES + " issues}";
    }
}
