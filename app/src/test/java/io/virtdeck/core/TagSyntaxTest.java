package io.virtdeck.core;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The tag syntax: what is a tag, what is refused (and named), and the order tags are kept in. */
class TagSyntaxTest {

    @Test
    void tagsAreLowerCaseWordsWithAtMostOneKeyValueColon() {
        assertThat(List.of("env:prod", "team-a", "customer_b", "v1.2", "a", "9", "rack:b12", "x".repeat(64)))
                .allMatch(Tags::valid);
        assertThat(List.of("Env", "a:b:c", ":prod", "env:", "-a", ".a", "a b", "", "é", "a/b", "x".repeat(65),
                "env:-prod")).noneMatch(Tags::valid);
        assertThat(Tags.valid(null)).isFalse();
    }

    @Test
    void aListIsCheckedSortedByItsBytesAndKeptOnce() {
        assertThat(Tags.requireAll(List.of("team-a", "env:prod", "team-a", "env-x"), "tags"))
                .containsExactly("env-x", "env:prod", "team-a");
        assertThatThrownBy(() -> Tags.requireAll(List.of("ok", "Not-Ok"), "tags"))
                .isInstanceOfSatisfying(VirtdeckException.class, e -> {
                    assertThat(e.status().value()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("'Not-Ok' is not a tag").contains("lower-case");
                });
        assertThatThrownBy(() -> Tags.requireAll(null, "tags")).hasMessageContaining("tags is required");
        List<String> many = java.util.stream.IntStream.rangeClosed(0, Tags.MAX_PER_OBJECT).mapToObj(i -> "t" + i)
                .toList();
        assertThatThrownBy(() -> Tags.requireFew(many, "tags")).hasMessageContaining("at most 32 tags");
    }
}
