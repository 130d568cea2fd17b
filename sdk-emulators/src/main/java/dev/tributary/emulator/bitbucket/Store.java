package dev.tributary.emulator.bitbucket;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/** The emulator's state. Thread-safe. (Being filled in.) */
final class Store {

    Store(Clock clock, Supplier<String> origin, Duration pipelinePending, Duration pipelineRunning, PipelineResult defaultResult,
          int mergeTaskPendingPolls) {
    }

    BitbucketUser seedUser(String nickname, String displayName, String email) {
        throw new UnsupportedOperationException("not yet");
    }

    void seedWorkspace(String slug, String name, List<String> members) {
        throw new UnsupportedOperationException("not yet");
    }

    void seedProject(String workspace, String key, String name) {
        throw new UnsupportedOperationException("not yet");
    }

    void seedRepository(String workspace, String slug, String projectKey) {
        throw new UnsupportedOperationException("not yet");
    }

    void issueTracker(String workspace, String repo, boolean enabled) {
        throw new UnsupportedOperationException("not yet");
    }

    int seedIssues(String workspace, String repo, int count, IntFunction<IssueSeed> issue) {
        throw new UnsupportedOperationException("not yet");
    }

    int issueCount(String workspace, String repo) {
        throw new UnsupportedOperationException("not yet");
    }

    int seedPullRequest(String workspace, String repo, PullRequestSeed pr) {
        throw new UnsupportedOperationException("not yet");
    }

    String seedCommits(String workspace, String repo, String branch, int count) {
        throw new UnsupportedOperationException("not yet");
    }

    void seedRef(String workspace, String repo, String name, boolean tag) {
        throw new UnsupportedOperationException("not yet");
    }

    void pipelineResult(String workspace, String repo, String refName, PipelineResult result) {
        throw new UnsupportedOperationException("not yet");
    }
}
