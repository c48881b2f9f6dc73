package org.postern.store.identity;

/** What a tenant does about risky sign-ins (a new device or IP, impossible travel). */
public enum RiskMode {
    /** Nothing is checked. */
    OFF,
    /** Risky sign-ins are recorded in the audit log and allowed. */
    AUDIT,
    /** Risky sign-ins need a TOTP code (step-up), or are refused when the user has none. */
    ENFORCED
}
