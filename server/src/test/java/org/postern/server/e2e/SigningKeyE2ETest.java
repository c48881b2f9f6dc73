package org.postern.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.server.e2e.CliE2ETest.ok;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.server.e2e.Launcher.Result;

/** Token-signing key rotation through the CLI: the previous key stays, the one before goes, master rotation keeps both. */
class SigningKeyE2ETest {
    private static final Pattern ROTATED =
            Pattern.compile("token-signing key rotated: active ([A-Za-z0-9_-]{43}), previous ([A-Za-z0-9_-]{43}) \\(");

    @TempDir
    Path tmp;

    private static List<String> signingLines(Launcher postern) {
        Result status = postern.run("keys", "status");
        ok(status);
        return status.out().lines().filter(l -> l.startsWith("signing-key\t")).toList();
    }

    private static Matcher rotate(Launcher postern) {
        Result r = postern.run("keys", "rotate-signing");
        ok(r);
        Matcher m = ROTATED.matcher(r.out());
        assertThat(m.find()).as(r.toString()).isTrue();
        return m;
    }

    @Test
    void rotateSigningKeepsThePreviousKeyDropsTheOneBeforeAndSurvivesMasterKeyRotation() {
        Launcher postern = new Launcher(tmp.resolve("data"));
        List<String> first = signingLines(postern);
        assertThat(first).singleElement().asString().matches("signing-key\t[A-Za-z0-9_-]{43}\tactive");
        String firstKid = first.getFirst().split("\t")[1];

        Matcher one = rotate(postern);
        assertThat(one.group(2)).isEqualTo(firstKid);
        assertThat(one.group(1)).isNotEqualTo(firstKid);
        assertThat(signingLines(postern)).containsExactly("signing-key\t" + one.group(1) + "\tactive",
                "signing-key\t" + firstKid + "\tprevious");
        assertThat(postern.dataDir().resolve("keys/token-signing.previous.sealed")).exists();

        Matcher two = rotate(postern);
        assertThat(two.group(2)).isEqualTo(one.group(1));
        List<String> afterTwo = signingLines(postern);
        assertThat(afterTwo).containsExactly("signing-key\t" + two.group(1) + "\tactive",
                "signing-key\t" + one.group(1) + "\tprevious");
        assertThat(String.join("\n", afterTwo)).doesNotContain(firstKid);

        // A master key rotation reseals both signing keys (and removes the old master key) without changing them.
        Result masterRotation = postern.run("keys", "rotate");
        ok(masterRotation);
        Matcher resealed = Pattern.compile("(\\d+) files resealed, 1 old keys removed").matcher(masterRotation.out());
        assertThat(resealed.find()).as(masterRotation.toString()).isTrue();
        assertThat(Integer.parseInt(resealed.group(1))).as("at least both signing keys").isGreaterThanOrEqualTo(2);
        assertThat(signingLines(postern)).isEqualTo(afterTwo);
    }
}
