package org.postern.store.sql;

import java.util.LinkedHashMap;
import java.util.Map;
import org.postern.access.Scope;

/**
 * The SQL conditions that keep a statement inside a {@link Scope}: {@code sql()} is appended to a
 * WHERE clause (it starts with " AND", or is empty for a server-wide scope) and {@code params()}
 * are bound with it. The conditions are built in code rather than as {@code (:t IS NULL OR ...)}
 * so that no parameter is ever an untyped null and the planner sees plain equalities.
 */
record ScopeFilter(String sql, Map<String, Object> params) {
    static final String TENANT_PARAM = "scopeTenant";
    static final String USER_PARAM = "scopeUser";

    /** For rows owned by a user: tenant and owner columns. */
    static ScopeFilter owned(Scope scope) {
        return of(scope, "tenant_id", "owner_id");
    }

    /** For tenant-level rows (domains): the tenant column; a user scope sees its tenant's rows. */
    static ScopeFilter tenantLevel(Scope scope, String tenantColumn) {
        return of(scope, tenantColumn, null);
    }

    /** For the users table, where the row's own id is the owner. */
    static ScopeFilter users(Scope scope) {
        return of(scope, "tenant_id", "id");
    }

    private static ScopeFilter of(Scope scope, String tenantColumn, String userColumn) {
        StringBuilder sql = new StringBuilder();
        Map<String, Object> params = new LinkedHashMap<>();
        scope.tenant().ifPresent(t -> {
            sql.append(" AND ").append(tenantColumn).append(" = :").append(TENANT_PARAM);
            params.put(TENANT_PARAM, t.value().toString());
        });
        if (userColumn != null) {
            scope.user().ifPresent(u -> {
                sql.append(" AND ").append(userColumn).append(" = :").append(USER_PARAM);
                params.put(USER_PARAM, u.value().toString());
            });
        }
        return new ScopeFilter(sql.toString(), Map.copyOf(params));
    }
}
