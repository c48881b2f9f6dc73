package org.postern.server.cli;

import java.util.Comparator;
import org.postern.access.Caller;
import org.postern.server.Postern;
import org.postern.store.Tenant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "tenant", description = "Manage tenants (organisations).",
        subcommands = {TenantCommand.Add.class, TenantCommand.ListTenants.class, TenantCommand.Security.class,
                TenantCommand.Limits.class})
final class TenantCommand {

    @Command(name = "add", description = "Create a tenant.")
    static final class Add extends DeploymentVerb {
        @Parameters(paramLabel = "NAME", description = "1-64 letters, digits, spaces, dots, dashes or underscores.")
        String name;

        @Override
        void run(Postern p) {
            Tenant t = p.directory().addTenant(new Caller.Operator(), name);
            OperatorAudit.aboutTenant(p, java.util.Optional.of(t.id()), "tenant.create", java.util.Map.of("tenant", t.id().toString()));
            out().println("tenant " + t.name() + " added (" + t.id() + ")");
        }
    }

    @Command(name = "list", description = "List tenants: name, id, created.")
    static final class ListTenants extends DeploymentVerb {
        @Option(names = "--json", description = "One JSON object per line.")
        boolean json;

        @Override
        void run(Postern p) {
            var tenants = p.directory().tenants(new Caller.Operator()).stream()
                    .sorted(Comparator.comparing(Tenant::name)).toList();
            Output.rows(out(), json, tenants, t -> new Object[] {"name", t.name(), "id", t.id(), "created", t.createdAt()});
        }
    }

    @Command(name = "security", description = "Show or set a tenant's security policy: whether every user must use"
            + " two-step sign-in, and what happens on risky sign-ins (off, audit, enforced).")
    static final class Security extends DeploymentVerb {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--require-mfa", paramLabel = "true|false", arity = "1",
                description = "Require TOTP of every user of the tenant.")
        Boolean requireMfa;

        @Option(names = "--risk-mode", paramLabel = "MODE",
                description = "off, audit (record risky sign-ins) or enforced (require TOTP, else refuse).")
        String riskMode;

        @Override
        void run(Postern p) {
            Caller operator = new Caller.Operator();
            Tenant t = p.directory().tenants(operator).stream().filter(x -> x.name().equals(name)).findFirst()
                    .orElseThrow(() -> new org.postern.model.NotFoundException("no tenant named " + name));
            var current = p.identity().tenantSecurity().policy(operator, t.id());
            if (requireMfa != null || riskMode != null) {
                org.postern.store.identity.RiskMode mode = current.riskMode();
                if (riskMode != null) {
                    try {
                        mode = org.postern.store.identity.RiskMode.valueOf(riskMode.toUpperCase(java.util.Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw new org.postern.model.InvalidInputException("--risk-mode must be off, audit or enforced");
                    }
                }
                current = p.identity().tenantSecurity().setPolicy(operator, t.id(),
                        requireMfa != null ? requireMfa : current.requireMfa(), mode,
                        org.postern.auth.signin.ClientInfo.local("postern-cli"));
            }
            out().println("tenant " + t.name() + ": require_mfa=" + current.requireMfa() + " risk_mode="
                    + current.riskMode().name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    @Command(name = "limits", description = "Show or set a tenant's submission limits: largest message, recipients"
            + " per message and messages per hour per user. Each is the server's default (submission_* settings)"
            + " unless set here; changes apply to the next message, without a restart, and are audited.")
    static final class Limits extends DeploymentVerb {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--max-message-size", paramLabel = "BYTES|default",
                description = "Largest message in bytes (1 KiB to 1 GiB; suffixes KiB, MiB, GiB), or default.")
        String maxMessageSize;

        @Option(names = "--max-recipients", paramLabel = "N|default",
                description = "Recipients per message (1 to 10000), or default.")
        String maxRecipients;

        @Option(names = "--messages-per-hour", paramLabel = "N|default",
                description = "Messages per hour per user, SMTP and API together (1 to 1000000), or default.")
        String messagesPerHour;

        @Option(names = "--reset", description = "Back to the server's defaults for all three.")
        boolean reset;

        @Option(names = "--json", description = "One JSON object.")
        boolean json;

        @Override
        void run(Postern p) {
            Caller operator = new Caller.Operator();
            Tenant t = p.directory().tenants(operator).stream().filter(x -> x.name().equals(name)).findFirst()
                    .orElseThrow(() -> new org.postern.model.NotFoundException("no tenant named " + name));
            var limits = p.sendingLimits();
            var view = limits.view(operator, t.id());
            if (reset && (maxMessageSize != null || maxRecipients != null || messagesPerHour != null)) {
                throw new org.postern.model.InvalidInputException("--reset cannot be combined with other limits");
            }
            if (reset || maxMessageSize != null || maxRecipients != null || messagesPerHour != null) {
                org.postern.store.TenantLimits current = reset
                        ? org.postern.store.TenantLimits.none(t.id()) : view.overrides();
                java.util.OptionalLong size = maxMessageSize == null ? current.maxMessageBytes()
                        : size(maxMessageSize);
                java.util.OptionalInt recipients = maxRecipients == null ? current.maxRecipients()
                        : count(maxRecipients, "--max-recipients", org.postern.model.SubmissionLimits::checkRecipients);
                java.util.OptionalInt perHour = messagesPerHour == null ? current.messagesPerHour()
                        : count(messagesPerHour, "--messages-per-hour",
                                org.postern.model.SubmissionLimits::checkMessagesPerHour);
                view = limits.set(operator, t.id(), new org.postern.store.TenantLimits(t.id(), size, recipients,
                        perHour), org.postern.auth.signin.ClientInfo.local("postern-cli"));
            }
            var e = view.effective();
            var o = view.overrides();
            if (json) {
                Output.row(out(), true, "tenant", t.name(), "max_message_bytes", e.maxMessageBytes(),
                        "max_recipients", e.maxRecipients(), "messages_per_hour", e.messagesPerHour(),
                        "max_message_bytes_set", o.maxMessageBytes().isPresent(),
                        "max_recipients_set", o.maxRecipients().isPresent(),
                        "messages_per_hour_set", o.messagesPerHour().isPresent());
                return;
            }
            out().println("tenant " + t.name() + ": max_message_bytes=" + e.maxMessageBytes()
                    + origin(o.maxMessageBytes().isPresent()) + " max_recipients=" + e.maxRecipients()
                    + origin(o.maxRecipients().isPresent()) + " messages_per_hour=" + e.messagesPerHour()
                    + origin(o.messagesPerHour().isPresent()));
        }

        private static String origin(boolean set) {
            return set ? "" : " (default)";
        }

        private static java.util.OptionalLong size(String text) {
            if (text.equalsIgnoreCase("default")) {
                return java.util.OptionalLong.empty();
            }
            String v = text.strip();
            long unit = 1;
            for (var suffix : java.util.List.of(java.util.Map.entry("KiB", 1024L), java.util.Map.entry("MiB", 1024L * 1024),
                    java.util.Map.entry("GiB", 1024L * 1024 * 1024))) {
                if (v.endsWith(suffix.getKey())) {
                    unit = suffix.getValue();
                    v = v.substring(0, v.length() - 3).strip();
                    break;
                }
            }
            long n = number(v, "--max-message-size");
            if (n > org.postern.model.SubmissionLimits.MAX_MESSAGE_BYTES / unit) {
                throw new org.postern.model.InvalidInputException("--max-message-size must be between 1024 and "
                        + org.postern.model.SubmissionLimits.MAX_MESSAGE_BYTES);
            }
            return java.util.OptionalLong.of(org.postern.model.SubmissionLimits.checkMessageBytes("--max-message-size",
                    n * unit));
        }

        private static java.util.OptionalInt count(String text, String option,
                java.util.function.BiFunction<String, Long, Integer> check) {
            if (text.equalsIgnoreCase("default")) {
                return java.util.OptionalInt.empty();
            }
            return java.util.OptionalInt.of(check.apply(option, number(text.strip(), option)));
        }

        private static long number(String text, String option) {
            if (!text.matches("[0-9]{1,12}")) {
                throw new org.postern.model.InvalidInputException(option + " must be a whole number or default");
            }
            return Long.parseLong(text);
        }
    }
}
