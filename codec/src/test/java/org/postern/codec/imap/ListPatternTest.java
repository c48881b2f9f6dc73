package org.postern.codec.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ListPatternTest {

    private static ListPattern p(String pattern) {
        return ListPattern.compile(pattern, '/').orElseThrow();
    }

    @Test
    void starMatchesAcrossTheHierarchyAndPercentDoesNot() {
        assertThat(p("*").matches("INBOX")).isTrue();
        assertThat(p("*").matches("a/b/c")).isTrue();
        assertThat(p("*").matches("")).isTrue();
        assertThat(p("%").matches("Sent")).isTrue();
        assertThat(p("%").matches("Archive/2024")).isFalse();
        assertThat(p("Archive/%").matches("Archive/2024")).isTrue();
        assertThat(p("Archive/%").matches("Archive/2024/Q1")).isFalse();
        assertThat(p("Archive/*").matches("Archive/2024/Q1")).isTrue();
        assertThat(p("Archive/*").matches("Archive")).isFalse();
        assertThat(p("A*e").matches("Archive")).isTrue();
        assertThat(p("A%e").matches("Archive")).isTrue();
        assertThat(p("A%e").matches("Ab/ce")).isFalse();
        assertThat(p("*/Q1").matches("Archive/2024/Q1")).isTrue();
        assertThat(p("%/Q1").matches("Archive/2024/Q1")).isFalse();
    }

    @Test
    void literalPatternsMatchExactlyAndCaseSensitively() {
        assertThat(p("Sent").matches("Sent")).isTrue();
        assertThat(p("Sent").matches("sent")).isFalse();
        assertThat(p("Sent").matches("Sent2")).isFalse();
        assertThat(p("Sent").isLiteral()).isTrue();
        assertThat(p("Se%").isLiteral()).isFalse();
    }

    @Test
    void inboxIsMatchedCaseInsensitively() {
        assertThat(p("inbox").matches(MailboxName.INBOX)).isTrue();
        assertThat(p("Inbox").matches(new MailboxName("inbox"))).isTrue();
        assertThat(p("inbox/%").matches("INBOX/Work")).isTrue();
        assertThat(p("inboxes").matches("INBOXES")).isFalse();
    }

    @Test
    void referenceIsPrefixedUnlessThePatternIsAbsolute() {
        ListPattern relative = ListPattern.of("Archive/", "%", '/').orElseThrow();
        assertThat(relative.matches("Archive/2024")).isTrue();
        assertThat(relative.matches("Sent")).isFalse();
        ListPattern absolute = ListPattern.of("Archive/", "/shared/%", '/').orElseThrow();
        assertThat(absolute.matches("/shared/x")).isTrue();
        assertThat(ListPattern.of("", "*", '/').orElseThrow().matches("x/y")).isTrue();
    }

    @Test
    void unicodeNamesMatchPerCodePoint() {
        assertThat(p("\u65e5%").matches("\u65e5\u672c\u8a9e")).isTrue();
        assertThat(p("%\uD83D\uDE00").matches("Fun \uD83D\uDE00")).isTrue();
        assertThat(p("Fun ?").matches("Fun \uD83D\uDE00")).isFalse();
    }

    @Test
    void descendantsThatCouldMatchAreReported() {
        assertThat(p("Archive/2024/%").couldMatchDescendantOf("Archive")).isTrue();
        assertThat(p("Archive/2024/%").couldMatchDescendantOf("Sent")).isFalse();
        assertThat(p("%").couldMatchDescendantOf("Archive")).isFalse();
        assertThat(p("*").couldMatchDescendantOf("Archive")).isTrue();
        assertThat(p("%/%").couldMatchDescendantOf("Archive")).isTrue();
    }

    @Test
    void patternsAreBounded() {
        assertThat(ListPattern.compile("*".repeat(ListPattern.MAX_CHARS), '/')).isPresent();
        assertThat(ListPattern.compile("a".repeat(ListPattern.MAX_CHARS + 1), '/')).isEmpty();
        assertThat(ListPattern.of("r".repeat(600), "p".repeat(600), '/')).isEmpty();
    }

    @Test
    void pathologicalPatternsStayLinear() {
        // Backtracking matchers take exponential time on these; the automaton takes microseconds.
        String longName = "a".repeat(1000);
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            for (int i = 0; i < 200; i++) {
                assertThat(p("*".repeat(100) + "b").matches(longName)).isFalse();
                assertThat(p("*a".repeat(50) + "b").matches(longName)).isFalse();
                assertThat(p("%a".repeat(50) + "b").matches(longName)).isFalse();
                assertThat(p("*%".repeat(50) + "a").matches(longName)).isTrue();
            }
            String big = "*a%".repeat(ListPattern.MAX_CHARS / 3);
            String name = "a/".repeat(500);
            for (int i = 0; i < 50; i++) {
                p(big).matches(name);
            }
        });
    }

    @Test
    void agreesWithABacktrackingReferenceOnRandomSmallCases() {
        Random random = new Random(0x1157L);
        char[] patternChars = {'a', 'b', '/', '*', '%'};
        char[] nameChars = {'a', 'b', '/'};
        for (int i = 0; i < 100_000; i++) {
            String pattern = randomString(random, patternChars, 7);
            String name = randomString(random, nameChars, 8);
            assertThat(p(pattern).matches(name)).as("%s ~ %s", pattern, name).isEqualTo(reference(pattern, 0, name, 0));
        }
    }

    private static String randomString(Random random, char[] alphabet, int maxLength) {
        int n = random.nextInt(maxLength + 1);
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < n; k++) {
            b.append(alphabet[random.nextInt(alphabet.length)]);
        }
        return b.toString();
    }

    /** The RFC's definition, by exhaustive backtracking (fine for tiny inputs). */
    private static boolean reference(String p, int i, String n, int j) {
        if (i == p.length()) {
            return j == n.length();
        }
        char c = p.charAt(i);
        if (c == '*' || c == '%') {
            for (int k = j; k <= n.length(); k++) {
                if (reference(p, i + 1, n, k)) {
                    return true;
                }
                if (k < n.length() && c == '%' && n.charAt(k) == '/') {
                    return false;
                }
            }
            return false;
        }
        return j < n.length() && n.charAt(j) == c && reference(p, i + 1, n, j + 1);
    }
}
