package org.postern.server.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.postern.server.config.ConfigReference;

/** README.md is part of the interface: its configuration table and its commands must stay true. */
class ReadmeTest {
    private static Path repo() {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.exists(p.resolve("README.md"))) {
            p = p.getParent();
        }
        return p;
    }

    private static String readme() throws IOException {
        return Files.readString(repo().resolve("README.md"));
    }

    @Test
    void theConfigurationTableIsTheGeneratedReference() throws IOException {
        String readme = readme();
        assertThat(readme).contains(ConfigReference.markdownTable().strip());
    }

    @Test
    void theTwoFreshMachineCommandsAreNearTheTop() throws IOException {
        String top = readme().lines().limit(40).reduce("", (a, b) -> a + b + "\n");
        assertThat(top).contains("./postern serve").contains("./run-tests");
    }

    @Test
    void ciRunsTheReadmesTestCommand() throws IOException {
        assertThat(Files.readString(repo().resolve(".ci/run"))).contains("exec ./run-tests");
    }
}
