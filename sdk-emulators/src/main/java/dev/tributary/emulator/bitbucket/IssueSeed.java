package dev.tributary.emulator.bitbucket;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An issue to seed with {@link BitbucketEmulator#seedIssue} or {@link BitbucketEmulator#seedIssues}.
 * Users are named by nickname ({@link BitbucketUser#nickname()}); {@code null} leaves a field empty
 * ({@code "assignee": null}). Times {@code null} mean "the emulator's clock now".
 *
 * @param title     not {@code null}
 * @param content   the raw markdown content ({@code content.raw}), or {@code null} for ""
 * @param state     {@code new}, {@code open}, {@code resolved}, {@code on hold}, {@code invalid},
 *                  {@code duplicate}, {@code wontfix}, {@code closed} or {@code submitted}
 * @param kind      {@code bug}, {@code enhancement}, {@code proposal} or {@code task}
 * @param priority  {@code trivial}, {@code minor}, {@code major}, {@code critical} or {@code blocker}
 * @param reporter  the reporter's nickname, or {@code null}
 * @param assignee  the assignee's nickname, or {@code null}
 * @param component a component name, or {@code null}
 * @param milestone a milestone name, or {@code null}
 * @param version   a version name, or {@code null}
 * @param votes     the vote count, not negative
 * @param createdOn {@code created_on}, or {@code null} for now
 * @param updatedOn {@code updated_on}, or {@code null} for {@code createdOn}
 */
public record IssueSeed(String title, String content, String state, String kind, String priority, String reporter, String assignee,
                        String component, String milestone, String version, int votes, Instant createdOn, Instant updatedOn) {

    static final List<String> STATES = List.of("new", "open", "resolved", "on hold", "invalid", "duplicate", "wontfix", "closed", "submitted");
    static final List<String> KINDS = List.of("bug", "enhancement", "proposal", "task");
    static final List<String> PRIORITIES = List.of("trivial", "minor", "major", "critical", "blocker");

    /** The first {@code created_on} of {@link #varied}: {@code 2025-01-01T00:00:00Z}. */
    public static final Instant VARIED_EPOCH = Instant.parse("2025-01-01T00:00:00Z");

    /**
     * @throws IllegalArgumentException for a missing title or a value outside the lists above
     */
    public IssueSeed {
        Objects.requireNonNull(title, "title");
        check("state", state, STATES);
        check("kind", kind, KINDS);
        check("priority", priority, PRIORITIES);
        if (votes < 0) {
            throw new IllegalArgumentException("votes must not be negative, was " + votes);
        }
    }

    private static void check(String field, String value, List<String> allowed) {
        if (!allowed.contains(value)) {
            throw new IllegalArgumentException(field + " must be one of " + allowed + ", was '" + value + "'");
        }
    }

    /**
     * @param title the title
     * @return a {@code new}, {@code bug}, {@code major} issue without reporter or assignee, created now
     */
    public static IssueSeed of(String title) {
        return new IssueSeed(title, "", "new", "bug", "major", null, null, null, null, null, 0, null, null);
    }

    /**
     * A deterministic, varied issue for bulk seeding: issue {@code i} (0-based) cycles through the
     * states, kinds and priorities at different strides, is assigned to {@code assignees[i % (n+1)]}
     * (every {@code n+1}-th is unassigned), reported by the first assignee, in component
     * {@code component-(i % 5)} and milestone {@code m(i % 3)}, created {@code i} minutes after
     * {@link #VARIED_EPOCH} and updated {@code (i * 7919) % 100000} seconds later (so
     * {@code updated_on} order differs from id order).
     *
     * @param i         the index, not negative
     * @param assignees nicknames of seeded users (may be empty: nobody assigned, no reporter)
     * @return the seed
     */
    public static IssueSeed varied(int i, List<String> assignees) {
        if (i < 0) {
            throw new IllegalArgumentException("i must not be negative, was " + i);
        }
        Instant created = VARIED_EPOCH.plus(Duration.ofMinutes(i));
        String assignee = assignees.isEmpty() || i % (assignees.size() + 1) == assignees.size() ? null : assignees.get(i % (assignees.size() + 1));
        return new IssueSeed("Issue " + (i + 1) + ": " + KINDS.get(i % KINDS.size()) + " in component-" + (i % 5),
                "Content of issue " + (i + 1), STATES.get(i % STATES.size()), KINDS.get((i / 2) % KINDS.size()),
                PRIORITIES.get((i / 3) % PRIORITIES.size()), assignees.isEmpty() ? null : assignees.get(0), assignee,
                "component-" + (i % 5), "m" + (i % 3), null, i % 7, created, created.plusSeconds((i * 7919L) % 100_000));
    }

    /** @return a copy with that state */
    public IssueSeed withState(String newState) {
        return new IssueSeed(title, content, newState, kind, priority, reporter, assignee, component, milestone, version, votes, createdOn, updatedOn);
    }

    /** @return a copy with that kind */
    public IssueSeed withKind(String newKind) {
        return new IssueSeed(title, content, state, newKind, priority, reporter, assignee, component, milestone, version, votes, createdOn, updatedOn);
    }

    /** @return a copy with that priority */
    public IssueSeed withPriority(String newPriority) {
        return new IssueSeed(title, content, state, kind, newPriority, reporter, assignee, component, milestone, version, votes, createdOn, updatedOn);
    }

    /** @return a copy with that reporter's nickname (or {@code null}) */
    public IssueSeed withReporter(String nickname) {
        return new IssueSeed(title, content, state, kind, priority, nickname, assignee, component, milestone, version, votes, createdOn, updatedOn);
    }

    /** @return a copy with that assignee's nickname (or {@code null}) */
    public IssueSeed withAssignee(String nickname) {
        return new IssueSeed(title, content, state, kind, priority, reporter, nickname, component, milestone, version, votes, createdOn, updatedOn);
    }

    /** @return a copy with that raw content */
    public IssueSeed withContent(String raw) {
        return new IssueSeed(title, raw, state, kind, priority, reporter, assignee, component, milestone, version, votes, createdOn, updatedOn);
    }

    /** @return a copy with that component, milestone and version (each may be {@code null}) */
    public IssueSeed withClassification(String newComponent, String newMilestone, String newVersion) {
        return new IssueSeed(title, content, state, kind, priority, reporter, assignee, newComponent, newMilestone, newVersion, votes, createdOn, updatedOn);
    }

    /** @return a copy with those times ({@code null}: now, and {@code created}) */
    public IssueSeed withTimes(Instant created, Instant updated) {
        return new IssueSeed(title, content, state, kind, priority, reporter, assignee, component, milestone, version, votes, created, updated);
    }
}
