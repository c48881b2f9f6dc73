package org.postern.server.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import org.postern.access.Caller;
import org.postern.model.EmailAddress;
import org.postern.model.InvalidInputException;
import org.postern.model.Role;
import org.postern.server.Postern;
import org.postern.store.User;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "user", description = "Manage user accounts.",
        subcommands = {UserCommand.Add.class, UserCommand.ListUsers.class, UserCommand.Disable.class,
                UserCommand.Enable.class, UserCommand.MfaReset.class, UserCommand.EndSessions.class,
                UserCommand.SetRole.class, UserCommand.RequireMfa.class})
final class UserCommand {

    @Command(name = "add", description = "Create an account on a hosted domain, with its mailboxes and its login as its first address.")
    static final class Add extends DeploymentVerb {
        @Parameters(paramLabel = "EMAIL", converter = Converters.Email.class, description = "The login address.")
        EmailAddress login;

        @Option(names = "--admin", description = "Make the user a server administrator (same as --role server-admin).")
        boolean admin;

        @Option(names = "--role", paramLabel = "ROLE", converter = Converters.RoleName.class,
                description = "user (default), tenant-admin or server-admin.")
        Role role;

        @Option(names = "--password-stdin", required = true,
                description = "Read the password from standard input (one line; at least 12 characters).")
        boolean passwordStdin;

        @Override
        void run(Postern p) throws IOException {
            Role chosen = admin ? Role.SERVER_ADMIN : role == null ? Role.USER : role;
            if (admin && role != null && role != Role.SERVER_ADMIN) {
                throw new InvalidInputException("--admin and --role " + role.label() + " contradict each other");
            }
            char[] password = readPassword(System.in);
            try {
                User u = p.directory().addUser(new Caller.Operator(), login, chosen, password);
                OperatorAudit.aboutUser(p, u.login(), "user.create", java.util.Map.of("role", u.role().label()));
                out().println("user " + u.login() + " added (" + u.role().label() + ")");
            } finally {
                Arrays.fill(password, '\0');
            }
        }

        /** The first line of stdin, without its line ending, never as a String. */
        static char[] readPassword(InputStream in) throws IOException {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            int b;
            int limit = 4 * org.postern.mail.directory.PasswordPolicy.MAX_CHARS; // UTF-8: at most 4 bytes a char
            while ((b = in.read()) >= 0 && b != '\n') {
                if (buf.size() >= limit) {
                    throw new InvalidInputException("password on standard input is too long");
                }
                buf.write(b);
            }
            byte[] bytes = buf.toByteArray();
            int len = bytes.length;
            if (len > 0 && bytes[len - 1] == '\r') {
                len--;
            }
            try {
                CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes, 0, len));
                char[] out = new char[chars.remaining()];
                chars.get(out);
                Arrays.fill(chars.array(), '\0');
                return out;
            } catch (CharacterCodingException e) {
                throw new InvalidInputException("password on standard input is not valid UTF-8");
            } finally {
                Arrays.fill(bytes, (byte) 0);
            }
        }
    }

    @Command(name = "list", description = "List users: login, role, state, id, whether MFA is required of them (on/off).")
    static final class ListUsers extends DeploymentVerb {
        @Option(names = "--json", description = "One JSON object per line.")
        boolean json;

        @Override
        void run(Postern p) {
            var users = p.directory().users(new Caller.Operator()).stream()
                    .sorted(Comparator.comparing(u -> u.login().toString())).toList();
            Output.rows(out(), json, users, u -> new Object[] {"login", u.login(), "role", u.role().label(), "state",
                    u.disabled() ? "disabled" : "active", "id", u.id(), "require_mfa", u.mfaRequired() ? "on" : "off"});
        }
    }

    @Command(name = "disable", description = "Disable an account: no sign-in, no mail delivered; data is kept.")
    static final class Disable extends DeploymentVerb {
        @Parameters(paramLabel = "EMAIL", converter = Converters.Email.class)
        EmailAddress login;

        @Override
        void run(Postern p) {
            p.directory().setDisabled(new Caller.Operator(), login, true);
            OperatorAudit.aboutUser(p, login, "user.disable", java.util.Map.of());
            out().println("user " + login + " disabled");
        }
    }

    @Command(name = "enable", description = "Enable a disabled account again.")
    static final class Enable extends DeploymentVerb {
        @Parameters(paramLabel = "EMAIL", converter = Converters.Email.class)
        EmailAddress login;

        @Override
        void run(Postern p) {
            p.directory().setDisabled(new Caller.Operator(), login, false);
            OperatorAudit.aboutUser(p, login, "user.enable", java.util.Map.of());
            out().println("user " + login + " enabled");
        }
    }

    @Command(name = "mfa-reset", description = "Remove a user's second factor (they lost it and their recovery codes);"
            + " ends their sessions; they enrol again at next sign-in. Audited; the user is told.")
    static final class MfaReset extends DeploymentVerb {
        @Parameters(paramLabel = "EMAIL", converter = Converters.Email.class)
        EmailAddress login;

        @Override
        void run(Postern p) {
            User u = existing(p, login);
            p.identity().mfa().adminReset(new Caller.Operator(), u.id(), org.postern.auth.signin.ClientInfo.local("postern-cli"));
            out().println("second factor of " + login + " removed; sessions ended");
        }
    }

    @Command(name = "end-sessions", description = "Sign a user out everywhere: every session and refresh token ends"
            + " at once, access tokens within session_status_max_age.")
    static final class EndSessions extends DeploymentVerb {
        @Parameters(paramLabel = "EMAIL", converter = Converters.Email.class)
        EmailAddress login;

        @Override
        void run(Postern p) {
            User u = existing(p, login);
            int n = p.identity().sessions().endAllOf(new Caller.Operator(), u.id(),
                    org.postern.auth.signin.ClientInfo.local("postern-cli"));
            out().println(n + " session(s) of " + login + " ended");
        }
    }

    @Command(name = "role", description = "Change a user's role (user, tenant-admin, server-admin); their sessions"
            + " end so the new role applies from their next sign-in. Audited.")
    static final class SetRole extends DeploymentVerb {
        @Parameters(index = "0", paramLabel = "EMAIL", converter = Converters.Email.class)
        EmailAddress login;

        @Parameters(index = "1", paramLabel = "ROLE", converter = Converters.RoleName.class)
        Role role;

        @Override
        void run(Postern p) {
            User u = p.identity().roleChange().change(new Caller.Operator(), login, role,
                    org.postern.auth.signin.ClientInfo.local("postern-cli"));
            out().println("user " + u.login() + " is now " + u.role().label());
        }
    }

    /** The values of an on/off switch, as typed. */
    enum Switch { on, off }

    @Command(name = "require-mfa", description = "Require two-step sign-in of one user (on) or stop requiring it (off),"
            + " whatever the tenant's policy. Without TOTP their next sign-in can only enrol it, and turning it on"
            + " ends their sessions. Audited.")
    static final class RequireMfa extends DeploymentVerb {
        @Parameters(index = "0", paramLabel = "EMAIL", converter = Converters.Email.class)
        EmailAddress login;

        @Parameters(index = "1", paramLabel = "on|off", description = "on or off.")
        Switch state;

        @Override
        void run(Postern p) {
            User u = existing(p, login);
            User changed = p.identity().mfaRequirement().set(new Caller.Operator(), u.id(), state == Switch.on,
                    org.postern.auth.signin.ClientInfo.local("postern-cli"));
            out().println("user " + changed.login() + ": require_mfa=" + (changed.mfaRequired() ? "on" : "off"));
        }
    }

    static User existing(Postern p, EmailAddress login) {
        return p.directory().user(new Caller.Operator(), login)
                .orElseThrow(() -> new org.postern.model.NotFoundException("no such user"));
    }
}
