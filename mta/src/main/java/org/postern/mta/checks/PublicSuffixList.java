package org.postern.mta.checks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.postern.model.DomainName;

/**
 * The Public Suffix List, for the DMARC organizational domain (RFC 7489 §3.2). Both the ICANN
 * and the private sections are used, as common DMARC implementations do.
 *
 * <p>{@link #bundled()} reads the copy shipped in this jar: the official list
 * ({@code https://publicsuffix.org/list/public_suffix_list.dat}, Mozilla Public License 2.0, its
 * licence header kept in the file), taken from Debian's {@code publicsuffix} package of
 * 2023-02-09. A stale list can only miss newer suffixes, which makes relaxed alignment looser for
 * those; operators can pass a fresher file to {@link #load(Path)} (e.g. Debian's
 * {@code /usr/share/publicsuffix/public_suffix_list.dat}).
 */
public final class PublicSuffixList {
    private static final String RESOURCE = "public_suffix_list.dat";
    private static final int MAX_RULES = 100_000;

    private final Set<String> rules;
    private final Set<String> wildcards;
    private final Set<String> exceptions;

    private PublicSuffixList(Set<String> rules, Set<String> wildcards, Set<String> exceptions) {
        this.rules = rules;
        this.wildcards = wildcards;
        this.exceptions = exceptions;
    }

    private static final class Bundled {
        static final PublicSuffixList INSTANCE = loadBundled();

        private static PublicSuffixList loadBundled() {
            try (InputStream in = PublicSuffixList.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("bundled public suffix list is missing");
                }
                return parse(new InputStreamReader(in, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The list shipped with Postern, read once. */
    public static PublicSuffixList bundled() {
        return Bundled.INSTANCE;
    }

    /** Reads a list file in the official format. */
    public static PublicSuffixList load(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(r);
        }
    }

    static PublicSuffixList parse(Reader reader) throws IOException {
        Set<String> rules = new HashSet<>();
        Set<String> wildcards = new HashSet<>();
        Set<String> exceptions = new HashSet<>();
        BufferedReader in = new BufferedReader(reader);
        String line;
        int count = 0;
        while ((line = in.readLine()) != null) {
            String rule = line.strip();
            int space = rule.indexOf(' ');
            if (space >= 0) {
                rule = rule.substring(0, space);
            }
            if (rule.isEmpty() || rule.startsWith("//")) {
                continue;
            }
            if (++count > MAX_RULES) {
                throw new IOException("public suffix list has too many rules");
            }
            Set<String> target = rules;
            if (rule.startsWith("!")) {
                target = exceptions;
                rule = rule.substring(1);
            } else if (rule.startsWith("*.")) {
                target = wildcards;
                rule = rule.substring(2);
            }
            try {
                target.add(IDN.toASCII(rule, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                // a rule we cannot represent cannot match an ASCII name either
            }
        }
        if (rules.isEmpty()) {
            throw new IOException("public suffix list is empty");
        }
        return new PublicSuffixList(Set.copyOf(rules), Set.copyOf(wildcards), Set.copyOf(exceptions));
    }

    /** The public suffix of the domain (the implicit rule "*" applies when nothing matches). */
    public String publicSuffix(DomainName domain) {
        String[] labels = domain.ascii().split("\\.");
        return join(labels, suffixStart(labels));
    }

    /**
     * The organizational domain: the public suffix plus one label; a name that is itself a public
     * suffix is its own organizational domain.
     */
    public DomainName organizationalDomain(DomainName domain) {
        Objects.requireNonNull(domain, "domain");
        String[] labels = domain.ascii().split("\\.");
        int start = suffixStart(labels);
        if (start == 0) {
            return domain;
        }
        return new DomainName(join(labels, start - 1));
    }

    /** Index of the first label of the longest matching public suffix. */
    private int suffixStart(String[] labels) {
        for (int i = 0; i < labels.length; i++) {
            String candidate = join(labels, i);
            if (exceptions.contains(candidate)) {
                return i + 1;
            }
            if (rules.contains(candidate)) {
                return i;
            }
            if (i + 1 < labels.length && wildcards.contains(join(labels, i + 1))) {
                return i;
            }
        }
        return labels.length - 1;
    }

    private static String join(String[] labels, int from) {
        return String.join(".", java.util.Arrays.copyOfRange(labels, from, labels.length));
    }
}
