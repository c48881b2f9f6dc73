package org.postern.model;

/** What a user may administer. Roles are ordered: each includes the powers of those before it. */
public enum Role {
    USER,
    TENANT_ADMIN,
    SERVER_ADMIN;

    public boolean isAdmin() {
        return this != USER;
    }

    public static Role parse(String text) {
        for (Role r : values()) {
            if (r.name().equalsIgnoreCase(text) || r.name().replace('_', '-').equalsIgnoreCase(text)) {
                return r;
            }
        }
        throw new InvalidInputException("unknown role (expected user, tenant-admin or server-admin)");
    }

    /** The spelling used on the command line and in the API. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
