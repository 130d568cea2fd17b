package dev.tributary.examples.bitbucket;

import dev.tributary.emulator.bitbucket.BitbucketEmulator;
import dev.tributary.emulator.bitbucket.IssueSeed;
import dev.tributary.emulator.bitbucket.PullRequestSeed;

import java.util.List;
import java.util.Objects;

/**
 * A deterministic Bitbucket workspace seeded into a {@link BitbucketEmulator}, for the demo, the
 * {@code tributary bitbucket emulator} command and tests: users {@code alice} (Alice Liddell,
 * {@code alice@example.com}, the owner) and {@code bob} (Bob Builder); workspace {@value #WORKSPACE},
 * project {@code DEMO}, repository {@value #REPOSITORY} with {@code issues} issues
 * ({@link IssueSeed#varied(int, List)} over alice and bob), 12 commits on {@code main}, a branch
 * {@code feature/search} with 3 commits, a tag {@code v1.0}, and an open and a merged pull request.
 *
 * @param workspace the workspace slug
 * @param repository the repository slug
 * @param email     the e-mail address of the API token's account (alice)
 * @param apiToken  an API token of alice (Basic {@code email:token}); a secret of this emulator only
 */
public record DemoWorkspace(String workspace, String repository, String email, String apiToken) {

    /** The workspace slug. */
    public static final String WORKSPACE = "demo";

    /** The repository slug. */
    public static final String REPOSITORY = "app";

    /**
     * @param emulator a started emulator without this workspace
     * @param issues   how many issues to seed, not negative
     * @return the workspace and the credentials to read it
     * @throws IllegalArgumentException if the emulator already has these users or this workspace
     */
    public static DemoWorkspace seed(BitbucketEmulator emulator, int issues) {
        Objects.requireNonNull(emulator, "emulator");
        emulator.seedUser("alice", "Alice Liddell", "alice@example.com");
        emulator.seedUser("bob", "Bob Builder", "bob@example.com");
        String token = emulator.createApiToken("alice@example.com");
        emulator.seedWorkspace(WORKSPACE, "Demo", "alice", "bob");
        emulator.seedProject(WORKSPACE, "DEMO", "Demo project");
        emulator.seedRepository(WORKSPACE, REPOSITORY, "DEMO");
        emulator.seedIssues(WORKSPACE, REPOSITORY, issues, i -> IssueSeed.varied(i, List.of("alice", "bob")));
        emulator.seedCommits(WORKSPACE, REPOSITORY, "main", 11);
        emulator.seedCommits(WORKSPACE, REPOSITORY, "feature/search", 3);
        emulator.seedTag(WORKSPACE, REPOSITORY, "v1.0");
        emulator.seedPullRequest(WORKSPACE, REPOSITORY, PullRequestSeed.open("Add search", "feature/search", "bob")
                .withReviewers("alice"));
        emulator.seedPullRequest(WORKSPACE, REPOSITORY, PullRequestSeed.open("Fix typo", "fix/typo", "alice").withState("MERGED"));
        return new DemoWorkspace(WORKSPACE, REPOSITORY, "alice@example.com", token);
    }

    @Override
    public String toString() {
        return "DemoWorkspace{" + this.workspace + "/" + this.repository + ", " + this.email + ", apiToken=REDACTED}";
    }
}
