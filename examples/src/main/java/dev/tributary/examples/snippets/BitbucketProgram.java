package dev.tributary.examples.snippets;

import dev.tributary.examples.bitbucket.IssueSync;
import dev.tributary.http.bitbucket.Bbql;
import dev.tributary.http.bitbucket.BitbucketAuth;
import dev.tributary.http.bitbucket.BitbucketClient;
import dev.tributary.http.bitbucket.Issue;
import dev.tributary.http.bitbucket.NewIssue;
import dev.tributary.http.bitbucket.table.BitbucketTables;
import dev.tributary.sql.SqlClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.Map;

/**
 * The README's Bitbucket program, compiled with the project so that the snippet cannot rot.
 * {@code BitbucketProgramIT} runs it against the Bitbucket emulator.
 */
public final class BitbucketProgram {

    /** What the snippet builds: the client (close it when done) and pipelines that run when subscribed to. */
    public record Pipelines(BitbucketClient bitbucket, Flux<Issue> openBugs, Mono<Issue> created,
                            Flux<Map<String, Object>> repositories, Mono<IssueSync.Result> synced) {
    }

    private BitbucketProgram() {
    }

    /**
     * @param baseUrl  the API's base URL (an emulator's)
     * @param email    the Atlassian account's e-mail address
     * @param apiToken its API token
     * @param sql      the database the issues are synced into
     * @return the client and the snippet's pipelines
     */
    public static Pipelines build(String baseUrl, String email, String apiToken, SqlClient sql) {
        // --- README snippet starts
        BitbucketClient bitbucket = BitbucketClient.builder()
                .baseUrl(baseUrl)                                      // default https://api.bitbucket.org/2.0
                .auth(BitbucketAuth.apiToken(email, () -> apiToken))   // or accessToken(..), oauth2ClientCredentials(..)
                .build();

        Flux<Issue> openBugs = bitbucket.issues("acme", "app")
                .filter(Bbql.field("kind").eq("bug")
                        .and(Bbql.field("state").in("new", "open")))   // q=kind = "bug" AND state IN ("new", "open")
                .sortDescending("updated_on")                          // sort=-updated_on, on the server
                .list();                                               // pages fetched as demand needs them

        Mono<Issue> created = bitbucket.issues("acme", "app")
                .create(NewIssue.builder("Crash on start").kind("bug").priority("critical")
                        .content("Stack trace attached").build());

        Flux<Map<String, Object>> repositories = bitbucket.repositories("acme").list()
                .map(BitbucketTables.repositories()::row);             // slug, full_name, ... as typed columns

        Mono<IssueSync.Result> synced = new IssueSync(sql, "issues")   // created if absent, upsert by id
                .sync(bitbucket.issues("acme", "app").prefetchOnePage().list());
        // --- README snippet ends
        return new Pipelines(bitbucket, openBugs, created, repositories, synced);
    }
}
