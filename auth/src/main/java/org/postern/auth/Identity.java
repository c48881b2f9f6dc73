package org.postern.auth;

import java.time.Clock;
import org.postern.access.AccessPolicy;
import org.postern.auth.account.AccountRecovery;
import org.postern.auth.account.EmailVerification;
import org.postern.auth.account.Invitations;
import org.postern.auth.account.Notifier;
import org.postern.auth.account.PasswordChange;
import org.postern.auth.account.ShortCodes;
import org.postern.auth.admin.MfaRequirement;
import org.postern.auth.admin.RoleChange;
import org.postern.auth.admin.TenantSecurity;
import org.postern.auth.audit.AuditChain;
import org.postern.auth.audit.AuditLog;
import org.postern.auth.credential.Credentials;
import org.postern.auth.mfa.Mfa;
import org.postern.auth.risk.IpLocator;
import org.postern.auth.session.Sessions;
import org.postern.auth.signin.BearerAuthenticator;
import org.postern.auth.signin.ProtocolAuthenticator;
import org.postern.auth.signin.RiskAssessor;
import org.postern.auth.signin.SecondFactor;
import org.postern.auth.signin.SessionIssuer;
import org.postern.auth.signin.SessionStatus;
import org.postern.auth.signin.SignIn;
import org.postern.auth.throttle.SignInThrottle;
import org.postern.auth.throttle.ThrottlePolicy;
import org.postern.auth.token.AccessTokens;
import org.postern.auth.token.SigningKeys;
import org.postern.auth.totp.Totp;
import org.postern.crypto.PasswordHasher;
import org.postern.mail.directory.Directory;
import org.postern.mail.keys.FieldSealer;
import org.postern.store.MetadataStore;

/**
 * The one authority on who a caller is: every front end (HTTP API, IMAP, SMTP submission) signs
 * users in and checks their credentials through the services built here, and gets back a
 * {@link org.postern.access.Caller} for the {@link AccessPolicy} to judge. Plain constructors, one
 * instance per process.
 */
public final class Identity {
    private final AccessTokens tokens;
    private final AuditLog audit;
    private final SignIn signIn;
    private final BearerAuthenticator bearer;
    private final ProtocolAuthenticator protocols;
    private final Sessions sessions;
    private final Credentials credentials;
    private final Mfa mfa;
    private final Invitations invitations;
    private final EmailVerification emailVerification;
    private final AccountRecovery recovery;
    private final PasswordChange passwordChange;
    private final TenantSecurity tenantSecurity;
    private final RoleChange roleChange;
    private final MfaRequirement mfaRequirement;
    private final Notifier notifier;

    /**
     * @param auditKey the 32-byte key of the audit log's hash chain
     */
    public Identity(MetadataStore store, AccessPolicy policy, Directory directory, FieldSealer sealer,
            PasswordHasher hasher, SigningKeys signingKeys, byte[] auditKey, IpLocator locator,
            ThrottlePolicy throttlePolicy, AuthSettings settings, Clock clock) {
        this.tokens = new AccessTokens(signingKeys, settings.issuer(), settings.audience(),
                settings.accessTokenLifetime(), clock);
        this.audit = new AuditLog(store, policy, new AuditChain(auditKey), clock);
        SignInThrottle throttle = new SignInThrottle(store, policy, throttlePolicy, clock);
        SecondFactor secondFactor = new SecondFactor(sealer, new Totp(clock));
        SessionIssuer issuer = new SessionIssuer(tokens, settings, clock);
        SessionStatus status = new SessionStatus(store, policy, settings.sessionStatusMaxAge(), clock);
        this.notifier = new Notifier(store, policy, sealer, clock);
        this.signIn = new SignIn(store, policy, hasher, throttle, secondFactor, issuer,
                new RiskAssessor(locator, settings.maxTravelKmh()), status, audit, settings, clock);
        this.bearer = new BearerAuthenticator(store, policy, tokens, status, clock);
        this.protocols = new ProtocolAuthenticator(store, policy, hasher, throttle, secondFactor, audit, clock);
        this.sessions = new Sessions(store, policy, status, audit, clock);
        this.credentials = new Credentials(store, policy, audit, clock);
        this.mfa = new Mfa(store, policy, secondFactor, issuer, status, notifier, audit, clock);
        ShortCodes codes = new ShortCodes(auditKey);
        this.emailVerification = new EmailVerification(store, policy, notifier, issuer, status, secondFactor, audit,
                settings, codes, clock);
        this.invitations = new Invitations(store, policy, directory, emailVerification, audit, settings, clock);
        this.recovery = new AccountRecovery(store, policy, hasher, throttle, notifier, status, audit, settings, codes,
                clock);
        this.passwordChange = new PasswordChange(store, policy, hasher, throttle, status, notifier, audit, clock);
        this.tenantSecurity = new TenantSecurity(store, policy, audit);
        this.roleChange = new RoleChange(directory, sessions, audit);
        this.mfaRequirement = new MfaRequirement(store, policy, secondFactor, status, audit, clock);
    }

    public AccessTokens tokens() {
        return tokens;
    }

    public AuditLog audit() {
        return audit;
    }

    public SignIn signIn() {
        return signIn;
    }

    public BearerAuthenticator bearer() {
        return bearer;
    }

    public ProtocolAuthenticator protocols() {
        return protocols;
    }

    public Sessions sessions() {
        return sessions;
    }

    public Credentials credentials() {
        return credentials;
    }

    public Mfa mfa() {
        return mfa;
    }

    public Invitations invitations() {
        return invitations;
    }

    public EmailVerification emailVerification() {
        return emailVerification;
    }

    public AccountRecovery recovery() {
        return recovery;
    }

    public PasswordChange passwordChange() {
        return passwordChange;
    }

    public TenantSecurity tenantSecurity() {
        return tenantSecurity;
    }

    public RoleChange roleChange() {
        return roleChange;
    }

    public MfaRequirement mfaRequirement() {
        return mfaRequirement;
    }

    public Notifier notifier() {
        return notifier;
    }
}
