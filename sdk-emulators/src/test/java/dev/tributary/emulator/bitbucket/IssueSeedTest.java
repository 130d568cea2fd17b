package dev.tributary.emulator.bitbucket;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IssueSeedTest {

    @Test
    void variesIssuesDeterministically() {
        List<String> people = List.of("alice", "bob");
        List<IssueSeed> a = IntStream.range(0, 200).mapToObj(i -> IssueSeed.varied(i, people)).toList();
        List<IssueSeed> b = IntStream.range(0, 200).mapToObj(i -> IssueSeed.varied(i, people)).toList();
        assertThat(a).isEqualTo(b);
        Set<String> states = new HashSet<>();
        Set<String> kinds = new HashSet<>();
        Set<String> priorities = new HashSet<>();
        a.forEach(s -> {
            states.add(s.state());
            kinds.add(s.kind());
            priorities.add(s.priority());
        });
        assertThat(states).containsExactlyInAnyOrderElementsOf(IssueSeed.STATES);
        assertThat(kinds).containsExactlyInAnyOrderElementsOf(IssueSeed.KINDS);
        assertThat(priorities).containsExactlyInAnyOrderElementsOf(IssueSeed.PRIORITIES);
        assertThat(a.subList(0, 6)).extracting(IssueSeed::assignee).containsExactly("alice", "bob", null, "alice", "bob", null);
        assertThat(a.get(0).createdOn()).isEqualTo(IssueSeed.VARIED_EPOCH);
        List<java.time.Instant> updated = new ArrayList<>();
        a.forEach(s -> updated.add(s.updatedOn()));
        assertThat(updated).as("updated_on order differs from id order").isNotEqualTo(updated.stream().sorted().toList());
        assertThat(IssueSeed.varied(5, List.of()).assignee()).isNull();
    }

    @Test
    void rejectsValuesOutsideTheApisChoices() {
        assertThatThrownBy(() -> IssueSeed.of("x").withState("sleeping")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("state");
        assertThatThrownBy(() -> IssueSeed.of("x").withPriority("urgent")).hasMessageContaining("priority");
        assertThatThrownBy(() -> IssueSeed.varied(-1, List.of())).hasMessageContaining("negative");
        assertThatThrownBy(() -> PullRequestSeed.open("t", "b", "a").withState("open")).hasMessageContaining("OPEN");
    }
}
